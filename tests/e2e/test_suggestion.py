"""The channel's country suggestion over the real REST channel: offered as a one-tap answer, never assumed."""

from __future__ import annotations

import uuid

from actions.directory import Audience, default_directory
from launch.conversations import numbers_in


def driver_line_ids(country: str) -> set[str]:
    return {line.id for line in default_directory().answer(country, Audience.DRIVER).lines}


def ask_as_a_driver(bot, metadata: dict) -> tuple[str, list[dict]]:
    sender = f"suggest-{uuid.uuid4().hex[:8]}"
    replies = bot.say(sender, "my charging session won't start", metadata=metadata)
    return sender, replies


def test_the_browser_time_zone_is_offered_and_one_tap_confirms_it(bot):
    sender, replies = ask_as_a_driver(bot, {"timezone": "Europe/Oslo", "language": "en-GB"})
    [question] = replies
    assert "Norway" in question["text"]
    assert not numbers_in(question["text"]), "a suggestion is not an answer: no number before it is confirmed"
    [button] = question["buttons"]
    assert button["title"] == "Norway"
    answer = bot.say(sender, button["payload"])
    assert numbers_in(answer[-1]["text"]) == driver_line_ids("NO")


def test_yes_confirms_the_suggestion(bot):
    sender, _ = ask_as_a_driver(bot, {"timezone": "Europe/Berlin"})
    answer = bot.say(sender, "yes")
    assert numbers_in(answer[-1]["text"]) == driver_line_ids("DE")


def test_another_country_typed_instead_wins(bot):
    sender, _ = ask_as_a_driver(bot, {"timezone": "Europe/Berlin"})
    answer = bot.say(sender, "no, I'm in Sweden")
    assert numbers_in(answer[-1]["text"]) == driver_line_ids("SE")


def test_the_suggestion_is_in_the_persons_language(bot):
    sender = f"suggest-{uuid.uuid4().hex[:8]}"
    [question] = bot.say(sender, "min ladeøkt vil ikke starte", metadata={"timezone": "Europe/Stockholm"})
    assert question["buttons"][0]["title"] == "Sverige"
    answer = bot.say(sender, question["buttons"][0]["payload"])
    assert numbers_in(answer[-1]["text"]) == driver_line_ids("SE")
