"""A minimal socket.io client over HTTP long-polling (Engine.IO 4), standard library only: enough to send the
channel events a browser would not (malformed ones, foreign origins) and read what the server answers."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

SEPARATOR = "\x1e"  # between packets in one polling payload


class PollingSocket:
    def __init__(self, server: str, origin: str) -> None:
        self.origin = origin
        base = f"{server}/socket.io/?EIO=4&transport=polling"
        handshake = self._request(base)
        assert handshake.startswith("0"), handshake
        self.url = f"{base}&sid={json.loads(handshake[1:])['sid']}"
        self._post("40")  # join the default namespace
        assert any(packet.startswith("40") for packet in self._receive()), "no namespace acknowledgement"

    def _request(self, url: str, body: str | None = None) -> str:
        request = urllib.request.Request(
            url,
            data=body.encode() if body is not None else None,
            headers={"Origin": self.origin, "Content-Type": "text/plain;charset=UTF-8"},
        )
        with urllib.request.urlopen(request, timeout=40) as response:
            return response.read().decode()

    def _post(self, *packets: str) -> None:
        assert self._request(self.url, SEPARATOR.join(packets)).lower() == "ok"

    def _receive(self) -> list[str]:
        return self._request(self.url).split(SEPARATOR)

    def emit(self, event: str, data: Any) -> None:
        self._post("42" + json.dumps([event, data]))

    def events(self, seconds: float, until: str | None = None) -> list[tuple[str, Any]]:
        """The events the server sent within `seconds` (or until the first `until` event)."""
        received: list[tuple[str, Any]] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for packet in self._receive():
                if packet == "2":  # the server's ping
                    self._post("3")
                elif packet.startswith("42"):
                    event, *arguments = json.loads(packet[2:])
                    received.append((event, arguments[0] if arguments else None))
                    if event == until:
                        return received
        return received

    def close(self) -> None:
        self._post("41")
