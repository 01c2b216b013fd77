"""The running server's channels come from the environment: the composed credentials file Rasa was given."""

from __future__ import annotations

import stat

from tests.channels.conftest import SECRETS, ChannelBot


def test_the_channels_set_in_the_environment_are_served(channels: ChannelBot) -> None:
    log = (channels.log_dir / "rasa.log").read_text()
    assert "Messaging channels on (their settings are in the environment): telegram, slack, facebook, twilio." in log
    for channel in ("telegram", "slack", "facebook", "twilio", "rest"):
        assert channels.request("GET", f"/webhooks/{channel}/")[0] == 200, channel


def test_the_composed_file_is_private_and_holds_no_secret(channels: ChannelBot) -> None:
    [composed] = channels.temp_dir.glob("rasa-credentials-*.yml")
    assert stat.S_IMODE(composed.stat().st_mode) == 0o600
    text = composed.read_text()
    assert "access_token: ${TELEGRAM_ACCESS_TOKEN}" in text  # Rasa expands it from the environment
    assert "rasa_extensions.channels.socketio.SocketIOInput" in text  # the base file's channels are kept
    for secret in SECRETS:
        assert secret not in text
