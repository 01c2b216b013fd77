"""The bot's replies as each messaging channel shows them (rasa_extensions/channels/rendering.py)."""

from __future__ import annotations

from rasa_extensions.channels.rendering import (
    chosen_payload,
    messenger_messages,
    numbered_options,
    offered_buttons,
    plain_text,
    slack_message,
    slack_mrkdwn,
    sms_bodies,
    split_text,
    telegram_reply_markup,
    whatsapp_text,
)

# An answer as the bot writes it (bot/domain/fragments.yml), with bold added for the channels that have it.
ANSWER = (
    "Driver and ChargePoint account support – Germany:\n"
    "📞 [+49 69 95307383](tel:+496995307383) (domestic calls – Germany: 069 95307383)\n"
    "🕗 Mon–Fri 08:00–20:00 CET in German, **English otherwise**\n"
    "Open a driver support case online, at any time: https://www.chargepoint.com/support"
)
ROLES = [
    {"title": "EV driver or ChargePoint account", "payload": '/inform{"role":"driver"}'},
    {"title": "Station owner, installer, partner or sales", "payload": '/inform{"role":"business"}'},
    {"title": "be.ENERGISED customer", "payload": '/inform{"role":"be_energised"}'},
    {"title": "ViriCiti or ChargePoint Telematics customer", "payload": '/inform{"role":"viriciti"}'},
]


def test_plain_text_shows_the_number_as_written_and_the_link_written_out():
    assert plain_text(ANSWER) == (
        "Driver and ChargePoint account support – Germany:\n"
        "📞 +49 69 95307383 (domestic calls – Germany: 069 95307383)\n"
        "🕗 Mon–Fri 08:00–20:00 CET in German, English otherwise\n"
        "Open a driver support case online, at any time: https://www.chargepoint.com/support"
    )


def test_links_with_words_keep_their_target():
    assert plain_text("[Call us](tel:+496995307383)") == "Call us (+496995307383)"
    assert plain_text("[open a case](https://example.com/case)") == "open a case (https://example.com/case)"
    assert plain_text("[https://example.com/](https://example.com)") == "https://example.com"
    assert plain_text("[support@example.com](mailto:support@example.com)") == "support@example.com"


def test_text_without_markdown_is_unchanged():
    text = "Which country are you in? A city is fine too. 2 * 3 = 6, [not a link], (nor this)"
    assert plain_text(text) == whatsapp_text(text) == text


def test_whatsapp_keeps_bold_in_its_own_syntax():
    assert "*English otherwise*" in whatsapp_text(ANSWER)
    assert "**" not in whatsapp_text(ANSWER) and "](" not in whatsapp_text(ANSWER)


def test_slack_mrkdwn_links_bold_and_escaping():
    rendered = slack_mrkdwn(ANSWER)
    assert "📞 +49 69 95307383 (domestic calls" in rendered
    assert "*English otherwise*" in rendered
    assert (
        slack_mrkdwn("[open a case](https://example.com/a?b=1&c=2)")
        == "<https://example.com/a?b=1&amp;c=2|open a case>"
    )
    assert slack_mrkdwn("<script> & <@U123>") == "&lt;script&gt; &amp; &lt;@U123&gt;"


def test_numbered_options_and_the_reply_that_picks_one():
    assert (
        numbered_options(ROLES[:2])
        == "1. EV driver or ChargePoint account\n2. Station owner, installer, partner or sales"
    )
    for reply in ("2", " 2 ", "2.", "2)", "#2"):
        assert chosen_payload(reply, ROLES) == '/inform{"role":"business"}', reply
    for reply in ("0", "5", "22", "two", "2 please", "1.5", ""):
        assert chosen_payload(reply, ROLES) is None, reply
    assert chosen_payload("1", []) is None


def test_only_the_bots_last_turn_offers_options():
    asked = {"event": "bot", "text": "Who should I find support for?", "data": {"buttons": ROLES}}
    events = [{"event": "user", "text": "hi"}, asked, {"event": "action", "name": "action_listen"}]
    assert offered_buttons(events) == ROLES
    # After the person answered, the old options are gone: "2" is just text.
    answered = [*events, {"event": "user", "text": "Germany"}, {"event": "bot", "text": "…", "data": {}}]
    assert offered_buttons(answered) == []
    # A later message of the same turn without buttons does not hide them.
    assert offered_buttons([*events, {"event": "bot", "text": "More", "data": {"buttons": None}}]) == ROLES
    assert offered_buttons([]) == []


def test_sms_and_whatsapp_bodies():
    [body] = sms_bodies("Who should I find support for?", ROLES, whatsapp=False)
    assert body == (
        "Who should I find support for?\n\n1. EV driver or ChargePoint account\n"
        "2. Station owner, installer, partner or sales\n3. be.ENERGISED customer\n"
        "4. ViriCiti or ChargePoint Telematics customer"
    )
    [answer] = sms_bodies(ANSWER, [], whatsapp=False)
    assert answer == plain_text(ANSWER)
    [whatsapp] = sms_bodies(ANSWER, [], whatsapp=True)
    assert "*English otherwise*" in whatsapp
    assert all(len(part) <= 1600 for part in sms_bodies("word " * 1000, [], whatsapp=False))


def test_split_text_cuts_between_paragraphs_lines_and_words():
    assert split_text("a" * 10, 10) == ["a" * 10]
    assert split_text("first para\n\nsecond para", 15) == ["first para", "second para"]
    assert split_text("line one\nline two", 12) == ["line one", "line two"]
    assert split_text("one two three", 8) == ["one two", "three"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("   ", 10) == []


def test_telegram_inline_keyboard_one_button_a_row():
    assert telegram_reply_markup(ROLES[:2]) == {
        "inline_keyboard": [
            [{"text": "EV driver or ChargePoint account", "callback_data": '/inform{"role":"driver"}'}],
            [{"text": "Station owner, installer, partner or sales", "callback_data": '/inform{"role":"business"}'}],
        ]
    }


def test_telegram_payloads_over_64_bytes_use_a_reply_keyboard():
    long = [{"title": "Germany", "payload": '/inform{"location":"' + "Deutschland " * 6 + '"}'}]
    assert telegram_reply_markup(long) == {
        "keyboard": [[{"text": "Germany"}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }


def test_slack_message_blocks():
    message = slack_message("Who should I find **support** for?", ROLES)
    assert message["text"] == "Who should I find support for?"
    section, actions = message["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "Who should I find *support* for?"}}
    assert [element["value"] for element in actions["elements"]] == [role["payload"] for role in ROLES]
    assert len({element["action_id"] for element in actions["elements"]}) == 4


def test_slack_more_than_five_buttons_go_in_several_blocks():
    buttons = [{"title": f"Option {n}" + "x" * 80, "payload": f"/choose{{{{{n}}}}}"} for n in range(7)]
    blocks = slack_message("Pick one", buttons)["blocks"]
    assert [len(block["elements"]) for block in blocks[1:]] == [5, 2]
    assert all(len(element["text"]["text"]) <= 75 for block in blocks[1:] for element in block["elements"])


def test_slack_text_block_text_is_the_plain_answer_without_buttons():
    message = slack_message(ANSWER, [])
    assert len(message["blocks"]) == 1
    assert "](" not in message["blocks"][0]["text"]["text"]


def test_messenger_up_to_three_short_options_are_buttons():
    options = [{"title": "Germany", "payload": '/inform{"location":"Germany"}'}]
    [message] = messenger_messages("It looks like **Germany**.", options)
    assert message == {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "button",
                "text": "It looks like Germany.",
                "buttons": [{"type": "postback", "title": "Germany", "payload": '/inform{"location":"Germany"}'}],
            },
        }
    }


def test_messenger_long_titles_are_numbered_quick_replies():
    [message] = messenger_messages("Who should I find support for?", ROLES)
    assert message["text"] == "Who should I find support for?\n\n" + numbered_options(ROLES)
    titles = [reply["title"] for reply in message["quick_replies"]]
    assert titles == ["1. EV driver or Cha…", "2. Station owner, i…", "3. be.ENERGISED cus…", "4. ViriCiti or Char…"]
    assert all(len(title) <= 20 for title in titles)
    assert [reply["payload"] for reply in message["quick_replies"]] == [role["payload"] for role in ROLES]


def test_messenger_more_than_three_short_options_are_plain_quick_replies():
    options = [{"title": f"Option {n}", "payload": f"/pick{n}"} for n in range(4)]
    [message] = messenger_messages("Pick one", options)
    assert message["text"] == "Pick one"
    assert [reply["title"] for reply in message["quick_replies"]] == [f"Option {n}" for n in range(4)]


def test_messenger_at_most_thirteen_quick_replies():
    options = [{"title": f"Option {n}", "payload": f"/pick{n}"} for n in range(15)]
    [message] = messenger_messages("Pick one", options)
    assert len(message["quick_replies"]) == 13
    assert "15. Option 14" in message["text"]  # the rest are still listed


def test_messenger_plain_text_reply():
    [message] = messenger_messages(ANSWER, [])
    assert message == {"text": plain_text(ANSWER)}
