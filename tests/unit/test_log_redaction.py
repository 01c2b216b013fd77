"""rasa_extensions.log_redaction: what a person types is redacted, whoever logs it and however."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from rasa_extensions.log_redaction import EMAIL, PHONE, RedactingFilter, install, redact


@pytest.mark.parametrize(
    "typed",
    [
        "+47 912 34 567",
        "+4791234567",
        "912 34 567",
        "91234567",
        "0049 69 95307383",
        "(020) 7519 5052",
        "+44 20 7519 5052",
        "1-888-758-4389",
        "48 (22) 209 89 05",
        "06-12345678",
        "0171.2345678",
        "+420 800 701 050",
        "tel:+4369995307383",
        "06.12.34.56",
        "06.12.34.56.78",
    ],
)
def test_phone_numbers_of_any_country_are_redacted(typed: str) -> None:
    redacted = redact(f"min nummer er {typed}, ring meg")
    assert redacted.startswith("min nummer er ") and redacted.endswith(", ring meg")
    assert PHONE in redacted
    assert not any(character.isdigit() for character in redacted)


@pytest.mark.parametrize(
    "typed", ["ola.nordmann@example.no", "ola+support@mail.example.co.uk", "bjørn@eksempel.no", "a_b-c@sub-d.example"]
)
def test_email_addresses_are_redacted(typed: str) -> None:
    assert redact(f"mail {typed}.") == f"mail {EMAIL}."


def test_an_email_escaped_in_a_json_log_line_is_redacted_and_the_line_stays_json() -> None:
    line = json.dumps({"event": "user", "text": "skriv til bjørn@eksempel.no eller 912 34 567"})
    redacted = redact(line)
    assert json.loads(redacted) == {"event": "user", "text": f"skriv til {EMAIL} eller {PHONE}"}


@pytest.mark.parametrize(
    "kept",
    [
        "confidence 0.9731220126152039",
        "took 12.53 ms",
        '"timestamp": 1732530000.1234567',
        "port 5055, 127.0.0.1:5005",
        "Rasa 3.6.21, 4 events",
        "opening hours 08:00–20:00",
        "sender 5f3a9c21e0b84d1c",
        "from 192.168.10.200 to 10.0.0.1",
    ],
)
def test_other_numbers_stay_readable(kept: str) -> None:
    assert redact(kept) == kept


def test_text_without_digits_or_at_signs_is_returned_as_it_is() -> None:
    text = "Hei! Jeg er sjåfør i Tyskland."
    assert redact(text) is text


@pytest.fixture()
def redacted_logging() -> Iterator[io.StringIO]:
    """A logger writing to a buffer with the redaction installed; Python's own factory restored afterwards."""
    original = logging.getLogRecordFactory()
    install()
    install()  # twice: still one layer
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test_log_redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield stream
    logger.removeHandler(handler)
    logging.setLogRecordFactory(original)


def test_messages_and_their_arguments_are_redacted_when_logged(redacted_logging: io.StringIO) -> None:
    logger = logging.getLogger("test_log_redaction")
    logger.debug("Received user message '%s' from %s", "my number is +47 912 34 567", "ola.nordmann@example.no")
    logger.info({"text": "mail ola.nordmann@example.no"})
    logger.warning("%d%%", 5)
    output = redacted_logging.getvalue()
    assert "912" not in output and "ola.nordmann" not in output
    assert f"Received user message 'my number is {PHONE}' from {EMAIL}" in output
    assert f"{{'text': 'mail {EMAIL}'}}" in output
    assert "WARNING 5%" in output


def test_tracebacks_and_stacks_are_redacted(redacted_logging: io.StringIO) -> None:
    logger = logging.getLogger("test_log_redaction")
    try:
        raise ValueError("could not parse 'ring 912 34 567'")
    except ValueError:
        logger.exception("failed for ola.nordmann@example.no", stack_info=True)
    output = redacted_logging.getvalue()
    assert "Traceback" in output and "ValueError: could not parse 'ring [phone]'" in output
    assert "912 34" not in output and "ola.nordmann" not in output


def test_arguments_that_do_not_fit_the_message_are_kept_redacted(redacted_logging: io.StringIO) -> None:
    logging.getLogger("test_log_redaction").info("two %s %s", "ola@example.no")
    assert f"two %s %s ('{EMAIL}',)" in redacted_logging.getvalue()


def test_the_filter_redacts_for_a_handler_of_its_own() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test_log_redaction.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("call %s", "912 34 567")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == f"call {PHONE}\n"
