"""Rasa's REST channel, answering a malformed request with a clean 400 instead of a 500 or a reply to "default".

Why not Rasa 3.6's `RestInput` as it is: it reads `request.json` without checking it, so a body that is not a
JSON object (`null`, a list, a number, an empty body) raises inside the handler and Sanic answers 500; a message
that is not text (a number, a list) fails inside Rasa, is logged with a traceback, and the person gets `[]`;
a request without `sender` is filed under Rasa's shared conversation "default". Here the request is checked
before Rasa's handler runs, and anything malformed gets `400 {"error": "..."}` naming what is wrong (never what
was sent, never a traceback). Well-formed requests go to Rasa's own handler unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

#: Rasa's SQL tracker store keeps the sender in a VARCHAR(255).
MAX_SENDER_CHARACTERS = 255


class RestInput(RasaRestInput):
    """`rest` in bot/credentials.yml; same URL (/webhooks/rest/webhook), same answers to well-formed requests."""

    def blueprint(self, on_new_message) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.on_request
        async def refuse_malformed(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            problem = request_problem(request.body)
            if problem is not None:
                return response.json({"error": problem}, status=400)
            return None

        return blueprint


def request_problem(body: bytes) -> str | None:
    """What is wrong with a webhook request body, in a sentence for the client; None if Rasa can take it."""
    try:
        data = json.loads(body.decode("utf-8"))  # JSON is UTF-8 (RFC 8259); json.loads(bytes) would guess
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return "the body must be JSON in UTF-8"
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    return _sender_problem(data.get("sender")) or _fields_problem(data)


def _sender_problem(sender: Any) -> str | None:
    if isinstance(sender, bool) or not isinstance(sender, (str, int)):
        return '"sender" is required: a string naming the conversation'
    text = str(sender)
    if not text.strip() or len(text) > MAX_SENDER_CHARACTERS or not _encodable(text):
        return f'"sender" must be 1 to {MAX_SENDER_CHARACTERS} characters of valid text'
    return None


def _fields_problem(data: dict[str, Any]) -> str | None:
    if not isinstance(data.get("message"), str):
        return '"message" is required: a string'
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        return '"metadata", if given, must be a JSON object'
    if data.get("input_channel") is not None and not isinstance(data["input_channel"], str):
        return '"input_channel", if given, must be a string'
    return None


def _encodable(text: str) -> bool:
    """False for lone surrogates ("\\ud800" is valid JSON but no UTF-8): nothing downstream could store it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
