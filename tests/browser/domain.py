"""What the page should show, read from the project's own sources (the domain's responses, the directory), so that
the browser tests check the bot's real texts and numbers without copying them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


@cache
def _responses() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((ROOT / "bot" / "domain" / "responses.yml").read_text())["responses"]


def response(name: str, language: str) -> dict[str, Any]:
    """The variation of a response for a language (English: the unconditioned one)."""
    for variation in _responses()[name]:
        values = [condition.get("value") for condition in variation.get("condition", [])]
        if (language == "en" and not values) or language in values:
            return variation
    raise KeyError(f"{name} has no {language} variation")


def text(name: str, language: str) -> str:
    return " ".join(response(name, language)["text"].split())


def button_title(name: str, language: str, payload_contains: str) -> str:
    return next(b["title"] for b in response(name, language)["buttons"] if payload_contains in b["payload"])


@cache
def _directory() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "data" / "directory.yaml").read_text())


def numbers(country: str, audience: str) -> list[str]:
    """The directory's numbers for a country and audience ("driver", "business"), as written (+49 69 95307383)."""
    directory = _directory()
    ids = directory["countries"][country][audience]
    return [line["number"] for line in directory["lines"] if line["id"] in ids]


def tel(number: str) -> str:
    return "tel:" + re.sub(r"[^+\d]", "", number)
