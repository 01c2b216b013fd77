"""Normalising what people type, so that names match however they are written."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_NON_WORD = re.compile(r"[^\w]+")
#: The longest place or role name we look for, in words ("bosnia and herzegovina", "chargepoint home flex").
MAX_PHRASE_WORDS = 4


def fold(text: str) -> str:
    """Case, accents, punctuation and spacing folded away: 'Saint-Étienne' and 'saint etienne' are equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    # Letters NFKD keeps whole: write them as people without the key do.
    stripped = stripped.translate(str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "ı": "i"}))
    return _NON_WORD.sub(" ", stripped).replace("_", " ").strip()


def words(text: str) -> list[str]:
    """The words of `text` as typed (case kept), without punctuation."""
    return [word for word in _NON_WORD.split(text) if word and word != "_"]


def phrases(tokens: list[str], longest: int = MAX_PHRASE_WORDS) -> Iterator[tuple[int, int]]:
    """Every (start, end) word span of up to `longest` words, longest first so 'new south wales' beats 'wales'."""
    for length in range(min(longest, len(tokens)), 0, -1):
        for start in range(len(tokens) - length + 1):
            yield start, start + length


#: How people write letters their keyboard lacks: "Muenchen", "Goeteborg", "Koebenhavn", "Aarhus".
TRANSLITERATIONS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe", "æ": "ae", "ß": "ss"})


def spellings(name: str) -> set[str]:
    """A name folded, and folded after writing its umlauts and rings out as two letters."""
    return {fold(name), fold(name.lower().translate(TRANSLITERATIONS))}
