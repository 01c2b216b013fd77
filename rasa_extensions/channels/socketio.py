"""Rasa's socket.io channel, fixed for session persistence and restricted to the web chat's own origins.

Why not Rasa 3.6's `SocketIOInput` as it is:
- With python-socketio 5.10 or newer (this venv has 5.18), `AsyncServer.enter_room` is a coroutine that Rasa
  never awaits (RasaHQ/rasa#13027): with `session_persistence: true` the socket never joins its session's room
  and every reply, sent to that room, is lost. Here it is awaited (and still works with the older, synchronous
  one).
- Rasa passes `cors_allowed_origins=[]`, which switches python-socketio's origin check off: any web site could
  open a socket to the bot. Here the allowed origins are exact and required; `*` is refused.
- Rasa's `--cors` (sanic-cors, meant for the HTTP API; `make run` sets it for the web page) adds its own
  Access-Control-Allow-Origin to socket.io's responses as well: with both, the header comes twice and browsers
  refuse the connection. python-socketio answers CORS for its own path; sanic-cors is told to leave it alone.
- A malformed event (not an object, a metadata string that is not JSON, a made-up session id) raised inside
  the handler; here it is ignored with a warning in the log, and nothing reaches the person.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer

from rasa_extensions.http_api import exact_origin, origins_from

logger = logging.getLogger(__name__)

# Overrides the credentials' `cors_allowed_origins` (comma-separated), so that `make run` with another WEB_PORT
# and the tests, whose page is on a free port, need no credentials file of their own.
ORIGINS_ENVIRONMENT_VARIABLE = "WEB_ORIGINS"
# The widget stores what the server confirmed (a uuid4 hex); anything else is not one of ours.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def allowed_origins(configured: list[str] | str | None, environment: dict[str, str]) -> list[str]:
    """The origins allowed to connect: the environment's WEB_ORIGINS if set, else the credentials' list."""
    value = environment.get(ORIGINS_ENVIRONMENT_VARIABLE) or configured or []
    origins = origins_from(value) if isinstance(value, str) else [exact_origin(origin) for origin in value if origin]
    if not origins:
        raise ValueError(
            f"socket.io: no allowed origins; set cors_allowed_origins in bot/credentials.yml "
            f"or {ORIGINS_ENVIRONMENT_VARIABLE}"
        )
    return origins


def session_id_of(data: Any) -> str | None:
    """The session id a client sent, if it is one the server could have issued."""
    session_id = data.get("session_id") if isinstance(data, dict) else None
    return session_id if isinstance(session_id, str) and SESSION_ID.fullmatch(session_id) else None


def metadata_of(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The message's metadata as an object (the widget sends an object; a JSON string is accepted too)."""
    metadata = data.get(key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return {}
    return metadata if isinstance(metadata, dict) else {}


async def maybe_await(result: Any) -> None:
    """python-socketio made some server methods coroutines in 5.10; this works with either."""
    if inspect.isawaitable(result):
        await result


class SocketIOBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint, keeping sanic-cors off the socket.io path (python-socketio does CORS there)."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        path = self.ctx.socketio_path.rstrip("/") + "/"

        async def leave_cors_to_socketio(request: Request) -> None:
            if request.path.startswith(path):
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")  # sanic-cors's own "already done" mark

        app.register_middleware(leave_cors_to_socketio, "request")
        super().register(app, options)


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with working session persistence, exact CORS origins and tolerant handlers."""

    cors_allowed_origins: list[str] | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SocketIOInput:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, cls)
        channel.cors_allowed_origins = allowed_origins(credentials.get("cors_allowed_origins"), dict(os.environ))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The same events as Rasa's channel (`session_request`, the user and bot message events)."""
        origins = self.cors_allowed_origins or allowed_origins(None, dict(os.environ))
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins)
        socketio_webhook = SocketIOBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        namespace = self.namespace or "/"

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            session_id = session_id_of(data) or uuid.uuid4().hex
            if self.session_persistence:
                await maybe_await(sio.enter_room(sid, session_id, namespace=namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.warning("socket.io: ignored a malformed %s event", self.user_message_evt)
                return
            if self.session_persistence:
                sender_id = session_id_of(data)
                if sender_id is None or sender_id not in sio.rooms(sid, namespace=namespace):
                    logger.warning("socket.io: ignored a message for a session this socket did not request")
                    return
            else:
                sender_id = sid
            message = UserMessage(
                data.get("message", ""),
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata_of(data, self.metadata_key),
            )
            await on_new_message(message)

        return socketio_webhook
