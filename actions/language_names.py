"""The names of the bot's languages in each of them, from CLDR (Babel): "tysk", "deutsch", "allemand" are German.

Apart from language detection (actions/language.py) because the country resolver needs them too, to tell a
nationality from a language ("jeg er dansk" or "på dansk"), and it runs in the Rasa server, which has no use for a
language detector.
"""

from __future__ import annotations

import os
from functools import cache

from babel import Locale

from .text_matching import fold

#: The bot's languages, as ISO 639-1 codes (Norwegian is bokmål, "nb").
LANGUAGES = ("en", "nb", "de", "fr", "nl", "it", "es", "pt", "pl", "sv", "da", "cs")
#: Two words of at least this many letters that begin alike are forms of one word ("francuskiego", "francuski").
_STEM_LENGTH = 5
#: Names of languages that CLDR writes differently from how people say "in X" (Czech "česky", Polish "po polsku").
_EXTRA_NAMES = {
    "cs": ["cesky", "cestina", "czech"],
    "pl": ["po polsku", "polsku"],
    "en": ["anglicky", "po angielsku", "angielsku"],
    "de": ["nemecky", "po niemiecku", "niemiecku"],
    "nb": ["bokmal", "norsk", "norwegian"],
}


@cache
def _language_names() -> dict[str, str]:
    """Folded language name in any of the bot's languages -> code: "tysk", "deutsch", "allemand" -> "de"."""
    names = {}
    for display in LANGUAGES:
        for code in LANGUAGES:
            name = Locale.parse(display).languages.get(code)
            if name:
                names.setdefault(fold(name), code)
    names.setdefault("norsk bokmal", "nb")
    for code, extra in _EXTRA_NAMES.items():
        for name in extra:
            names.setdefault(fold(name), code)
    return names


def language_named(text: str) -> str | None:
    """The bot language that `text` names ("English", "på norsk", "po angielsku"), or None.

    Inflected forms match by a shared beginning: "angielsku" is "angielski", "francouzsky" is "francouzština".
    """
    names = _language_names()
    tokens = fold(text).split()
    for size in (2, 1):
        for start in range(len(tokens) - size + 1):
            phrase = " ".join(tokens[start : start + size])
            if phrase in names:
                return names[phrase]
    for token in tokens:
        if len(token) < _STEM_LENGTH:
            continue
        for name, code in names.items():
            if _same_stem(token, name):
                return code
    return None


def _same_stem(word: str, name: str) -> bool:
    """Whether two folded words are forms of one word: they share their first five letters and all but the last four
    of the shorter ("angielsku" and "angielski", "francouzsky" and "francouzstina")."""
    shared = len(os.path.commonprefix([word, name]))  # noqa: RUF071 - letters, not path parts
    return shared >= _STEM_LENGTH and shared >= min(len(name), len(word)) - 4
