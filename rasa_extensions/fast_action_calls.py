"""Custom action calls without three costs that Rasa 3.6 pays on every one of them.

A profile of the Rasa server under load (issue 6) put 20 % of its CPU in `RemoteAction._validate_action_result`,
because `jsonschema.validate()` checks the schema itself and builds a new validator on every call, and 14 % in
JSON-encoding the domain (87 KB here) that goes with every action call although it never changes while a model is
loaded. This extension

- validates each action server response with validators built once for Rasa's own schema, each event against
  the one event schema its name selects (`ResponseValidator`: 104 us instead of 651 us for a four-event
  response); a response that does not validate is handed to Rasa's own method, so the exception and its message
  are exactly Rasa's;
- encodes a Domain's dict once and builds each request body around that text. The bytes sent are exactly what
  `json.dumps(body)` (aiohttp's default for `json=`) gives, with the same headers, so rasa-sdk receives the same JSON;
- keeps the action endpoint's HTTP session, and so its connections, open between calls (`KeptAliveSessions`):
  CPU per message down from 16.0/14.3 to 12.9/12.8 ms in the Rasa server and from 5.3/4.7 to 3.7/3.6 ms in
  the action server (bench/load.py, 10 conversations, two A/B rounds).

It replaces `RemoteAction._action_call_format`, `RemoteAction._validate_action_result` and `EndpointConfig.request`,
each by a wrapper that calls Rasa's own; `RemoteAction.run` stays Rasa's (another extension wraps it).
A Domain is not changed while it is loaded (Rasa builds a new one for a new model); the encoded text is kept per
Domain object and dropped with it.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import Any

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

DOMAIN_KEY = "domain"
_INSTALLED_MARK = "_fast_action_calls"


class ActionCallBody(dict):
    """A request body whose domain is already encoded; a plain dict to anything that reads it."""

    __slots__ = ("domain_data", "domain_json")

    def __init__(self, body: dict[str, Any], domain_data: dict[str, Any], domain_json: str) -> None:
        super().__init__(body)
        self.domain_data = domain_data
        self.domain_json = domain_json

    def encoded(self) -> bytes:
        """`json.dumps(self).encode()`, reusing the domain's text when the body still holds that domain, last."""
        keys = list(self)
        if not keys or keys[-1] != DOMAIN_KEY or self[DOMAIN_KEY] is not self.domain_data:
            return json.dumps(self).encode("utf-8")
        head = {key: self[key] for key in keys[:-1]}
        opening = json.dumps(head)[:-1] + ", " if head else "{"
        return f"{opening}{json.dumps(DOMAIN_KEY)}: {self.domain_json}}}".encode()


class _DomainJson:
    """The JSON text of each loaded Domain's dict, computed once and forgotten when the Domain is."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[weakref.ref, dict[str, Any], str]] = {}

    def text(self, domain: Domain, data: dict[str, Any]) -> str:
        key = id(domain)
        entry = self._texts.get(key)
        if entry is None or entry[0]() is not domain or entry[1] is not data:
            entry = (weakref.ref(domain, lambda _ref, key=key: self._texts.pop(key, None)), data, json.dumps(data))
            self._texts[key] = entry
        return entry[2]


_domain_json = _DomainJson()


def action_call_body(body: dict[str, Any], domain: Domain) -> dict[str, Any]:
    """The body Rasa built for an action call, carrying the domain's cached text when it includes the domain."""
    data = body.get(DOMAIN_KEY)
    if not isinstance(data, dict):
        return body  # selective domain: this action gets no domain
    return ActionCallBody(body, data, _domain_json.text(domain, data))


class ResponseValidator:
    """Rasa's check of an action server response, with the validators built once instead of on every call.

    Rasa's schema checks each event against a `oneOf` of some twenty event schemas, each told apart by the
    constant of its `event` key; jsonschema tries them in turn and builds an error for every one that fails.
    Exactly one can match an event's name, so each event is checked against that one (after the checks every
    event shares): the same answer, without the failures. A schema of another shape is checked whole.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        cls = validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate() does on every call
        self._whole = cls(schema)
        self._by_event = _events_by_name(schema, cls)

    def is_valid(self, result: Any) -> bool:
        if self._by_event is None:
            return best_match(self._whole.iter_errors(result)) is None
        outer, shared, by_name = self._by_event
        if not outer.is_valid(result):
            return False
        for event in result.get("events", ()) if isinstance(result, dict) else ():
            if not shared.is_valid(event):
                return False
            specific = by_name.get(event["event"])
            if specific is None or not specific.is_valid(event):
                return False
        return True


def _events_by_name(schema: dict[str, Any], cls: Any) -> tuple[Any, Any, dict[str, Any]] | None:
    """Validators for the response without its events' `oneOf`, for what every event shares, and per event name;
    None when the schema is not a `oneOf` of event schemas each fixing a distinct `event` constant."""
    events = schema.get("properties", {}).get("events", {})
    item = events.get("items", {}) if isinstance(events, dict) else {}
    choices = item.get("oneOf") if isinstance(item, dict) else None
    if (
        not choices
        or "event" not in item.get("required", ())
        or item.get("properties", {}).get("event") != {"type": "string"}
    ):
        return None
    names = [choice.get("properties", {}).get("event", {}).get("const") for choice in choices]
    if not all(isinstance(name, str) for name in names) or len(set(names)) != len(names):
        return None
    shared = {key: value for key, value in item.items() if key != "oneOf"}
    outer = {**schema, "properties": {**schema["properties"], "events": {**events, "items": {}}}}
    return cls(outer), cls(shared), {name: cls(choice) for name, choice in zip(names, choices, strict=True)}


_response_validator: ResponseValidator | None = None


def response_validator() -> ResponseValidator:
    global _response_validator
    if _response_validator is None:
        _response_validator = ResponseValidator(RemoteAction.action_response_format_spec())
    return _response_validator


class _OpenSession:
    """What Rasa's `async with self.session() as session` gets: the kept session, left open on the way out."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class KeptAliveSessions:
    """An action endpoint's HTTP session, kept open per event loop so that connections to the action server are
    reused; Rasa opens a session, and so a connection, for every call. Same headers, auth and overall timeout as
    `EndpointConfig.session()`. Idle connections are dropped after 2 s, before the action server's Sanic closes
    them (after 5 s), so a reused connection is never one the server is closing."""

    IDLE_SECONDS = 2.0

    def __init__(self, endpoint: EndpointConfig) -> None:
        self._endpoint = endpoint
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None

    def __call__(self) -> _OpenSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            settings = self._endpoint.basic_auth
            self._session = aiohttp.ClientSession(
                headers=self._endpoint.headers,
                auth=aiohttp.BasicAuth(settings["username"], settings["password"]) if settings else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=self.IDLE_SECONDS),
            )
            self._loop = loop
        return _OpenSession(self._session)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    @classmethod
    def install_on(cls, endpoint: EndpointConfig) -> None:
        """Replaces the endpoint's `session()` (on this one object) by a kept session, once."""
        if not isinstance(vars(endpoint).get("session"), cls):
            endpoint.session = cls(endpoint)


def install() -> None:
    """Wraps the three methods once; safe to call again."""
    if getattr(RemoteAction._action_call_format, _INSTALLED_MARK, False):
        return
    rasa_call_format = RemoteAction._action_call_format
    rasa_validate = RemoteAction._validate_action_result
    rasa_request = EndpointConfig.request
    rasa_schema = RemoteAction.action_response_format_spec

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Domain) -> dict[str, Any]:
        return action_call_body(rasa_call_format(self, tracker, domain), domain)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if type(self).action_response_format_spec is rasa_schema and response_validator().is_valid(result):
            return True
        return rasa_validate(self, result)  # an invalid response (or another schema): Rasa's own error

    async def request(
        self: EndpointConfig,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        body = kwargs.get("json")
        if isinstance(body, ActionCallBody) and content_type == "application/json":
            del kwargs["json"]
            kwargs["data"] = body.encoded()
            KeptAliveSessions.install_on(self)
        return await rasa_request(self, method, subpath, content_type, compress, **kwargs)

    for function in (_action_call_format, _validate_action_result, request):
        setattr(function, _INSTALLED_MARK, True)
    RemoteAction._action_call_format = _action_call_format
    RemoteAction._validate_action_result = _validate_action_result
    EndpointConfig.request = request
