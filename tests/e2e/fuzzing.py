"""Bad input for the REST channel, generated from a seed, and what a response to it must (not) look like.

Shared by the fuzz test (tests/e2e/test_fuzz.py) and the fault report (bench/faults.py). The inputs are what a
chat widget, a careless integration or a hostile client sends: empty and blank messages, 100,000 characters,
control characters, emoji, right-to-left scripts, HTML and script tags, SQL fragments, phone numbers, e-mail
addresses, lone surrogates, invalid UTF-8 and invalid JSON, fields of the wrong type or missing.
"""

from __future__ import annotations

import json
import random
import re
import string
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

#: Requests of each kind per 100 generated; every kind appears, in a seeded random order.
KINDS_PER_100: dict[str, int] = {
    "empty": 2,
    "whitespace": 4,
    "long": 1,
    "control characters": 8,
    "emoji": 6,
    "right-to-left": 6,
    "html and script": 10,
    "sql": 8,
    "phone number": 6,
    "e-mail address": 6,
    "any unicode": 8,
    "lone surrogate": 3,
    "question": 6,
    "invalid utf-8": 4,
    "invalid json": 7,
    "wrong type": 8,
    "missing field": 4,
    "streamed": 3,
}

WORDS = [
    "I",
    "am",
    "a",
    "driver",
    "in",
    "Germany",
    "my",
    "charging",
    "session",
    "will",
    "not",
    "start",
    "station",
    "owner",
    "Sweden",
    "help",
    "number",
    "call",
]
QUESTIONS = [
    "I'm a driver in Germany and my session won't start",
    "Jeg eier ladestasjoner i Norge, hvem ringer jeg?",
    "Je suis conducteur en France",
    "Ik ben installateur in Nederland",
    "Sono un conducente in Italia",
    "Soy conductor en España",
    "Jestem kierowcą w Polsce",
    "Jag är förare i Sverige",
    "hello",
    "thanks",
]
EMOJI = ["😀", "🔌", "⚡", "🚗", "🇩🇪", "🇳🇴", "👩\u200d🔧", "👍🏽", "❤️", "🙁", "🔋", "🏳️\u200d🌈"]
RIGHT_TO_LEFT = [
    "أنا سائق في ألمانيا ولا تبدأ جلسة الشحن",
    "אני נהג בגרמניה והטעינה לא מתחילה",
    "من راننده در آلمان هستم",
    "ما هو رقم الدعم؟",
    "\u202eGermany driver\u202c",
    "\u200fשלום\u200f Germany",
]
MARKUP = [
    "<script>alert('{w}')</script>",
    "<img src=x onerror=alert('{w}')>",
    "<b>{w}</b>",
    '<a href="javascript:alert(1)">{w}</a>',
    "<iframe src=//example.com></iframe>{w}",
    "</textarea><svg onload=alert(1)>{w}",
    "[{w}](javascript:alert(1))",
    "{{{{7*7}}}} ${{7*7}} {w}",
    "<!-- {w} --><style>*{{display:none}}</style>",
    "&lt;script&gt;{w}&lt;/script&gt;",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    "1 UNION SELECT sender_id, data FROM events --",
    "Robert'); DELETE FROM events WHERE ('a'='a",
    '" OR 1=1 /*',
    "SELECT * FROM events WHERE sender_id LIKE '%'",
]
WRONG_TYPES: list[dict] = [
    {"message": 12345},
    {"message": 1.5e300},
    {"message": ["hi"]},
    {"message": {"text": "hi"}},
    {"message": None},
    {"message": True},
    {"sender": ["s"]},
    {"sender": {"id": 1}},
    {"sender": None},
    {"sender": False},
    {"sender": ""},
    {"sender": "x" * 300},
    {"metadata": "en"},
    {"metadata": [1, 2]},
    {"input_channel": 7},
]
INVALID_JSON = [
    b"",
    b"{",
    b'{"sender": "s", "message": "hi",}',
    b"{'sender': 's', 'message': 'hi'}",
    b'{"sender": "s" "message": "hi"}',
    b"null",
    b"[]",
    b"42",
    b'"just a string"',
    b"sender=s&message=hi",
    b"[" * 50_000,
    b'{"sender": "s", "message": "hi"}{"sender": "s"}',
    b'{"sender": NaN, "message": "hi"}',
]
LEAKS = re.compile(r"Traceback|File \"|line \d+, in |\b\w+(Error|Exception)\b")
MARKUP_IN_REPLY = re.compile(r"<\s*[a-zA-Z!/?]")


@dataclass(frozen=True)
class FuzzCase:
    kind: str
    sender: str
    body: bytes
    #: The text a person typed, if the body carries one; None for malformed bodies.
    typed: str | None
    #: Whether the channel should take it (200) rather than refuse it (400).
    well_formed: bool
    stream: bool = False


@dataclass(frozen=True)
class FuzzResult:
    case: FuzzCase
    status: int
    body: bytes
    seconds: float

    def problems(self) -> list[str]:
        """What is wrong with this response; empty when it is what a client may expect."""
        found = []
        text = self.body.decode("utf-8", "replace")
        if self.status >= 500:
            found.append(f"HTTP {self.status}")
        if LEAKS.search(text):
            found.append("a stack trace or exception name in the body")
        if self.case.well_formed and self.status != 200:
            found.append(f"a well-formed request got HTTP {self.status}")
        if not self.case.well_formed and self.status != 400:
            found.append(f"a malformed request got HTTP {self.status}, not 400")
        if self.status == 200:
            found += self._reply_problems()
        elif 400 <= self.status < 500 and not _is_error_object(self.body):
            found.append('a 4xx body that is not {"error": "..."}')
        return found

    def messages(self) -> list[dict] | None:
        try:
            if self.case.stream:
                return [json.loads(line) for line in self.body.decode("utf-8").splitlines() if line.strip()]
            data = json.loads(self.body)
        except ValueError:
            return None
        return data if isinstance(data, list) else None

    def _reply_problems(self) -> list[str]:
        messages = self.messages()
        if messages is None or not all(isinstance(m, dict) for m in messages):
            return ["a 200 body that is not a JSON list of messages"]
        found = []
        if not messages:
            found.append("no reply (the person gets nothing)")
        for message in messages:
            if message.get("recipient_id") != self.case.sender:
                found.append("a reply for another conversation")
            shown = json.dumps({key: message.get(key) for key in ("text", "buttons")}, ensure_ascii=False)
            if MARKUP_IN_REPLY.search(shown):
                found.append("markup in a reply")
            typed = self.case.typed or ""
            if "<" in typed and any(tag in shown for tag in re.findall(r"<[^>]{1,40}>?", typed)):
                found.append("the person's markup echoed in a reply")
        return found


def _is_error_object(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("error"), str)


# -- generation ---------------------------------------------------------------------------------------------------


def generate(count: int, seed: int = 7) -> list[FuzzCase]:
    """`count` cases (at least one of every kind), in a seeded random order; ten messages per conversation."""
    rng = random.Random(seed)
    total = sum(KINDS_PER_100.values())
    kinds = [kind for kind, share in KINDS_PER_100.items() for _ in range(max(1, round(count * share / total)))]
    while len(kinds) < count:
        kinds.append(rng.choice(list(KINDS_PER_100)))
    rng.shuffle(kinds)
    return [_MAKERS[kind](rng, kind, f"fuzz-{seed}-{index // 10}") for index, kind in enumerate(kinds)]


def _message(kind: str, sender: str, text: str, stream: bool = False, **extra) -> FuzzCase:
    body = json.dumps({"sender": sender, "message": text, **extra}).encode()
    return FuzzCase(kind, sender, body, typed=text, well_formed=True, stream=stream)


def _words(rng: random.Random, low: int = 1, high: int = 6) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _any_unicode(rng: random.Random, length: int) -> str:
    chars = []
    while len(chars) < length:
        point = rng.choice([rng.randint(0x20, 0x2FF), rng.randint(0x300, 0xFFFF), rng.randint(0x10000, 0x10FFFF)])
        if not 0xD800 <= point <= 0xDFFF:
            chars.append(chr(point))
    return "".join(chars)


def _control(rng: random.Random) -> str:
    controls = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]] + ["\u2028", "\u2029", "\ufeff"]
    pieces = [rng.choice(controls) if rng.random() < 0.5 else rng.choice(WORDS) for _ in range(rng.randint(1, 12))]
    return "".join(pieces)


def _phone(rng: random.Random) -> str:
    number = f"+{rng.choice([47, 49, 33, 46, 45, 48, 1, 44])} {rng.randint(100, 999)} {rng.randint(10000, 99999)}"
    return rng.choice(["{n}", "call me on {n}", "my number is {n}, I'm in Germany", "{n} {n}", "tel:{n}"]).format(
        n=number
    )


def _email(rng: random.Random) -> str:
    name = "".join(rng.choice(string.ascii_lowercase + ".") for _ in range(rng.randint(3, 12))).strip(".") or "a"
    address = f"{name}@{rng.choice(['example.com', 'mail.example.no', 'test.de'])}"
    return rng.choice(["{a}", "write to {a}", "my e-mail: <{a}>", "{a} driver Sweden"]).format(a=address)


def _long(rng: random.Random) -> str:
    return rng.choice(
        [
            "a" * 100_000,
            (_words(rng, 5, 10) + " ") * (100_000 // 40),
            "I'm a driver in Germany " + "🔌" * 50_000,
            _any_unicode(rng, 100_000),
        ]
    )[:100_000]


def _lone_surrogate(rng: random.Random, kind: str, sender: str) -> FuzzCase:
    escape = f"\\u{rng.randint(0xD800, 0xDFFF):04x}"
    body = f'{{"sender": "{sender}", "message": "driver {escape} Germany"}}'.encode()
    return FuzzCase(kind, sender, body, typed=None, well_formed=True)


def _invalid_utf8(rng: random.Random, kind: str, sender: str) -> FuzzCase:
    junk = bytes(rng.randint(0x80, 0xFF) for _ in range(rng.randint(1, 20)))
    body = rng.choice(
        [
            b'{"sender": "' + sender.encode() + b'", "message": "' + junk + b'"}',
            junk,
            b"\xff\xfe" + json.dumps({"sender": sender, "message": "hi"}).encode("utf-16-le"),
        ]
    )
    return FuzzCase(kind, sender, body, typed=None, well_formed=False)


def _invalid_json(rng: random.Random, kind: str, sender: str) -> FuzzCase:
    return FuzzCase(kind, sender, rng.choice(INVALID_JSON), typed=None, well_formed=False)


def _wrong_type(rng: random.Random, kind: str, sender: str) -> FuzzCase:
    fields = {"sender": sender, "message": "hi", **rng.choice(WRONG_TYPES)}
    return FuzzCase(kind, sender, json.dumps(fields).encode(), typed=None, well_formed=False)


def _missing_field(rng: random.Random, kind: str, sender: str) -> FuzzCase:
    fields = rng.choice([{"message": "I'm a driver in Germany"}, {"sender": sender}, {}, {"text": "hi"}])
    return FuzzCase(kind, sender, json.dumps(fields).encode(), typed=None, well_formed=False)


def _typed(make: Callable[[random.Random], str]) -> Callable[[random.Random, str, str], FuzzCase]:
    return lambda rng, kind, sender: _message(kind, sender, make(rng))


_MAKERS: dict[str, Callable[[random.Random, str, str], FuzzCase]] = {
    "empty": _typed(lambda rng: ""),
    "whitespace": _typed(
        lambda rng: "".join(rng.choice(" \t\n\r\u00a0\u2003\u3000") for _ in range(rng.randint(1, 50)))
    ),
    "long": _typed(_long),
    "control characters": _typed(_control),
    "emoji": _typed(lambda rng: "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 20)))),
    "right-to-left": _typed(lambda rng: rng.choice(RIGHT_TO_LEFT)),
    "html and script": _typed(lambda rng: rng.choice(MARKUP).format(w=_words(rng))),
    "sql": _typed(lambda rng: rng.choice(SQL)),
    "phone number": _typed(_phone),
    "e-mail address": _typed(_email),
    "any unicode": _typed(lambda rng: _any_unicode(rng, rng.randint(1, 200))),
    "lone surrogate": _lone_surrogate,
    "question": _typed(lambda rng: rng.choice(QUESTIONS)),
    "invalid utf-8": _invalid_utf8,
    "invalid json": _invalid_json,
    "wrong type": _wrong_type,
    "missing field": _missing_field,
    "streamed": lambda rng, kind, sender: _message(kind, sender, rng.choice(QUESTIONS), stream=True),
}


# -- sending ------------------------------------------------------------------------------------------------------


def send(rasa_url: str, case: FuzzCase, timeout: float = 60) -> FuzzResult:
    url = f"{rasa_url}/webhooks/rest/webhook" + ("?stream=true" if case.stream else "")
    request = urllib.request.Request(url, data=case.body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return FuzzResult(case, status, body, time.perf_counter() - started)


def send_all(rasa_url: str, cases: Iterable[FuzzCase], workers: int = 4) -> list[FuzzResult]:
    """Sends every case; one conversation's messages in order, conversations side by side."""
    by_sender: dict[str, list[FuzzCase]] = {}
    for case in cases:
        by_sender.setdefault(case.sender, []).append(case)

    def conversation(cases_of_one: list[FuzzCase]) -> list[FuzzResult]:
        return [send(rasa_url, case) for case in cases_of_one]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [result for results in pool.map(conversation, by_sender.values()) for result in results]


@dataclass
class FuzzSummary:
    tried: int = 0
    well_formed_responses: int = 0
    server_errors: int = 0
    refused_cleanly: int = 0
    by_kind: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, results: list[FuzzResult]) -> FuzzSummary:
        summary = cls(tried=len(results))
        for result in results:
            summary.by_kind[result.case.kind] += 1
            found = result.problems()
            summary.server_errors += result.status >= 500
            summary.refused_cleanly += 400 <= result.status < 500 and not found
            summary.well_formed_responses += not found
            summary.problems += [f"[{result.case.kind}] {result.case.body[:80]!r}: {p}" for p in found]
        return summary
