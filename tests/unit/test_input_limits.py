"""Every message is cleaned and cut before the NLU reads it; a malformed REST request gets a clean 400."""

from __future__ import annotations

import json
import unicodedata

import pytest
from rasa.core.channels.channel import UserMessage

from rasa_extensions import input_limits
from rasa_extensions.channels.rest import MAX_SENDER_CHARACTERS, request_problem
from rasa_extensions.input_limits import MAX_MESSAGE_CHARACTERS, clean_text

input_limits.install()


def test_an_ordinary_message_is_unchanged():
    text = "Jeg er sjåfør i Norge, ladingen starter ikke 🙁 (ring +47 21 01 00 00?)"
    assert clean_text(text) == text


def test_a_long_message_is_cut_to_the_limit():
    assert len(clean_text("a" * 100_000)) == MAX_MESSAGE_CHARACTERS == 2000


def test_control_characters_go_and_line_breaks_and_tabs_stay_readable():
    assert clean_text("in\x00 Ger\x1bmany\x7f\x9b") == "in Germany"
    assert clean_text("line one\r\nline two\rthree\u2028four\tfive") == "line one\nline two\nthree\nfour five"


def test_lone_surrogates_are_replaced_and_pairs_kept():
    cleaned = clean_text("a\ud800b \U0001f600")
    assert cleaned == "a\ufffdb \U0001f600"
    cleaned.encode("utf-8")  # always encodable


def test_text_is_in_nfc():
    assert clean_text("Mu\u0308nchen") == unicodedata.normalize("NFC", "München")


def test_right_to_left_and_joined_emoji_survive():
    for text in ("أنا سائق في ألمانيا", "אני נהג בגרמניה", "👩\u200d🔧", "\u200fRTL mark"):
        assert clean_text(text) == text


def test_every_channels_user_message_is_cleaned():
    message = UserMessage("  x" * 5000 + "\x00", sender_id="s")
    assert len(message.text) == MAX_MESSAGE_CHARACTERS
    assert "\x00" not in message.text
    assert UserMessage(None).text is None


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"\xff\xfe{}",
        b"\xff\xfe" + json.dumps({"sender": "s", "message": "hi"}).encode("utf-16-le"),
        b"null",
        b"[]",
        b'"text"',
        b"5",
        b"[" * 100_000,
        body(message="hi"),
        body(sender="", message="hi"),
        body(sender="   ", message="hi"),
        body(sender=True, message="hi"),
        body(sender=["a"], message="hi"),
        body(sender="x" * (MAX_SENDER_CHARACTERS + 1), message="hi"),
        b'{"sender": "\\ud800", "message": "hi"}',
        body(sender="s"),
        body(sender="s", message=None),
        body(sender="s", message=5),
        body(sender="s", message=["hi"]),
        body(sender="s", message={"text": "hi"}),
        body(sender="s", message="hi", metadata="en"),
        body(sender="s", message="hi", metadata=[1]),
        body(sender="s", message="hi", input_channel=3),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(raw):
    problem = request_problem(raw)
    assert problem
    assert "Traceback" not in problem


@pytest.mark.parametrize(
    "raw",
    [
        body(sender="s", message="hi"),
        body(sender=12345, message=""),
        body(sender="s", message="hi", metadata={"language": "de"}),
        body(sender="s", message="hi", metadata=None, input_channel="web"),
        b'{"sender": "s", "message": "a\\ud800b"}',  # the text is cleaned later, as on every channel
    ],
)
def test_well_formed_requests_go_to_rasa(raw):
    assert request_problem(raw) is None
