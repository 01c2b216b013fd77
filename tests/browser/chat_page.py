"""The support page as a test sees it: the chat's messages, the input, the page's new-conversation button, and
everything the browser did that it should not (requests to other hosts, console errors, dialogs)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, WebSocketRoute, expect

# The bot answers within a second once warm; the first message after start loads the model's graph.
REPLY_SECONDS = 30
expect.set_options(timeout=REPLY_SECONDS * 1000)

# rasa-webchat's storage key for the session id and the conversation.
SESSION_KEY = "chat_session"


class ChatPage:
    def __init__(self, context: BrowserContext, base_url: str, chat_server: str) -> None:
        self.context = context
        self.base_url = base_url
        self.allowed_hosts = {urlsplit(base_url).netloc, urlsplit(chat_server).netloc}
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.sockets: list[WebSocketRoute] = []
        self.page = context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)
        # Passes the socket through unchanged; a test can then speak to the page as the server would.
        self.page.route_web_socket("**/socket.io/**", self._on_socket)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_socket(self, socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        self.sockets.append(socket)

    # --- actions ---------------------------------------------------------------------------------------------

    def open(self) -> None:
        self.page.goto(self.base_url + "/")
        expect(self.bot_messages.first).to_be_visible()

    def reload(self) -> None:
        self.page.reload()
        expect(self.bot_messages.first).to_be_visible()

    def send(self, text: str) -> str:
        """Types a message and sends it; returns the first reply's text."""
        before = self.bot_messages.count()
        self.page.locator("#webchat .rw-new-message").fill(text)
        self.page.locator("#webchat .rw-new-message").press("Enter")
        return self.wait_for_reply(before)

    def wait_for_reply(self, before: int) -> str:
        reply = self.bot_messages.nth(before)
        expect(reply).to_be_visible()
        return reply.inner_text()

    def start_new_conversation(self) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Start a new conversation").click()
        expect(self.bot_messages.first).to_be_visible()

    def inject_bot_message(self, message: dict) -> None:
        """Delivers a `bot_uttered` event to the page over its live socket, as the Rasa server would send it."""
        assert self.sockets, "the page opened no WebSocket to the Rasa server"
        self.sockets[-1].send("42" + json.dumps(["bot_uttered", message]))

    def screenshot(self, path, full_page: bool = False) -> None:
        self.page.screenshot(path=str(path), full_page=full_page)

    def horizontal_overflow(self) -> int:
        """How many pixels the page is wider than the window (0 when nothing needs sideways scrolling)."""
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def close(self) -> None:
        self.context.close()

    # --- what the page shows ---------------------------------------------------------------------------------

    @property
    def bot_messages(self) -> Locator:
        """The bot's messages shown (not the typing indicator, which is an empty `.rw-response`)."""
        return self.page.locator("#webchat .rw-response:has(.rw-message-text)")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator("#webchat .rw-client")

    @property
    def replies(self) -> Locator:
        """The quick-reply buttons of the latest bot message."""
        return self.page.locator("#webchat .rw-reply")

    def session_id(self) -> str | None:
        stored = self.page.evaluate(f"window.localStorage.getItem({json.dumps(SESSION_KEY)})")
        return json.loads(stored).get("session_id") if stored else None

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).netloc not in self.allowed_hosts]
