"""What one message tells us about the person's country and role, and what the bot still has to ask.

This combines the NLU's output (intent and entity spans) with the resolvers, which know every country and city
name: the NLU finds where a place is mentioned, the resolvers know which country it is. No Rasa imports here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .countries import CountryResolver, Place, PlaceKind, default_resolver
from .directory import Audience, Directory
from .language_names import language_named
from .roles import RoleResolver, default_role_resolver
from .text_matching import words

#: Intents that answer no question: while the bot waits for a country, "ok" or "thanks" is not a place.
CONVERSATIONAL_INTENTS = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"})

#: Intents about the language of the conversation or of a line: their language names are not places.
LANGUAGE_INTENTS = frozenset({"switch_language", "ask_line_language"})

#: Messages that name a language without asking for a line in it.
LANGUAGE_SWITCH_OR_SMALL_TALK = frozenset({"switch_language"}) | CONVERSATIONAL_INTENTS

#: Intents that say who the person is when no role word does: a failed session is a driver's problem.
ROLE_OF_INTENT = {"driver_issue": Audience.DRIVER, "business_issue": Audience.BUSINESS}

#: A role is guessed from the kind of problem only when the NLU is this sure of it: junk gets an intent too.
ROLE_GUESS_MIN_CONFIDENCE = 0.7

#: The longest whole message taken as the answer to "which country?" ("in the south of france" is 5 words).
_ANSWER_MAX_WORDS = 6
#: Places recognised by a guess (a declined form, a misspelling): a place named exactly wins over them.
_GUESSED_KINDS = frozenset({PlaceKind.INFLECTED, PlaceKind.MISSPELLING})

#: Intents of a message that may be a place and nothing else, asked or not: "Norwya", "Tokyo". A misspelt name
#: alone is often below the NLU's confidence threshold.
_BARE_PLACE_INTENTS = frozenset({"inform", "nlu_fallback"})
#: The most words of a message that is one place's name and nothing else ("hradec kralove").
_BARE_PLACE_MAX_WORDS = 3
#: A tagged place is extended over at most this many following words to a longer name ("Monaco di Baviera").
_NAME_EXTENSION_MAX_WORDS = 2


@dataclass(frozen=True)
class Understanding:
    country: str | None = None
    role: Audience | None = None
    #: The role was guessed from the kind of problem, not stated: it must not overwrite a stated one.
    role_is_guess: bool = False
    #: The message without its place names (a city's language is not the person's): what tells its language.
    prose: str = ""


def understand(
    text: str,
    entities: Iterable[Mapping[str, Any]] = (),
    intent: str | None = None,
    asked_slot: str | None = None,
    intent_confidence: float = 1.0,
    countries: CountryResolver | None = None,
    roles: RoleResolver | None = None,
) -> Understanding:
    """The country and role that this message states, each None when it states none."""
    countries = countries or default_resolver()
    roles = roles or default_role_resolver()
    entities = list(entities)
    # "in German, please" names a language, not a country: when the message is about languages, those words are
    # not searched for places or roles. Elsewhere "I'm German" is a place, whatever the NLU tagged it as.
    text = text or ""
    if intent in LANGUAGE_INTENTS:
        text = _blank_entities(text, entities, ("language",))
    answering = intent not in CONVERSATIONAL_INTENTS
    stated_role = _stated_role(text, entities, roles)
    sure = intent_confidence >= ROLE_GUESS_MIN_CONFIDENCE
    guessed_role = None if stated_role or not sure else ROLE_OF_INTENT.get(intent or "")
    place = _place(
        text,
        entities,
        countries,
        answering_country=answering and asked_slot == "country",
        # "Fahrer" is a role, not a misspelt Faroe Islands ("Färöer").
        bare=intent in _BARE_PLACE_INTENTS and len(words(text)) <= _BARE_PLACE_MAX_WORDS and stated_role is None,
        # A message the NLU could not place may be any word: a misspelling must be close ("Hilfe" is no "Chile").
        strict=intent == "nlu_fallback",
    )
    prose = _blank_entities(text, entities, ("location",))
    if place is not None:
        prose = prose.replace(place.text, " ")
    return Understanding(
        country=place.country if place else None,
        role=stated_role or guessed_role,
        role_is_guess=guessed_role is not None,
        prose=prose,
    )


def _blank_entities(text: str, entities: list[Mapping[str, Any]], names: tuple[str, ...]) -> str:
    """`text` with the spans of the named entities replaced by spaces (so other offsets stay valid)."""
    spans = [
        (entity["start"], entity["end"])
        for entity in entities
        if entity.get("entity") in names and isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int)
    ]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def language_entities(entities: Iterable[Mapping[str, Any]]) -> list[str]:
    """The languages a message names, as the NLU found them ("English", "po polsku")."""
    return _values(list(entities), "language")


def requested_reply_language(text: str, entities: Iterable[Mapping[str, Any]], intent: str | None) -> str | None:
    """The language the person asks the bot to use ("in English please"); not one they ask a line for."""
    if intent != "switch_language":
        return None
    names = language_entities(entities) or [text]
    return next(filter(None, map(language_named, names)), None)


def requested_line_language(
    text: str,
    entities: Iterable[Mapping[str, Any]],
    intent: str | None,
    countries: CountryResolver | None = None,
) -> str | None:
    """The language a person wants a line in ("which number is for French?"), however the NLU classified it."""
    if intent in LANGUAGE_SWITCH_OR_SMALL_TALK:
        return None
    countries = countries or default_resolver()
    entities = list(entities)
    # "per l'olandese", "dla języka francuskiego": the NLU may tag a language as a place; it is not one.
    not_places = [value for value in _values(entities, "location") if countries.resolve(value) is None]
    named = next(filter(None, map(language_named, [*language_entities(entities), *not_places])), None)
    if named is None and intent == "ask_line_language":
        return language_named(text)  # the NLU saw the question but not the language
    return named


def _values(entities: list[Mapping[str, Any]], name: str) -> list[str]:
    return [str(entity.get("value")) for entity in entities if entity.get("entity") == name and entity.get("value")]


def _place(
    text: str,
    entities: list,
    resolver: CountryResolver,
    *,
    answering_country: bool,
    bare: bool = False,
    strict: bool = False,
) -> Place | None:
    # The NLU sometimes tags a stray word too ("Naše" in "Naše nabíjecí stanice v Plzni"): of several places,
    # one in a country ChargePoint serves is the one meant.
    places = [
        place
        for entity in entities
        if entity.get("entity") == "location" and entity.get("value")
        for place in [resolver.resolve(_whole_name(entity, text, resolver))]
        if place is not None and not _capital_by_position(place, entity, text, resolver)
    ]
    if places:
        # Of those, a name written as it is beats a guessed one: "Opladning i Esbjerg" is Esbjerg, not a declined
        # Opladen.
        return min(places, key=lambda place: (not resolver.is_served(place.country), place.kind in _GUESSED_KINDS))
    place = resolver.find(text, cities_anywhere=answering_country)
    if place is None and answering_country and len(text.split()) <= _ANSWER_MAX_WORDS:
        place = resolver.resolve(text)  # a misspelt answer: "germny"
    if place is None and bare:
        # "Norwya" or "Tokyo", unasked; of several words only an exact name ("hradec kralove").
        place = resolver.resolve(text, declined=False, strict=strict) if len(words(text)) == 1 else resolver.exact(text)
        if place is not None and place.kind is PlaceKind.CITY and not text.strip()[:1].isupper():
            # "bergen" or "split" unasked may be a word ("Bergen" is a name); a listed country's large town of
            # several words is a name in any case ("hradec kralove").
            place = resolver.listed_town(text) if len(words(text)) > 1 else None
    return place


def _whole_name(entity: Mapping[str, Any], text: str, resolver: CountryResolver) -> str:
    """The tagged place, extended over the next words when they make a longer name: the NLU sometimes cuts a name
    short ("Monaco" of "Monaco di Baviera", "république" of "république tchèque")."""
    value, end = str(entity["value"]), entity.get("end")
    if not isinstance(end, int) or not text[end : end + 1].isspace():
        return value
    following = words(text[end:])[:_NAME_EXTENSION_MAX_WORDS]
    for count in range(len(following), 0, -1):
        longer = " ".join([value, *following[:count]])
        if resolver.exact(longer) is not None:
            return longer
    return value


def _capital_by_position(place: Place, entity: Mapping[str, Any], text: str, resolver: CountryResolver) -> bool:
    """A tagged first word that is only a town abroad, capitalised because it starts the message ("Can you help
    me", Çan in Turkey): the scan's own rule (`CountryResolver.find`) for the NLU's tags. A town where ChargePoint
    has lines, a country, or the whole message ("Tokyo") still counts."""
    return (
        place.kind is PlaceKind.CITY
        and not resolver.is_served(place.country)
        and entity.get("start") == 0
        and len(words(str(entity.get("value")))) == 1
        and len(words(text)) > 1
    )


def _stated_role(text: str, entities: list, resolver: RoleResolver) -> Audience | None:
    for value in _values(entities, "role"):
        role = resolver.find(value)
        if role is not None:
            return role
    return resolver.find(text)


def required_slots(role: str | None, country: str | None, directory: Directory) -> list[str]:
    """The slots the form needs before the bot can answer; it asks for those still empty, in this order.

    A special group's line does not depend on the country, and a country without lines needs no role.
    """
    audience = Audience.get(role)
    if audience is not None and audience.is_special_group:
        return ["role"]
    if country and not directory.is_listed(country):
        return ["country"]
    return ["role", "country"]
