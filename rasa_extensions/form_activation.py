"""Skips the second slot extraction Rasa 3.6 runs when a form activates, when it cannot change anything.

After every user message Rasa runs `action_extract_slots` (for this bot: one call to the action server's
`action_resolve_slots`). When that message activates a form, `FormAction.activate` runs it a second time, for
slot mappings that carry an `active_loop` condition: they could only match once the form is active. This bot's
domain has no mapping with conditions, so the second run repeats the first on the same message: one action
server round trip per conversation for nothing. The extension skips it only for domains without mapping
conditions; any domain that has them gets Rasa's behaviour unchanged.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.actions.action import ActionExtractSlots
from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import MAPPING_CONDITIONS
from rasa.shared.core.domain import Domain

_activating = contextvars.ContextVar("form_activating", default=False)


def has_mapping_conditions(domain: Domain) -> bool:
    """Whether any slot mapping of `domain` depends on the active loop or the requested slot."""
    return any(mapping.get(MAPPING_CONDITIONS) for slot in domain.slots for mapping in slot.mappings)


def marking_activation(activate: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`FormAction.activate`, with the fact that a form is activating visible to the extraction it runs."""

    @functools.wraps(activate)
    async def activate_marked(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = _activating.set(True)
        try:
            return await activate(self, *args, **kwargs)
        finally:
            _activating.reset(token)

    return activate_marked


def skipping_repeated_extraction(extract: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`ActionExtractSlots.run`, returning no events when run by a form's activation in a condition-free domain."""

    @functools.wraps(extract)
    async def extract_unless_repeated(
        self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Domain, *args: Any, **kwargs: Any
    ) -> Any:
        if _activating.get() and not has_mapping_conditions(domain):
            return []
        return await extract(self, output_channel, nlg, tracker, domain, *args, **kwargs)

    return extract_unless_repeated


def install() -> None:
    if getattr(FormAction.activate, "_project_extension", False):
        return
    FormAction.activate = marking_activation(FormAction.activate)
    FormAction.activate._project_extension = True  # type: ignore[attr-defined]
    ActionExtractSlots.run = skipping_repeated_extraction(ActionExtractSlots.run)
