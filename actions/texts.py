"""The bot's words, taken from the domain's responses.

Every sentence the bot says lives in `bot/domain/*.yml`, one variation per language (selected by a condition on
the `language` slot; the English one has no condition and is the fallback). Actions that compose a reply from
parts (a line's hours, its status) read those parts here instead of keeping strings of their own.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

DEFAULT_LANGUAGE = "en"


class _Blank(dict):
    """Leaves an unknown `{placeholder}` visible rather than failing a reply over it."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Texts:
    def __init__(self, responses: Mapping[str, list[Mapping[str, Any]]], language: str = DEFAULT_LANGUAGE):
        self._responses = responses
        self.language = language or DEFAULT_LANGUAGE

    @classmethod
    def from_domain(cls, domain: Mapping[str, Any], language: str | None) -> Texts:
        return cls(domain.get("responses", {}), language or DEFAULT_LANGUAGE)

    def has(self, name: str) -> bool:
        return bool(self._responses.get(name))

    def variation(self, name: str) -> Mapping[str, Any]:
        """The variation of response `name` for this language, else the unconditioned (English) one."""
        variations = self._responses.get(name)
        if not variations:
            raise KeyError(f"the domain has no response {name!r}")
        fallback = None
        for variation in variations:
            conditions = variation.get("condition") or []
            if not conditions:
                fallback = fallback or variation
            elif any(c.get("name") == "language" and c.get("value") == self.language for c in conditions):
                return variation
        if fallback is None:
            raise KeyError(f"response {name!r} has no variation for {self.language!r} and no default")
        return fallback

    def __call__(self, response: str, /, **values: Any) -> str:
        """The text of `response` with its `{placeholders}` filled from `values`."""
        template = self.variation(response).get("text", "")
        return string.Formatter().vformat(template, (), _Blank(values))
