"""Starting the real bot for end-to-end tests: the trained model in `rasa run`, the action server, on free
loopback ports, with a SQLite tracker store of their own; and a small REST client to talk to them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "chargepoint.tar.gz"
STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


@dataclass
class RunningBot:
    rasa_url: str
    actions_url: str
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def say(self, sender: str, message: str, metadata: dict | None = None, timeout: float = 30) -> list[dict]:
        """Post one message to the REST channel; the bot's messages for it."""
        body = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def start_bot(workdir: Path, log_dir: Path | None = None) -> RunningBot:
    """Starts the action server and the Rasa server and waits until both answer."""
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make train` (or `make test`, which trains)")
    rasa_port, actions_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump(
            {
                "action_endpoint": {"url": f"http://127.0.0.1:{actions_port}/webhook"},
                "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(workdir / "tracker.db")},
            }
        )
    )
    log_dir = log_dir or workdir
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    bot = RunningBot(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}", workdir)
    commands = {
        "actions": [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
        "rasa": [
            sys.executable, "-m", "rasa", "run",
            "--model", str(MODEL),
            "--endpoints", str(endpoints),
            "--credentials", str(ROOT / "bot" / "credentials.yml"),
            "--interface", "127.0.0.1",
            "--port", str(rasa_port),
        ],
    }  # fmt: skip
    for name, command in commands.items():
        log = (log_dir / f"{name}.log").open("w")
        bot.processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + STARTUP_SECONDS
    for url in (f"{bot.actions_url}/health", f"{bot.rasa_url}/"):
        while True:
            try:
                _get(url)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or any(p.poll() is not None for p in bot.processes):
                    bot.stop()
                    logs = "\n".join((log_dir / f"{name}.log").read_text()[-3000:] for name in commands)
                    raise RuntimeError(f"the bot did not start; its logs end with:\n{logs}") from None
                time.sleep(0.5)
    return bot
