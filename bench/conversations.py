"""The conversations of the load benchmark and what counts as an error, shared by bench/locustfile.py (in the tools
venv) and bench/load.py (in the Rasa venv): plain Python, no imports beyond the standard library."""

from __future__ import annotations

import json
import re

#: What people write, turn by turn (a button click is its payload): 2 to 4 messages, each ending with a number.
CONVERSATIONS = [
    ["hi", "I'm a driver in Germany and my session won't start"],
    ["who do I call?", '/inform{"role":"business"}', "Belgium"],
    ["my app won't log me in", "Madrid"],
    ["I'm an EV driver and I need help", "Munich"],
    ["talk to a human", '/inform{"role":"driver"}', "Italy"],
    ["hello", "I need help", '/inform{"role":"driver"}', "Spain"],
    ["I'm in Norway", "I'm the station owner"],
    ["I'm a driver in Germany", "actually I'm in Sweden"],
]

#: A number as the bot gives it: a tel: link to an E.164 number.
PHONE = re.compile(r"tel:\+\d{6,}")


def reply_error(status: int, body: str, last: bool) -> str:
    """Why an answer of the REST channel counts as an error ("" when it does not).

    The REST channel answers 200 with `[]` when Rasa fails inside (a lock error, an unreachable action server), so
    an empty answer is an error; the last answer of a conversation must give a phone number.
    """
    if status != 200:
        return f"HTTP {status}"
    try:
        replies = json.loads(body or "")
    except ValueError:
        return "not JSON"
    if not replies:
        return "empty reply []"
    if last and not any(PHONE.search(reply.get("text") or "") for reply in replies):
        return "no phone number in the last reply"
    return ""
