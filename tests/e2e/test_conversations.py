"""Conversations with the real trained bot over its REST channel, from `tests/e2e/conversations/*.yml`.

Each case is what a person types, turn by turn; the check is on the bot's last reply: it carries the expected
directory numbers (by line id) and no other directory number. Numbers are found in the text the way a person
reads them, digits and all, so a number printed without its `tel:` link still counts.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import phonenumbers
import pytest
import yaml

from actions.directory import default_directory
from actions.language import detect

CASES_DIR = Path(__file__).resolve().parent / "conversations"
NUMBER_LIKE = re.compile(r"\+?\d[\d \-()]{5,}\d")
NOT_PROSE = re.compile(r"https?://\S+|\(tel:[^)]*\)|[\d+():–\-]+|[^\w\s.,;!?']")


def reply_language(text: str) -> str | None:
    """The language of the bot's reply, judged on its words alone (no numbers, links or emoji)."""
    return detect(NOT_PROSE.sub(" ", text))


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["conversations"]:
            cases.append({"language": document["language"], **case})
    return cases


CASES = load_cases()


def numbers_in(text: str) -> set[str]:
    """The directory lines whose number appears in `text`, in any format, as line ids."""
    directory = default_directory()
    chunks = ["".join(ch for ch in match if ch.isdigit()) for match in NUMBER_LIKE.findall(text)]
    found = set()
    for line in directory.lines.values():
        national = phonenumbers.national_significant_number(line.number)
        if any(chunk.endswith(national) for chunk in chunks):
            found.add(line.id)
    return found


def same_number_ids(ids: set[str]) -> set[str]:
    """Ids widened to every line with the same number (none today; kept so a shared number cannot mislead)."""
    directory = default_directory()
    numbers = {directory.lines[line_id].e164 for line_id in ids}
    return {line.id for line in directory.lines.values() if line.e164 in numbers}


def test_there_are_enough_english_conversations():
    english = [case for case in CASES if case["language"] == "en"]
    assert len(english) >= 40
    assert len({case["id"] for case in CASES}) == len(CASES), "conversation ids must be unique"


def test_every_expected_line_exists():
    directory = default_directory()
    for case in CASES:
        for line_id in case["lines"]:
            assert line_id in directory.lines, (case["id"], line_id)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_conversation(bot, case):
    sender = f"{case['id']}-{uuid.uuid4().hex[:8]}"
    transcript = []
    replies: list[dict] = []
    for message in case["says"]:
        replies = bot.say(sender, message)
        transcript.append(f"> {message}")
        transcript.extend(f"< {reply.get('text', '')}" for reply in replies)
    shown = "\n".join(transcript)
    last_text = "\n".join(reply.get("text") or "" for reply in replies)
    assert replies, f"no reply to the last message\n{shown}"
    assert numbers_in(last_text) == same_number_ids(set(case["lines"])), shown
    language = reply_language(last_text)
    assert language in (case["language"], None), f"reply in {language}, expected {case['language']}\n{shown}"
    if len(NOT_PROSE.sub(" ", last_text).split()) >= 8:
        assert language == case["language"], f"reply language not recognisable\n{shown}"
    for expected in case.get("last_reply_contains", []):
        assert expected.lower() in last_text.lower(), shown
    if "buttons" in case:
        titles = [button["title"] for reply in replies for button in reply.get("buttons", [])]
        assert len(titles) == case["buttons"], shown
