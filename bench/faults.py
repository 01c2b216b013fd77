"""`make report-faults`: bad input and faults against the real bot, counted.

Starts its own bot (the trained model, the action server, a SQLite tracker store, a copy of the directory it can
edit), sends the seeded fuzz of tests/e2e/fuzzing.py over the REST channel, then injects the faults of
tests/e2e/fault_scenarios.py one after the other (action server slow, action server killed, directory edited
broken then fixed, Rasa server killed mid-conversation), and prints: fuzz inputs tried, responses well-formed,
5xx (target 0), faults injected and survived, events lost (target 0: user messages sent and answered against
the user messages the tracker store kept). The same code the tests assert with; here it is counted.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.directory import DEFAULT_PATH  # noqa: E402
from launch.processes import base_environment, start_bot  # noqa: E402
from tests.e2e import fault_scenarios  # noqa: E402
from tests.e2e.fuzzing import FuzzSummary, generate, send_all  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="fuzz requests (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="fuzz seed (default 7)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        work = Path(tmp)
        served = work / "directory.yaml"
        shutil.copyfile(DEFAULT_PATH, served)
        (work / "bot").mkdir()
        (work / "logs").mkdir()
        env = {**base_environment(), "SUPPORT_DIRECTORY": str(served)}
        print("starting the bot ...", flush=True)
        bot = start_bot(work / "bot", log_dir=work / "logs", env=env)
        try:
            started = time.perf_counter()
            results = send_all(bot.rasa_url, generate(args.count, args.seed))
            fuzz_seconds = time.perf_counter() - started
            summary = FuzzSummary.of(results)
            answered = [result for result in results if result.status == 200]
            fuzz_stored = fault_scenarios.user_messages_stored(bot, sorted({r.case.sender for r in answered}))
            normal = fault_scenarios.GERMAN_DRIVER in bot.say("after-fuzz", "I'm a driver in Germany")[0]["text"]
            print(f"fuzz done in {fuzz_seconds:.1f} s; injecting faults ...", flush=True)
            outcomes = [
                fault_scenarios.action_server_slow(bot),
                fault_scenarios.action_server_killed(bot),
                fault_scenarios.broken_directory_reload(bot, served, work / "logs"),
                fault_scenarios.rasa_killed(bot),
            ]
        finally:
            bot.stop()

    sent = len(answered) + sum(outcome.messages_sent for outcome in outcomes)
    kept = fuzz_stored + sum(outcome.user_messages_stored for outcome in outcomes)
    survived = sum(outcome.survived for outcome in outcomes)
    print()
    print(f"Fuzz over the REST channel (seed {args.seed}), {fuzz_seconds:.1f} s")
    print(f"  inputs tried                {summary.tried}")
    print(f"  responses well-formed       {summary.well_formed_responses} / {summary.tried}"
          f"  ({len(answered)} answered, {summary.refused_cleanly} refused with a clean 400)")  # fmt: skip
    print(f"  5xx                         {summary.server_errors}  (target 0)")
    print(f"  a normal question after it  {'answered correctly' if normal else 'NOT answered correctly'}")
    for problem in summary.problems[:20]:
        print(f"  problem: {problem}")
    print(f"Faults injected               {len(outcomes)}, survived {survived}")
    for outcome in outcomes:
        state = "survived" if outcome.survived else "FAILED: " + "; ".join(w for w, ok in outcome.checks if not ok)
        print(f"  {outcome.fault}: {state} ({outcome.messages_sent} messages, {outcome.events_lost} lost)")
    print(f"Events lost                   {max(0, sent - kept)}  (target 0; user messages answered {sent}, "
          f"kept in the tracker store {kept})")  # fmt: skip


if __name__ == "__main__":
    main()
