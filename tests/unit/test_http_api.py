"""rasa_extensions.http_api: `rasa run`'s API and CORS arguments from the environment."""

from __future__ import annotations

import pytest

from rasa_extensions.http_api import UnsafeServerSettings, exact_origin, server_arguments

RUN = ["rasa_extensions", "run", "--model", "models/chargepoint.tar.gz", "--port", "5005"]
DEFAULT_CORS = ["--cors", "http://127.0.0.1:8080", "http://localhost:8080"]


def test_nothing_set_leaves_the_api_off_and_cors_for_the_local_page() -> None:
    assert server_arguments(RUN, {}) == [*RUN[:2], *DEFAULT_CORS, *RUN[2:]]


def test_a_token_enables_the_api_with_token_auth() -> None:
    arguments = server_arguments(RUN, {"RASA_API_TOKEN": "-s3cret"})
    assert arguments[:2] == ["rasa_extensions", "run"]
    assert {"--enable-api", "--auth-token=-s3cret"} <= set(arguments)  # "=": a token may start with "-"
    assert "--jwt-secret" not in " ".join(arguments)


def test_a_jwt_secret_enables_the_api_with_hs256() -> None:
    arguments = server_arguments(RUN, {"RASA_JWT_SECRET": "k"})
    assert {"--enable-api", "--jwt-secret=k", "--jwt-method=HS256"} <= set(arguments)
    assert "--auth-token" not in " ".join(arguments)


def test_both_can_be_set() -> None:
    arguments = server_arguments(RUN, {"RASA_API_TOKEN": "t", "RASA_JWT_SECRET": "k"})
    assert {"--enable-api", "--auth-token=t", "--jwt-secret=k"} <= set(arguments)


def test_empty_values_do_not_enable_the_api() -> None:
    assert "--enable-api" not in server_arguments(RUN, {"RASA_API_TOKEN": "", "RASA_JWT_SECRET": ""})


@pytest.mark.parametrize("given", [["--enable-api"], ["--enable-api", "--cors", "http://a.example"]])
def test_the_api_without_auth_is_refused(given: list[str]) -> None:
    with pytest.raises(UnsafeServerSettings, match="without authentication"):
        server_arguments([*RUN, *given], {})


def test_an_explicit_token_on_the_command_line_is_kept() -> None:
    arguments = server_arguments([*RUN, "--enable-api", "--auth-token", "x"], {"RASA_API_TOKEN": "y"})
    assert arguments.count("--enable-api") == 1 and "--auth-token=y" not in arguments


def test_cors_origins_from_the_environment() -> None:
    arguments = server_arguments(RUN, {"CORS_ORIGINS": "https://support.example.com, http://localhost:3000"})
    assert arguments[2:5] == ["--cors", "https://support.example.com", "http://localhost:3000"]
    assert "--cors" not in server_arguments(RUN, {"CORS_ORIGINS": " "})


def test_cors_on_the_command_line_wins_but_is_checked() -> None:
    given = [*RUN, "--cors", "https://a.example"]
    assert server_arguments(given, {"CORS_ORIGINS": "https://b.example"}) == [*RUN[:2], *given[2:]]
    with pytest.raises(UnsafeServerSettings):
        server_arguments([*RUN, "--cors", "*"], {})
    with pytest.raises(UnsafeServerSettings):
        server_arguments([*RUN, "--cors=https://.*\\.example\\.com"], {})


def test_calling_twice_adds_nothing_more() -> None:
    environ = {"RASA_API_TOKEN": "t", "RASA_JWT_SECRET": "k"}
    once = server_arguments(RUN, environ)
    assert server_arguments(once, environ) == once


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8080", "http://localhost:8080", "https://support.example.com", "http://10.0.0.2:80"]
)
def test_exact_origins_are_accepted(origin: str) -> None:
    assert exact_origin(origin) == origin


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "https://*.example.com",
        "https://chat\\.example\\.com",
        "https://chat.example.com?",
        "null",
        "",
        "chat.example.com",
        "ftp://chat.example.com",
        "https://chat.example.com/",
        "https://chat.example.com/page",
        "https://user@chat.example.com",
        "https://chat.example.com:99999",
        "https://chat.example.com#x",
        "https://[::1]:8443",  # "]": sanic-cors would take it for a regular expression
    ],
)
def test_patterns_and_non_origins_are_refused(origin: str) -> None:
    with pytest.raises(UnsafeServerSettings):
        exact_origin(origin)
