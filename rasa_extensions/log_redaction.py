"""Phone numbers and e-mail addresses people type never reach a log of the Rasa server or the action server.

At DEBUG level Rasa logs every user message, every parse result and whole trackers, and the action server logs what
it receives; people write their own phone numbers and e-mail addresses to a support bot. `install()` puts a log
record factory in front of Python's: every record, whoever logs it and through whatever handler, formatter or
structlog renderer it goes later, has its message (with its arguments merged in), its traceback and its stack text
redacted when it is created. A factory is used rather than a filter in a `--logging-config-file`: Rasa adds the
handlers of `--log-file` and `--syslog` (and rasa-sdk its `--log-file` handler) after applying such a file, without
its filters, and it ignores a file that fails to load with a DEBUG message only, so a typo would silently turn
redaction off. `RedactingFilter` is the same redaction for a handler configured elsewhere.

What is redacted, deliberately more than less:
- phone numbers: every number `phonenumbers` finds in international form (any region), and every run of at least
  six digits with the separators people type (`912 34 567`, `(020) 7519-5052`, `0049.69.95307383`) whatever the
  country, because a number written in national form names no region. The directory's own support numbers in the
  bot's answers are redacted too (safer than telling them apart), and so are long ids made of digits and dates
  written with separators. Kept: decimals with at most three digits before the point (confidences, durations),
  Rasa's event timestamps (ten digits starting with 1, a point and a fraction) and IPv4 addresses;
- e-mail addresses, including ones whose non-ASCII letters a JSON log line escaped (`bj\\u00f8rn@example.no`).
Redacting costs about 25 µs for a short line with a number and 40 µs for a kilobyte of JSON full of timestamps
(Rasa's DEBUG lines), and is only done for records that pass their logger's level.
The Rasa server installs it through `python -m rasa_extensions`, the action server in `actions/__main__.py`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from phonenumbers import Leniency, PhoneNumberMatcher

PHONE = "[phone]"
EMAIL = "[e-mail]"

_EMAIL = re.compile(r"[\w.!#$%&*+/=?^~\\-]+@[\w-]+(?:\.[\w-]+)+")
# At least six digits, each group joined to the next by at most two of the separators people type.
_DIGITS = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s./()\-–]{0,2}\d){5,}\)?(?!\w)")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# A decimal like 0.9731, a Unix timestamp with a fraction, an IPv4 address (no octet written with a leading zero).
_NOT_A_PHONE = re.compile(rf"\d{{1,3}}\.\d+|1\d{{9}}\.\d+|{_OCTET}(?:\.{_OCTET}){{3}}")
_formatter = logging.Formatter()
_INSTALLED_MARK = "_redacts_personal_data"


def redact(text: str) -> str:
    """The text with every phone number and e-mail address replaced by a placeholder."""
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if not any(character.isdigit() for character in text):
        return text
    if "+" in text:  # without a region, phonenumbers finds only numbers written with their country code
        for match in reversed(list(PhoneNumberMatcher(text, None, leniency=Leniency.POSSIBLE))):
            text = text[: match.start] + PHONE + text[match.end :]
    return _DIGITS.sub(_phone_unless_other_number, text)


def _phone_unless_other_number(match: re.Match[str]) -> str:
    return match.group(0) if _NOT_A_PHONE.fullmatch(match.group(0)) else PHONE


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Merges the arguments into the message and redacts it, the traceback and the stack text."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit the message: keep both, redacted
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(_formatter.formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """The same redaction as a filter, for a handler of one's own (`()`: rasa_extensions.log_redaction...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install() -> None:
    """Makes every log record of this process redacted at creation; safe to call again."""
    current = logging.getLogRecordFactory()
    if getattr(current, _INSTALLED_MARK, False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    setattr(redacting_factory, _INSTALLED_MARK, True)
    logging.setLogRecordFactory(redacting_factory)
