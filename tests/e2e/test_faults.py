"""Faults injected into the real running processes: the action server slow and killed, the directory edited
broken and fixed, the Rasa server killed mid-conversation. The bot is this module's own (it gets killed), with
a copy of the directory it serves so that the test can edit it."""

from __future__ import annotations

import shutil

import pytest

from actions.directory import DEFAULT_PATH
from launch.processes import RunningBot, base_environment, start_bot
from tests.e2e import fault_scenarios
from tests.e2e.conftest import ARTIFACTS


@pytest.fixture(scope="module")
def served_directory(tmp_path_factory):
    path = tmp_path_factory.mktemp("directory") / "directory.yaml"
    shutil.copyfile(DEFAULT_PATH, path)
    return path


@pytest.fixture(scope="module")
def faulty_bot(tmp_path_factory, served_directory) -> RunningBot:
    log_dir = ARTIFACTS / "faults"
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in log_dir.glob("*.log"):
        old.unlink()
    env = {**base_environment(), "SUPPORT_DIRECTORY": str(served_directory)}
    running = start_bot(tmp_path_factory.mktemp("faulty-bot"), log_dir=log_dir, env=env)
    yield running
    running.stop()


def test_a_slow_action_server_is_given_up_after_the_timeout(faulty_bot):
    outcome = fault_scenarios.action_server_slow(faulty_bot)
    assert outcome.survived, outcome.failures()


def test_a_dead_action_server_still_gets_the_person_an_answer(faulty_bot):
    outcome = fault_scenarios.action_server_killed(faulty_bot)
    assert outcome.survived, outcome.failures()


def test_a_broken_directory_edit_keeps_the_old_one_and_a_valid_edit_is_served(faulty_bot, served_directory):
    outcome = fault_scenarios.broken_directory_reload(faulty_bot, served_directory, faulty_bot.log_dir)
    assert outcome.survived, outcome.failures()


def test_a_killed_rasa_server_resumes_the_conversation_from_its_tracker_store(faulty_bot):
    outcome = fault_scenarios.rasa_killed(faulty_bot)
    assert outcome.survived, outcome.failures()
