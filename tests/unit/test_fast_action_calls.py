"""rasa_extensions.fast_action_calls against Rasa's own code: the same bytes on the wire, the same verdicts, errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import aiohttp.web
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions import fast_action_calls

ROOT = Path(__file__).resolve().parents[2]
ORIGINALS = {
    (RemoteAction, "_action_call_format"): RemoteAction._action_call_format,
    (RemoteAction, "_validate_action_result"): RemoteAction._validate_action_result,
    (EndpointConfig, "request"): EndpointConfig.request,
}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture()
def installed() -> Iterator[None]:
    """The extension installed for one test, Rasa's own methods restored afterwards."""
    fast_action_calls.install()
    yield
    for (cls, name), original in ORIGINALS.items():
        setattr(cls, name, original)


def tracker(domain: Domain) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered(
            "Jeg er sjåfør i Tyskland, ring meg på +47 912 34 567 «snart» 🚗",
            intent={"name": "driver_issue", "confidence": 0.93},
            entities=[{"entity": "place", "value": "Tyskland", "start": 17, "end": 25}],
            parse_data={"text": "…", "intent": {"name": "driver_issue", "confidence": 0.93}},
            metadata={"language": "nb-NO"},
        ),
        SlotSet("language", "nb"),
    ]
    return DialogueStateTracker.from_events("sender-æøå", events, slots=domain.slots)


def rasa_body(action: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> bytes:
    """What Rasa 3.6 sends: aiohttp encodes `json=` with json.dumps and UTF-8."""
    return json.dumps(ORIGINALS[(RemoteAction, "_action_call_format")](action, tracker, domain)).encode("utf-8")


def test_body_is_byte_for_byte_rasas(domain: Domain, installed: None) -> None:
    action = RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook"))
    conversation = tracker(domain)
    expected = rasa_body(action, conversation, domain)
    for _ in range(2):  # the second call uses the cached domain text
        body = action._action_call_format(conversation, domain)
        assert isinstance(body, fast_action_calls.ActionCallBody)
        assert body == json.loads(expected)
        assert body.encoded() == expected
    assert len(expected) > 50_000  # the real domain went with it


def test_a_new_domain_is_encoded_anew(domain: Domain, installed: None) -> None:
    action = RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook"))
    other = Domain.from_dict({"intents": ["greet"], "responses": {"utter_hi": [{"text": "hi"}]}})
    for each in (domain, other, domain):
        conversation = DialogueStateTracker.from_events("s", [], slots=each.slots)
        assert action._action_call_format(conversation, each).encoded() == rasa_body(action, conversation, each)


def test_a_body_changed_after_it_was_built_is_encoded_as_it_is(domain: Domain) -> None:
    body = fast_action_calls.action_call_body({"next_action": "a", "domain": domain.as_dict()}, domain)
    body["domain"] = {"replaced": True}
    assert body.encoded() == json.dumps({"next_action": "a", "domain": {"replaced": True}}).encode()
    body["version"] = "x"  # domain no longer last
    assert body.encoded() == json.dumps(dict(body)).encode()


def test_selective_domain_leaves_the_body_alone(domain: Domain, installed: None) -> None:
    action = RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True))
    body = action._action_call_format(tracker(domain), domain)
    assert "domain" not in body
    assert not isinstance(body, fast_action_calls.ActionCallBody)


async def _wire(send, peers: list[tuple[str, int]] | None = None) -> list[tuple[bytes, dict[str, str]]]:
    """Runs a real HTTP server on loopback, lets `send(url)` post to it, and returns what arrived (and in `peers`,
    the client address of each request: one address for several requests means one reused connection)."""
    received: list[tuple[bytes, dict[str, str]]] = []

    async def webhook(request: aiohttp.web.Request) -> aiohttp.web.Response:
        received.append((await request.read(), dict(request.headers)))
        if peers is not None:
            peers.append(request.transport.get_extra_info("peername"))
        return aiohttp.web.json_response({"events": [], "responses": []})

    app = aiohttp.web.Application(client_max_size=2**24)
    app.router.add_post("/webhook", webhook)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        await send(f"http://127.0.0.1:{port}/webhook")
    finally:
        await runner.cleanup()
    return received


@pytest.mark.parametrize("compress", [False, True])
def test_the_request_on_the_wire_is_rasas(domain: Domain, compress: bool) -> None:
    conversation = tracker(domain)

    async def send(url: str) -> None:
        endpoint = EndpointConfig(url, headers={"X-Extra": "1"})
        action = RemoteAction("action_answer", endpoint)
        body = action._action_call_format(conversation, domain)
        answer = await endpoint.request(json=body, method="post", timeout=10, compress=compress)
        assert action._validate_action_result(answer)

    before = asyncio.run(_wire(send))
    fast_action_calls.install()
    try:
        after = asyncio.run(_wire(send))
    finally:
        for (cls, name), original in ORIGINALS.items():
            setattr(cls, name, original)
    (body_before, headers_before), (body_after, headers_after) = before[0], after[0]
    assert body_after == body_before
    for header in ("Content-Type", "Content-Length", "Content-Encoding", "X-Extra", "Transfer-Encoding"):
        assert headers_after.get(header) == headers_before.get(header), header


def test_action_calls_reuse_one_connection_where_rasa_opens_one_each(domain: Domain) -> None:
    conversation = tracker(domain)

    def connections_for_three_calls() -> int:
        peers: list[tuple[str, int]] = []

        async def send(url: str) -> None:
            endpoint = EndpointConfig(url, headers={"X-Extra": "1"})
            action = RemoteAction("action_answer", endpoint)
            for _ in range(3):
                answer = await endpoint.request(json=action._action_call_format(conversation, domain), method="post")
                assert action._validate_action_result(answer)
            session = vars(endpoint).get("session")
            if isinstance(session, fast_action_calls.KeptAliveSessions):
                await session.close()

        asyncio.run(_wire(send, peers))
        assert len(peers) == 3
        return len(set(peers))

    assert connections_for_three_calls() == 3
    fast_action_calls.install()
    try:
        assert connections_for_three_calls() == 1
    finally:
        for (cls, name), original in ORIGINALS.items():
            setattr(cls, name, original)


def test_a_kept_session_follows_a_new_event_loop(domain: Domain) -> None:
    """A session belongs to the loop it was made on; a server restarted in-process gets a new one."""
    endpoint = EndpointConfig(
        "http://127.0.0.1:1/webhook", headers={"X-Extra": "1"}, basic_auth={"username": "u", "password": "p"}
    )
    sessions = fast_action_calls.KeptAliveSessions(endpoint)

    async def session_now() -> aiohttp.ClientSession:
        async with sessions() as session:
            assert session._default_auth == aiohttp.BasicAuth("u", "p") and session.headers["X-Extra"] == "1"
            return session

    async def twice() -> tuple[aiohttp.ClientSession, aiohttp.ClientSession]:
        return await session_now(), await session_now()

    first, again = asyncio.run(twice())
    assert first is again and not first.closed
    assert asyncio.run(session_now()) is not first
    asyncio.run(sessions.close())


VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "country", "value": "DE"}], "responses": [{"text": "hei"}]},
    {"events": [{"event": "followup", "name": "action_x"}, {"event": "action_execution_rejected"}]},
]
INVALID = [
    [],
    "text",
    {"events": {"event": "slot"}},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "hei"},
    {"responses": ["hei"]},
]


@pytest.mark.parametrize("result", VALID)
def test_a_valid_response_passes_as_with_rasa(result: object, installed: None) -> None:
    action = RemoteAction("action_answer", None)
    assert ORIGINALS[(RemoteAction, "_validate_action_result")](action, result) is True
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_response_fails_as_with_rasa(result: object, installed: None) -> None:
    action = RemoteAction("action_answer", None)
    with pytest.raises(ValidationError) as rasa_error:
        ORIGINALS[(RemoteAction, "_validate_action_result")](action, result)
    with pytest.raises(ValidationError) as error:
        action._validate_action_result(result)
    assert type(error.value) is type(rasa_error.value)
    assert str(error.value) == str(rasa_error.value)
    assert error.value.message == rasa_error.value.message
    assert list(error.value.path) == list(rasa_error.value.path)
    assert "Failed to validate Action server response" in error.value.message


def test_install_twice_wraps_once(installed: None) -> None:
    wrapped = RemoteAction._validate_action_result
    fast_action_calls.install()
    assert RemoteAction._validate_action_result is wrapped


def _event_variants() -> list[object]:
    """Every event Rasa defines, as an action would return it, and each spoiled in the ways a schema notices."""
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    names = [choice["properties"]["event"]["const"] for choice in EVENT_SCHEMA["oneOf"]]
    names += [cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event) if hasattr(cls, "type_name")]
    variants: list[object] = []
    for name in sorted(set(names)):
        good = {"event": name, "timestamp": 1.5, "name": "x", "value": 1, "entities": [], "text": "hei"}
        variants += [
            good,
            {"event": name},
            {**good, "name": 3},
            {**good, "value": None},
            {**good, "entities": [{"entity": "location"}]},
            {**good, "timestamp": "now"},
            {**good, "metadata": []},
            {**good, "parse_data": {"intent": {"name": 3}}},
            {**good, "policy": 1, "confidence": "high"},
            {**good, "event": name.upper()},
        ]
    return [*variants, {"event": 3}, {"event": None}, "slot", None, [], {}]


@pytest.mark.parametrize("event", _event_variants())
def test_each_event_is_judged_as_rasas_schema_judges_it(event: object) -> None:
    from jsonschema import ValidationError as SchemaError
    from jsonschema import validate

    schema = RemoteAction.action_response_format_spec()
    result = {"events": [{"event": "slot", "name": "role", "value": "driver"}, event]}
    try:
        validate(result, schema)
        rasa_says = True
    except SchemaError:
        rasa_says = False
    assert fast_action_calls.ResponseValidator(schema).is_valid(result) is rasa_says


def test_a_schema_of_another_shape_is_checked_whole() -> None:
    schema = {"type": "object", "properties": {"events": {"type": "array", "items": {"oneOf": [{"type": "string"}]}}}}
    validator = fast_action_calls.ResponseValidator(schema)
    assert validator.is_valid({"events": ["a"]}) and not validator.is_valid({"events": [1]})
