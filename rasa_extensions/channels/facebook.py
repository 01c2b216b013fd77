"""Facebook Messenger: Rasa's channel with Meta's current request signature, every event of a request handled,
and replies that fit Messenger.

Why not Rasa 3.6's `FacebookInput` as it is:
- It checks only the SHA-1 `X-Hub-Signature`, compares with `==`, takes the hash function from the header itself
  (`md5=...` is accepted; an unknown name raises, 500), and answers a bad signature with 200 "not validated".
  Here `X-Hub-Signature-256` (HMAC-SHA256 with the app secret) is checked, `X-Hub-Signature` (SHA-1) only when
  the first is absent, in constant time, and anything else gets 403.
- Meta batches several events in one request; Rasa handles the first and drops the rest. Here each one is handled.
  A body that is not a page event gets 400 instead of a 500.
- Its Send API calls are made with `requests` inside the server's event loop (every conversation on the server
  waits for Facebook); here they run in a worker thread. They go to Graph API v2.12, retired long ago; here to
  FACEBOOK_GRAPH_URL (default below), with `appsecret_proof` (Meta's recommended proof of the app secret), and
  the page token in the Authorization header rather than the URL (which urllib3 logs at DEBUG).
- Its replies are the bot's markdown as it is, and a reply with more than 3 buttons loses them all; here the text
  is plain (the number as written, links written out) and choices are buttons or quick replies
  (rendering.messenger_messages).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger as RasaMessenger
from rasa.core.channels.facebook import MessengerBot as RasaMessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_extensions.channels.rendering import messenger_messages

logger = logging.getLogger(__name__)

GRAPH_URL_VARIABLE = "FACEBOOK_GRAPH_URL"
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v22.0"


def signature_is_valid(app_secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True if the request carries Meta's signature of `body` with the app secret (SHA-256, else SHA-1)."""
    for header, algorithm in (("X-Hub-Signature-256", "sha256"), ("X-Hub-Signature", "sha1")):
        value = headers.get(header)
        if value:
            prefix = f"{algorithm}="
            expected = prefix + hmac.new(app_secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
            return value.startswith(prefix) and hmac.compare_digest(value.encode(), expected.encode())
    return False


def messaging_events(payload: Any) -> list[dict[str, Any]]:
    """Every messaging event of a page webhook payload, in order; [] for anything else."""
    if (
        not isinstance(payload, Mapping)
        or payload.get("object") != "page"
        or not isinstance(payload.get("entry"), list)
    ):
        return []
    return [
        event
        for entry in payload["entry"]
        if isinstance(entry, Mapping) and isinstance(entry.get("messaging"), list)
        for event in entry["messaging"]
        if isinstance(event, dict) and isinstance(event.get("sender"), Mapping)
    ]


class GraphClient(MessengerClient):
    """fbmessenger's client with the page token in the Authorization header (the Graph API takes it there, as the
    WhatsApp Cloud API documents), not in the URL's query, where urllib3's DEBUG log and any proxy's access log
    would show it. The URL keeps `appsecret_proof`: an HMAC of the token, useless without it."""

    def __init__(self, page_access_token: str, app_secret: str | None, graph_url: str) -> None:
        super().__init__(page_access_token, app_secret=app_secret)
        self.graph_url = graph_url.rstrip("/")
        self.session.headers["Authorization"] = f"Bearer {page_access_token}"

    @property
    def auth_args(self) -> dict[str, str]:
        return {"appsecret_proof": self.generate_appsecret_proof()} if self.app_secret else {}


def messenger_client(page_access_token: str, app_secret: str | None) -> MessengerClient:
    return GraphClient(page_access_token, app_secret, os.environ.get(GRAPH_URL_VARIABLE) or DEFAULT_GRAPH_URL)


class MessengerBot(RasaMessengerBot):
    """Sends each reply as Messenger messages (rendering.messenger_messages), off the event loop."""

    async def _deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        answer = await asyncio.to_thread(self.messenger_client.send, message, recipient_id, "RESPONSE")
        _log_send_error(answer)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for message in messenger_messages(text, []):
            await self._deliver(recipient_id, message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        for message in messenger_messages(text, buttons):
            await self._deliver(recipient_id, message)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._deliver(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        try:
            answer = await asyncio.to_thread(self.messenger_client.send_action, sender_action, recipient_id)
            _log_send_error(answer)
        except Exception as error:  # "typing..." is not worth losing the reply for
            logger.warning("Facebook: sender action %s failed: %s", sender_action, type(error).__name__)


def _log_send_error(answer: Any) -> None:
    """The Send API reports a refused message as JSON `{"error": {...}}`: log its kind, never the message."""
    if isinstance(answer, Mapping) and isinstance(answer.get("error"), Mapping):
        error = answer["error"]
        logger.error("Facebook: the Send API refused a message: code %s, %s", error.get("code"), error.get("type"))


class Messenger(RasaMessenger):
    """Rasa's event handling, with every event of a request handled and this module's output channel."""

    def __init__(
        self,
        page_access_token: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        app_secret: str | None = None,
    ) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = messenger_client(page_access_token, app_secret)

    async def handle(self, payload: dict, metadata: dict[str, Any] | None) -> None:
        for event in messaging_events(payload):
            self.last_message = event
            if isinstance(event.get("message"), Mapping):
                if event["message"].get("is_echo"):
                    continue  # the page's own messages (the bot's replies) come back as echoes
                await self.message(event, metadata)
            elif isinstance(event.get("postback"), Mapping) and event["postback"].get("payload"):
                await self.postback(event, metadata)

    async def _handle_user_message(self, text: str, sender_id: str, metadata: dict[str, Any] | None) -> None:
        out_channel = MessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("Facebook: a message could not be handled")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class FacebookInput(RasaFacebookInput):
    """`rasa_extensions.channels.facebook.FacebookInput` in the credentials; served at /webhooks/facebook/webhook."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            """Meta's subscription check: the verify token we chose, answered with its challenge."""
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode(), (self.fb_verify or "").encode()
            ):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Facebook: a webhook verification with a wrong verify token was refused.")
            return response.text("forbidden", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_is_valid(self.fb_secret or "", request.body, request.headers):
                logger.warning("Facebook: a request without a valid signature was refused.")
                return response.text("forbidden", status=403)
            try:
                payload = request.json
            except Exception:  # Sanic raises InvalidUsage for a body that is not JSON
                payload = None
            if not isinstance(payload, dict) or payload.get("object") != "page":
                return response.text("not a page event", status=400)
            messenger = Messenger(self.fb_access_token, on_new_message, app_secret=self.fb_secret)
            await messenger.handle(payload, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> OutputChannel:
        return MessengerBot(messenger_client(self.fb_access_token, self.fb_secret))
