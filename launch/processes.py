"""The embedded bot as processes: the trained model in `rasa run` and the action server, on loopback ports, with
a SQLite tracker store of their own; and a small REST client to talk to them."""

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

ROOT = Path(__file__).resolve().parents[1]
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
    log_dir: Path | None = None
    env: dict[str, str] | None = None
    #: The interpreter that runs the servers (the Rasa venv's), also for a restart.
    python: str = sys.executable

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

    def start_again(self, name: str) -> None:
        """Starts the stopped process `name` ("actions" or "rasa") again, on the same port and the same workdir
        (tracker store), as a supervisor would after a crash; waits until it answers."""
        index, url = {"actions": (0, self.actions_url), "rasa": (1, self.rasa_url)}[name]
        if self.processes[index].poll() is None:
            raise RuntimeError(f"{name} is still running")
        port = int(url.rsplit(":", 1)[1])
        command = (
            action_server_command(port, self.python)
            if name == "actions"
            else rasa_server_command(port, self.workdir / "endpoints.yml", self.python)
        )
        log_dir = self.log_dir or self.workdir
        log_name = f"{name}-{time.strftime('%H%M%S')}"  # the killed process's log stays
        self.processes[index] = start_process(log_name, command, log_dir, self.env)
        health = f"{url}/health" if name == "actions" else f"{url}/"
        wait_until_up([health], [self.processes[index]], log_dir, [log_name])

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def base_environment() -> dict[str, str]:
    return {
        **os.environ,
        "SANIC_HOST": "127.0.0.1",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def start_process(name: str, command: list[str], log_dir: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    log = (log_dir / f"{name}.log").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env or base_environment(), stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(urls: list[str], processes: list[subprocess.Popen], log_dir: Path, names: list[str]) -> None:
    """Waits until every URL answers; if a process dies or time runs out, raises with the ends of the logs."""
    deadline = time.monotonic() + STARTUP_SECONDS
    for url in urls:
        while True:
            try:
                _get(url)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    logs = "\n".join((log_dir / f"{name}.log").read_text()[-3000:] for name in names)
                    raise RuntimeError(f"the bot did not start; its logs end with:\n{logs}") from None
                time.sleep(0.5)


def action_server_command(port: int, python: str = sys.executable) -> list[str]:
    return [python, "-m", "actions", "--actions", "actions", "--port", str(port)]


def rasa_server_command(port: int, endpoints: Path, python: str = sys.executable) -> list[str]:
    return [
        python, "-m", "rasa_extensions", "run",
        "--model", str(MODEL),
        "--endpoints", str(endpoints),
        "--credentials", str(ROOT / "bot" / "credentials.yml"),
        "--interface", "127.0.0.1",
        "--port", str(port),
    ]  # fmt: skip


def configured_action_endpoint() -> dict:
    """bot/endpoints.yml's action_endpoint settings (timeout, retry_after), which a started bot keeps."""
    return yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())["action_endpoint"]


def configured_tracker_store(database: Path) -> dict:
    """bot/endpoints.yml's tracker store (its type and dialect) on another SQLite file."""
    return {**yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())["tracker_store"], "db": str(database)}


def start_bot(
    workdir: Path, log_dir: Path | None = None, env: dict[str, str] | None = None, python: str = sys.executable
) -> RunningBot:
    """Starts the action server and the Rasa server (SQLite tracker store) and waits until both answer.

    `python` runs them: the Rasa venv's interpreter when the caller runs in another venv (the browser tests)."""
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make train` (or `make test`, which trains)")
    rasa_port, actions_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump(
            {
                "action_endpoint": {**configured_action_endpoint(), "url": f"http://127.0.0.1:{actions_port}/webhook"},
                "tracker_store": configured_tracker_store(workdir / "tracker.db"),
            }
        )
    )
    log_dir = log_dir or workdir
    bot = RunningBot(
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{actions_port}",
        workdir,
        log_dir=log_dir,
        env=env,
        python=python,
    )
    bot.processes.append(start_process("actions", action_server_command(actions_port, python), log_dir, env))
    bot.processes.append(start_process("rasa", rasa_server_command(rasa_port, endpoints, python), log_dir, env))
    try:
        wait_until_up([f"{bot.actions_url}/health", f"{bot.rasa_url}/"], bot.processes, log_dir, ["actions", "rasa"])
    except RuntimeError:
        bot.stop()
        raise
    return bot
