"""The cached event lookup answers as Rasa's does, and stops walking the subclass tree once it has an answer."""

from __future__ import annotations

from unittest import mock

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from rasa_extensions import event_lookup

RASA_LOOKUP = Event.resolve_by_type


@pytest.fixture()
def lookup():
    return event_lookup.caching(RASA_LOOKUP)


@pytest.mark.parametrize("name", ["slot", "user", "action", "session_started", "bot", "followup", "restart"])
def test_finds_what_rasa_finds(lookup, name: str) -> None:
    assert lookup(name) is RASA_LOOKUP(name)
    assert lookup(name) is RASA_LOOKUP(name)  # and again, from what it remembered


def test_unknown_names_default_and_topic_behave_as_rasas(lookup) -> None:
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        lookup("no_such_event")
    assert lookup("no_such_event", SlotSet) is SlotSet
    assert lookup("topic") is None
    with pytest.raises(ValueError):
        lookup("no_such_event")  # a default once given is not remembered for the name


def test_the_subclass_tree_is_walked_once_per_name(lookup) -> None:
    with mock.patch.object(
        rasa.shared.utils.common, "all_subclasses", wraps=rasa.shared.utils.common.all_subclasses
    ) as walk:
        for _ in range(5):
            assert lookup("user") is UserUttered
            assert lookup("action") is ActionExecuted
    assert sum(1 for call in walk.call_args_list if call.args == (Event,)) == 2  # one walk for each name


def test_install_replaces_rasas_lookup_once() -> None:
    try:
        event_lookup.install()
        installed = Event.resolve_by_type
        event_lookup.install()
        assert Event.resolve_by_type is installed
        assert Event.from_parameters({"event": "slot", "name": "country", "value": "DE"}) == SlotSet("country", "DE")
    finally:
        Event.resolve_by_type = staticmethod(RASA_LOOKUP)
