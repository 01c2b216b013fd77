"""A bounded fuzz of the real REST channel: 1,000 generated requests of bad input (tests/e2e/fuzzing.py), each
answered with a well-formed reply or a clean 400; never a 5xx, a stack trace or the person's markup; every
answered message kept; and the bot still answers a normal question correctly at the end."""

from __future__ import annotations

import re
import time

from rasa_extensions.input_limits import MAX_MESSAGE_CHARACTERS
from tests.e2e.fault_scenarios import GERMAN_DRIVER, user_texts
from tests.e2e.fuzzing import KINDS_PER_100, FuzzSummary, generate, send_all

COUNT = 1000


def test_the_fuzz_covers_every_kind_of_bad_input():
    cases = generate(COUNT)
    assert len(cases) >= COUNT
    assert {case.kind for case in cases} == set(KINDS_PER_100)
    assert max(len(case.body) for case in cases) >= 100_000
    assert generate(COUNT) == cases  # seeded: a failure can be replayed


def test_bad_input_never_breaks_the_rest_channel(bot):
    started = time.perf_counter()
    results = send_all(bot.rasa_url, generate(COUNT))
    seconds = time.perf_counter() - started
    summary = FuzzSummary.of(results)
    print(f"\nfuzz: {summary.tried} requests in {seconds:.0f} s, {summary.well_formed_responses} well-formed "
          f"responses, {summary.refused_cleanly} clean 400s, {summary.server_errors} 5xx")  # fmt: skip
    assert summary.tried >= COUNT
    assert summary.server_errors == 0
    assert not summary.problems, "\n".join(summary.problems[:30])
    answered = [result for result in results if result.status == 200]
    stored = user_texts(bot, sorted({result.case.sender for result in answered}))
    assert len(stored) == len(answered), "every answered message is in the tracker store"
    assert max(len(text or "") for text in stored) == MAX_MESSAGE_CHARACTERS, "long messages cut before the NLU"
    assert not any(re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", text or "") for text in stored)
    assert all(process.poll() is None for process in bot.processes)
    reply = bot.say("fuzz-after", "I'm a driver in Germany and my session won't start")
    assert GERMAN_DRIVER in reply[0]["text"]
