"""The web chat suite: the support page in Debian's Chromium (Playwright), its web server, and the socket.io
channel, against the real bot.

It runs in the tools venv (`.tools`, which has Playwright but not Rasa) with `--confcutdir tests/browser`, so that
tests/conftest.py (which imports the action server's modules) is not loaded; `make test` runs it after the main
pytest run. The Rasa venv's pytest, which has no Playwright, does not collect it and says so in its summary.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

IN_RASA_VENV = importlib.util.find_spec("rasa") is not None

collect_ignore_glob = ["test_*.py"] if IN_RASA_VENV else []


def pytest_terminal_summary(terminalreporter) -> None:
    if IN_RASA_VENV:
        terminalreporter.write_line("tests/browser: not collected in the Rasa venv; `make test` runs it with .tools")


# --- Fixtures (Playwright and launch/ are imported inside them: the Rasa venv's pytest loads this file too) ---

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
LOGS = ARTIFACTS / "browser"
# Debian's Chromium (`make system` installs it); Playwright's own browsers are never downloaded.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The bot runs in the Rasa venv, whatever venv runs the tests.
RASA_PYTHON = os.environ.get("RASA_PYTHON", str(ROOT / ".venv" / "bin" / "python"))


@pytest.fixture(scope="session")
def web_port() -> int:
    from launch.processes import free_port

    return free_port()


@pytest.fixture(scope="session")
def bot(tmp_path_factory, web_port: int):
    """The real bot (trained model, action server, SQLite tracker store) accepting the test page's origins."""
    from launch.processes import base_environment, start_bot

    if not Path(RASA_PYTHON).is_file():
        pytest.fail(f"no Rasa venv at {RASA_PYTHON}: run `make install`")
    LOGS.mkdir(parents=True, exist_ok=True)
    origins = f"http://127.0.0.1:{web_port},http://localhost:{web_port}"
    # As with `make run`: the page's origins are also the HTTP API's CORS origins (rasa_extensions/http_api.py).
    environment = {**base_environment(), "WEB_ORIGINS": origins, "CORS_ORIGINS": origins}
    running = start_bot(tmp_path_factory.mktemp("bot"), log_dir=LOGS, env=environment, python=RASA_PYTHON)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def web(bot, web_port: int) -> Iterator[str]:
    """The support page's server (launch/web.py, as `make run` starts it); its base URL."""
    LOGS.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{web_port}"
    command = [sys.executable, "-m", "launch.web", "--port", str(web_port), "--chat-server", bot.rasa_url]
    with (LOGS / "web.log").open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/", timeout=2).close()
            break
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the web server did not start: {(LOGS / 'web.log').read_text()[-2000:]}")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright. A missing Chromium fails the suite, it does not skip it."""
    executable = shutil.which(CHROMIUM) or CHROMIUM
    if not os.access(executable, os.X_OK):
        pytest.fail(
            f"Debian's Chromium is missing ({CHROMIUM}): run `make system` (apt-get install chromium) "
            "or set CHROMIUM to a Chromium executable"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def open_chat(browser, web: str, bot) -> Iterator[Callable[..., object]]:
    """Opens the support page in a fresh browser profile: `open_chat(width=, height=, locale=, timezone=)`."""
    from tests.browser.chat_page import ChatPage

    pages: list[ChatPage] = []

    def open_page(width: int = 1280, height: int = 800, locale: str = "en-GB", timezone: str = "Europe/Berlin"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, timezone_id=timezone)
        page = ChatPage(context, web, bot.rasa_url)
        pages.append(page)
        page.open()
        return page

    yield open_page
    for page in pages:
        page.close()
