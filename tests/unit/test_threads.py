"""The Rasa server's entry point gives each numeric library one thread, unless the environment says otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasa_extensions.threads import THREAD_SETTINGS, compute_on_one_thread

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = {key: value for key, value in os.environ.items() if key not in THREAD_SETTINGS}


def numpy_pools(*, through_entry_point: bool) -> list[int]:
    """The threads of each pool numpy has in a new process, loaded after the entry point's module (not running
    Rasa) or on its own."""
    probe = (
        ("import rasa_extensions.__main__;" if through_entry_point else "")
        + "import json, numpy, threadpoolctl;"
        + "print(json.dumps([pool['num_threads'] for pool in threadpoolctl.threadpool_info()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_defaults_are_one_thread_and_the_environment_wins() -> None:
    environ = {"OMP_NUM_THREADS": "4"}
    compute_on_one_thread(environ)
    assert environ == dict.fromkeys(THREAD_SETTINGS, "1") | {"OMP_NUM_THREADS": "4"}


def test_numpys_pool_has_one_thread_in_the_server_process() -> None:
    threads = numpy_pools(through_entry_point=True)
    assert threads and all(count == 1 for count in threads), threads


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing to prevent")
def test_without_the_entry_point_numpy_would_take_every_core() -> None:
    """What the setting prevents, and proof that the test above can fail."""
    assert max(numpy_pools(through_entry_point=False)) > 1
