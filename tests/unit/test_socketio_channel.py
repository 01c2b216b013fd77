"""The socket.io channel's checks of what it is given (rasa_extensions/channels/socketio.py); the channel itself,
over a real socket and in a real browser, is tested in tests/browser."""

from __future__ import annotations

import pytest

from rasa_extensions.channels.socketio import allowed_origins, metadata_of, session_id_of


def test_origins_come_from_the_credentials_or_the_environment():
    configured = ["http://127.0.0.1:8080", "http://LOCALHOST:8080"]
    assert allowed_origins(configured, {}) == ["http://127.0.0.1:8080", "http://localhost:8080"]
    environment = {"WEB_ORIGINS": "http://127.0.0.1:9000, https://chat.example.com"}
    assert allowed_origins(configured, environment) == ["http://127.0.0.1:9000", "https://chat.example.com"]


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "http://*.example.com",
        "127.0.0.1:8080",
        "http://127.0.0.1:8080/chat",
        "http://127.0.0.1:8080/",
        "null",
        "ftp://host",
    ],
)
def test_anything_but_an_exact_origin_stops_the_server(origin: str):
    with pytest.raises(ValueError, match=r"is not an origin|is a pattern"):
        allowed_origins([origin], {})


def test_no_origin_at_all_stops_the_server():
    with pytest.raises(ValueError, match="no allowed origins"):
        allowed_origins(None, {})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"session_id": "3321de8e05854b789258ca0327287988"}, "3321de8e05854b789258ca0327287988"),
        ({"session_id": None}, None),
        ({"session_id": "../../etc/passwd"}, None),
        ({"session_id": "x" * 65}, None),
        ({"session_id": 42}, None),
        ("not an object", None),
        (None, None),
    ],
)
def test_only_a_session_id_the_server_could_have_issued_is_used(data, expected):
    assert session_id_of(data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"customData": {"language": "de-DE", "timezone": "Europe/Berlin"}},
            {"language": "de-DE", "timezone": "Europe/Berlin"},
        ),
        ({"customData": '{"language": "nb"}'}, {"language": "nb"}),
        ({"customData": "{not json"}, {}),
        ({"customData": ["de"]}, {}),
        ({}, {}),
    ],
)
def test_metadata_is_always_an_object(data, expected):
    assert metadata_of(data, "customData") == expected
