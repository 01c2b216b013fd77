"""Every message is cleaned and cut to a documented length before anything reads it, on every channel.

Rasa 3.6 passes a message to the NLU, the tracker store and the logs as it came: 100,000 characters of one
message cost the featurizers and the database what thousands of ordinary messages cost, and control characters
or lone surrogates ("\\ud800", valid in JSON, not encodable as UTF-8) break what writes the text later. Rasa
builds a `UserMessage` for every message of every channel, so the text is cleaned where one is made:

- lone surrogates become U+FFFD (the replacement character), so the text can always be encoded;
- control characters (C0, DEL, C1) are dropped, except tab and line breaks, which become a space and "\\n";
- the text is put in Unicode NFC (one way of writing "é", as the training data is written);
- spaces at either end go (as Rasa does), and it is cut to `MAX_MESSAGE_CHARACTERS` (the README says so);
  a support question fits in a few hundred.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

#: The longest message the bot reads, in characters (after cleaning); the rest is cut off.
MAX_MESSAGE_CHARACTERS = 2000

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int = MAX_MESSAGE_CHARACTERS) -> str:
    """The text a person sent, safe to encode, without control characters, in NFC, at most `limit` characters."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # pairs kept, lone ones replaced
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text).strip()
    return text[:limit]


def install() -> None:
    """Cleans the text of every `UserMessage` as it is made (safe to call again)."""
    if getattr(UserMessage.__init__, "cleans_text", False):
        return
    original = UserMessage.__init__

    def __init__(self: UserMessage, text: Any = None, *args: Any, **kwargs: Any) -> None:
        original(self, text, *args, **kwargs)
        if isinstance(self.text, str):
            cleaned = clean_text(self.text)
            if len(self.text) > MAX_MESSAGE_CHARACTERS:
                logger.info("A message of %d characters was cleaned and cut to %d.", len(self.text), len(cleaned))
            self.text = cleaned

    __init__.cleans_text = True  # type: ignore[attr-defined]
    UserMessage.__init__ = __init__  # type: ignore[method-assign]
