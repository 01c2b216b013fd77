"""Faults injected into the real running bot, and what the person sees meanwhile.

Each scenario kills, stops or breaks one part of a bot started by `launch.processes.start_bot` (its own, since
they kill processes), talks to it over REST as a person would, and returns an `Outcome`: every check with
whether it held, the messages sent and the user messages the tracker store kept. Shared by the fault tests
(tests/e2e/test_faults.py, which assert every check) and the fault report (bench/faults.py, which counts).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from actions.directory import DEFAULT_PATH
from launch.processes import RunningBot, configured_action_endpoint

GERMAN_DRIVER = "+49 69 95307383"
#: The German driver line after an edit of the directory (a valid German number, so the edit validates).
EDITED_GERMAN_DRIVER = "+49 69 95307384"
BROKEN_GERMAN_DRIVER = "+49 69 9"
#: What the broken edit's log line says: the file:line (checked apart) and the field. Not the value: the logs
#: redact phone numbers.
BROKEN_PROBLEM = "lines[13].number: "
CASE_LINK = "https://www.chargepoint.com/support"
APOLOGY = "Sorry, part of my service is not working right now"


@dataclass
class Outcome:
    fault: str
    checks: list[tuple[str, bool]] = field(default_factory=list)
    messages_sent: int = 0
    user_messages_stored: int = 0
    transcript: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)

    def check(self, what: str, held: bool) -> None:
        self.checks.append((what, bool(held)))

    @property
    def survived(self) -> bool:
        return all(held for _, held in self.checks)

    @property
    def events_lost(self) -> int:
        return max(0, self.messages_sent - self.user_messages_stored)

    def failures(self) -> str:
        failed = [what for what, held in self.checks if not held]
        return "failed: " + "; ".join(failed) + "\n" + "\n".join(self.transcript)


class Person:
    """One conversation with the bot; counts what it sent and keeps a transcript for failure messages."""

    def __init__(self, bot: RunningBot, outcome: Outcome, name: str):
        self.bot, self.outcome = bot, outcome
        self.sender = f"{name}-{uuid.uuid4().hex[:8]}"
        outcome.senders.append(self.sender)

    def say(self, text: str, timeout: float = 60) -> str:
        self.outcome.messages_sent += 1
        started = time.perf_counter()
        replies = self.bot.say(self.sender, text, timeout=timeout)
        seconds = time.perf_counter() - started
        said = "\n".join(reply.get("text", "") for reply in replies)
        self.outcome.transcript.append(f"> {text}\n{said}\n({seconds:.1f} s)")
        return said


def user_texts(bot: RunningBot, senders: list[str]) -> list[str | None]:
    """The texts of the user messages the bot's tracker store (SQLite) holds for these conversations."""
    marks = ",".join("?" * len(senders))
    query = f"SELECT data FROM events WHERE type_name = 'user' AND sender_id IN ({marks}) ORDER BY id"
    with closing(sqlite3.connect(bot.workdir / "tracker.db")) as connection:
        return [json.loads(data).get("text") for (data,) in connection.execute(query, senders)]


def user_messages_stored(bot: RunningBot, senders: list[str]) -> int:
    return len(user_texts(bot, senders))


def _finish(bot: RunningBot, outcome: Outcome) -> Outcome:
    outcome.user_messages_stored = user_messages_stored(bot, outcome.senders)
    outcome.check("every message the bot answered is in the tracker store", outcome.events_lost == 0)
    outcome.check("both processes are running", all(process.poll() is None for process in bot.processes))
    return outcome


def _kill(process, how: int) -> None:
    process.send_signal(how)
    if how == signal.SIGKILL:
        process.wait(timeout=30)


# -- the scenarios --------------------------------------------------------------------------------------------------


def action_server_slow(bot: RunningBot) -> Outcome:
    """The action server hangs (SIGSTOP): answered within the configured timeout, from the fallback; once it
    runs again (SIGCONT) and `retry_after` has passed, answered by it again."""
    outcome = Outcome("action server slow (SIGSTOP, then SIGCONT)")
    settings = configured_action_endpoint()
    person = Person(bot, outcome, "slow")
    actions = bot.processes[0]
    _kill(actions, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        said = person.say("I'm a driver in Germany and my session won't start")
        waited = time.perf_counter() - started
        outcome.check("the person gets an apology", APOLOGY in said)
        outcome.check("and the case link", CASE_LINK in said)
        outcome.check(f"within the timeout ({settings['timeout']} s) and a margin", waited < settings["timeout"] + 10)
    finally:
        _kill(actions, signal.SIGCONT)
    time.sleep(settings["retry_after"])
    said = person.say("I'm a driver in Germany and my session won't start")
    outcome.check("after it recovers, the number comes from it again", GERMAN_DRIVER in said and APOLOGY not in said)
    return _finish(bot, outcome)


def action_server_killed(bot: RunningBot) -> Outcome:
    """The action server dies (SIGKILL): every message is still answered, with the number where the country and
    role are known; started again, it answers as before."""
    outcome = Outcome("action server killed (SIGKILL, then started again)")
    known, new = Person(bot, outcome, "known"), Person(bot, outcome, "new")
    outcome.check("before: the number", GERMAN_DRIVER in known.say("I'm a driver in Germany"))
    _kill(bot.processes[0], signal.SIGKILL)
    said = known.say("When are you open?")
    outcome.check("country and role known: an apology", APOLOGY in said)
    outcome.check("with the number", GERMAN_DRIVER in said)
    outcome.check("and the case link", CASE_LINK in said)
    said = new.say("hello")
    outcome.check("a new conversation: an apology with the case link", APOLOGY in said and CASE_LINK in said)
    said = new.say("I'm a driver in Germany")
    outcome.check("nothing understood meanwhile: the apology again, not silence", APOLOGY in said)
    bot.start_again("actions")
    said = new.say("I'm a driver in Germany")
    outcome.check("started again: the number, without apology", GERMAN_DRIVER in said and APOLOGY not in said)
    return _finish(bot, outcome)


def broken_directory_reload(bot: RunningBot, served: Path, log_dir: Path) -> Outcome:
    """The directory the running bot serves (`served`) is edited: a broken edit is logged with line and field and
    the old numbers keep coming; a valid edit is served (after SIGHUP, or by itself within seconds)."""
    outcome = Outcome("directory edited broken, then fixed, while the bot runs")
    person = Person(bot, outcome, "directory")
    original = DEFAULT_PATH.read_text(encoding="utf-8")
    quoted = f'"{GERMAN_DRIVER}"'
    try:
        outcome.check("before: the number", GERMAN_DRIVER in person.say("I'm a driver in Germany"))
        _edit(served, original.replace(quoted, f'"{BROKEN_GERMAN_DRIVER}"'))
        os.kill(bot.processes[0].pid, signal.SIGHUP)
        said = person.say("I'm a driver in Germany")
        outcome.check("broken edit: the old number still served", GERMAN_DRIVER in said)
        logged = _logged(log_dir, BROKEN_PROBLEM)
        outcome.check("the broken edit is logged with the field", any("not a valid number" in x for x in logged))
        line = original[: original.index(quoted)].count("\n") + 1
        outcome.check("and its file and line", any(f"{served.name}:{line}:" in entry for entry in logged))
        _edit(served, original.replace(quoted, f'"{EDITED_GERMAN_DRIVER}"'))  # no signal: found by its mtime
        for _ in range(10):
            said = person.say("I'm a driver in Germany")
            if EDITED_GERMAN_DRIVER in said:
                break
            time.sleep(1)
        outcome.check("valid edit: the new number served", EDITED_GERMAN_DRIVER in said)
    finally:
        _edit(served, original)
        os.kill(bot.processes[0].pid, signal.SIGHUP)
    outcome.check("restored: the number", GERMAN_DRIVER in person.say("I'm a driver in Germany"))
    return _finish(bot, outcome)


def rasa_killed(bot: RunningBot) -> Outcome:
    """The Rasa server dies between two messages (SIGKILL) and is started again: the conversation goes on from
    its tracker store (what the person said before is remembered)."""
    outcome = Outcome("Rasa server killed mid-conversation (SIGKILL, then started again)")
    person = Person(bot, outcome, "resume")
    said = person.say("I drive an electric car and need help")
    outcome.check("before: asked for the country", GERMAN_DRIVER not in said and bool(said))
    _kill(bot.processes[1], signal.SIGKILL)
    bot.start_again("rasa")
    said = person.say("Germany")
    outcome.check("after the restart: the driver line, the role remembered", GERMAN_DRIVER in said)
    return _finish(bot, outcome)


def _edit(path: Path, text: str) -> None:
    """Saves `text` as an editor does, with a modification time that differs from the last one even on coarse
    file systems."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns <= before:
        os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def _logged(log_dir: Path, needle: str) -> list[str]:
    return [
        line for log in sorted(log_dir.glob("actions*.log")) for line in log.read_text().splitlines() if needle in line
    ]
