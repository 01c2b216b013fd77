"""The Twilio channel's handling of the sender's number (rasa_extensions/channels/twilio.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

import pytest
from rasa.shared.exceptions import InvalidConfigException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from rasa_extensions.channels.twilio import (
    RedirectingHttpClient,
    TwilioInput,
    conversation_id,
    phone_country,
    signed_form,
)

SECRET = b"k" * 32


def test_the_conversation_id_is_a_keyed_hash_of_the_sender():
    sms = conversation_id("+4915123456789", SECRET)
    assert sms == "twilio-" + hmac.new(SECRET, b"+4915123456789", hashlib.sha256).hexdigest()
    assert "4915123456789" not in sms
    assert conversation_id("+4915123456789", SECRET) == sms  # stable: one conversation per person
    assert conversation_id("+4915123456789", b"another secret" * 3) != sms  # useless without the secret
    assert conversation_id("whatsapp:+4915123456789", SECRET) != sms  # WhatsApp replies go back on WhatsApp
    assert len(sms) <= 255  # Rasa's SQL tracker store keeps sender ids in a VARCHAR(255)


@pytest.mark.parametrize(
    ("sender", "country"),
    [
        ("+4915123456789", "DE"),
        ("whatsapp:+447400900123", "GB"),
        ("+4721010000", "NO"),
        ("+14155550100", "US"),
        ("+4915", "DE"),  # not a valid number, but +49 is Germany's alone
        ("+447700900123", None),  # not valid, and +44 is shared (GB, GG, IM, JE)
        ("+80012345678", None),  # international freephone: no country
        ("ChargePoint", None),  # an alphanumeric sender
        ("12345", None),  # a short code
        ("", None),
    ],
)
def test_the_senders_country(sender, country):
    assert phone_country(sender) == country


def test_the_signed_form_keeps_empty_fields():
    form = {"Body": "Hei", "FromCity": "", "From": "+4721010000", "To": "+14155550100"}
    parsed = signed_form(urlencode(form).encode())
    assert parsed is not None and parsed.get("FromCity") == "" and set(parsed) == set(form)
    url = "https://bot.example.com/webhooks/twilio/webhook"
    signature = base64.b64encode(
        hmac.new(b"token", (url + "".join(k + form[k] for k in sorted(form))).encode(), hashlib.sha1).digest()
    ).decode()
    assert RequestValidator("token").validate(url, parsed, signature)
    assert signed_form(b"\xff\xfe") is None


def test_sender_id_secret_is_required_and_long():
    with pytest.raises(InvalidConfigException, match="SENDER_ID_SECRET"):
        TwilioInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "sender_id_secret": ""})
    with pytest.raises(InvalidConfigException, match="SENDER_ID_SECRET"):
        TwilioInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "sender_id_secret": "short"})
    channel = TwilioInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "sender_id_secret": "s" * 32})
    assert channel.name() == "twilio"


def test_the_api_host_can_be_replaced(monkeypatch):
    sent = []
    client = RedirectingHttpClient("http://127.0.0.1:9/twilio/")
    monkeypatch.setattr(TwilioHttpClient, "request", lambda self, method, url, *args, **kwargs: sent.append(url))
    client.request("POST", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json")
    assert sent == ["http://127.0.0.1:9/twilio/2010-04-01/Accounts/AC1/Messages.json"]
