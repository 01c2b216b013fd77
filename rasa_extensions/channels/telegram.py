"""Telegram: Rasa's channel with authenticated updates, plain-text replies and vertical keyboards.

Why not Rasa 3.6's `TelegramInput` as it is:
- It cannot tell an update from Telegram from a forged one: its `verify` compares the bot's own user name (fetched
  with an extra getMe call on every update) with a setting. Telegram's answer is the secret token given to
  setWebhook, sent back in every update's `X-Telegram-Bot-Api-Secret-Token` header. aiogram 2.15 (pinned by Rasa)
  predates that parameter, so the webhook is registered with a raw setWebhook call, and updates without the
  right header get 403.
- It registers the webhook with `asyncio.run` while building the routes, so the bot's HTTP session belongs to a
  loop that is closed when the server runs; here it is registered when the server has started, and a failure is
  logged instead of stopping the whole server (REST and the other channels keep working).
- Its replies are the bot's markdown as it is (`[+49 69 95307383](tel:+496995307383)`); Telegram shows plain text
  and makes phone numbers and addresses tappable itself, so the text is rendered plain (rendering.plain_text).
  Buttons are one a row (the titles are long), and a pressed button is answered (answerCallbackQuery), or the
  person's app shows a spinner on it.
- "/start", which Telegram sends when a person opens the bot, is no intent of the bot; it is taken as a greeting.
  The person's app language (`from.language_code`) goes to the bot as `metadata.language`, like a browser's.
- With its `debug_mode` an error re-raised into Sanic (500), and Telegram redelivers the update, again and again.

TELEGRAM_API_URL (optional) sends the Bot API calls elsewhere (a local Bot API server; the tests' recorder).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer, check_result
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_extensions.channels.rendering import TELEGRAM_TEXT_LIMIT, plain_text, split_text, telegram_reply_markup

logger = logging.getLogger(__name__)

API_URL_VARIABLE = "TELEGRAM_API_URL"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: What Telegram allows as a secret token.
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
#: The updates the bot reads; Telegram sends no others.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
GREETING = "/greet"


@dataclass(frozen=True)
class Incoming:
    """What one Telegram update says to the bot."""

    chat_id: str
    text: str
    language: str | None = None
    callback_query_id: str | None = None


def read_update(update: Mapping[str, Any]) -> Incoming | None:
    """The message in an update (text, or a pressed button's payload); None for anything the bot does not read
    (stickers, photos, joins, other update kinds, malformed updates)."""
    callback = update.get("callback_query")
    if isinstance(callback, Mapping):
        message, text = callback.get("message"), callback.get("data")
        sender = callback.get("from")
    else:
        message = update.get("message") or update.get("edited_message")
        text = message.get("text") if isinstance(message, Mapping) else None
        sender = message.get("from") if isinstance(message, Mapping) else None
    if not isinstance(message, Mapping) or not isinstance(text, str) or not text.strip():
        return None
    chat = message.get("chat")
    chat_id = chat.get("id") if isinstance(chat, Mapping) else None
    if isinstance(chat_id, bool) or not isinstance(chat_id, (int, str)):
        return None
    language = sender.get("language_code") if isinstance(sender, Mapping) else None
    return Incoming(
        chat_id=str(chat_id),
        text=GREETING if _is_start_command(text) and not isinstance(callback, Mapping) else text,
        language=language if isinstance(language, str) and language else None,
        callback_query_id=str(callback["id"]) if isinstance(callback, Mapping) and callback.get("id") else None,
    )


def _is_start_command(text: str) -> bool:
    command = text.split(maxsplit=1)[0]
    return command == "/start" or command.startswith("/start@")


def api_server() -> TelegramAPIServer:
    base = os.environ.get(API_URL_VARIABLE)
    return TelegramAPIServer.from_base(base) if base else TELEGRAM_PRODUCTION


class TelegramOutput(RasaTelegramOutput):
    """Replies as plain text, one message per reply (cut only at Telegram's 4096 characters), link previews off."""

    def __init__(self, access_token: str | None, server: TelegramAPIServer | None = None) -> None:
        # Rasa's __init__ takes no server; call the Bot's directly.
        super(RasaTelegramOutput, self).__init__(access_token, server=server or api_server())
        self.access_token = access_token

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(plain_text(text), TELEGRAM_TEXT_LIMIT):
            await self.send_message(recipient_id, part, disable_web_page_preview=True)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        parts = split_text(plain_text(text), TELEGRAM_TEXT_LIMIT) or ["…"]
        for part in parts[:-1]:
            await self.send_message(recipient_id, part, disable_web_page_preview=True)
        await self.send_message(
            recipient_id, parts[-1], reply_markup=telegram_reply_markup(buttons), disable_web_page_preview=True
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def register_webhook(self, url: str, secret_token: str, allowed_updates: Sequence[str]) -> None:
        """setWebhook with a secret token. Made here: aiogram 2.15's set_webhook has no such parameter, and its
        raw `request()` logs every parameter (the secret too) at DEBUG."""
        data = {"url": url, "secret_token": secret_token, "allowed_updates": json.dumps(list(allowed_updates))}
        endpoint = self.server.api_url(token=self.access_token, method="setWebhook")
        async with self.session.post(endpoint, data=data, proxy=self.proxy) as answer:
            check_result("setWebhook", answer.content_type, answer.status, await answer.text())


class TelegramInput(RasaTelegramInput):
    """`rasa_extensions.channels.telegram.TelegramInput` in the credentials; served at /webhooks/telegram/webhook."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("access_token"), credentials.get("webhook_url"), credentials.get("secret_token"))

    def __init__(self, access_token: str | None, webhook_url: str | None, secret_token: str | None) -> None:
        if not access_token or not webhook_url:
            raise InvalidConfigException("telegram: access_token and webhook_url are required")
        if not secret_token or not SECRET_TOKEN.fullmatch(secret_token):
            raise InvalidConfigException(
                "telegram: secret_token (TELEGRAM_SECRET_TOKEN) is required: 1 to 256 of A-Z, a-z, 0-9, _ and -"
            )
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        self.secret_token = secret_token

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        @telegram_webhook.listener("after_server_start")
        async def register_webhook(*_: Any) -> None:
            try:
                await out_channel.register_webhook(self.webhook_url, self.secret_token, ALLOWED_UPDATES)
                logger.info("Telegram: webhook registered.")
            except Exception as error:  # the server keeps serving the other channels
                logger.error("Telegram: the webhook could not be registered: %s", self._without_token(error))

        @telegram_webhook.listener("before_server_stop")
        async def close_session(*_: Any) -> None:
            await out_channel.session.close()  # what aiogram 2's deprecated Bot.close() does

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), self.secret_token.encode()):
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body)
            except (ValueError, RecursionError):
                return response.text("the body must be a JSON update", status=400)
            incoming = read_update(update) if isinstance(update, dict) else None
            if incoming is None:
                return response.text("success")  # nothing for the bot; 200, or Telegram redelivers it
            if incoming.callback_query_id:
                await self._answer_button(out_channel, incoming.callback_query_id)
            metadata = {"language": incoming.language} if incoming.language else {}
            try:
                await on_new_message(
                    UserMessage(
                        incoming.text, out_channel, incoming.chat_id, input_channel=self.name(), metadata=metadata
                    )
                )
            except Exception:
                logger.exception("Telegram: a message could not be handled")
            return response.text("success")

        return telegram_webhook

    async def _answer_button(self, out_channel: TelegramOutput, callback_query_id: str) -> None:
        try:
            await out_channel.answer_callback_query(callback_query_id)
        except Exception as error:  # the reply matters more than the spinner
            logger.warning("Telegram: a button press could not be acknowledged: %s", self._without_token(error))

    def _without_token(self, error: Exception) -> str:
        """An error's text for the log, the bot token (which can be in a URL) masked."""
        return f"{type(error).__name__}: {error}".replace(self.access_token or "\0", "[token]")
