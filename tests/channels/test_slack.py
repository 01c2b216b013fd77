"""Slack: Events API and interactivity requests, signed with the signing secret, posted to /webhooks/slack/webhook;
replies as chat.postMessage got them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from tests.channels.conftest import SLACK_SIGNING_SECRET, SLACK_TOKEN, ChannelBot, payload

WEBHOOK = "/webhooks/slack/webhook"
USER, CHANNEL = "U061F7AUR", "D0PNCRP9N"


def signed_headers(body: bytes, content_type: str, secret: str = SLACK_SIGNING_SECRET) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret."""
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def post_event(channels: ChannelBot, text: str, user: str = USER, channel: str = CHANNEL, **kwargs) -> int:
    event = payload("slack_event_message.json")
    event["event"].update(text=text, user=user, channel=channel)
    event["event"]["blocks"][0]["elements"][0]["elements"][0]["text"] = text
    body = json.dumps(event).encode()
    return channels.post(WEBHOOK, body, signed_headers(body, "application/json", **kwargs))[0]


def post_button(channels: ChannelBot, interaction: dict) -> int:
    body = urlencode({"payload": json.dumps(interaction)}).encode()
    return channels.post(WEBHOOK, body, signed_headers(body, "application/x-www-form-urlencoded"))[0]


def in_channel(channel: str):
    return lambda call: call.body.get("channel") == channel


def test_a_conversation_with_button_blocks_ends_with_the_number(channels: ChannelBot) -> None:
    assert post_event(channels, "I need support") == 200
    [question] = channels.providers.wait_for("slack", "chat.postMessage", in_channel(CHANNEL))
    assert question.headers["authorization"] == f"Bearer {SLACK_TOKEN}"
    section, actions = question.body["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "Who should I find support for?"}}
    assert actions["type"] == "actions"
    assert [button["text"]["text"] for button in actions["elements"]][:2] == [
        "EV driver or ChargePoint account",
        "Station owner, installer, partner or sales",
    ]
    assert actions["elements"][1]["value"] == '/inform{"role":"business"}'
    assert question.body["text"] == "Who should I find support for?"  # for notifications
    assert "as_user" not in question.body

    assert post_button(channels, payload("slack_block_actions.json")) == 200  # "Station owner, ..." clicked
    country_question = channels.providers.wait_for("slack", "chat.postMessage", in_channel(CHANNEL), count=2)[1]
    assert "country" in country_question.body["text"].lower()

    assert post_event(channels, "Germany") == 200
    answer = channels.providers.wait_for("slack", "chat.postMessage", in_channel(CHANNEL), count=3)[2]
    [section] = answer.body["blocks"]
    text = section["text"]["text"]
    assert "+49 30 72621256" in text, text  # the business line: the button's payload was understood
    assert "](" not in text and "tel:" not in text, text
    assert "<https://www.chargepoint.com/support" in text or "https://www.chargepoint.com/support" in text


def test_a_request_with_a_bad_signature_is_refused(channels: ChannelBot) -> None:
    assert post_event(channels, "I need support", channel="D0FORGED1", secret="not-the-signing-secret") == 400
    time.sleep(2)
    assert not [call for call in channels.providers.calls_to("slack") if in_channel("D0FORGED1")(call)]


def test_the_url_verification_challenge_is_answered(channels: ChannelBot) -> None:
    challenge = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    body = json.dumps(challenge).encode()
    status, answer = channels.post(WEBHOOK, body, signed_headers(body, "application/json"))
    assert status == 200 and challenge["challenge"] in answer.decode()
