"""When the action server is down or slow, the bot still answers, from what the Rasa server itself knows.

Rasa 3.6 has no fallback for custom actions: a refused connection drops the action's events and the person gets
an empty reply (`[]`), and an action server that hangs holds the turn for 300 s (hard-coded). This wraps
`RemoteAction.run`: every call is bounded by `timeout` of `action_endpoint` in bot/endpoints.yml, and when the
call fails (refused, timed out, a 5xx, an invalid response) the Rasa server answers in the action's place:

- the slot-mapping action (action_resolve_slots): no slot events; the slots stay as they were;
- a form's validation action (validate_<form>): the form stops asking, since no answer could be understood
  now; the form's end leads to the answer action, as when the form gives up on unclear answers;
- an action asking for a slot (action_ask_<slot>): the domain's utter_ask_<slot>;
- any other action: an apology, then the answer for the country and role already known (number, hours, case
  link: the directory library and actions.render, as the action server would), else the case link.

After a call timed out, calls skip the action server for `retry_after` seconds (bot/endpoints.yml), so a hanging
action server costs a turn one timeout, not one per action. A refused connection costs nothing and is tried
again on every call.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.events import Event, SlotSet

from actions.countries import guess_region
from actions.directory import Audience, Directory, DirectoryError, default_directory
from actions.render import render_answer

logger = logging.getLogger(__name__)

#: Used when bot/endpoints.yml does not say; an action normally answers in milliseconds.
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_RETRY_AFTER_SECONDS = 10.0

APOLOGY = "utter_service_trouble"
APOLOGY_BEFORE_ANSWER = "utter_service_trouble_known"

RunAction = Callable[..., Awaitable[list[Event]]]


@dataclass(frozen=True)
class CallSettings:
    timeout: float
    retry_after: float

    @classmethod
    def of(cls, endpoint_kwargs: dict[str, Any]) -> CallSettings:
        """`timeout` and `retry_after` (seconds) from the action_endpoint section; defaults for what is missing."""
        return cls(
            timeout=_seconds(endpoint_kwargs.get("timeout"), DEFAULT_TIMEOUT_SECONDS),
            retry_after=_seconds(endpoint_kwargs.get("retry_after"), DEFAULT_RETRY_AFTER_SECONDS),
        )


def _seconds(value: Any, default: float) -> float:
    if value is None:
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not seconds > 0 or math.isinf(seconds):
        logger.error("action_endpoint: %r is not a number of seconds above 0; using %s", value, default)
        return default
    return seconds


class SkipAfterTimeout:
    """Remembers, per action server, until when calls go straight to the fallback after one timed out."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def skips(self, url: str, now: float) -> bool:
        return now < self._until.get(url, -math.inf)

    def timed_out(self, url: str, now: float, retry_after: float) -> None:
        self._until[url] = now + retry_after


_skip = SkipAfterTimeout()


def install() -> None:
    """Wraps `RemoteAction.run` once (safe to call again)."""
    if getattr(RemoteAction.run, "with_fallback", False):
        return
    original: RunAction = RemoteAction.run

    async def run(self: RemoteAction, output_channel, nlg, tracker, domain) -> list[Event]:
        return await run_with_fallback(original, self, output_channel, nlg, tracker, domain)

    run.with_fallback = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
    try:
        default_directory()  # loaded now, so a fallback has numbers even if the file is edited broken later
    except DirectoryError as error:
        logger.error("The action fallback has no directory (it will give no numbers): %s", error)


async def run_with_fallback(
    original: RunAction, action: RemoteAction, output_channel, nlg, tracker, domain
) -> list[Event]:
    endpoint = action.action_endpoint
    if endpoint is None or not endpoint.url:
        return await original(action, output_channel, nlg, tracker, domain)  # a configuration error: Rasa's own
    settings = CallSettings.of(endpoint.kwargs)
    if _skip.skips(endpoint.url, time.monotonic()):
        reason = f"skipped: it did not answer within {settings.timeout:g} s less than {settings.retry_after:g} s ago"
    else:
        try:
            return await asyncio.wait_for(original(action, output_channel, nlg, tracker, domain), settings.timeout)
        except ActionExecutionRejection:
            raise  # the action's own decision, which Rasa handles
        except asyncio.TimeoutError:
            _skip.timed_out(endpoint.url, time.monotonic(), settings.retry_after)
            reason = f"no answer within {settings.timeout:g} s"
        except Exception as error:
            reason = f"{type(error).__name__}: {str(error)[:300]}"  # a bad response's text could be long
    logger.warning("Custom action '%s' failed (%s); the Rasa server answers in its place.", action.name(), reason)
    return await fallback_events(action.name(), output_channel, nlg, tracker, domain, datetime.now(timezone.utc))


async def fallback_events(name: str, output_channel, nlg, tracker, domain, now: datetime) -> list[Event]:
    """What stands in for the events of the failed action `name`."""
    if any(mapping.get("action") == name for slot in domain.slots for mapping in slot.mappings):
        return []
    if name.startswith("validate_") and name.removeprefix("validate_") in domain.form_names:
        # Stop asking: SlotSet of the asked slot to its own value tells the form a slot was validated (else it
        # rejects itself and the person is asked again and again), the None request ends it.
        asked = tracker.get_slot(REQUESTED_SLOT)
        return [*([SlotSet(asked, tracker.get_slot(asked))] if asked else []), SlotSet(REQUESTED_SLOT, None)]
    ask = "utter_ask_" + name.removeprefix("action_ask_")
    if name.startswith("action_ask_") and ask in domain.responses:
        return await _utter(nlg, tracker, output_channel, ask)
    return await apology(nlg, tracker, output_channel, domain, now)


async def apology(nlg, tracker, output_channel, domain, now: datetime) -> list[Event]:
    """The apology, then the answer for what is known, else where to open a case."""
    try:
        directory = default_directory()
    except DirectoryError as error:
        logger.error("The action fallback cannot read the directory: %s", error)
        return await _utter(nlg, tracker, output_channel, APOLOGY, link="")
    country, role, language = (tracker.get_slot(name) for name in ("country", "role", "language"))
    answer_text, case_link = known_answer(directory, country, role, language, domain.responses, now)
    if answer_text is None:
        return await _utter(nlg, tracker, output_channel, APOLOGY, link=case_link)
    return [
        *await _utter(nlg, tracker, output_channel, APOLOGY_BEFORE_ANSWER),
        create_bot_utterance({"text": answer_text}),
    ]


def known_answer(
    directory: Directory,
    country: str | None,
    role: str | None,
    language: str | None,
    responses: dict[str, list[dict[str, Any]]],
    now: datetime,
) -> tuple[str | None, str]:
    """The answer text when the role (and the country, where the role needs one) gives a line; and the case link.

    The same text action_answer_contact renders for one audience (actions.render), without the action server.
    """
    audience = Audience.get(role)
    if audience is None:
        return None, directory.answer(country, Audience.DRIVER, region_guess=guess_region(country)).case_link
    answer, text = render_answer(directory, country, audience, responses, language, now)
    return (text if answer.lines else None), answer.case_link


async def _utter(nlg, tracker, output_channel, response: str, **values: Any) -> list[Event]:
    """A response of the domain through Rasa's NLG (the language slot picks the variation)."""
    draft = await nlg.generate(response, tracker, output_channel.name(), **values)
    if not draft:
        return []
    draft["utter_action"] = response
    return [create_bot_utterance(draft)]
