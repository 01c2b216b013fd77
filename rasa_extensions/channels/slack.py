"""Slack: Rasa's channel (and its signing-secret check, kept as it is) with replies in Slack's own format.

Why not Rasa 3.6's `SlackBot` as it is:
- It posts the bot's markdown as it is: `[+49 69 95307383](tel:+496995307383)` shows as those characters, since
  Slack's mrkdwn writes links `<url|label>` and has no phone links. Here the text is rendered as mrkdwn
  (rendering.slack_mrkdwn): the number as written, case links `<https://...|label>`, `&<>` escaped.
- It splits a reply at every blank line into separate messages, and shows buttons with the text as plain_text;
  here one reply is one message: mrkdwn sections and the buttons in action blocks of at most 5 (rendering.
  slack_message), where Rasa dropped every button of a reply with more than 5.
- It posts with `as_user`, which only classic Slack apps may use; current apps post as their bot user anyway.
- Its Web API client cannot be pointed elsewhere; SLACK_API_URL (optional, ending in /api/) does that (the tests'
  recorder).

The request check is Rasa's: every request must carry a valid `X-Slack-Signature` for the signing secret and a
`X-Slack-Request-Timestamp` within 5 minutes, or it gets 400.
"""

from __future__ import annotations

import os
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from slack_sdk.web.async_client import AsyncWebClient

from rasa_extensions.channels.rendering import slack_message

API_URL_VARIABLE = "SLACK_API_URL"


class SlackBot(RasaSlackBot):
    """One Slack message per reply, in mrkdwn, with button blocks."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str | None = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, **slack_message(text, []))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, **slack_message(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class SlackInput(RasaSlackInput):
    """`rasa_extensions.channels.slack.SlackInput` in the credentials; served at /webhooks/slack/webhook."""

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return SlackBot(
            self.slack_token,
            channel or self.slack_channel,
            thread_id,
            self.proxy,
            api_url=os.environ.get(API_URL_VARIABLE) or None,
        )
