"""What the Telegram channel reads from an update (rasa_extensions/channels/telegram.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.shared.exceptions import InvalidConfigException

from rasa_extensions.channels.telegram import GREETING, Incoming, TelegramInput, read_update

PAYLOADS = Path(__file__).resolve().parents[1] / "channels" / "payloads"


def load(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


def test_a_text_message():
    assert read_update(load("telegram_message.json")) == Incoming("7216530981", "I need support", "en")


def test_a_pressed_button_is_its_payload():
    assert read_update(load("telegram_callback_query.json")) == Incoming(
        "7216530981", '/inform{"role":"driver"}', "en", "3099452706431920150"
    )


def test_start_is_a_greeting():
    assert read_update(load("telegram_start.json")) == Incoming("7216530982", GREETING, "de")
    update = load("telegram_start.json")
    update["message"]["text"] = "/start campaign-42"  # a deep link's parameter
    assert read_update(update).text == GREETING
    update["message"]["text"] = "/starting"
    assert read_update(update).text == "/starting"


def test_an_edited_message_is_read_again():
    update = load("telegram_message.json")
    update["edited_message"] = update.pop("message")
    update["edited_message"]["text"] = "I need support in Germany"
    assert read_update(update).text == "I need support in Germany"


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1},
        {"update_id": 1, "message": {"chat": {"id": 1}, "sticker": {"file_id": "x"}}},
        {"update_id": 1, "message": {"chat": {"id": 1}, "text": "   "}},
        {"update_id": 1, "message": {"text": "hi"}},
        {"update_id": 1, "message": {"chat": {"id": True}, "text": "hi"}},
        {"update_id": 1, "message": "hi"},
        {"update_id": 1, "callback_query": {"id": "1", "data": "/x"}},
        {"update_id": 1, "my_chat_member": {"chat": {"id": 1}}},
    ],
)
def test_updates_without_a_message_for_the_bot(update):
    assert read_update(update) is None


def test_a_secret_token_is_required():
    credentials = {"access_token": "1:a", "webhook_url": "https://bot.example.com/webhooks/telegram/webhook"}
    with pytest.raises(InvalidConfigException, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials(credentials)
    with pytest.raises(InvalidConfigException, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials({**credentials, "secret_token": "has spaces"})
    assert TelegramInput.from_credentials({**credentials, "secret_token": "ok_token-1"}).name() == "telegram"
