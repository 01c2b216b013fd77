"""The action server's half of fast_action_calls: the domain in an action call is decoded once, not at every call.

Rasa sends the whole domain with every action call (about 100 KB here: the responses in twelve languages), and
rasa-sdk decodes every request body whole: 0.55 ms a call, some three calls a message, about a third of the action
server's CPU under load (bench/load.py with py-spy). The domain only changes with a new model, and
fast_action_calls sends it last in the body, as the same text every time. `DomainReusingDecoder` keeps the last
domain's text and value: a body that ends with exactly that text has only its head decoded, and the kept value is
put back. Any other body (another domain, another sender's layout, bad JSON) is decoded whole, as before.

A kept domain is shared by the calls that reuse it, so actions must not change the `domain` they are given (ours
and rasa-sdk's only read it; tests/actions checks that every action leaves it as it was).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanic.request import Request, json_loads

DOMAIN_KEY = "domain"
#: How json.dumps (and so fast_action_calls) writes the last key of a body.
_DOMAIN_MEMBER = b', "domain": '
_INSTALLED_MARK = "_decodes_domain_once"


class DomainReusingDecoder:
    """`loads(body)` for action call bodies, reusing the value of the domain text the previous body ended with.

    Only the event loop thread calls it (Sanic decodes a body in its handler), so it needs no lock.
    """

    def __init__(self, loads: Callable[[bytes], Any] = json_loads) -> None:
        self._loads = loads
        self._tail: bytes | None = None  # b', "domain": <the domain's text>}'
        self._domain: dict[str, Any] | None = None

    def __call__(self, body: bytes) -> Any:
        tail = self._tail
        if tail is not None and len(body) > len(tail) and body.endswith(tail):
            head = self._loads_or_none(body[: -len(tail)] + b"}")
            # A non-empty object with no domain of its own: the body is that object plus the kept domain.
            if isinstance(head, dict) and head and DOMAIN_KEY not in head:
                head[DOMAIN_KEY] = self._domain
                return head
        value = self._loads(body)
        self._remember_domain(body, value)
        return value

    def _remember_domain(self, body: bytes, value: Any) -> None:
        """Keeps the body's domain when the body is its head plus `, "domain": <text>}`, checked by decoding both."""
        if not isinstance(value, dict) or not isinstance(value.get(DOMAIN_KEY), dict):
            return
        split = body.rfind(_DOMAIN_MEMBER)
        if split < 0 or not body.endswith(b"}"):
            return
        head = self._loads_or_none(body[:split] + b"}")
        domain = self._loads_or_none(body[split + len(_DOMAIN_MEMBER) : -1])
        if domain == value[DOMAIN_KEY] and head == {key: item for key, item in value.items() if key != DOMAIN_KEY}:
            self._tail, self._domain = body[split:], value[DOMAIN_KEY]

    def _loads_or_none(self, text: bytes) -> Any:
        try:
            return self._loads(text)
        except ValueError:
            return None


def install() -> None:
    """Makes Sanic's `request.json` (what rasa-sdk's webhook reads) use one DomainReusingDecoder; once."""
    if getattr(Request.load_json, _INSTALLED_MARK, False):
        return
    decoder = DomainReusingDecoder()
    sanic_load_json = Request.load_json

    def load_json(self: Request, loads: Callable[[bytes], Any] = decoder) -> Any:
        return sanic_load_json(self, loads)

    setattr(load_json, _INSTALLED_MARK, True)
    Request.load_json = load_json
