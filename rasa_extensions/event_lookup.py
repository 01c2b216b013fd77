"""Finds an event's class by its name without walking Event's whole subclass tree for every event.

Rasa 3.6's `Event.resolve_by_type` lists every subclass of `Event` (recursively, some forty classes) and compares
names, for each event it turns back into an object: every event read from the tracker store on every turn and
every event an action returns. Under load that was 2.8 % of the Rasa server's CPU (py-spy, 10 conversations).
This keeps the classes Rasa's lookup found, by name; a name it has not found yet (a new subclass, an unknown
name, its `default`, the legacy "topic") still goes to Rasa's own lookup, so results and errors are Rasa's.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import Event

_INSTALLED_MARK = "_event_lookup"


def caching(rasa_lookup: Any) -> Any:
    """Rasa's lookup with the classes it found remembered by name."""
    found: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        cls = found.get(type_name)
        if cls is None:
            cls = rasa_lookup(type_name, default)
            if cls is not None and cls is not default and getattr(cls, "type_name", None) == type_name:
                found[type_name] = cls
        return cls

    setattr(resolve_by_type, _INSTALLED_MARK, True)
    return resolve_by_type


def install() -> None:
    """Replaces `Event.resolve_by_type` once; safe to call again."""
    if getattr(Event.resolve_by_type, _INSTALLED_MARK, False):
        return
    Event.resolve_by_type = staticmethod(caching(Event.resolve_by_type))
