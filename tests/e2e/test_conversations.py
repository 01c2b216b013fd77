"""Conversations with the real trained bot over its REST channel (cases: `tests/e2e/conversations/*.yml`).

English conversations must all pass. The other languages are a measured set: the table of pass rates per
language is printed (and written to tests/artifacts/conversations.txt); the target is 97 % in every language,
reported by `make bench`; this test fails when a language falls below the floor, so a regression cannot pass.
"""

from __future__ import annotations

import pytest

from actions.directory import default_directory
from launch.conversations import Outcome, format_rates, load_cases, pass_rates, run_case

CASES = load_cases()
ENGLISH = [case for case in CASES if case["language"] == "en"]
OTHER_LANGUAGES = [case for case in CASES if case["language"] != "en"]
#: The regression guard for the multilingual set; the target (97 %) is measured and reported, not assumed.
FLOOR = 0.90
TARGET = 0.97


def test_the_conversation_set_is_big_enough_and_well_formed():
    assert len(ENGLISH) >= 40
    assert len(CASES) >= 240
    assert all(rate[1] >= 20 for rate in pass_rates_of(CASES).values())
    assert len({case["id"] for case in CASES}) == len(CASES), "conversation ids must be unique"
    lines = default_directory().lines
    assert all(line_id in lines for case in CASES for line_id in case["lines"])


def pass_rates_of(cases: list[dict]) -> dict[str, tuple[int, int]]:
    return pass_rates([Outcome(case, (), "") for case in cases])


@pytest.mark.parametrize("case", ENGLISH, ids=[case["id"] for case in ENGLISH])
def test_english_conversation(bot, case):
    outcome = run_case(bot.say, case)
    assert outcome.passed, f"{'; '.join(outcome.problems)}\n{outcome.transcript}"


def test_every_other_language_stays_above_the_floor(bot):
    from tests.e2e.conftest import ARTIFACTS

    outcomes = [run_case(bot.say, case) for case in OTHER_LANGUAGES]
    rates = pass_rates(outcomes)
    failures = [f"[{o.case['id']}] {'; '.join(o.problems)}\n{o.transcript}" for o in outcomes if not o.passed]
    report = format_rates(rates) + "\n\n" + "\n\n".join(failures)
    (ARTIFACTS / "conversations.txt").write_text(report, encoding="utf-8")
    print("\n" + format_rates(rates))
    below = {language: passed / total for language, (passed, total) in rates.items() if passed / total < FLOOR}
    assert not below, f"below {FLOOR:.0%}: {below}\n\n{report}"
