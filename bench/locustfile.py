"""The load of `make bench-load`: people having whole conversations with the bot over the REST channel.

Runs in the tools venv (`.tools/`, `make tools`), started by bench/load.py as `locust --headless`. Each locust user
is one person after another: a conversation of 2 to 4 messages (bench/conversations.py) with a fresh sender id,
each message sent as soon as the previous one is answered (a closed loop: N users keep N conversations going at
once), ending with a number. An error (a locust failure) is a connection error or time-out, a status other than
200, an empty answer `[]`, or a last answer without a phone number; a conversation stops at its first error.

`--samples-file PATH` writes every request's name, end time (Unix seconds), response time (ms, unrounded) and error to
a CSV file when the run ends, for exact percentiles (locust's own CSV rounds them).
"""

from __future__ import annotations

import csv
import itertools
import sys
import time
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conversations import CONVERSATIONS, reply_error

WEBHOOK = "/webhooks/rest/webhook"

_user_numbers = itertools.count()
_samples: list[tuple[str, float, float, str]] = []


@events.init_command_line_parser.add_listener
def _arguments(parser) -> None:
    parser.add_argument("--samples-file", default="", help="CSV file for every request's response time")


@events.request.add_listener
def _record(name, response_time, exception=None, **_kwargs) -> None:
    _samples.append((name, round(time.time(), 3), round(response_time, 2), "" if exception is None else str(exception)))


@events.quitting.add_listener
def _write_samples(environment, **_kwargs) -> None:
    path = environment.parsed_options.samples_file if environment.parsed_options else ""
    if path:
        with Path(path).open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["name", "end", "response_time_ms", "error"])
            writer.writerows(_samples)


class Person(FastHttpUser):
    """One conversation after another, each with a fresh sender id; the users start at different conversations."""

    wait_time = constant(0)
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.conversations = itertools.islice(itertools.cycle(CONVERSATIONS), next(_user_numbers), None)

    @task
    def conversation(self) -> None:
        messages = next(self.conversations)
        sender = f"load-{uuid.uuid4().hex}"
        for index, message in enumerate(messages):
            last = index == len(messages) - 1
            with self.client.post(
                WEBHOOK,
                json={"sender": sender, "message": message},
                name="last message (the number)" if last else "earlier message",
                catch_response=True,
            ) as response:
                error = (
                    reply_error(response.status_code, response.text, last)
                    if response.status_code
                    else f"no response: {type(response.error).__name__}"
                )
                if error:
                    response.failure(error)
                    return
                response.success()
