"""Twilio, SMS and WhatsApp: form posts signed as Twilio signs them, posted to /webhooks/twilio/webhook; replies
as the Messages API got them. The sender's number must reach the Messages API and nothing else: not the tracker
store, not a log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import time
from urllib.parse import urlencode

from tests.channels.conftest import (
    SENDER_ID_SECRET,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_WEBHOOK_URL,
    ChannelBot,
    payload,
)

WEBHOOK = "/webhooks/twilio/webhook"
SMS_SENDER = "+4915123456789"
WHATSAPP_SENDER = "whatsapp:+447400900123"
OTHER_SMS_SENDERS = ("+4915123450000", "+4915123451111")


def twilio_signature(url: str, form: dict[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    """Twilio's signature: HMAC-SHA1 of the URL followed by every field's name and value, sorted by name, base64."""
    signed = url + "".join(name + form[name] for name in sorted(form))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def post_form(channels: ChannelBot, form: dict[str, str], signature: str | None = None) -> tuple[int, bytes]:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature if signature is not None else twilio_signature(TWILIO_WEBHOOK_URL, form),
        "I-Twilio-Idempotency-Token": "c0b4a5e6-8d7f-4e2a-9b1c-3d4e5f6a7b8c",
    }
    return channels.post(WEBHOOK, urlencode(form).encode(), headers)


def sms(text: str, sender: str = SMS_SENDER) -> dict[str, str]:
    return {**payload("twilio_sms.json"), "Body": text, "From": sender}


def whatsapp(text: str, sender: str = WHATSAPP_SENDER) -> dict[str, str]:
    return {**payload("twilio_whatsapp.json"), "Body": text, "From": sender, "WaId": sender.removeprefix("whatsapp:+")}


def messages_to(number: str):
    return lambda call: call.body.get("To") == number


def hashed(sender: str) -> str:
    return "twilio-" + hmac.new(SENDER_ID_SECRET.encode(), sender.encode(), hashlib.sha256).hexdigest()


def tracker_events(channels: ChannelBot, conversation: str) -> list[dict]:
    with sqlite3.connect(channels.bot.workdir / "tracker.db") as database:
        rows = database.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (conversation,)).fetchall()
    return [json.loads(data) for (data,) in rows]


def test_an_sms_conversation_with_numbered_options(channels: ChannelBot) -> None:
    status, answer = post_form(channels, sms("I need support"))
    assert status == 200 and b"<Response></Response>" in answer
    [question] = channels.providers.wait_for("twilio", "Messages.json", messages_to(SMS_SENDER))
    assert question.body["From"] == "+14155550100"  # from the number the person wrote to
    assert question.path == f"/twilio/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
    assert question.body["Body"].startswith(
        "Who should I find support for?\n\n1. EV driver or ChargePoint account\n"
        "2. Station owner, installer, partner or sales\n3. "
    )
    assert "payload" not in question.body["Body"] and "/inform" not in question.body["Body"]

    post_form(channels, sms("2"))  # "Station owner, installer, partner or sales"
    country_question = channels.providers.wait_for("twilio", "Messages.json", messages_to(SMS_SENDER), count=2)[1]
    # The number's country is offered (the bot's "it looks like Germany" as option 1), not assumed.
    assert "Germany" in country_question.body["Body"]
    assert country_question.body["Body"].rstrip().endswith("1. Germany")

    post_form(channels, sms("1"))
    answer = channels.providers.wait_for("twilio", "Messages.json", messages_to(SMS_SENDER), count=3)[2]
    body = answer.body["Body"]
    assert "+49 30 72621256" in body, body  # the business line in Germany: both numbered replies understood
    assert "](" not in body and "tel:" not in body and "**" not in body, body
    assert "https://www.chargepoint.com/support" in body

    events = tracker_events(channels, hashed(SMS_SENDER))
    said = [event["text"] for event in events if event["event"] == "user"]
    assert said == ["I need support", '/inform{"role":"business"}', '/inform{"location":"Germany"}']
    metadata = [event.get("metadata", {}) for event in events if event["event"] == "user"]
    assert all(item.get("phone_country") == "DE" for item in metadata), metadata


def test_a_number_that_answers_no_options_is_just_text(channels: ChannelBot) -> None:
    sender = OTHER_SMS_SENDERS[0]
    post_form(channels, sms("I am a driver in Germany", sender=sender))
    channels.providers.wait_for("twilio", "Messages.json", messages_to(sender))
    post_form(channels, sms("3", sender=sender))  # the answer had no options
    said = [event["text"] for event in tracker_events(channels, hashed(sender)) if event["event"] == "user"]
    assert said == ["I am a driver in Germany", "3"]


def test_a_whatsapp_conversation_is_answered_on_whatsapp(channels: ChannelBot) -> None:
    status, _ = post_form(channels, whatsapp("I am an EV driver"))
    assert status == 200
    [question] = channels.providers.wait_for("twilio", "Messages.json", messages_to(WHATSAPP_SENDER))
    assert question.body["From"] == "whatsapp:+14155238886"
    assert question.body["Body"].rstrip().endswith("1. United Kingdom"), question.body["Body"]

    post_form(channels, whatsapp("1"))
    answer = channels.providers.wait_for("twilio", "Messages.json", messages_to(WHATSAPP_SENDER), count=2)[1]
    assert "+44 20 7519 5052" in answer.body["Body"] and "](" not in answer.body["Body"]
    user_events = [e for e in tracker_events(channels, hashed(WHATSAPP_SENDER)) if e["event"] == "user"]
    assert [e["metadata"].get("phone_country") for e in user_events] == ["GB", "GB"]


def test_requests_without_a_valid_signature_are_refused(channels: ChannelBot) -> None:
    sender = OTHER_SMS_SENDERS[1]
    form = sms("I am a driver in Germany", sender=sender)
    assert post_form(channels, form, signature="")[0] == 403
    assert post_form(channels, form, signature=twilio_signature(TWILIO_WEBHOOK_URL, form, token="0" * 32))[0] == 403
    # Signed for another URL (the request as Rasa sees it, not the one Twilio calls): refused too.
    assert post_form(channels, form, signature=twilio_signature(channels.bot.rasa_url + WEBHOOK, form))[0] == 403
    tampered = twilio_signature(TWILIO_WEBHOOK_URL, form)
    assert post_form(channels, {**form, "Body": "something else"}, signature=tampered)[0] == 403
    time.sleep(1)
    assert not [call for call in channels.providers.calls_to("twilio") if messages_to(sender)(call)]
    assert tracker_events(channels, hashed(sender)) == []
