"""Per-language NLU scores by k-fold cross-validation of the one multilingual model the bot uses.

Each fold holds out every k-th example of every language (per intent), trains the NLU on the rest of all
languages, and parses the held-out messages. Reported per language:
- intent F1 (weighted by support), and entity F1 for `location` and `role` spans (exact span and type);
- country and role recognition: for each held-out message whose annotation names a place (or role), whether the
  bot ends up with the same country (or role) as the annotated span gives, through the same resolvers the bot
  uses. That is what matters to a person: the right line, however the span was cut;
- country unstated: of the held-out messages that name no place, the share in which the bot finds a country all
  the same (a false alarm that would give a person another country's line).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]


def _examples_by_language(languages: list[str] | None) -> dict[str, list]:
    from rasa.shared.nlu.training_data.loading import load_data

    return {
        path.stem: list(load_data(str(path)).intent_examples)
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        if languages is None or path.stem in languages
    }


def _split(examples: list, folds: int, fold: int) -> tuple[list, list]:
    by_intent: dict[str, list] = defaultdict(list)
    for example in examples:
        by_intent[example.get("intent")].append(example)
    train, test = [], []
    for group in by_intent.values():
        for index, example in enumerate(group):
            (test if index % folds == fold else train).append(example)
    return train, test


def _spans(example) -> dict[str, set[tuple[int, int, str]]]:
    spans: dict[str, set] = defaultdict(set)
    for entity in example.get("entities") or []:
        spans[entity["entity"]].add((entity["start"], entity["end"], entity["entity"]))
    return spans


def evaluate(
    folds: int = 3,
    config: str = "bot/config.yml",
    languages: list[str] | None = None,
    only_folds: list[int] | None = None,
    mistakes: list[tuple[str, str, str, str, float]] | None = None,
) -> dict[str, dict[str, float]]:
    """Scores per language; `only_folds` runs some of the folds (quicker comparisons on the same split), and
    `mistakes` (when given) collects (language, gold intent, predicted intent, text, confidence) of every miss."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Every fold is trained by the code as it is: Rasa's cache keys a component by its name and settings, not its code.
    os.environ.setdefault("RASA_MAX_CACHE_SIZE", "0")

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    from actions.interpretation import understand

    by_language = _examples_by_language(languages)
    gold_intents, predicted_intents = defaultdict(list), defaultdict(list)
    entity_counts = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))  # language -> entity -> [tp, fp, fn]
    recognition = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # language -> country/role -> [right, total]
    unstated = defaultdict(lambda: [0, 0])  # language -> [a country found, messages naming no place]
    for fold in only_folds if only_folds is not None else range(folds):
        train, tests = [], {}
        for language, examples in by_language.items():
            fold_train, fold_test = _split(examples, folds, fold)
            train += fold_train
            tests[language] = fold_test
        with tempfile.TemporaryDirectory() as workdir:
            data = Path(workdir) / "train.yml"
            data.write_text(TrainingData(training_examples=train).nlu_as_yaml(), encoding="utf-8")
            model = train_nlu(str(ROOT / config), str(data), workdir, fixed_model_name="fold")
            agent = Agent.load(model)
            for language, examples in tests.items():
                for example in examples:
                    text = example.get("text")
                    parsed = asyncio.run(agent.parse_message(text))
                    gold_intents[language].append(example.get("intent"))
                    predicted_intents[language].append(parsed["intent"]["name"])
                    if mistakes is not None and parsed["intent"]["name"] != example.get("intent"):
                        mistakes.append(
                            (
                                language,
                                example.get("intent"),
                                parsed["intent"]["name"],
                                text,
                                parsed["intent"]["confidence"],
                            )
                        )
                    gold_spans = _spans(example)
                    predicted_spans = defaultdict(set)
                    for entity in parsed.get("entities", []):
                        predicted_spans[entity["entity"]].add((entity["start"], entity["end"], entity["entity"]))
                    for name in ("location", "role"):
                        counts = entity_counts[language][name]
                        counts[0] += len(gold_spans[name] & predicted_spans[name])
                        counts[1] += len(predicted_spans[name] - gold_spans[name])
                        counts[2] += len(gold_spans[name] - predicted_spans[name])
                    gold = understand(text, example.get("entities") or [], example.get("intent"))
                    ours = understand(
                        text,
                        parsed.get("entities", []),
                        parsed["intent"]["name"],
                        intent_confidence=parsed["intent"]["confidence"],
                    )
                    if not gold_spans["location"]:
                        # A country found in a message that names none ("Can you help me" as Çan, Turkey).
                        unstated[language][0] += ours.country is not None
                        unstated[language][1] += 1
                        if mistakes is not None and ours.country is not None:
                            mistakes.append((language, "country=None", f"country={ours.country}", text, 1.0))
                    for name, stated, found in (
                        ("country", gold.country if gold_spans["location"] else None, ours.country),
                        ("role", gold.role if gold_spans["role"] else None, ours.role),
                    ):
                        if stated:
                            recognition[language][name][0] += found == stated
                            recognition[language][name][1] += 1
                            if mistakes is not None and found != stated:
                                mistakes.append((language, f"{name}={stated}", f"{name}={found}", text, 1.0))
    results = {}
    for language in by_language:
        row = {
            "examples": len(gold_intents[language]),
            "intent_f1": f1_score(gold_intents[language], predicted_intents[language], average="weighted"),
        }
        for name, (tp, fp, fn) in entity_counts[language].items():
            row[f"{name}_f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
        for name, (right, total) in recognition[language].items():
            row[f"{name}_recognised"] = right / total if total else float("nan")
        found, total = unstated[language]
        row["country_unstated"] = found / total if total else float("nan")
        results[language] = row
    return results


def print_table(results: dict[str, dict[str, float]]) -> None:
    columns = [
        "examples",
        "intent_f1",
        "location_f1",
        "role_f1",
        "country_recognised",
        "role_recognised",
        "country_unstated",
    ]
    print("language  " + "  ".join(f"{column:>18}" for column in columns))
    for language, row in results.items():
        cells = [row.get(column, float("nan")) for column in columns]
        print(
            f"{language:<8}  "
            + "  ".join(f"{cell:>18.3f}" if isinstance(cell, float) else f"{cell:>18}" for cell in cells)
        )


if __name__ == "__main__":
    import argparse
    import sys

    sys.path.insert(0, str(ROOT))  # run as a script: `actions` is imported from the project root

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--languages", nargs="*", help="only these data/nlu files (default: all)")
    parser.add_argument("--config", default="bot/config.yml", help="the pipeline to evaluate")
    parser.add_argument("--only-folds", nargs="*", type=int, help="run only these folds of the split (0-based)")
    parser.add_argument("--mistakes", type=Path, help="write every misclassified message here (TSV)")
    args = parser.parse_args()
    missed: list = []
    print_table(evaluate(args.folds, args.config, args.languages, args.only_folds, missed))
    if args.mistakes:
        lines = ["language\tgold\tpredicted\tconfidence\ttext"]
        lines += [f"{lang}\t{gold}\t{pred}\t{conf:.2f}\t{text}" for lang, gold, pred, text, conf in sorted(missed)]
        args.mistakes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for _, gold, predicted, _, _ in missed:
        if "=" in gold:
            continue  # a missed country or role, listed in --mistakes
        pairs[(gold, predicted)] += 1
    print("most confused (gold -> predicted: count, all languages):")
    for (gold, predicted), count in sorted(pairs.items(), key=lambda item: -item[1])[:25]:
        print(f"  {gold} -> {predicted}: {count}")
