"""A Rasa server that would start open or with a foreign model does not start, and says why (no traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launch.processes import MODEL, ROOT, base_environment, free_port


def start(arguments: list[str], **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in base_environment().items() if key not in ("RASA_API_TOKEN", "RASA_JWT_SECRET")}
    command = [sys.executable, "-m", "rasa_extensions", "run", "--port", str(free_port()), "--interface", "127.0.0.1"]
    return subprocess.run(
        [*command, *arguments], cwd=ROOT, env={**env, **environment}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("arguments", "environment", "reason"),
    [
        (["--model", str(MODEL), "--enable-api"], {}, "the HTTP API is enabled without authentication"),
        (["--model", str(MODEL)], {"CORS_ORIGINS": "*"}, "is a pattern, not an origin"),
        (["--model", str(MODEL)], {"CORS_ORIGINS": "https://chat\\.example\\.com"}, "is a pattern, not an origin"),
        (["--model", str(MODEL), "--cors", "https://support.example.com/chat"], {}, "is not an origin"),
        (["--model", "/tmp/chargepoint.tar.gz"], {}, "models are loaded only from there"),
        (["--model", str(MODEL), "--remote-storage", "aws"], {}, "--remote-storage aws"),
    ],
)
def test_refused(arguments: list[str], environment: dict[str, str], reason: str) -> None:
    done = start(arguments, **environment)
    assert done.returncode != 0
    assert "The Rasa server does not start: " in done.stderr
    assert reason in done.stderr
    assert "Traceback" not in done.stderr


def test_an_endpoints_file_with_a_model_server_is_refused(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"models": {"url": "http://127.0.0.1:1/models/chargepoint.tar.gz"}}))
    done = start(["--model", str(MODEL), "--endpoints", str(endpoints)])
    assert done.returncode != 0 and "configures a model server" in done.stderr
