"""`make bench`: training time, model size, start-up time, memory, REST latency, and NLU scores per language.

Every number is measured on this machine when the command runs; nothing is asserted (targets belong in the
notes and in a person's judgement, not in timed tests). Bounded: it trains once, cross-validates with 3 folds,
and sends a fixed number of messages to loopback only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.action_calls import measure_action_calls  # noqa: E402
from bench.conversations import CONVERSATIONS  # noqa: E402
from bench.nlu_eval import evaluate, print_table  # noqa: E402
from launch.processes import MODEL, start_bot  # noqa: E402

RASA_DATA = ["--config", "bot/config.yml", "--domain", "bot/domain", "--data", "data/nlu", "bot/data"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_training() -> dict:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", *RASA_DATA, "--out", out, "--force", "--fixed-model-name", "m"],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        size = (Path(out) / "m.tar.gz").stat().st_size
    return {"training_seconds": round(seconds, 1), "model_mb": round(size / 2**20, 1)}


def measure_lookups() -> dict:
    """The per-message work of the action server, in microseconds: it should never be where the time goes."""
    import timeit
    from datetime import datetime, timezone

    from rasa.shared.core.domain import Domain

    from actions.countries import default_resolver
    from actions.directory import Audience, default_directory
    from actions.interpretation import understand
    from actions.render import AnswerRenderer
    from actions.texts import Texts

    directory, resolver = default_directory(), default_resolver()
    renderer = AnswerRenderer(Texts.from_domain(Domain.load(str(ROOT / "bot" / "domain")).as_dict(), "de"))
    now = datetime.now(timezone.utc)
    answer = directory.answer("DE", Audience.DRIVER)
    timings = {
        "directory_answer_us": lambda: directory.answer("DE", Audience.DRIVER),
        "line_status_us": lambda: answer.lines[0].status(now),
        "find_country_us": lambda: resolver.find("I own stations in Sweden, who do I call?"),
        "understand_message_us": lambda: understand("ich bin Fahrer in München", [], "driver_issue"),
        "render_answer_us": lambda: renderer.answer(answer, now),
    }
    return {
        name: round(min(timeit.repeat(call, number=200, repeat=5)) / 200 * 1e6, 1) for name, call in timings.items()
    }


def measure_sentence_vectors() -> dict:
    """What the NLU's pretrained encoder costs the Rasa server: per message as they come, and per training example."""
    import timeit

    from rasa_extensions.sentence_embeddings import encoder
    from rasa_extensions.threads import compute_on_one_thread

    compute_on_one_thread(os.environ)  # as in the Rasa server; read when the encoder's OpenMP loads, just below
    encode = encoder().query
    message = "Ich bin Fahrer in München und mein Ladevorgang startet nicht"
    batch = [f"{message} ({number})" for number in range(64)]
    encode(message)  # the first call maps the weights
    return {
        "sentence_vector_ms": round(min(timeit.repeat(lambda: encode(message), number=20, repeat=3)) / 20 * 1e3, 1),
        "sentence_vector_in_training_ms": round(
            min(timeit.repeat(lambda: encode(batch), number=1, repeat=3)) / 64 * 1e3, 1
        ),
    }


def measure_serving(rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        bot = start_bot(Path(workdir))
        startup = time.perf_counter() - started
        try:
            bot.say("warm-up", "hello")
            latencies = []
            for _ in range(rounds):
                for conversation in CONVERSATIONS:
                    sender = uuid.uuid4().hex
                    for message in conversation:
                        began = time.perf_counter()
                        bot.say(sender, message)
                        latencies.append((time.perf_counter() - began) * 1000)
            memory = {name: round(rss_mb(p.pid), 0) for name, p in zip(("actions", "rasa"), bot.processes, strict=True)}
        finally:
            bot.stop()
    return {
        "startup_seconds": round(startup, 1),
        "messages": len(latencies),
        "rest_p50_ms": round(statistics.median(latencies), 1),
        "rest_p95_ms": round(percentile(latencies, 0.95), 1),
        "rest_max_ms": round(max(latencies), 1),
        "rss_mb": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="times each sample conversation is sent")
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds for the NLU scores")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--skip-nlu", action="store_true")
    args = parser.parse_args()
    if not MODEL.exists():
        sys.exit("no trained model: run `make train` first")
    results: dict = {}
    if not args.skip_training:
        results.update(measure_training())
    results.update(measure_lookups())
    results.update(measure_action_calls())
    results.update(measure_sentence_vectors())
    results.update(measure_serving(args.rounds))
    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name:<{width}}  {value}")
    if not args.skip_nlu:
        print(f"\nNLU, {args.folds}-fold cross-validation of the multilingual model, per language:")
        print_table(evaluate(args.folds))


if __name__ == "__main__":
    main()
