"""The Rasa server's answer when the action server fails: Rasa's own RemoteAction, FormAction and slot extraction,
the bot's real domain and Rasa's NLG, against real sockets that refuse, hang or answer 500."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import ActionExtractSlots, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerContact
from launch.processes import free_port
from rasa_extensions import action_fallback
from rasa_extensions.action_fallback import CallSettings, SkipAfterTimeout, fallback_events

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY_NOON_UTC = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)

action_fallback.install()


@cache
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


def conversation(text: str = "hello", active_loop: str | None = None, **slots: Any) -> DialogueStateTracker:
    events: list[Event] = [ActionExecuted("action_listen")]
    if active_loop:
        events.append(ActiveLoop(active_loop))
    events += [SlotSet(name, value) for name, value in slots.items()]
    events += [ActionExecuted("action_listen"), UserUttered(text, {"name": "inform", "confidence": 0.9})]
    return DialogueStateTracker.from_events("someone", events, slots=domain().slots)


def texts(events: list[Event]) -> list[str]:
    return [event.text for event in events if isinstance(event, BotUttered)]


def nlg() -> TemplatedNaturalLanguageGenerator:
    return TemplatedNaturalLanguageGenerator(domain().responses)


def endpoint(port: int, **settings: Any) -> EndpointConfig:
    return EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", **settings)


async def run_remote(name: str, tracker: DialogueStateTracker, config: EndpointConfig) -> list[Event]:
    return await RemoteAction(name, config).run(CollectingOutputChannel(), nlg(), tracker, domain())


@contextlib.asynccontextmanager
async def server(reply: bytes | None) -> AsyncIterator[tuple[int, list[int]]]:
    """A real HTTP server on a free port: answers every request with `reply`, or (None) never answers.
    Yields its port and a list that counts the connections it got."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await reader.readuntil(b"\r\n\r\n")
        if reply is None:
            await asyncio.sleep(3600)
        writer.write(reply)
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield listening.sockets[0].getsockname()[1], connections
    finally:
        listening.close()


ERROR_500 = b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\noops!"


# -- when the action server is down ------------------------------------------------------------------------------


def test_a_refused_answer_action_becomes_an_apology_with_the_case_link():
    events = asyncio.run(run_remote("action_answer_contact", conversation(), endpoint(free_port())))
    [text] = texts(events)
    assert text.startswith("Sorry, part of my service is not working right now")
    assert "https://www.chargepoint.com/support" in text


def test_with_country_and_role_known_the_apology_comes_with_the_number():
    tracker = conversation(country="DE", role="driver")
    events = asyncio.run(run_remote("action_answer_contact", tracker, endpoint(free_port())))
    apology, answer = texts(events)
    assert apology.startswith("Sorry, part of my service is not working right now")
    assert "+49 69 95307383" in answer
    assert "tel:+496995307383" in answer
    assert "https://www.chargepoint.com/support" in answer


def test_the_fallback_answer_is_the_text_the_action_server_would_send():
    fallback = asyncio.run(
        fallback_events(
            "action_answer_contact",
            CollectingOutputChannel(),
            nlg(),
            conversation(country="SE", role="business", language="sv"),
            domain(),
            WEDNESDAY_NOON_UTC,
        )
    )
    dispatcher = CollectingDispatcher()
    sdk_tracker = Tracker.from_dict(conversation(country="SE", role="business", language="sv").current_state())
    asyncio.run(ActionAnswerContact(clock=lambda: WEDNESDAY_NOON_UTC).run(dispatcher, sdk_tracker, domain().as_dict()))
    assert texts(fallback)[1] == dispatcher.messages[0]["text"]


def test_the_apology_is_in_the_persons_language():
    events = asyncio.run(run_remote("action_greet", conversation(language="de"), endpoint(free_port())))
    assert texts(events)[0].startswith("Entschuldigung, ein Teil meines Dienstes funktioniert gerade nicht")


def test_a_special_group_needs_no_country_for_its_number():
    events = asyncio.run(run_remote("action_answer_contact", conversation(role="be_energised"), endpoint(free_port())))
    assert len(texts(events)) == 2


def test_slot_mapping_fails_quietly_and_sets_nothing():
    events = asyncio.run(
        ActionExtractSlots(endpoint(free_port())).run(CollectingOutputChannel(), nlg(), conversation(), domain())
    )
    assert events == []


def test_asking_for_a_slot_falls_back_to_the_domains_question():
    events = asyncio.run(run_remote("action_ask_country", conversation(), endpoint(free_port())))
    assert texts(events) == [domain().responses["utter_ask_country"][0]["text"]]


def test_the_form_stops_asking_instead_of_asking_again_and_again():
    """The person answers the form's question while the action server is down: the form ends (so the answer's
    fallback speaks) rather than rejecting the answer and asking once more, every turn."""
    tracker = conversation("I drive an EV", active_loop="support_form", requested_slot="role", country="DE")
    form = FormAction("support_form", endpoint(free_port()))
    events = asyncio.run(form.run(CollectingOutputChannel(), nlg(), tracker, domain()))
    assert SlotSet("requested_slot", None) in events
    assert events[-1] == ActiveLoop(None)
    assert not texts(events)


def test_a_form_started_while_the_action_server_is_down_ends_at_once():
    tracker = conversation("I need the number")
    form = FormAction("support_form", endpoint(free_port()))
    events = asyncio.run(form.run(CollectingOutputChannel(), nlg(), tracker, domain()))
    assert events[0] == ActiveLoop("support_form")
    assert events[-1] == ActiveLoop(None)


# -- when it is slow or broken -----------------------------------------------------------------------------------


def test_a_hanging_action_server_is_given_up_after_the_timeout_and_then_skipped():
    async def scenario() -> tuple[list[Event], list[Event], int]:
        async with server(reply=None) as (port, connections):
            config = endpoint(port, timeout=0.5, retry_after=60)
            first = await run_remote("action_answer_contact", conversation(), config)
            second = await run_remote("action_answer_contact", conversation(), config)
            return first, second, len(connections)

    first, second, connections = asyncio.run(scenario())
    assert texts(first)[0].startswith("Sorry")
    assert texts(second)[0].startswith("Sorry")
    assert connections == 1  # the second call did not wait for it again


def test_a_500_gets_the_fallback_and_the_next_call_still_tries_the_server():
    async def scenario() -> tuple[list[Event], int]:
        async with server(reply=ERROR_500) as (port, connections):
            config = endpoint(port, timeout=5)
            events = await run_remote("action_answer_contact", conversation(), config)
            await run_remote("action_answer_contact", conversation(), config)
            return events, len(connections)

    events, connections = asyncio.run(scenario())
    assert texts(events)[0].startswith("Sorry")
    assert connections == 2


def test_a_working_action_server_is_used_as_it_is():
    body = b'{"events": [{"event": "slot", "name": "country", "value": "NO"}], "responses": []}'
    reply = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    async def scenario() -> list[Event]:
        async with server(reply=reply) as (port, _):
            return await run_remote("action_resolve_slots", conversation(), endpoint(port))

    assert asyncio.run(scenario()) == [SlotSet("country", "NO")]


# -- settings ------------------------------------------------------------------------------------------------------


def test_settings_come_from_the_endpoint_and_nonsense_falls_back_to_the_defaults():
    assert CallSettings.of({"timeout": 2, "retry_after": "30"}) == CallSettings(2.0, 30.0)
    defaults = CallSettings(action_fallback.DEFAULT_TIMEOUT_SECONDS, action_fallback.DEFAULT_RETRY_AFTER_SECONDS)
    assert CallSettings.of({}) == defaults
    assert CallSettings.of({"timeout": -1, "retry_after": "soon"}) == defaults
    assert CallSettings.of({"timeout": math.inf}) == defaults


def test_the_endpoints_files_set_the_timeout_deliberately():
    import yaml

    for name in ("endpoints.yml", "endpoints.scale.yml"):
        settings = yaml.safe_load((ROOT / "bot" / name).read_text())["action_endpoint"]
        assert 0 < settings["timeout"] < 60, name
        assert settings["retry_after"] > 0, name


@pytest.mark.parametrize(("now", "skipped"), [(99.9, True), (100.0, False)])
def test_after_a_timeout_calls_are_skipped_for_retry_after_seconds(now, skipped):
    skip = SkipAfterTimeout()
    assert not skip.skips("http://a", 0.0)
    skip.timed_out("http://a", now=90.0, retry_after=10.0)
    assert skip.skips("http://a", now) is skipped
    assert not skip.skips("http://b", now)
