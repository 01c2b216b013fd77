"""Rasa's HTTP API only with authentication, and CORS only for exact origins, both set from the environment.

`rasa run` serves only the channel webhooks unless started with `--enable-api`; with it and no `--auth-token` or
`--jwt-secret`, anyone who reaches the port can replace the model, read and rewrite conversations. Rasa takes the
token and the secret only as command-line arguments, where every local user sees them (`ps`). So the Rasa server's
own argument list is completed here, inside the process, from the environment:

- `RASA_API_TOKEN`: `--enable-api --auth-token <token>` (clients send `?token=<token>`);
- `RASA_JWT_SECRET`: `--enable-api --jwt-secret <secret> --jwt-method HS256` (clients send
  `Authorization: Bearer <JWT signed with the secret>`); both may be set;
- neither: the API stays off. `--enable-api` on the command line without a token or secret stops the server.

CORS: `--cors` with the origins in `CORS_ORIGINS` (separated by spaces or commas; default the local web page,
`http://127.0.0.1:8080 http://localhost:8080`; empty: none), unless `--cors` is on the command line. Every origin
must be exact, `scheme://host[:port]`: `*` would admit every site, and sanic-cors (pinned by Rasa 3.6) matches an
origin containing `*`, `\\`, `]` or `?` as a regular expression without an end anchor (CVE-2026-37737), so
`https://chat\\.example\\.com` would also admit `https://chat.example.com.evil.example`. Anything else stops the server
with a message.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

TOKEN_VARIABLE = "RASA_API_TOKEN"
JWT_VARIABLE = "RASA_JWT_SECRET"
CORS_VARIABLE = "CORS_ORIGINS"
DEFAULT_CORS_ORIGINS = ("http://127.0.0.1:8080", "http://localhost:8080")
JWT_METHOD = "HS256"
_REGEX_CHARACTERS = set("*\\]?")


class UnsafeServerSettings(ValueError):
    """The Rasa server would start with its API open or with CORS wider than meant."""


def exact_origin(origin: str) -> str:
    """The origin in lower case, as browsers send it, if `origin` is exactly `scheme://host[:port]`; otherwise
    UnsafeServerSettings says why. The one check of every origin setting: the API's CORS and the socket.io
    channel's origins."""
    origin = origin.strip()
    try:
        parts = urlsplit(origin)
        port_is_valid = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_is_valid = False
        parts = urlsplit("")
    if _REGEX_CHARACTERS & set(origin) or origin in ("", "null"):
        raise UnsafeServerSettings(
            f"CORS origin {origin!r} is a pattern, not an origin: sanic-cors would match it as an unanchored "
            "regular expression. Give each origin exactly, like https://support.example.com"
        )
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
        or not port_is_valid
        or origin.lower() != f"{parts.scheme}://{parts.netloc}".lower()
    ):
        raise UnsafeServerSettings(
            f"CORS origin {origin!r} is not an origin: give scheme://host[:port], without a path, like "
            "https://support.example.com"
        )
    return origin.lower()


def origins_from(value: str) -> list[str]:
    """The origins of a setting that lists them separated by commas or spaces."""
    return [exact_origin(origin) for origin in re.split(r"[\s,]+", value.strip()) if origin]


def _option_values(argv: Sequence[str], option: str) -> list[str]:
    """The values after `option` (`--cors A B` or `--cors=A`), up to the next option."""
    values: list[str] = []
    for index, argument in enumerate(argv):
        if argument.startswith(option + "="):
            values.append(argument.split("=", 1)[1])
        elif argument == option:
            for value in argv[index + 1 :]:
                if value.startswith("-"):
                    break
                values.append(value)
    return values


def _has(argv: Sequence[str], option: str) -> bool:
    return any(argument == option or argument.startswith(option + "=") for argument in argv)


def server_arguments(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """`rasa run` arguments completed from the environment; UnsafeServerSettings if the API or CORS would be open."""
    given = list(argv[2:])
    added: list[str] = []
    token, secret = environ.get(TOKEN_VARIABLE, ""), environ.get(JWT_VARIABLE, "")
    if (token or secret) and not _has(given, "--enable-api"):
        added.append("--enable-api")
    if token and not _has(given, "--auth-token"):
        added.append(f"--auth-token={token}")  # with "=": a token may start with "-"
    if secret and not _has(given, "--jwt-secret"):
        added += [f"--jwt-secret={secret}", f"--jwt-method={JWT_METHOD}"]
    arguments = [*added, *given]
    if _has(arguments, "--enable-api") and not (_has(arguments, "--auth-token") or _has(arguments, "--jwt-secret")):
        raise UnsafeServerSettings(
            f"the HTTP API is enabled without authentication: set {TOKEN_VARIABLE} or {JWT_VARIABLE} "
            "(or drop --enable-api)"
        )
    if _has(arguments, "--cors"):
        for origin in _option_values(arguments, "--cors"):
            exact_origin(origin)
    else:
        value = environ.get(CORS_VARIABLE)
        origins = list(DEFAULT_CORS_ORIGINS) if value is None else origins_from(value)
        if origins:
            arguments = ["--cors", *origins, *arguments]
    return [*argv[:2], *arguments]


def install() -> None:
    """Completes the arguments of `rasa run` in this process, or stops it with the reason."""
    if sys.argv[1:2] != ["run"] or sys.argv[2:3] == ["actions"]:
        return
    try:
        sys.argv[:] = server_arguments(sys.argv, os.environ)
    except UnsafeServerSettings as problem:
        sys.exit(f"The Rasa server does not start: {problem}.")
