"""Which language to answer in: the person's, detected per message, kept through short messages, and switched
when they ask ("in English please", "på norsk").

Detection is lingua's, restricted to the bot's languages; their names, from CLDR in every one of them, are in
actions/language_names.py. Short or uncertain messages ("ok", "13", a city) never switch the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel.core import get_global
from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from .language_names import LANGUAGES
from .text_matching import words
from .texts import DEFAULT_LANGUAGE

#: Browsers say "no" (Norwegian) or "nn" (nynorsk) where the bot's Norwegian is bokmål.
_BROWSER_NORWEGIAN = {"no": "nb", "nn": "nb"}

#: A message switches the language when lingua is this sure of it...
SURE = 0.6
#: ...or, with at least this many words, fairly sure and clearly ahead of the next language.
FAIRLY_SURE, MARGIN, MIN_WORDS = 0.3, 0.1, 3
#: The conversation's language stays while lingua still counts it among its first two guesses with this much.
STICKY = 0.15
#: Close neighbours that lingua mixes up (Norwegian, Danish, Swedish): when its first two guesses are both of
#: them, together this sure but this close, the person's country decides, else the way they spell the place.
NEIGHBOURS = frozenset({"nb", "da", "sv"})
NEIGHBOURS_SURE, NEIGHBOURS_APART = 0.35, 0.25
#: ...and ahead of every other language by this much ("I'm a driver in" is a three-way tie with English).
NEIGHBOURS_AHEAD = 0.08
#: The whole message, place name included, decides between them only when it leans to one by this much.
SPELLING_APART = 0.1

#: The company's and its customer groups' names read the same in every language, so they are no evidence of one;
#: lingua takes "ViriCiti-Kunde" for Dutch enough to lose "Ich bin ... an wen wende ich mich?" for German.
_BRAND_NAMES = re.compile(r"charge\s?point|viriciti|be\.?\s?energised|telematics", re.IGNORECASE)


def _lingua_code(code: str) -> IsoCode639_1:
    return IsoCode639_1.NB if code == "nb" else getattr(IsoCode639_1, code.upper())


@cache
def _detector() -> LanguageDetector:
    codes = [_lingua_code(code) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def warm_up() -> None:
    """Load the language models now (about 2 s, 400 MB) rather than on the first message."""
    _detector()


def detect(text: str, country: str | None = None, current: str | None = None, hint: str | None = None) -> str | None:
    """The language `text` is written in, or None when the message is too short or unclear to say.

    `hint` is the whole message, place names included, for telling close neighbours apart.
    """
    text = _BRAND_NAMES.sub(" ", text or "")
    if not any(char.isalpha() for char in text):
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    ranked = [(_code_of(value.language.iso_code_639_1), value.value) for value in values[:3]]
    ranked += [(None, 0.0)] * (3 - len(ranked))
    (first, first_value), (second, second_value), (_, third_value) = ranked
    count = len(words(text))
    if current in (first, second) and (first_value if current == first else second_value) >= STICKY:
        return current  # "Ich bin Installateur" looks French to lingua, but the conversation is in German
    torn = (
        first_value + second_value >= NEIGHBOURS_SURE
        and first_value - second_value < NEIGHBOURS_APART
        and first_value - third_value >= NEIGHBOURS_AHEAD
    )
    if {first, second} <= NEIGHBOURS and count >= 2 and torn:
        home = home_language(country)
        if home in (first, second):
            return home
        if hint:  # the place as they spell it ("Belgia" is Norwegian, "Belgien" Danish) may tell them apart
            return _spelled_apart(hint, (first, second)) or first
        return first
    if first_value >= SURE:
        return first
    if count >= MIN_WORDS and first_value >= FAIRLY_SURE and first_value - second_value >= MARGIN:
        return first
    return None


def _spelled_apart(whole_message: str, neighbours: tuple[str | None, str | None]) -> str | None:
    """Which of two neighbours the whole message leans to, if clearly: "Belgia" tips it, "Estland" (both) does not."""
    values = _detector().compute_language_confidence_values(_BRAND_NAMES.sub(" ", whole_message))
    confidence = {_code_of(value.language.iso_code_639_1): value.value for value in values}
    one, other = neighbours
    lead = confidence.get(one, 0.0) - confidence.get(other, 0.0)
    if abs(lead) < SPELLING_APART:
        return None
    return one if lead > 0 else other


def _code_of(iso: IsoCode639_1) -> str:
    return "nb" if iso == IsoCode639_1.NB else iso.name.lower()


def home_language(country: str | None) -> str | None:
    """The first official language of `country` that the bot speaks, from CLDR ("NO" -> "nb")."""
    for code, info in get_global("territory_languages").get(country or "", {}).items():
        if info.get("official_status") and code in LANGUAGES:
            return code
    return None


@dataclass(frozen=True)
class LanguageChoice:
    language: str
    #: Why: "asked" (the person asked for it), "detected", "kept" (the message did not say), "metadata".
    reason: str


def choose_language(
    text: str,
    current: str | None,
    *,
    asked_for: str | None = None,
    browser_language: str | None = None,
    country: str | None = None,
    whole_message: str | None = None,
) -> LanguageChoice:
    """The reply language after this message (`text`: the message without place names)."""
    if asked_for in LANGUAGES:
        return LanguageChoice(asked_for, "asked")
    detected = detect(text, country, current, hint=whole_message)
    if detected:
        return LanguageChoice(detected, "detected")
    if current in LANGUAGES:
        return LanguageChoice(current, "kept")
    browser = (browser_language or "").split("-")[0].lower()
    browser = _BROWSER_NORWEGIAN.get(browser, browser)
    if browser in LANGUAGES:
        return LanguageChoice(browser, "metadata")
    return LanguageChoice(DEFAULT_LANGUAGE, "kept")
