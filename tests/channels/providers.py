"""A local stand-in for the providers' APIs (Telegram Bot API, Slack Web API, Graph API, Twilio REST API).

The real APIs are not reachable from the tests. The channels take their API base URL from the environment
(TELEGRAM_API_URL, SLACK_API_URL, FACEBOOK_GRAPH_URL, TWILIO_API_URL); the tests point them here. Every call is
recorded as it arrived (path, query, headers, decoded body) and answered the way the provider answers a success,
with the fields the client libraries read from it, so what the tests check is exactly what would have gone out.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from launch.processes import free_port


@dataclass(frozen=True)
class Call:
    """One request to a provider's API."""

    provider: str  # "telegram", "slack", "facebook", "twilio"
    method: str  # the API method: "sendMessage", "chat.postMessage", "me/messages", "Messages.json"
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Providers:
    """The recording server; `url(provider)` is the base URL to give a channel."""

    port: int
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def url(self, provider: str) -> str:
        base = f"http://127.0.0.1:{self.port}/{provider}"
        return {"slack": f"{base}/api/", "facebook": f"{base}/v22.0"}.get(provider, base)

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def calls_to(self, provider: str, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.provider == provider and (method is None or c.method == method)]

    def wait_for(
        self, provider: str, method: str, where: Callable[[Call], bool], count: int = 1, timeout: float = 30
    ) -> list[Call]:
        """The first `count` calls matching, waiting for them (the bot answers Slack after the webhook returns)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [call for call in self.calls_to(provider, method) if where(call)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} {provider} {method} call(s), got {len(found)}; all {provider} calls: "
                    + json.dumps([c.body for c in self.calls_to(provider)], ensure_ascii=False)[:3000]
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def start_providers() -> Providers:
    providers = Providers(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            provider, _, rest = parts.path.lstrip("/").partition("/")
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = _decode(raw, self.headers.get("Content-Type", ""))
            method = _api_method(provider, rest)
            call = Call(
                provider,
                method,
                parts.path,
                {key: values[0] for key, values in parse_qs(parts.query).items()},
                {key.lower(): value for key, value in self.headers.items()},
                body,
            )
            providers.record(call)
            status, answer = _answer(call)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    providers.server = ThreadingHTTPServer(("127.0.0.1", providers.port), Handler)
    threading.Thread(target=providers.server.serve_forever, daemon=True).start()
    return providers


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    if "x-www-form-urlencoded" in content_type:
        fields = parse_qs(raw.decode(), keep_blank_values=True)
        return {key: values[0] if len(values) == 1 else values for key, values in fields.items()}
    raise AssertionError(f"unexpected request body of type {content_type!r}")


def _api_method(provider: str, rest: str) -> str:
    if provider == "telegram":  # bot<token>/<method>
        return rest.split("/", 1)[1] if "/" in rest else rest
    if provider == "slack":  # api/<method>
        return rest.removeprefix("api/")
    if provider == "facebook":  # v22.0/me/messages
        return rest.split("/", 1)[1] if "/" in rest else rest
    if provider == "twilio":  # 2010-04-01/Accounts/<sid>/Messages.json
        return rest.rsplit("/", 1)[-1]
    return rest


def _answer(call: Call) -> tuple[int, dict[str, Any]]:
    """What the provider answers to a successful call (the fields the client libraries parse)."""
    now = int(time.time())
    if call.provider == "telegram":
        if call.method == "sendMessage":
            chat_id = int(call.body["chat_id"])
            message = {"message_id": now % 100000, "date": now, "chat": {"id": chat_id, "type": "private"}}
            return 200, {"ok": True, "result": {**message, "text": call.body.get("text", "")}}
        if call.method == "getMe":
            bot = {"id": 6012345678, "is_bot": True, "first_name": "ChargePoint", "username": "chargepoint_bot"}
            return 200, {"ok": True, "result": bot}
        return 200, {"ok": True, "result": True}
    if call.provider == "slack":
        return 200, {"ok": True, "channel": call.body.get("channel"), "ts": f"{now}.000100"}
    if call.provider == "facebook":
        recipient = (call.body.get("recipient") or {}).get("id")
        return 200, {"recipient_id": recipient, "message_id": f"m_{now}"}
    if call.provider == "twilio":
        sid = f"SM{now:032x}"[:34]
        return 201, {
            "sid": sid,
            "account_sid": call.path.split("/")[4],
            "to": call.body.get("To"),
            "from": call.body.get("From"),
            "body": call.body.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
        }
    return 404, {"error": "unknown provider"}
