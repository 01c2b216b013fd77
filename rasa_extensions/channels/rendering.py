"""How the bot's replies look on each messaging channel: pure functions, no I/O, no Rasa.

The bot writes for the web chat: markdown links (`[+49 69 95307383](tel:+496995307383)`), bare case links
(`https://...`), maybe `**bold**`, and buttons (`{"title", "payload"}`). The messaging channels render none of that
markdown, and each has its own way of offering choices:

- plain text (SMS, Telegram, Messenger): a phone link becomes the number as written (the apps make it tappable),
  a web link its address written out, bold its bare words;
- WhatsApp: like plain text, but bold is WhatsApp's own `*bold*`;
- Slack: its mrkdwn (`<https://...|label>`, `*bold*`, `&<>` escaped); a phone link the number as written;
- choices: Telegram an inline keyboard, Slack button blocks, Messenger buttons (at most 3, titles of at most 20
  characters) or else quick replies (at most 13), SMS and WhatsApp numbered options ("1. EV driver ..."), where
  a reply "1" is mapped back to that option's payload (`chosen_payload`, with `offered_buttons`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Button = Mapping[str, Any]

# [label](target): the target is one token without spaces or closing parentheses (a URL or a tel:/mailto: URI).
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_NUMBER_REPLY = re.compile(r"\s*#?\s*(\d{1,3})\s*[.)]?\s*")

#: Limits of the providers' APIs (characters, or bytes where said).
TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CALLBACK_DATA_BYTES = 64
SLACK_SECTION_LIMIT = 3000
SLACK_BUTTON_TITLE_LIMIT = 75
SLACK_BUTTON_VALUE_LIMIT = 2000
SLACK_BUTTONS_PER_BLOCK = 5
MESSENGER_TEXT_LIMIT = 2000
MESSENGER_BUTTON_TEXT_LIMIT = 640
MESSENGER_MAX_BUTTONS = 3
MESSENGER_MAX_QUICK_REPLIES = 13
MESSENGER_TITLE_LIMIT = 20
TWILIO_BODY_LIMIT = 1600


# --- text --------------------------------------------------------------------------------------------------------


def plain_text(text: str) -> str:
    """The text for a channel that shows characters as they are: no link or bold syntax left."""
    return _BOLD.sub(r"\1", _LINK.sub(_written_out_link, text))


def whatsapp_text(text: str) -> str:
    """Plain text with WhatsApp's own bold (`*bold*`)."""
    return _BOLD.sub(r"*\1*", _LINK.sub(_written_out_link, text))


def slack_mrkdwn(text: str) -> str:
    """Slack's mrkdwn: `&<>` escaped, web links `<url|label>`, phone links the number, bold `*bold*`."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BOLD.sub(r"*\1*", _LINK.sub(_slack_link, escaped))


def _written_out_link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2)
    scheme, _, rest = target.partition(":")
    if scheme.lower() in ("tel", "mailto"):
        # The label is the number as people read it ("+49 69 95307383"); keep the number if the label is words.
        return label if any(character.isdigit() for character in label) or "@" in label else f"{label} ({rest})"
    if label.strip().rstrip("/") == target.rstrip("/"):
        return target
    return f"{label} ({target})"


def _slack_link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2)
    if target.lower().startswith(("http://", "https://")):
        return f"<{target}|{label.replace('|', '/')}>"
    return _written_out_link(match)


def split_text(text: str, limit: int) -> list[str]:
    """The text in parts of at most `limit` characters, cut between paragraphs, else lines, else words."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def shorten(title: str, limit: int) -> str:
    """The title cut to `limit` characters, with an ellipsis if it was cut."""
    title = title.strip()
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


# --- numbered options (SMS, WhatsApp, and Messenger when titles are too long) -------------------------------------


def numbered_options(buttons: Sequence[Button]) -> str:
    """ "1. EV driver or ChargePoint account\\n2. ..." """
    return "\n".join(f"{number}. {button['title']}" for number, button in enumerate(buttons, start=1))


def with_numbered_options(text: str, buttons: Sequence[Button]) -> str:
    return f"{text.strip()}\n\n{numbered_options(buttons)}" if buttons else text.strip()


def option_number(reply: str) -> int | None:
    """The number in a reply like "2" (or "2.", "#2") to numbered options; None for any other reply."""
    match = _NUMBER_REPLY.fullmatch(reply)
    return int(match.group(1)) if match else None


def chosen_payload(reply: str, buttons: Sequence[Button]) -> str | None:
    """The payload of the option a reply like "2" picks from numbered options; None otherwise."""
    number = option_number(reply)
    if number is not None and 1 <= number <= len(buttons):
        payload = buttons[number - 1].get("payload")
        return payload if isinstance(payload, str) and payload else None
    return None


def offered_buttons(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The buttons of the bot's last turn (the newest bot message with buttons since the person last wrote).

    `events` are a tracker's events as dicts (`event.as_dict()`), oldest first. Buttons of an earlier turn are not
    offered any more: "2" after the bot moved on is just the text "2".
    """
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            return []
        if kind == "bot":
            buttons = (event.get("data") or {}).get("buttons")
            if buttons:
                return [dict(button) for button in buttons if isinstance(button, Mapping)]
    return []


def sms_bodies(text: str, buttons: Sequence[Button], whatsapp: bool) -> list[str]:
    """The message bodies for SMS or WhatsApp: the text in the channel's style, then the numbered options."""
    styled = whatsapp_text(text) if whatsapp else plain_text(text)
    return split_text(with_numbered_options(styled, buttons), TWILIO_BODY_LIMIT)


# --- Telegram ----------------------------------------------------------------------------------------------------


def telegram_reply_markup(buttons: Sequence[Button]) -> dict[str, Any]:
    """An inline keyboard, one button a row (the titles are long); a reply keyboard if a payload does not fit in
    Telegram's 64-byte callback data (its button then sends its title as the person's text)."""
    if all(len(str(button["payload"]).encode()) <= TELEGRAM_CALLBACK_DATA_BYTES for button in buttons):
        return {
            "inline_keyboard": [
                [{"text": str(button["title"]), "callback_data": str(button["payload"])}] for button in buttons
            ]
        }
    return {
        "keyboard": [[{"text": str(button["title"])}] for button in buttons],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }


# --- Slack -------------------------------------------------------------------------------------------------------


def slack_message(text: str, buttons: Sequence[Button]) -> dict[str, Any]:
    """chat.postMessage arguments: mrkdwn sections, buttons in action blocks of at most 5, plain `text` for
    notifications. A button whose payload is longer than Slack allows cannot be offered and is left out."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": part}}
        for part in split_text(slack_mrkdwn(text), SLACK_SECTION_LIMIT)
    ]
    elements = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": shorten(str(button["title"]), SLACK_BUTTON_TITLE_LIMIT)},
            "value": str(button["payload"]),
            "action_id": f"option-{number}",
        }
        for number, button in enumerate(buttons, start=1)
        if len(str(button["payload"])) <= SLACK_BUTTON_VALUE_LIMIT
    ]
    for start in range(0, len(elements), SLACK_BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start : start + SLACK_BUTTONS_PER_BLOCK]})
    return {"text": shorten(plain_text(text), SLACK_SECTION_LIMIT), "blocks": blocks}


# --- Facebook Messenger ------------------------------------------------------------------------------------------


def messenger_messages(text: str, buttons: Sequence[Button]) -> list[dict[str, Any]]:
    """The Send API `message` objects for one reply, in order.

    Up to 3 options whose titles fit in 20 characters: a button template. Otherwise quick replies (at most 13);
    if a title does not fit or there are more than 13 options, the text lists them all, numbered, and each quick
    reply starts with its number ("1. EV driver or Ch…").
    """
    parts = split_text(plain_text(text), MESSENGER_TEXT_LIMIT) or [""]
    if not buttons:
        return [{"text": part} for part in parts]
    head, last = [{"text": part} for part in parts[:-1]], parts[-1]
    titles_fit = all(len(str(button["title"])) <= MESSENGER_TITLE_LIMIT for button in buttons)
    if titles_fit and len(buttons) <= MESSENGER_MAX_BUTTONS and len(last) <= MESSENGER_BUTTON_TEXT_LIMIT:
        template = {
            "template_type": "button",
            "text": last,
            "buttons": [
                {"type": "postback", "title": str(button["title"]), "payload": str(button["payload"])}
                for button in buttons
            ],
        }
        return [*head, {"attachment": {"type": "template", "payload": template}}]
    numbered = not titles_fit or len(buttons) > MESSENGER_MAX_QUICK_REPLIES
    if numbered:
        listed = split_text(with_numbered_options(last, buttons), MESSENGER_TEXT_LIMIT)
        head, last = head + [{"text": part} for part in listed[:-1]], listed[-1]
    quick_replies = [
        {
            "content_type": "text",
            "title": shorten(
                f"{number}. {button['title']}" if numbered else str(button["title"]), MESSENGER_TITLE_LIMIT
            ),
            "payload": str(button["payload"]),
        }
        for number, button in enumerate(buttons[:MESSENGER_MAX_QUICK_REPLIES], start=1)
    ]
    return [*head, {"text": last, "quick_replies": quick_replies}]
