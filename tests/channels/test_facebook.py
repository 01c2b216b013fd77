"""Facebook Messenger: page webhooks signed with the app secret, posted to /webhooks/facebook/webhook; replies as
the Send API (/me/messages) got them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from tests.channels.conftest import (
    FACEBOOK_APP_SECRET,
    FACEBOOK_PAGE_TOKEN,
    FACEBOOK_VERIFY_TOKEN,
    ChannelBot,
    payload,
)

WEBHOOK = "/webhooks/facebook/webhook"
PERSON = "7092834561234567"


def post_signed(channels: ChannelBot, event: dict, header: str = "X-Hub-Signature-256", secret: str = "") -> int:
    """As Meta posts: the body signed with the app secret, `sha256=<hex>` (or the older `sha1=<hex>`)."""
    body = json.dumps(event).encode()
    algorithm = "sha256" if header.endswith("256") else "sha1"
    digest = hmac.new((secret or FACEBOOK_APP_SECRET).encode(), body, getattr(hashlib, algorithm)).hexdigest()
    return channels.post(WEBHOOK, body, {"Content-Type": "application/json", header: f"{algorithm}={digest}"})[0]


def text_event(text: str, sender: str = PERSON) -> dict:
    event = payload("facebook_message.json")
    messaging = event["entry"][0]["messaging"][0]
    messaging["message"]["text"] = text
    messaging["sender"]["id"] = sender
    return event


def messages_to(sender: str):
    return lambda call: call.body.get("recipient", {}).get("id") == sender and "message" in call.body


def test_the_webhook_verification_is_answered_only_with_the_verify_token(channels: ChannelBot) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": FACEBOOK_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    assert channels.request("GET", f"{WEBHOOK}?{urlencode(query)}") == (200, b"1158201444")
    query["hub.verify_token"] = "guessed"
    assert channels.request("GET", f"{WEBHOOK}?{urlencode(query)}")[0] == 403


def test_a_conversation_with_quick_replies_ends_with_the_number_in_plain_text(channels: ChannelBot) -> None:
    assert post_signed(channels, text_event("I need support")) == 200
    [question] = channels.providers.wait_for("facebook", "me/messages", messages_to(PERSON))
    assert question.headers["authorization"] == f"Bearer {FACEBOOK_PAGE_TOKEN}"
    assert "access_token" not in question.query  # a URL ends up in logs
    assert (
        question.query["appsecret_proof"]
        == hmac.new(FACEBOOK_APP_SECRET.encode(), FACEBOOK_PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()
    )
    message = question.body["message"]
    # Four options with long titles: quick replies, numbered, each title within Messenger's 20 characters.
    assert message["text"].startswith("Who should I find support for?\n\n1. EV driver or ChargePoint account\n2. ")
    replies = message["quick_replies"]
    assert len(replies) == 4
    assert replies[0] == {
        "content_type": "text",
        "title": "1. EV driver or Cha…",
        "payload": '/inform{"role":"driver"}',
    }
    assert all(len(reply["title"]) <= 20 for reply in replies)
    actions = [c.body["sender_action"] for c in channels.providers.calls_to("facebook") if "sender_action" in c.body]
    assert {"mark_seen", "typing_on", "typing_off"} <= set(actions)

    assert post_signed(channels, payload("facebook_quick_reply.json")) == 200  # "1. EV driver ..." tapped
    country_question = channels.providers.wait_for("facebook", "me/messages", messages_to(PERSON), count=2)[1]
    assert "country" in country_question.body["message"]["text"].lower()

    assert post_signed(channels, text_event("Germany")) == 200
    answer = channels.providers.wait_for("facebook", "me/messages", messages_to(PERSON), count=3)[2]
    text = answer.body["message"]["text"]
    assert "+49 69 95307383" in text, text
    assert "](" not in text and "tel:" not in text and "**" not in text, text
    assert "https://www.chargepoint.com/support" in text
    assert answer.body["messaging_type"] == "RESPONSE"


def test_a_postback_is_the_buttons_payload(channels: ChannelBot) -> None:
    postback = payload("facebook_postback.json")  # "Station owner" pressed on a button template
    sender = postback["entry"][0]["messaging"][0]["sender"]["id"]
    assert post_signed(channels, postback) == 200
    [question] = channels.providers.wait_for("facebook", "me/messages", messages_to(sender))
    assert "country" in question.body["message"]["text"].lower()
    assert post_signed(channels, text_event("Germany", sender=sender)) == 200
    answer = channels.providers.wait_for("facebook", "me/messages", messages_to(sender), count=2)[1]
    assert "+49 30 72621256" in answer.body["message"]["text"]  # the business line


def test_every_event_of_a_batched_request_is_answered(channels: ChannelBot) -> None:
    first, second = text_event("Hello", sender="7092834561230002"), text_event("Hello", sender="7092834561230003")
    first["entry"].append(second["entry"][0])
    assert post_signed(channels, first) == 200
    channels.providers.wait_for("facebook", "me/messages", messages_to("7092834561230002"))
    channels.providers.wait_for("facebook", "me/messages", messages_to("7092834561230003"))


def test_the_older_sha1_signature_is_accepted(channels: ChannelBot) -> None:
    assert post_signed(channels, text_event("Hello", sender="7092834561230004"), header="X-Hub-Signature") == 200
    channels.providers.wait_for("facebook", "me/messages", messages_to("7092834561230004"))


def test_requests_without_a_valid_signature_are_refused(channels: ChannelBot) -> None:
    forged = text_event("I am a driver in Germany", sender="7092834561230005")
    assert post_signed(channels, forged, secret="not-the-app-secret") == 403
    assert channels.post(WEBHOOK, json.dumps(forged).encode(), {"Content-Type": "application/json"})[0] == 403
    body = json.dumps(forged).encode()
    md5 = hmac.new(FACEBOOK_APP_SECRET.encode(), body, hashlib.md5).hexdigest()
    assert channels.post(WEBHOOK, body, {"Content-Type": "application/json", "X-Hub-Signature": f"md5={md5}"})[0] == 403
    time.sleep(1)
    assert not [call for call in channels.providers.calls_to("facebook") if messages_to("7092834561230005")(call)]


def test_a_signed_body_that_is_not_a_page_event_is_a_clean_400(channels: ChannelBot) -> None:
    assert post_signed(channels, {"object": "instagram", "entry": []}) == 400
    assert post_signed(channels, {"object": "page", "entry": "nonsense"}) == 200  # nothing in it to answer
