"""launch/web.py on its own: it serves the page and the widget's bundle and nothing else, with headers that keep
the page to its own files and the Rasa server."""

from __future__ import annotations

import gzip
import http.client
import threading
from collections.abc import Iterator

import pytest

from launch.web import make_server

CHAT_SERVER = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    running = make_server("127.0.0.1", 0, CHAT_SERVER)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running.server_address[:2]
    running.shutdown()
    running.server_close()


def fetch(
    server: tuple[str, int], path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """The raw response: http.client sends the path as given, without normalising `..`."""
    connection = http.client.HTTPConnection(*server, timeout=5)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_the_page_names_its_chat_server_and_allows_connecting_only_there(server):
    response = fetch(server, "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert f'<meta name="chat-server" content="{CHAT_SERVER}">'.encode() in response.body
    policy = dict(part.strip().split(" ", 1) for part in response.getheader("Content-Security-Policy").split(";"))
    assert policy["connect-src"] == "http://127.0.0.1:5999 ws://127.0.0.1:5999"
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "no-referrer"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/vendor/rasa-webchat.js", "text/javascript; charset=utf-8"),
    ],
)
def test_the_pages_files_are_served_with_their_types(server, path: str, content_type: str):
    response = fetch(server, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert response.getheader("Content-Security-Policy")


def test_text_is_gzipped_for_browsers_that_accept_it(server):
    plain = fetch(server, "/vendor/rasa-webchat.js")
    compressed = fetch(server, "/vendor/rasa-webchat.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.getheader("Content-Encoding") is None
    assert compressed.getheader("Content-Encoding") == "gzip"
    assert compressed.getheader("Vary") == "Accept-Encoding"
    assert len(compressed.body) < len(plain.body) / 2
    assert gzip.decompress(compressed.body) == plain.body


def test_the_widget_asks_for_no_font_from_the_internet(server):
    bundle = fetch(server, "/vendor/rasa-webchat.js").body
    assert len(bundle) > 100_000  # the real bundle
    assert b"fonts.googleapis.com/css" not in bundle


@pytest.mark.parametrize(
    "path",
    [
        "/../Makefile",
        "/..%2f..%2fMakefile",
        "/%2e%2e/%2e%2e/README.md",
        "/vendor/../../web/package.json",
        "/vendor/",
        "/node_modules/rasa-webchat/package.json",
        "/web/public/index.html",
        "/.git/config",
        "/index.html%00.js",
        "/..\\..\\Makefile",
        "//etc/passwd",
        "/missing.js",
    ],
)
def test_nothing_else_is_served(server, path: str):
    response = fetch(server, path)
    assert response.status == 404
    assert response.body == b"Not found\n"
    assert response.getheader("Content-Security-Policy")


def test_only_get_and_head(server):
    assert fetch(server, "/", "HEAD").status == 200
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        response = fetch(server, "/", method)
        assert response.status == 405
        assert response.getheader("Allow") == "GET, HEAD"
