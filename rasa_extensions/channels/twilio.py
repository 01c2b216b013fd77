"""Twilio, SMS and WhatsApp: Rasa's channel with signed requests only, the sender's phone number kept out of the
conversation store and the logs, its country offered to the bot, and numbered options for buttons.

Why not Rasa 3.6's `TwilioInput` as it is:
- It does not check `X-Twilio-Signature`: anyone who knows the URL can make the bot text any number. Here
  twilio's `RequestValidator` checks it against the URL Twilio calls (TWILIO_WEBHOOK_URL, needed behind a proxy
  or TLS terminator; else the URL the request came to) and the auth token; a bad one gets 403.
- It names the conversation by the sender's phone number, which then sits in the tracker store (and in every log
  line naming the conversation). Here the conversation id is an HMAC-SHA256 of the sender (`whatsapp:` prefix
  included) keyed with SENDER_ID_SECRET: stable for one person, useless without the secret. The number lives only
  in the output channel made for that one request, which sends the replies to it.
- Only the number's country (`phonenumbers`) goes to the bot, as metadata `{"phone_country": "DE"}`: the bot
  offers it as the likely country, to confirm.
- It replies from one configured number; here from the number the person wrote to (the request's `To`), so SMS
  and WhatsApp (`whatsapp:+1...`) and several numbers work with one setting less.
- SMS and WhatsApp have no buttons: Rasa prints "1: Title (payload)" lines, payload included. Here a reply lists
  "1. Title" lines (rendering.sms_bodies), and a reply "1" is the first option's payload, looked up in the
  conversation's last bot turn in the tracker store of the running agent, so it works on any of several servers.
- Its Twilio calls block the event loop (the REST client uses `requests`); here they run in a worker thread.
  Its errors are logged without Twilio's message text, which can contain the number.

TWILIO_API_URL (optional) sends the REST API calls elsewhere (the tests' recorder).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import phonenumbers
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from rasa_extensions.channels.rendering import chosen_payload, offered_buttons, option_number, sms_bodies

logger = logging.getLogger(__name__)

API_URL_VARIABLE = "TWILIO_API_URL"
WEBHOOK_URL_VARIABLE = "TWILIO_WEBHOOK_URL"
SIGNATURE_HEADER = "X-Twilio-Signature"
PRODUCTION_API_URL = "https://api.twilio.com"
WHATSAPP_PREFIX = "whatsapp:"
#: The shortest SENDER_ID_SECRET accepted (a guessable key would make the hash of a number guessable).
MIN_SECRET_CHARACTERS = 32
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signed_form(body: bytes) -> RequestParameters | None:
    """The posted fields as Twilio signed them, empty ones included (Sanic's `request.form` drops those, and the
    signature then never matches: SMS posts carry empty `FromZip`, `FromCity`, ...). None if not UTF-8."""
    try:
        return RequestParameters(parse_qs(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return None


def conversation_id(sender: str, secret: bytes) -> str:
    """The conversation's name for a sender ("+4915...", "whatsapp:+4915..."): a keyed hash, never the number."""
    return "twilio-" + hmac.new(secret, sender.strip().encode(), hashlib.sha256).hexdigest()


def phone_country(sender: str) -> str | None:
    """The ISO 3166 country of the sender's number ("DE"), or None (short codes, names, non-geographic numbers).

    A number `phonenumbers` does not know as valid (a range newer than its data) still names its country when its
    calling code belongs to one country only (+49: DE), not when it is shared (+44: GB, GG, IM, JE; +1).
    """
    number = sender.strip().removeprefix(WHATSAPP_PREFIX)
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    if region is None:
        regions = phonenumbers.region_codes_for_country_code(parsed.country_code)
        region = regions[0] if len(regions) == 1 else None
    return region if region and len(region) == 2 and region.isalpha() and region != "ZZ" else None


class RedirectingHttpClient(TwilioHttpClient):
    """Twilio's HTTP client with the API host replaced (the SDK has no setting for it)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(PRODUCTION_API_URL):
            url = self.base_url + url[len(PRODUCTION_API_URL) :]
        return super().request(method, url, *args, **kwargs)


class TwilioOutput(RasaTwilioOutput):
    """Replies to one person: bound to their number for one request, whatever recipient id Rasa passes (the hash)."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, to_number: str) -> None:
        super().__init__(account_sid, auth_token, from_number)
        api_url = os.environ.get(API_URL_VARIABLE)
        if api_url:
            self.http_client = RedirectingHttpClient(api_url)
        self.to_number = to_number
        self.whatsapp = to_number.startswith(WHATSAPP_PREFIX)

    async def _create(self, **message: Any) -> None:
        try:
            await asyncio.to_thread(self.messages.create, to=self.to_number, from_=self.twilio_number, **message)
        except TwilioRestException as error:  # its text can contain the number: log the codes only
            logger.error("Twilio refused a reply: HTTP %s, error code %s", error.status, error.code)
        except Exception as error:
            logger.error("Twilio could not be reached to send a reply: %s", type(error).__name__)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for body in sms_bodies(text, [], whatsapp=self.whatsapp):
            await self._create(body=body)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        for body in sms_bodies(text, buttons, whatsapp=self.whatsapp):
            await self._create(body=body)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._create(media_url=[image])

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        message = {key: value for key, value in json_message.items() if key not in ("to", "from_")}
        await self._create(**message)


class TwilioInput(RasaTwilioInput):
    """`rasa_extensions.channels.twilio.TwilioInput` in the credentials; served at /webhooks/twilio/webhook."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("account_sid"), credentials.get("auth_token"), credentials.get("sender_id_secret"))

    def __init__(self, account_sid: str | None, auth_token: str | None, sender_id_secret: str | None) -> None:
        if not account_sid or not auth_token:
            raise InvalidConfigException("twilio: account_sid and auth_token are required")
        if not sender_id_secret or len(sender_id_secret) < MIN_SECRET_CHARACTERS:
            raise InvalidConfigException(
                f"twilio: sender_id_secret (SENDER_ID_SECRET) is required, at least {MIN_SECRET_CHARACTERS} "
                "characters (for example `openssl rand -hex 32`): it keys the hash that names a conversation"
            )
        super().__init__(account_sid, auth_token, twilio_number=None, debug_mode=False)
        self.sender_id_secret = sender_id_secret.encode()
        self.validator = RequestValidator(auth_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            url = os.environ.get(WEBHOOK_URL_VARIABLE) or request.url
            form = signed_form(request.body)
            if form is None or not self.validator.validate(url, form, request.headers.get(SIGNATURE_HEADER, "")):
                logger.warning("Twilio: a request without a valid X-Twilio-Signature was refused.")
                return response.text("forbidden", status=403)
            sender, recipient = form.get("From"), form.get("To")
            text = (form.get("Body") or "").replace("¡", "@")  # carriers turn @ into ¡
            if not sender or not recipient:
                return response.text("From and To are required", status=400)
            if not text.strip():
                return _twiml()  # a picture or a location alone: nothing the bot can read
            conversation = conversation_id(sender, self.sender_id_secret)
            country = phone_country(sender)
            text = await self._option_payload(request, conversation, text) or text
            out_channel = TwilioOutput(self.account_sid, self.auth_token, from_number=recipient, to_number=sender)
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        out_channel,
                        conversation,
                        input_channel=self.name(),
                        metadata={"phone_country": country} if country else {},
                    )
                )
            except Exception:
                logger.exception("Twilio: a message could not be handled")
            return _twiml()

        return twilio_webhook

    @staticmethod
    async def _option_payload(request: Request, conversation: str, text: str) -> str | None:
        """A reply like "2" to numbered options: that option's payload, from the bot's last turn in the store."""
        if option_number(text) is None:
            return None  # most messages: no need to read the conversation
        try:
            tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation)
        except Exception as error:
            logger.warning(
                "Twilio: the conversation could not be read to map a numbered reply: %s", type(error).__name__
            )
            return None
        if tracker is None:
            return None
        return chosen_payload(text, offered_buttons(event.as_dict() for event in tracker.events))

    def get_output_channel(self) -> None:
        """None: a reply goes to one person's number, known only while their message is handled."""


def _twiml() -> HTTPResponse:
    """An empty TwiML answer: the replies are sent through the REST API, not in the webhook's response."""
    return response.text(EMPTY_TWIML, content_type="text/xml")
