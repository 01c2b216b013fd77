"""Meta's request signature and batched events (rasa_extensions/channels/facebook.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from rasa_extensions.channels.facebook import messaging_events, signature_is_valid

PAYLOADS = Path(__file__).resolve().parents[1] / "channels" / "payloads"
SECRET = "app-secret"
BODY = (PAYLOADS / "facebook_message.json").read_bytes()


def sign(algorithm: str, body: bytes = BODY, secret: str = SECRET) -> str:
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def test_the_sha256_signature():
    assert signature_is_valid(SECRET, BODY, {"X-Hub-Signature-256": sign("sha256")})
    assert not signature_is_valid(SECRET, BODY + b" ", {"X-Hub-Signature-256": sign("sha256")})
    assert not signature_is_valid(SECRET, BODY, {"X-Hub-Signature-256": sign("sha256", secret="other")})


def test_sha1_only_without_a_sha256_header():
    assert signature_is_valid(SECRET, BODY, {"X-Hub-Signature": sign("sha1")})
    # A wrong SHA-256 signature is not rescued by a right SHA-1 one.
    headers = {"X-Hub-Signature-256": sign("sha256", secret="other"), "X-Hub-Signature": sign("sha1")}
    assert not signature_is_valid(SECRET, BODY, headers)


def test_other_algorithms_and_malformed_headers_are_refused():
    for header in (sign("md5"), sign("sha512"), "sha256", "=", "", sign("sha1")):
        assert not signature_is_valid(SECRET, BODY, {"X-Hub-Signature-256": header}), header
    assert not signature_is_valid(SECRET, BODY, {"X-Hub-Signature": sign("md5")})
    assert not signature_is_valid(SECRET, BODY, {})


def test_every_messaging_event_of_every_entry():
    payload = json.loads(BODY)
    second = json.loads((PAYLOADS / "facebook_postback.json").read_text())["entry"][0]
    payload["entry"].append(second)
    assert [event["sender"]["id"] for event in messaging_events(payload)] == ["7092834561234567", "7092834561230001"]


def test_anything_else_has_no_events():
    for payload in (None, [], {"object": "instagram", "entry": []}, {"object": "page", "entry": "x"},
                    {"object": "page", "entry": [{"messaging": [{"no": "sender"}, "x"]}, "y"]}):  # fmt: skip
        assert messaging_events(payload) == []
