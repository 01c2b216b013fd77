"""The support page in headless Chromium against the real bot over socket.io: what a person sees and does."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import domain
from tests.browser.conftest import ARTIFACTS
from tests.browser.tracker_store import user_events

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def test_the_answer_shows_the_number_as_a_tel_link_and_the_case_link_opens_in_a_new_tab(open_chat):
    chat = open_chat(**DESKTOP)
    chat.send("I drive an EV in Germany, my session won't start")

    number = domain.numbers("DE", "driver")[0]
    phone_link = chat.page.locator(f'#webchat .rw-response a[href="{domain.tel(number)}"]')
    expect(phone_link).to_have_text(number)
    expect(phone_link).not_to_have_attribute("target", re.compile(".*"))  # dials in place, no empty tab
    case_link = chat.page.locator('#webchat .rw-response a[href^="https://"]').last
    expect(case_link).to_have_attribute("target", "_blank")
    expect(case_link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    chat.screenshot(ARTIFACTS / "web-chat-desktop.png")

    assert chat.foreign_requests() == [], "the page loaded something from another host"
    assert chat.console_errors == []

    chat.context.route("https://**/*", lambda route: route.fulfill(body="case form", content_type="text/plain"))
    with chat.context.expect_page() as opened:
        case_link.click()
    case_page = opened.value
    case_page.wait_for_load_state()
    assert case_page.url == case_link.get_attribute("href")
    assert case_page.evaluate("window.opener") is None
    assert chat.page.url.startswith(chat.base_url), "the chat page itself must stay open"


def test_a_role_button_a_reload_and_a_new_conversation(open_chat, bot):
    chat = open_chat(**PHONE)
    chat.send("Which number do I call?")
    expect(chat.bot_messages.last).to_have_text(domain.text("utter_ask_role", "en"))

    driver = chat.page.get_by_role("button", name=domain.button_title("utter_ask_role", "en", '"driver"'))
    before = chat.bot_messages.count()
    driver.click()
    chat.wait_for_reply(before)  # the country question
    session = chat.session_id()
    shown = chat.page.locator("#webchat .rw-message").all_text_contents()
    assert all(shown), shown

    chat.reload()
    expect(chat.page.locator("#webchat .rw-message")).to_have_text(shown)
    assert chat.session_id() == session
    chat.send("Germany")  # answers the question asked before the reload: the driver line, not the business one
    number = domain.numbers("DE", "driver")[0]
    expect(chat.page.locator(f'#webchat .rw-response a[href="{domain.tel(number)}"]')).to_be_visible()
    chat.screenshot(ARTIFACTS / "web-chat-phone.png", full_page=True)
    assert chat.horizontal_overflow() == 0, "the page must fit a phone's width"
    texts = [event["text"] for event in user_events(bot, session)]
    assert "Which number do I call?" in texts and "Germany" in texts, "one conversation (sender) in the store"

    chat.start_new_conversation()
    expect(chat.bot_messages).to_have_count(1)
    expect(chat.bot_messages.first).to_have_text(domain.text("utter_greet", "en"))
    expect(chat.user_messages).to_have_count(0)
    new_session = chat.session_id()
    assert new_session and new_session != session
    assert [event["text"] for event in user_events(bot, new_session)] == ["/greet"]
    assert chat.console_errors == []


def test_the_first_reply_is_in_the_browsers_language_and_the_time_zone_reaches_the_bot(open_chat, bot):
    chat = open_chat(locale="de-DE", timezone="Europe/Vienna")
    expect(chat.bot_messages.first).to_have_text(domain.text("utter_greet", "de"))
    metadata = user_events(bot, chat.session_id())[0]["metadata"]
    assert metadata["language"] == "de-DE"
    assert metadata["timezone"] == "Europe/Vienna"


def test_html_from_the_person_or_from_the_bot_is_shown_as_text(open_chat):
    chat = open_chat()
    title = chat.page.title()
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    chat.send(hostile)
    expect(chat.user_messages.last).to_have_text(hostile)

    # As if the directory or a response carried markup: the bot's messages are markdown, never HTML.
    chat.inject_bot_message(
        {
            "text": 'Call <img src=x onerror="alert(3)"><script>alert(4)</script> [us](javascript:alert(5))',
            "quick_replies": [{"content_type": "text", "title": "<b onclick=alert(6)>Yes</b>", "payload": "/affirm"}],
        }
    )
    injected = chat.bot_messages.filter(has_text="Call <img")
    expect(injected).to_contain_text('<img src=x onerror="alert(3)"><script>alert(4)</script>')
    expect(chat.replies.last).to_have_text("<b onclick=alert(6)>Yes</b>")
    harmless_link = injected.locator("a", has_text="us")
    expect(harmless_link).not_to_have_attribute("href", re.compile(".*"))
    harmless_link.click()

    assert chat.page.locator("#webchat img[src='x'], #webchat script, #webchat b[onclick]").count() == 0
    assert chat.dialogs == []
    assert chat.page.title() == title
    assert chat.console_errors == []
