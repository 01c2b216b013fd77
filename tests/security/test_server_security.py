"""The running servers, as `python -m rasa_extensions run` starts them: the HTTP API, CORS, model loading, logs.

Two real Rasa servers with the trained model: one as `make run` starts it (no API settings in the environment), one
with RASA_API_TOKEN and RASA_JWT_SECRET set, at DEBUG level and with log files, next to a real action server.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
import yaml

from launch.processes import (
    MODEL,
    ROOT,
    action_server_command,
    base_environment,
    configured_tracker_store,
    free_port,
    rasa_server_command,
    start_process,
    wait_until_up,
)

TOKEN = f"token-{uuid.uuid4().hex}"
SECRET = f"secret-{uuid.uuid4().hex}"
ALLOWED_ORIGINS = ["http://127.0.0.1:8080", "http://localhost:8080"]
LOOK_ALIKES = [
    "http://127.0.0.1:8080.evil.example",
    "http://evil127.0.0.1:8080",
    "http://127.0.0.1:80800",
    "https://127.0.0.1:8080",
    "http://127.0.0.1:8081",
    "http://localhost:8080@evil.example",
    "null",
    "http://evil.example",
]
TYPED = "my number is +47 912 34 567 and mail ola.nordmann@example.no"
RAW_PERSONAL_DATA = ["912 34 567", "91234567", "ola.nordmann", "nordmann@example", "example.no"]


@dataclass
class Server:
    url: str
    log_files: list[Path]
    pid: int


@dataclass
class Servers:
    secured: Server
    default: Server


def _env(**extra: str) -> dict[str, str]:
    env = base_environment()
    for name in ("RASA_API_TOKEN", "RASA_JWT_SECRET", "CORS_ORIGINS", "LOG_LEVEL"):
        env.pop(name, None)
    return {**env, **extra}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train`")
    workdir = tmp_path_factory.mktemp("security")
    actions_port, secured_port, default_port = free_port(), free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump(
            {
                "action_endpoint": {"url": f"http://127.0.0.1:{actions_port}/webhook"},
                "tracker_store": configured_tracker_store(workdir / "tracker.db"),
            }
        )
    )
    quiet_endpoints = workdir / "endpoints-default.yml"
    quiet_endpoints.write_text(yaml.safe_dump({"tracker_store": configured_tracker_store(workdir / "default.db")}))
    secured_env = _env(RASA_API_TOKEN=TOKEN, RASA_JWT_SECRET=SECRET)
    processes = {
        "actions": start_process(
            "actions",
            [*action_server_command(actions_port), "--debug", "--log-file", str(workdir / "actions-file.log")],
            workdir,
            _env(),
        ),
        "secured": start_process(
            "secured",
            [*rasa_server_command(secured_port, endpoints), "--debug", "--log-file", str(workdir / "rasa-file.log")],
            workdir,
            secured_env,
        ),
        "default": start_process("default", rasa_server_command(default_port, quiet_endpoints), workdir, _env()),
    }
    try:
        wait_until_up(
            [
                f"http://127.0.0.1:{actions_port}/health",
                f"http://127.0.0.1:{secured_port}/",
                f"http://127.0.0.1:{default_port}/",
            ],
            list(processes.values()),
            workdir,
            list(processes),
        )
        yield Servers(
            secured=Server(
                f"http://127.0.0.1:{secured_port}",
                [workdir / name for name in ("secured.log", "rasa-file.log", "actions.log", "actions-file.log")],
                processes["secured"].pid,
            ),
            default=Server(f"http://127.0.0.1:{default_port}", [workdir / "default.log"], processes["default"].pid),
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)


def call(
    url: str, method: str = "GET", body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def bearer(secret: str, role: str = "admin") -> dict[str, str]:
    token = jwt.encode({"user": {"username": "ops", "role": role}}, secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


# --- the API -----------------------------------------------------------------------------------------------------


def test_the_api_is_off_when_no_token_or_secret_is_set(servers: Servers) -> None:
    for path in ("/status", "/version", "/domain", "/conversations/x/tracker"):
        assert call(servers.default.url + path)[0] == 404, path
    assert call(servers.default.url + "/model", "PUT", {"model_file": str(MODEL)})[0] in (404, 405)
    assert call(servers.default.url + "/status?token=anything")[0] == 404


def test_api_routes_need_the_token_or_a_jwt(servers: Servers) -> None:
    url = servers.secured.url
    for path in ("/status", "/domain", "/conversations/someone/tracker"):
        assert call(url + path)[0] == 401, path
        assert call(f"{url}{path}?token=wrong-{TOKEN}")[0] == 401, path
        assert call(url + path, headers=bearer(f"wrong-{SECRET}"))[0] == 401, path
        assert call(url + path, headers={"Authorization": "Bearer not.a.jwt"})[0] == 401, path
        assert call(f"{url}{path}?token={TOKEN}")[0] == 200, path
        assert call(url + path, headers=bearer(SECRET))[0] == 200, path
    status = json.loads(call(f"{url}/status?token={TOKEN}")[2])
    assert status["model_file"].endswith("chargepoint.tar.gz")


def test_a_user_jwt_reaches_only_its_own_conversation(servers: Servers) -> None:
    url = servers.secured.url
    assert call(f"{url}/conversations/ops/tracker", headers=bearer(SECRET, role="user"))[0] == 200
    assert call(f"{url}/conversations/someone-else/tracker", headers=bearer(SECRET, role="user"))[0] == 403


def test_conversations_cannot_be_read_or_written_without_auth(servers: Servers) -> None:
    url = servers.secured.url
    sender = f"victim-{uuid.uuid4().hex[:6]}"
    assert call(f"{url}/webhooks/rest/webhook", "POST", {"sender": sender, "message": "hei"})[0] == 200
    assert call(f"{url}/conversations/{sender}/tracker")[0] == 401
    assert call(f"{url}/conversations/{sender}/tracker/events", "POST", {"event": "restart"})[0] == 401
    assert call(f"{url}/conversations/{sender}/execute", "POST", {"name": "action_restart"})[0] == 401
    events = json.loads(call(f"{url}/conversations/{sender}/tracker?token={TOKEN}")[2])["events"]
    assert not any(event.get("event") == "restart" for event in events)


def test_the_model_cannot_be_replaced_without_auth(servers: Servers) -> None:
    url = servers.secured.url
    assert call(f"{url}/model", "PUT", {"model_file": str(MODEL)})[0] == 401
    assert call(f"{url}/model", "DELETE")[0] == 401
    assert call(f"{url}/model", "PUT", {"model_server": {"url": "http://127.0.0.1:1/model.tar.gz"}})[0] == 401


def test_models_load_only_from_the_projects_models_directory_even_with_auth(servers: Servers, tmp_path: Path) -> None:
    url = servers.secured.url
    outside = tmp_path / "chargepoint.tar.gz"
    outside.write_bytes(MODEL.read_bytes()[:1024])
    for body in (
        {"model_file": str(outside)},
        {"model_file": str(ROOT / "models" / ".." / "bot" / "config.yml")},
        {"model_server": {"url": "http://127.0.0.1:1/model.tar.gz"}},
        {"model_file": str(MODEL), "remote_storage": "aws"},
    ):
        status, _, answer = call(f"{url}/model?token={TOKEN}", "PUT", body)
        assert status == 403, (body, answer)
        assert b"models are loaded only from" in answer
    status, _, answer = call(f"{url}/model?token={TOKEN}", "PUT", {"model_file": str(ROOT / "models" / "none.tar.gz")})
    assert status not in (200, 204, 403), answer  # inside models/: Rasa's own answer (there is no such model)
    status = json.loads(call(f"{url}/status?token={TOKEN}")[2])
    assert status["model_file"].endswith("chargepoint.tar.gz")
    assert call(f"{url}/webhooks/rest/webhook", "POST", {"sender": "after-put", "message": "hei"})[0] == 200


def test_secrets_are_not_on_the_command_line(servers: Servers) -> None:
    command_line = Path(f"/proc/{servers.secured.pid}/cmdline").read_bytes().decode()
    assert "rasa_extensions" in command_line
    assert TOKEN not in command_line and SECRET not in command_line


# --- CORS --------------------------------------------------------------------------------------------------------


def preflight(url: str, origin: str) -> tuple[int, dict[str, str]]:
    status, headers, _ = call(
        f"{url}/webhooks/rest/webhook",
        "OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    return status, {name.lower(): value for name, value in headers.items()}


@pytest.mark.parametrize("origin", ALLOWED_ORIGINS)
def test_cors_answers_an_allowed_origin_with_exactly_that_origin(servers: Servers, origin: str) -> None:
    for server in (servers.default, servers.secured):
        status, headers = preflight(server.url, origin)
        assert status in (200, 204)
        assert headers.get("access-control-allow-origin") == origin
        status, headers, _ = call(
            f"{server.url}/webhooks/rest/webhook", "POST", {"sender": "cors", "message": "hei"}, {"Origin": origin}
        )
        assert status == 200 and headers.get("Access-Control-Allow-Origin") == origin


@pytest.mark.parametrize("origin", LOOK_ALIKES)
def test_cors_answers_any_other_origin_with_no_cors_header(servers: Servers, origin: str) -> None:
    for server in (servers.default, servers.secured):
        _, headers = preflight(server.url, origin)
        assert "access-control-allow-origin" not in headers, origin
        _, headers, _ = call(
            f"{server.url}/webhooks/rest/webhook", "POST", {"sender": "cors", "message": "hei"}, {"Origin": origin}
        )
        assert "access-control-allow-origin" not in {name.lower() for name in headers}, origin


# --- logs --------------------------------------------------------------------------------------------------------


def test_what_a_person_types_is_in_no_log_file(servers: Servers) -> None:
    url = servers.secured.url
    # A letter first: six hex characters can all be digits, and the log would rightly redact them as a number.
    sender = f"redaction-r{uuid.uuid4().hex[:6]}"
    for message in ("I am a driver in Germany", TYPED):
        status, _, answer = call(f"{url}/webhooks/rest/webhook", "POST", {"sender": sender, "message": message})
        assert status == 200 and json.loads(answer), answer
    stored = json.loads(call(f"{url}/conversations/{sender}/tracker?token={TOKEN}")[2])
    assert TYPED in [event.get("text") for event in stored["events"]]  # the conversation itself keeps it
    time.sleep(1)  # let the servers flush their logs
    logs = {path.name: path.read_text(errors="replace") for path in servers.secured.log_files}
    for name, text in logs.items():
        assert sender in text or name.startswith("actions"), f"{name} did not log the conversation at DEBUG"
        for raw in RAW_PERSONAL_DATA:
            assert raw not in text, f"{raw!r} in {name}"
    assert any("my number is [phone] and mail [e-mail]" in text for text in logs.values())
    assert servers.secured.log_files[3].stat().st_size > 0  # the action server's log file was written
