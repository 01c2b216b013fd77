"""rasa_extensions.action_call_decoding: every body decodes to what json.loads gives, and a repeated domain is
decoded once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sanic.request import Request

from rasa_extensions import action_call_decoding, fast_action_calls
from rasa_extensions.action_call_decoding import DomainReusingDecoder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


class CountingLoads:
    """json.loads, counting the bytes it is given."""

    def __init__(self) -> None:
        self.decoded_bytes = 0

    def __call__(self, text: bytes) -> Any:
        self.decoded_bytes += len(text)
        return json.loads(text)


def body(domain: Domain, text: str, metadata: dict[str, Any] | None = None) -> bytes:
    """An action call body as the Rasa server sends it (fast_action_calls), for a conversation with `text`."""
    events = [
        ActionExecuted("action_listen"),
        UserUttered(text, intent={"name": "inform", "confidence": 0.9}, metadata=metadata or {}),
        SlotSet("language", "nb"),
    ]
    tracker = DialogueStateTracker.from_events("sender-æøå", events, slots=domain.slots)
    rasa_format = RemoteAction("action_resolve_slots", EndpointConfig("http://127.0.0.1:1/webhook"))
    call = fast_action_calls.action_call_body(RemoteAction._action_call_format(rasa_format, tracker, domain), domain)
    assert isinstance(call, fast_action_calls.ActionCallBody)
    return call.encoded()


def test_a_repeated_domain_is_decoded_once(domain: Domain) -> None:
    loads = CountingLoads()
    decoder = DomainReusingDecoder(loads)
    first, second = body(domain, "Jeg er i «Tyskland» 🚗"), body(domain, "no, Sverige")
    assert decoder(first) == json.loads(first)
    loads.decoded_bytes = 0
    decoded = decoder(second)
    assert decoded == json.loads(second)
    assert loads.decoded_bytes < len(second) / 10  # the head only: the domain is most of the body
    assert decoder(first)[action_call_decoding.DOMAIN_KEY] is decoded[action_call_decoding.DOMAIN_KEY]


def test_another_domain_is_decoded_whole_and_kept(domain: Domain) -> None:
    other = Domain.from_dict({"intents": ["greet"], "responses": {"utter_hi": [{"text": "hi"}]}})
    decoder = DomainReusingDecoder()
    for each in (domain, other, domain, other):
        sent = body(each, "hei")
        assert decoder(sent) == json.loads(sent)


@pytest.mark.parametrize(
    "metadata",
    [
        {"domain": {"a": 1}},  # a channel's metadata with a key of the same name
        {"note": ', "domain": {}}'},  # the member's text inside a string
    ],
)
def test_a_domain_key_elsewhere_in_the_body_changes_nothing(domain: Domain, metadata: dict[str, Any]) -> None:
    decoder = DomainReusingDecoder()
    for text in ("hei", "hallo", ', "domain": {}}'):
        sent = body(domain, text, metadata)
        assert decoder(sent) == json.loads(sent)


def test_a_body_that_is_not_json_is_refused_as_before(domain: Domain) -> None:
    decoder = DomainReusingDecoder()
    sent = body(domain, "hei")
    decoder(sent)
    tail = sent[sent.rfind(b', "domain": ') :]
    for broken in (b"{" + tail, b'{"a": ' + tail, b"[1" + tail, sent[:-1]):
        with pytest.raises(ValueError):
            decoder(broken)
    assert decoder(b'{"a": 1, "domain": 2}') == {"a": 1, "domain": 2}


@pytest.fixture()
def sanic_load_json() -> Iterator[Any]:
    """Sanic's own Request.load_json, restored after the test."""
    original = Request.load_json
    yield original
    Request.load_json = original


def test_installed_once_for_sanic_requests(domain: Domain, sanic_load_json: Any) -> None:
    action_call_decoding.install()
    installed = Request.load_json
    assert installed is not sanic_load_json
    action_call_decoding.install()
    assert Request.load_json is installed
    request = Request.__new__(Request)  # what rasa-sdk's webhook reads: `request.json`, decoded by load_json
    request.parsed_json, request.body = None, body(domain, "hei")
    assert request.json == json.loads(request.body)
