"""The form-activation extension: the repeated slot extraction is skipped only where it cannot matter."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.shared.core.domain import Domain

from rasa_extensions.form_activation import (
    has_mapping_conditions,
    marking_activation,
    skipping_repeated_extraction,
)

ROOT = Path(__file__).resolve().parents[2]
CONDITIONAL = Domain.from_yaml(
    """
version: "3.1"
slots:
  city:
    type: text
    mappings:
      - type: from_text
        conditions:
          - active_loop: address_form
forms:
  address_form:
    required_slots: [city]
"""
)


def extraction_calls(domain: Domain) -> tuple[int, int]:
    """How often the real extraction ran: (when a form activated, when a message arrived)."""
    calls: list[str] = []

    async def extract(self, output_channel, nlg, tracker, domain):
        calls.append("extract")
        return []

    extract_once = skipping_repeated_extraction(extract)

    async def activate(self, output_channel, nlg, tracker, domain):
        return await extract_once(None, output_channel, nlg, tracker, domain)

    asyncio.run(marking_activation(activate)(None, None, None, None, domain))
    at_activation = len(calls)
    asyncio.run(extract_once(None, None, None, None, domain))
    return at_activation, len(calls) - at_activation


def test_the_bots_domain_has_no_mapping_conditions():
    assert not has_mapping_conditions(Domain.load(str(ROOT / "bot" / "domain")))
    assert has_mapping_conditions(CONDITIONAL)


def test_activation_skips_the_repeat_in_a_domain_without_conditions():
    assert extraction_calls(Domain.load(str(ROOT / "bot" / "domain"))) == (0, 1)


def test_a_domain_with_conditions_keeps_rasas_behaviour():
    assert extraction_calls(CONDITIONAL) == (1, 1)
