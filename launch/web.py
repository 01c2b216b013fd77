"""The support page's web server: the page in `web/public/` and the chat widget's bundle from `web/node_modules/`.

Standard library only, so that any Python runs it (the Rasa venv for `make run`, the tools venv in the browser
tests). It serves exactly those files: no directory listing, nothing outside the two places, and headers that let
the page load scripts, styles and fonts only from itself and connect only to the Rasa server.

    python -m launch.web --port 8080 --chat-server http://127.0.0.1:5005
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import html
import mimetypes
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT / "web" / "public"
# rasa-webchat's self-contained browser build (React included), installed by `npm ci` in web/ (`make install`).
WIDGET_BUNDLE = ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
WIDGET_PATH = "/vendor/rasa-webchat.js"
# The bundle's styles import the Inter font from Google Fonts. The CSP would block it (with a console error for
# each of the widget's style sheets); it is left out when served, and the page's own fonts are used.
WIDGET_REMOTE_FONT = b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
# index.html names the Rasa server in a meta tag; the server fills it in.
CHAT_SERVER_PLACEHOLDER = "__CHAT_SERVER__"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
COMPRESSIBLE = frozenset({".html", ".js", ".css", ".svg", ".txt"})


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


@functools.cache
def widget_bundle() -> tuple[bytes, bytes]:
    """The widget's bundle as served, plain and gzipped (715 kB, 212 kB): it does not change while the server
    runs, so it is read, stripped of its remote font import and compressed once, not per request."""
    body = WIDGET_BUNDLE.read_bytes().replace(WIDGET_REMOTE_FONT, b"")
    return body, gzipped(body)


def origin_of(url: str) -> str:
    """`http://host:port` of a URL; raises ValueError for anything that is not an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(chat_server: str) -> dict[str, str]:
    """Headers for every response. The CSP allows the page's own scripts and styles (the widget injects its
    styles, hence 'unsafe-inline' for styles only) and connections to the Rasa server alone, by HTTP (socket.io's
    polling) and WebSocket."""
    origin = origin_of(chat_server)
    websocket = origin.replace("http", "ws", 1)
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src {origin} {websocket}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": "no-cache",
    }


def resolve(url_path: str) -> Path | None:
    """The file a request path names, or None: only regular files in web/public and the widget's bundle."""
    path = unquote(urlsplit(url_path).path)
    if path == WIDGET_PATH:
        return WIDGET_BUNDLE
    if path == "/":
        path = "/index.html"
    if "\0" in path or "\\" in path or any(part.startswith(".") for part in path.split("/") if part):
        return None
    public = PUBLIC.resolve()
    candidate = (public / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(public) or not candidate.is_file():
        return None
    return candidate


class SupportPageHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the page's files; every other method is refused."""

    protocol_version = "HTTP/1.1"  # keep-alive: the page's few files over one connection
    server_version = "support-page"
    sys_version = ""
    chat_server: str = ""
    headers_for_all: dict[str, str] = {}  # noqa: RUF012 - set once per server by make_server

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def do_POST(self) -> None:
        self._plain(HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed\n", {"Allow": "GET, HEAD"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def _serve(self, with_body: bool) -> None:
        path = resolve(self.path)
        if path is None:
            self._plain(HTTPStatus.NOT_FOUND, "Not found\n", with_body=with_body)
            return
        compressed = None
        if path == WIDGET_BUNDLE:
            body, compressed = widget_bundle()
        else:  # the page's own few small files, read afresh so that an edit shows on reload
            body = path.read_bytes()
            if path.name == "index.html":
                body = body.replace(CHAT_SERVER_PLACEHOLDER.encode(), html.escape(self.chat_server).encode())
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        extra = {}
        if path.suffix in COMPRESSIBLE:
            extra["Vary"] = "Accept-Encoding"
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body, extra["Content-Encoding"] = compressed or gzipped(body), "gzip"
        self._send(HTTPStatus.OK, body, content_type or "application/octet-stream", extra, with_body)

    def _plain(self, status: HTTPStatus, text: str, extra: dict[str, str] | None = None, with_body: bool = True):
        self._send(status, text.encode(), "text/plain; charset=utf-8", extra, with_body)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
        with_body: bool = True,
    ) -> None:
        self.send_response(status)
        for name, value in {**self.headers_for_all, **(extra or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, message_format: str, *args: object) -> None:
        sys.stderr.write(f"web {self.address_string()} {message_format % args}\n")


def make_server(host: str, port: int, chat_server: str) -> ThreadingHTTPServer:
    """The server, bound but not yet serving; raises if the widget is not installed."""
    if not WIDGET_BUNDLE.is_file():
        raise FileNotFoundError(f"the chat widget is not installed ({WIDGET_BUNDLE}): run `make install`")
    handler = type(
        "Handler",
        (SupportPageHandler,),
        {"chat_server": chat_server.rstrip("/"), "headers_for_all": security_headers(chat_server)},
    )
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--chat-server", default="http://127.0.0.1:5005", help="the Rasa server's URL")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.host, args.port, args.chat_server)
    except (OSError, ValueError) as error:
        sys.exit(f"web: {error}")
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
