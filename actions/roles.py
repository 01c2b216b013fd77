"""Who a person is, for the directory: a driver, a business (owner, installer, partner, sales), or a member of a
special customer group. The words are data, per language, in `data/vocabulary.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from .directory.model import Audience
from .text_matching import TRANSLITERATIONS, fold
from .vocabulary import VOCABULARY_PATH, load_vocabulary

#: When a message names several roles, a special group wins: "ViriCiti customer, my station..." is ViriCiti's.
_PRECEDENCE = (Audience.BE_ENERGISED, Audience.VIRICITI)


class RoleResolver:
    def __init__(self, patterns: Mapping[Audience, re.Pattern]):
        self._patterns = dict(patterns)

    def find_all(self, text: str) -> set[Audience]:
        folded = fold(text)
        exact = Audience.get(folded.replace(" ", "_"))
        if exact is not None:  # a button's payload names the audience itself
            return {exact}
        return {audience for audience, pattern in self._patterns.items() if pattern.search(folded)}

    def find(self, text: str) -> Audience | None:
        """The role `text` states, or None when it states none or is torn between driver and business."""
        found = self.find_all(text)
        for audience in _PRECEDENCE:
            if audience in found:
                return audience
        return found.pop() if len(found) == 1 else None


#: In a vocabulary term, "..." stands for up to three words: "own ... station*" matches "own a few charging stations".
_GAP = r"(?:\w+ ){0,3}"


def _term(term: str) -> str:
    """One vocabulary term as a regular expression over folded text: "..." is a short gap, a "*" at the end of a
    word allows any ending, and at its start any beginning (compounds: "*ägare" matches "stationsägare")."""
    parts = []
    for word in term.split():
        if word == "...":
            parts.append(_GAP)
            continue
        core = re.escape(fold(word.strip("*")))
        parts.append((r"\w*" if word.startswith("*") else "") + core + (r"\w*" if word.endswith("*") else "") + " ")
    return "".join(parts).rstrip()


def _pattern(terms: list[str]) -> re.Pattern:
    variants = {variant for term in terms for variant in (term, term.lower().translate(TRANSLITERATIONS))}
    alternatives = sorted(set(map(_term, variants)), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


@cache
def default_role_resolver(vocabulary_path: Path = VOCABULARY_PATH) -> RoleResolver:
    vocabulary = load_vocabulary(vocabulary_path)
    terms: dict[Audience, list[str]] = {}
    for per_language in vocabulary["roles"].values():
        for name, words in per_language.items():
            terms.setdefault(Audience(name), []).extend(words)
    return RoleResolver({audience: _pattern(words) for audience, words in terms.items()})
