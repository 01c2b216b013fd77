"""After a message on every channel, the logs (Rasa at DEBUG, the action server) hold no secret and no sender's
phone number, and the tracker store names Twilio conversations by their hash only."""

from __future__ import annotations

import sqlite3

import phonenumbers

from tests.channels import test_facebook, test_slack, test_telegram, test_twilio
from tests.channels.conftest import SECRETS, ChannelBot
from tests.channels.test_twilio import OTHER_SMS_SENDERS, SMS_SENDER, WHATSAPP_SENDER, hashed

LOG_SMS_SENDER = "+4915199887766"
LOG_WHATSAPP_SENDER = "whatsapp:+447400900456"
EVERY_SENDER = (SMS_SENDER, WHATSAPP_SENDER, *OTHER_SMS_SENDERS, LOG_SMS_SENDER, LOG_WHATSAPP_SENDER)


def traces(sender: str) -> set[str]:
    """The ways a number could be written in a log or a store: E.164, its digits, national and international forms."""
    number = phonenumbers.parse(sender.removeprefix("whatsapp:"))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return {e164, e164.lstrip("+"), str(number.national_number), national, international}


def test_no_secret_and_no_phone_number_is_logged_or_stored(channels: ChannelBot) -> None:
    providers = channels.providers
    test_telegram.post_update(channels, test_telegram.text_update("Hello", 7216530900, 100))
    test_slack.post_event(channels, "Hello", user="U0LOGS001", channel="D0LOGS001")
    test_facebook.post_signed(channels, test_facebook.text_event("Hello", sender="7092834561239999"))
    test_twilio.post_form(channels, test_twilio.sms("Hello", sender=LOG_SMS_SENDER))
    test_twilio.post_form(channels, test_twilio.whatsapp("Hello", sender=LOG_WHATSAPP_SENDER))
    providers.wait_for("telegram", "sendMessage", test_telegram.sent_to(7216530900))
    providers.wait_for("slack", "chat.postMessage", test_slack.in_channel("D0LOGS001"))
    providers.wait_for("facebook", "me/messages", test_facebook.messages_to("7092834561239999"))
    providers.wait_for("twilio", "Messages.json", test_twilio.messages_to(LOG_SMS_SENDER))
    providers.wait_for("twilio", "Messages.json", test_twilio.messages_to(LOG_WHATSAPP_SENDER))

    database_file = channels.bot.workdir / "tracker.db"
    with sqlite3.connect(database_file) as database:
        senders = {sender for (sender,) in database.execute("SELECT DISTINCT sender_id FROM events")}
    assert hashed(LOG_SMS_SENDER) in senders and hashed(LOG_WHATSAPP_SENDER) in senders
    stored = database_file.read_bytes()
    logs = {path.name: path.read_text(errors="replace") for path in channels.log_dir.glob("*.log")}
    assert {"rasa.log", "actions.log"} <= set(logs)
    for trace in set().union(*(traces(sender) for sender in EVERY_SENDER)):
        assert trace.encode() not in stored, f"{trace} is in the tracker store"
        for name, text in logs.items():
            assert trace not in text, f"{trace} is in {name}"
    for secret in SECRETS:
        for name, text in logs.items():
            assert secret not in text, f"a secret is in {name}"
