"""The running bot, started once for all end-to-end tests."""

from pathlib import Path

import pytest

from launch.processes import RunningBot, start_bot

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> RunningBot:
    ARTIFACTS.mkdir(exist_ok=True)
    running = start_bot(tmp_path_factory.mktemp("bot"), log_dir=ARTIFACTS)
    yield running
    running.stop()


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
