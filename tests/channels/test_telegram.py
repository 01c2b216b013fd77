"""Telegram: updates posted to /webhooks/telegram/webhook as Telegram posts them; replies as the Bot API got them."""

from __future__ import annotations

import json

from tests.channels.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN, ChannelBot, payload
from tests.channels.providers import Call

WEBHOOK = "/webhooks/telegram/webhook"


def post_update(channels: ChannelBot, update: dict, secret: str | None = TELEGRAM_SECRET) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return channels.post(WEBHOOK, json.dumps(update).encode(), headers)


def text_update(text: str, chat_id: int, update_id: int) -> dict:
    update = payload("telegram_message.json")
    update["update_id"] = update_id
    update["message"]["text"] = text
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = chat_id
    return update


def sent_to(chat_id: int):
    return lambda call: call.body.get("chat_id") == str(chat_id)


def test_the_webhook_is_registered_with_the_secret_token(channels: ChannelBot) -> None:
    [call] = channels.providers.wait_for("telegram", "setWebhook", lambda call: True)
    assert call.body["url"] == "https://support-bot.example.com/webhooks/telegram/webhook"
    assert call.body["secret_token"] == TELEGRAM_SECRET
    assert TELEGRAM_TOKEN in call.path  # the Bot API names the bot by its token in the path


def test_a_conversation_with_buttons_ends_with_the_number_in_plain_text(channels: ChannelBot) -> None:
    chat = 7216530981
    status, _ = post_update(channels, text_update("I need support", chat, 1))
    assert status == 200
    [question] = channels.providers.wait_for("telegram", "sendMessage", sent_to(chat))
    keyboard = json.loads(question.body["reply_markup"])["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard][:2] == [
        "EV driver or ChargePoint account",
        "Station owner, installer, partner or sales",
    ]
    assert all(len(row) == 1 for row in keyboard)  # one long title a row
    assert keyboard[0][0]["callback_data"] == '/inform{"role":"driver"}'

    press = payload("telegram_callback_query.json")  # "EV driver or ChargePoint account" pressed
    assert post_update(channels, press)[0] == 200
    [answered] = channels.providers.wait_for("telegram", "answerCallbackQuery", lambda call: True)
    assert answered.body["callback_query_id"] == press["callback_query"]["id"]
    country_question = channels.providers.wait_for("telegram", "sendMessage", sent_to(chat), count=2)[1]
    assert "country" in country_question.body["text"].lower()

    post_update(channels, text_update("Germany", chat, 3))
    answer = channels.providers.wait_for("telegram", "sendMessage", sent_to(chat), count=3)[2]
    assert_plain_answer(answer, "+49 69 95307383")


def assert_plain_answer(call: Call, number: str) -> None:
    text = call.body["text"]
    assert number in text, text
    assert "](" not in text and "tel:" not in text and "**" not in text, text  # no markdown left
    assert "https://www.chargepoint.com/support" in text  # the case link, written out
    assert call.body["disable_web_page_preview"] == "True"
    assert "parse_mode" not in call.body  # plain text: nothing the person wrote or the bot says is markup


def test_start_is_a_greeting_in_the_app_language(channels: ChannelBot) -> None:
    start = payload("telegram_start.json")  # language_code "de"
    assert post_update(channels, start)[0] == 200
    [greeting] = channels.providers.wait_for("telegram", "sendMessage", sent_to(start["message"]["chat"]["id"]))
    assert greeting.body["text"].startswith("Hallo!"), greeting.body["text"]


def test_an_update_without_the_secret_token_is_refused(channels: ChannelBot) -> None:
    chat = 7216530999
    assert post_update(channels, text_update("I am a driver in Germany", chat, 7), secret=None)[0] == 403
    assert post_update(channels, text_update("I am a driver in Germany", chat, 8), secret="wrong")[0] == 403
    # Telegram's webhook answers once the reply is sent: only the valid update got one.
    assert post_update(channels, text_update("I am a driver in Germany", chat, 9))[0] == 200
    [answer] = [call for call in channels.providers.calls_to("telegram", "sendMessage") if sent_to(chat)(call)]
    assert_plain_answer(answer, "+49 69 95307383")


def test_updates_the_bot_does_not_read_are_acknowledged(channels: ChannelBot) -> None:
    sticker = text_update("x", 7216530998, 10)
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "CAACAgIAAxkBAAEB", "width": 512, "height": 512, "is_animated": False}
    assert post_update(channels, sticker)[0] == 200  # 200, or Telegram delivers it again and again
    assert post_update(channels, {"update_id": 11, "my_chat_member": {}})[0] == 200
    status, body = channels.post(
        WEBHOOK, b"not json", {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    )
    assert status == 400 and b"Traceback" not in body
    assert not [call for call in channels.providers.calls_to("telegram", "sendMessage") if sent_to(7216530998)(call)]
