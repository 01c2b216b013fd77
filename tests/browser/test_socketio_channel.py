"""The socket.io channel (rasa_extensions/channels/socketio.py) on the running bot, spoken to directly: what a
browser page would not send. Only the web page's origins may connect; malformed events are ignored and the
conversation goes on; a socket can only talk in the session the server confirmed to it."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.browser import domain
from tests.browser.socketio_polling import PollingSocket
from tests.browser.tracker_store import senders, user_events


def handshake(bot, origin: str) -> urllib.request.http.client.HTTPResponse:
    request = urllib.request.Request(f"{bot.rasa_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
    return urllib.request.urlopen(request, timeout=10)


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", "null"])
def test_a_page_from_another_origin_cannot_connect(bot, origin: str):
    with pytest.raises(urllib.error.HTTPError) as refused:
        handshake(bot, origin)
    assert refused.value.code == 400
    assert refused.value.headers.get("Access-Control-Allow-Origin") is None


def test_the_web_pages_origins_can_connect(bot, web_port: int):
    for origin in (f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"):
        with handshake(bot, origin) as response:
            assert response.status == 200
            # Once: Rasa's --cors (the HTTP API's, same origins here as with `make run`) must not add a second one.
            assert response.headers.get_all("Access-Control-Allow-Origin") == [origin]


def test_malformed_events_are_ignored_and_the_conversation_goes_on(bot, web_port: int):
    socket = PollingSocket(bot.rasa_url, origin=f"http://127.0.0.1:{web_port}")
    socket.emit("session_request", {"session_id": "../../not a session id"})
    (_, session), *_ = [event for event in socket.events(30, until="session_confirm") if event[0] == "session_confirm"]
    assert re.fullmatch(r"[0-9a-f]{32}", session), "a made-up session id is replaced by a new one"

    socket.emit("user_uttered", "not an object")
    socket.emit("user_uttered", {"message": ["not", "text"], "session_id": session})
    socket.emit("user_uttered", {"message": "I drive an EV in Sweden", "session_id": "someone-elses-session"})
    socket.emit("user_uttered", {"message": "I drive an EV in Germany", "session_id": session, "customData": "{"})

    replies = [data for event, data in socket.events(30, until="bot_uttered") if event == "bot_uttered"]
    number = domain.numbers("DE", "driver")[0]
    assert replies and domain.tel(number) in replies[0]["text"]
    socket.close()

    assert "someone-elses-session" not in senders(bot), "a socket talks only in the session it was confirmed"
    assert [event["text"] for event in user_events(bot, session)] == ["I drive an EV in Germany"]
    with urllib.request.urlopen(f"{bot.rasa_url}/", timeout=5) as response:
        assert response.status == 200
