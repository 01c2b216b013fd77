"""The channels Rasa serves come from the environment (rasa_extensions/credentials.py)."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa.core.run import _create_single_channel
from rasa.shared.utils.io import read_config_file

from rasa_extensions.credentials import (
    compose,
    credentials_argument,
    describe,
    remove_stale_files,
    variables_in,
    with_composed_credentials,
)

ROOT = Path(__file__).resolve().parents[2]
CHANNELS_FILE = ROOT / "bot" / "credentials.channels.yml"
BASE = {"rest": None, "socketio": {"user_message_evt": "user_uttered"}}
OPTIONAL = {
    "a.channels.telegram.TelegramInput": {"access_token": "${TG_TOKEN}", "webhook_url": "${TG_URL}"},
    "a.channels.slack.SlackInput": {"slack_token": "${SLACK}", "nested": {"list": ["x ${SIGNING} y"]}},
}

# A value for every variable of bot/credentials.channels.yml that its channel accepts.
EXAMPLE_ENVIRONMENT = {
    "TELEGRAM_ACCESS_TOKEN": "7012345678:AAHfakeTokenOnlyForTheTests_abcdefgh",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.com/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "secret-token_1",
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "signing-secret",
    "FACEBOOK_VERIFY_TOKEN": "verify",
    "FACEBOOK_APP_SECRET": "app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "EAA1",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "0" * 32,
    "SENDER_ID_SECRET": "s" * 32,
}


def test_variables_are_found_anywhere_in_a_section():
    assert variables_in(OPTIONAL["a.channels.slack.SlackInput"]) == ["SLACK", "SIGNING"]
    assert variables_in({"a": "${A}", "b": "${A}"}) == ["A"]
    assert variables_in(None) == []


def test_a_channel_is_on_only_when_all_its_variables_are_set():
    composition = compose(BASE, OPTIONAL, {"TG_TOKEN": "t", "TG_URL": "u"})
    assert composition.enabled == ("a.channels.telegram.TelegramInput",)
    assert composition.credentials == {**BASE, "a.channels.telegram.TelegramInput": OPTIONAL[composition.enabled[0]]}
    assert composition.incomplete == {}


def test_no_variables_set_means_only_the_base():
    composition = compose(BASE, OPTIONAL, {})
    assert composition.credentials == BASE and composition.enabled == () and composition.incomplete == {}


def test_a_partly_configured_channel_is_off_and_named_with_what_it_lacks():
    composition = compose(BASE, OPTIONAL, {"TG_TOKEN": "secret-value", "TG_URL": "", "SLACK": "x"})
    assert composition.enabled == ()
    assert composition.incomplete == {
        "a.channels.telegram.TelegramInput": ("TG_URL",),  # empty counts as unset
        "a.channels.slack.SlackInput": ("SIGNING",),
    }
    lines = describe(composition)
    assert (
        logging.WARNING,
        "Messaging channel telegram is off: TG_URL is not set (see README, Messaging channels).",
    ) in lines
    assert lines[-1] == (logging.INFO, "Messaging channels on (their settings are in the environment): none.")
    assert not any("secret-value" in message for _, message in lines)


def test_the_base_file_wins_over_an_optional_section_of_the_same_name():
    composition = compose({"telegram": {"access_token": "x"}}, {"telegram": {"access_token": "${T}"}}, {"T": "t"})
    assert composition.credentials == {"telegram": {"access_token": "x"}}
    assert composition.shadowed == ("telegram",)


def test_the_credentials_argument_of_rasa_run():
    assert credentials_argument(["x", "run", "--credentials", "c.yml", "--port", "1"]) == (3, "c.yml")
    assert credentials_argument(["x", "run", "--credentials=c.yml"]) == (2, "c.yml")
    assert credentials_argument(["x", "train", "--credentials", "c.yml"]) is None
    assert credentials_argument(["x", "run"]) is None


def write_files(directory: Path) -> Path:
    base = directory / "credentials.yml"
    base.write_text(yaml.safe_dump(BASE))
    (directory / "credentials.channels.yml").write_text(yaml.safe_dump(OPTIONAL))
    return base


def test_rasa_is_given_a_private_composed_file_that_it_expands_itself(tmp_path, monkeypatch):
    base = write_files(tmp_path)
    monkeypatch.setenv("TG_TOKEN", "the-token")
    monkeypatch.setenv("TG_URL", "https://bot.example.com/hook")
    argv = with_composed_credentials(["rasa", "run", "--credentials", str(base), "--port", "5005"], dict(os.environ))
    composed = Path(argv[3])
    assert argv[:3] == ["rasa", "run", "--credentials"] and argv[4:] == ["--port", "5005"]
    assert composed != base and stat.S_IMODE(composed.stat().st_mode) == 0o600
    assert "${TG_TOKEN}" in composed.read_text() and "the-token" not in composed.read_text()
    # Rasa's own loader expands the references from the environment.
    loaded = read_config_file(composed)
    assert loaded["a.channels.telegram.TelegramInput"] == {
        "access_token": "the-token",
        "webhook_url": "https://bot.example.com/hook",
    }
    assert "a.channels.slack.SlackInput" not in loaded and "socketio" in loaded


def test_nothing_changes_without_a_channels_file_or_for_other_commands(tmp_path):
    base = tmp_path / "credentials.yml"
    base.write_text("rest:\n")
    argv = ["rasa", "run", "--credentials", str(base)]
    assert with_composed_credentials(argv, {}) == argv
    write_files(tmp_path)
    assert with_composed_credentials(["rasa", "train", "--credentials", str(base)], {}) == [
        "rasa", "train", "--credentials", str(base),
    ]  # fmt: skip


def test_the_composed_file_is_removed_when_the_process_exits(tmp_path):
    base = write_files(tmp_path)
    script = (
        "import sys; from rasa_extensions.credentials import with_composed_credentials; "
        f"print(with_composed_credentials(['x', 'run', '--credentials', {str(base)!r}], {{}})[3])"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    composed = Path(result.stdout.strip())
    assert composed.name.startswith("rasa-credentials-") and not composed.exists()
    assert "Messaging channels on (their settings are in the environment): none." in result.stderr


def test_files_of_servers_that_no_longer_run_are_removed(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"rasa-credentials-{finished.stdout.strip()}-abc.yml"
    alive = tmp_path / f"rasa-credentials-{os.getpid()}-def.yml"
    other = tmp_path / "rasa-credentials-notes.yml"
    for path in (dead, alive, other):
        path.write_text("rest:\n")
    remove_stale_files(tmp_path)
    assert not dead.exists() and alive.exists() and other.exists()


@pytest.mark.parametrize("channel", list(yaml.safe_load(CHANNELS_FILE.read_text())))
def test_every_optional_channel_of_the_project_starts_from_its_section(channel):
    """The keys in bot/credentials.channels.yml are the ones its class reads, and the README names every variable."""
    section = yaml.safe_load(CHANNELS_FILE.read_text())[channel]
    variables = variables_in(section)
    assert variables and set(variables) <= set(EXAMPLE_ENVIRONMENT)
    readme = (ROOT / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in variables), "README: Messaging channels must name every variable"
    assert compose({}, {channel: section}, EXAMPLE_ENVIRONMENT).enabled == (channel,)
    expanded = {key: EXAMPLE_ENVIRONMENT[variables_in(value)[0]] for key, value in section.items()}
    input_channel = _create_single_channel(channel, expanded)
    assert input_channel.name() == channel.split(".")[-2]  # served at /webhooks/<name>/webhook
