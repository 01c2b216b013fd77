"""The real bot with every messaging channel on, its providers' APIs replaced by a local recorder.

One Rasa server (the trained model, `python -m rasa_extensions run` with bot/credentials.yml, as `make run` starts
it) and the action server, with the channels' settings in the environment only: the credentials composition
turns the channels on. The webhooks get the providers' recorded payloads (payloads/), signed as the providers
sign them; what the bot sends back is what the recorder (providers.py) received. Rasa logs at DEBUG, so that "the
phone number is in no log" is checked against everything Rasa could write.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from launch.processes import RunningBot, base_environment, start_bot
from tests.channels.providers import Providers, start_providers

PAYLOADS = Path(__file__).resolve().parent / "payloads"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "channels"

# Test settings; each a value no real account has.
TELEGRAM_TOKEN = "7012345678:AAHfakeTokenOnlyForTheTests_abcdefgh"
TELEGRAM_SECRET = "telegram-secret-token_for-tests"
SLACK_TOKEN = "xoxb-0000000000-0000000000000-fakeTokenForTests"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FACEBOOK_VERIFY_TOKEN = "verify-token-for-tests"
FACEBOOK_APP_SECRET = "fb-app-secret-for-tests-0123456789"
FACEBOOK_PAGE_TOKEN = "EAAGfakePageAccessTokenForTests"
TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
TWILIO_AUTH_TOKEN = "12345678901234567890123456789012"
TWILIO_WEBHOOK_URL = "https://support-bot.example.com/webhooks/twilio/webhook"
SENDER_ID_SECRET = "sender-id-secret-for-the-tests-0123456789abcdef"
SECRETS = (
    TELEGRAM_TOKEN, TELEGRAM_SECRET, SLACK_TOKEN, SLACK_SIGNING_SECRET, FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET,
    FACEBOOK_PAGE_TOKEN, TWILIO_AUTH_TOKEN, SENDER_ID_SECRET,
)  # fmt: skip


@dataclass
class ChannelBot:
    bot: RunningBot
    providers: Providers
    log_dir: Path
    temp_dir: Path

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POSTs to the Rasa server; the status and body of its answer (errors included)."""
        return self.request("POST", path, body, headers)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(f"{self.bot.rasa_url}{path}", data=body, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def channels(tmp_path_factory) -> Iterator[ChannelBot]:
    providers = start_providers()
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    workdir = tmp_path_factory.mktemp("channels")
    temp_dir = workdir / "tmp"  # the server's TMPDIR: where the composed credentials file goes
    temp_dir.mkdir()
    environment = {
        **base_environment(),
        "TMPDIR": str(temp_dir),
        "LOG_LEVEL": "DEBUG",
        "TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_URL": "https://support-bot.example.com/webhooks/telegram/webhook",
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": providers.url("telegram"),
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": providers.url("slack"),
        "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY_TOKEN,
        "FACEBOOK_APP_SECRET": FACEBOOK_APP_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FACEBOOK_PAGE_TOKEN,
        "FACEBOOK_GRAPH_URL": providers.url("facebook"),
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
        "TWILIO_API_URL": providers.url("twilio"),
        "SENDER_ID_SECRET": SENDER_ID_SECRET,
    }
    try:
        bot = start_bot(workdir, log_dir=ARTIFACTS, env=environment)
    except Exception:
        providers.stop()
        raise
    yield ChannelBot(bot, providers, ARTIFACTS, temp_dir)
    bot.stop()
    providers.stop()


def pytest_collection_modifyitems(items):
    for item in items:
        if "/channels/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    # The log and store checks go last, so that they see everything the other channel tests made the bot log.
    items.sort(key=lambda item: str(item.fspath).endswith("/channels/test_logs.py"))
