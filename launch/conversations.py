"""The conversation test set (`tests/e2e/conversations/*.yml`) and how a case is judged.

Each case is what a person types, turn by turn; the judgement is on the bot's last reply: it carries the
expected directory numbers (by line id) and no other directory number, and it is in the person's language.
Numbers are found the way a person reads them, digits and all, so a number without its `tel:` link counts too.
Used by the end-to-end tests and by `make bench`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import yaml

from actions.directory import default_directory
from actions.language import detect

CASES_DIR = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "conversations"
NUMBER_LIKE = re.compile(r"\+?\d[\d \-()]{5,}\d")
NOT_PROSE = re.compile(r"https?://\S+|\(tel:[^)]*\)|[\d+():–\-]+|[^\w\s.,;!?']")
#: A reply with at least this many words must be recognisably in the person's language.
LANGUAGE_CHECK_MIN_WORDS = 8


def load_cases(directory: Path = CASES_DIR) -> list[dict]:
    cases = []
    for path in sorted(directory.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases.extend({"language": document["language"], **case} for case in document["conversations"])
    return cases


def reply_language(text: str) -> str | None:
    """The language of the bot's reply, judged on its words alone (no numbers, links or emoji)."""
    return detect(NOT_PROSE.sub(" ", text))


def numbers_in(text: str) -> set[str]:
    """The directory lines whose number appears in `text`, in any format, as line ids."""
    chunks = ["".join(ch for ch in match if ch.isdigit()) for match in NUMBER_LIKE.findall(text)]
    return {
        line.id
        for line in default_directory().lines.values()
        if any(chunk.endswith(phonenumbers.national_significant_number(line.number)) for chunk in chunks)
    }


@dataclass(frozen=True)
class Outcome:
    case: dict
    problems: tuple[str, ...]
    transcript: str

    @property
    def passed(self) -> bool:
        return not self.problems


def run_case(say: Callable[[str, str], list[dict]], case: dict) -> Outcome:
    """Plays one case against a running bot (`say(sender, message)` -> the bot's messages) and judges it."""
    sender = f"{case['id']}-{uuid.uuid4().hex[:8]}"
    transcript: list[str] = []
    replies: list[dict] = []
    for message in case["says"]:
        replies = say(sender, message)
        transcript.append(f"> {message}")
        transcript.extend(f"< {reply.get('text', '')}" for reply in replies)
    last_text = "\n".join(reply.get("text") or "" for reply in replies)
    problems = []
    if not replies:
        problems.append("no reply to the last message")
    shown = numbers_in(last_text)
    if shown != set(case["lines"]):
        problems.append(f"numbers of {sorted(shown)}, expected {sorted(case['lines'])}")
    language = reply_language(last_text)
    long_enough = len(NOT_PROSE.sub(" ", last_text).split()) >= LANGUAGE_CHECK_MIN_WORDS
    if language not in (case["language"], None) or (long_enough and language != case["language"]):
        problems.append(f"reply in {language}, expected {case['language']}")
    problems += [
        f"missing {text!r}" for text in case.get("last_reply_contains", []) if text.lower() not in last_text.lower()
    ]
    if "buttons" in case:
        titles = [button["title"] for reply in replies for button in reply.get("buttons", [])]
        if len(titles) != case["buttons"]:
            problems.append(f"{len(titles)} buttons, expected {case['buttons']}")
    return Outcome(case, tuple(problems), "\n".join(transcript))


def pass_rates(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """Language -> (passed, cases)."""
    rates: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        passed, total = rates.get(outcome.case["language"], (0, 0))
        rates[outcome.case["language"]] = (passed + outcome.passed, total + 1)
    return dict(sorted(rates.items()))


def format_rates(rates: dict[str, tuple[int, int]]) -> str:
    lines = ["language  cases  passed  rate"]
    lines += [
        f"{language:<8}  {total:>5}  {passed:>6}  {passed / total:>5.1%}" for language, (passed, total) in rates.items()
    ]
    return "\n".join(lines)
