"""The Rasa custom actions: a thin layer that reads the tracker, asks the library, and replies.

Everything they know comes from `actions.directory`, `actions.interpretation` and `actions.render`; the only
thing decided here is Rasa plumbing (which events to return) and the moment "now", read once per reply.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from .countries import country_name
from .directory import Audience, default_directory
from .interpretation import (
    CONVERSATIONAL_INTENTS,
    requested_line_language,
    requested_reply_language,
    required_slots,
    understand,
)
from .language import choose_language
from .render import render_answer, render_case_link
from .suggestion import suggested_country
from .texts import DEFAULT_LANGUAGE

#: After this many answers the bot could not use, it stops asking and says what it can.
MAX_UNCLEAR_ANSWERS = 2


@dataclass(frozen=True)
class _Message:
    text: str
    entities: list[dict[str, Any]]
    intent: str | None
    confidence: float
    metadata: dict[str, Any]


def _latest(tracker: Tracker) -> _Message:
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    return _Message(
        text=message.get("text") or "",
        entities=message.get("entities") or [],
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        metadata=message.get("metadata") if isinstance(message.get("metadata"), dict) else {},
    )


def _has_spoken(tracker: Tracker) -> bool:
    """Whether the bot has already said something in this conversation (so it has a language to keep)."""
    return any(event.get("event") == "bot" for event in tracker.events)


def _told_country_or_role(tracker: Tracker) -> bool:
    """Whether the latest message set the country or the role (the slot mapping runs right after it)."""
    after_message = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        after_message.append(event)
    return any(event.get("event") == "slot" and event.get("name") in ("country", "role") for event in after_message)


class ActionResolveSlots(Action):
    """Fills `country` and `role` from every message (the slots' custom mapping), corrections included."""

    def name(self) -> str:
        return "action_resolve_slots"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = _latest(tracker)
        found = understand(
            message.text,
            message.entities,
            message.intent,
            asked_slot=tracker.get_slot("requested_slot"),
            intent_confidence=message.confidence,
        )
        events: list[EventType] = []
        if found.country and found.country != tracker.get_slot("country"):
            events.append(SlotSet("country", found.country))
        current_role = tracker.get_slot("role")
        if found.role and found.role.value != current_role and not (found.role_is_guess and current_role):
            events.append(SlotSet("role", found.role.value))
        language = choose_language(
            found.prose,
            tracker.get_slot("language") if _has_spoken(tracker) else None,
            asked_for=requested_reply_language(message.text, message.entities, message.intent),
            browser_language=message.metadata.get("language"),
            country=found.country or tracker.get_slot("country"),
            whole_message=message.text,
        ).language
        if language != tracker.get_slot("language"):
            events.append(SlotSet("language", language))
        return events + _suggestion_events(tracker, message, found.country)


def _suggestion_events(tracker: Tracker, message: _Message, stated_country: str | None) -> list[EventType]:
    """Keeps the channel's country suggestion while the country is unknown; a "yes" to it confirms it."""
    if stated_country or tracker.get_slot("country"):
        return []
    suggestion = tracker.get_slot("suggested_country")
    if message.intent == "affirm" and suggestion and tracker.get_slot("requested_slot") == "country":
        return [SlotSet("country", suggestion)]
    new_suggestion = suggested_country(message.metadata)
    if new_suggestion and new_suggestion != suggestion:
        return [SlotSet("suggested_country", new_suggestion)]
    return []


class ActionAskCountry(Action):
    """Asks for the country, offering the channel's suggestion (time zone, phone number) as a one-tap answer."""

    def name(self) -> str:
        return "action_ask_country"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        suggestion = tracker.get_slot("suggested_country")
        if suggestion:
            name = country_name(suggestion, tracker.get_slot("language") or DEFAULT_LANGUAGE)
            dispatcher.utter_message(response="utter_ask_country_suggested", suggested_country_name=name)
        else:
            dispatcher.utter_message(response="utter_ask_country")
        return []


class _ReplyOrGoOn(Action, ABC):
    """Small talk, or a message the NLU could not place, that may still say where or who the person is.

    "Hi, I'm in Norway" is a greeting that answers a question: it gets a short greeting and the form goes on, so
    nothing the person said is lost. Without such news it gets its usual reply. Abstract: rasa-sdk registers
    only the concrete subclasses.
    """

    #: Sent when the message told nothing new.
    reply: str
    #: Sent before the form takes over, if anything.
    reply_before_going_on: str | None = None

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if _told_country_or_role(tracker):
            if self.reply_before_going_on:
                dispatcher.utter_message(response=self.reply_before_going_on)
            return [FollowupAction("support_form")]
        dispatcher.utter_message(response=self.reply)
        return []


class ActionGreet(_ReplyOrGoOn):
    reply = "utter_greet"
    reply_before_going_on = "utter_greet_short"

    def name(self) -> str:
        return "action_greet"


class ActionFallback(_ReplyOrGoOn):
    reply = "utter_default"

    def name(self) -> str:
        return "action_fallback"


class ActionOutOfScope(_ReplyOrGoOn):
    reply = "utter_out_of_scope"

    def name(self) -> str:
        return "action_out_of_scope"


class ValidateSupportForm(FormValidationAction):
    """Decides what the form still needs, and answers an unusable reply instead of silently asking again."""

    def name(self) -> str:
        return "validate_support_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return required_slots(tracker.get_slot("role"), tracker.get_slot("country"), default_directory())

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        asked = tracker.get_slot("requested_slot")
        if not asked or _told_country_or_role(tracker) or _latest(tracker).intent in CONVERSATIONAL_INTENTS:
            return events  # answered (perhaps another question), or small talk, which the rules answer
        unclear = int(tracker.get_slot("unclear_answers") or 0) + 1
        if unclear >= MAX_UNCLEAR_ANSWERS:
            dispatcher.utter_message(response="utter_unclear_giving_up")
            return [*events, SlotSet("unclear_answers", 0), SlotSet("requested_slot", None)]
        dispatcher.utter_message(response=f"utter_unclear_{asked}")
        return [*events, SlotSet("unclear_answers", unclear)]


class ActionAnswerContact(Action):
    """The answer: the right line(s) with hours, whether they are open now, and where to open a case."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.clock = clock  # the one place "now" is read; tests pass a fixed moment

    def name(self) -> str:
        return "action_answer_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        now = self.clock()
        country = tracker.get_slot("country")
        audience = Audience.get(tracker.get_slot("role"))
        language = tracker.get_slot("language")
        directory = default_directory()
        # Without a role (the person could not say), a listed country gets both of its audiences' lines.
        audiences = [audience] if audience else [Audience.DRIVER]
        if audience is None and directory.is_listed(country):
            audiences.append(Audience.BUSINESS)
        message = _latest(tracker)
        asked_language = requested_line_language(message.text, message.entities, message.intent)
        responses = domain.get("responses", {})
        for each in audiences:
            _, text = render_answer(directory, country, each, responses, language, now, asked_language)
            dispatcher.utter_message(text=text)
        if audience is None and not directory.is_listed(country):
            # No line to tell the audiences apart: the driver answer, and where a station owner opens a case.
            dispatcher.utter_message(text=render_case_link(directory, country, Audience.BUSINESS, responses, language))
        return [SlotSet("unclear_answers", 0)]
