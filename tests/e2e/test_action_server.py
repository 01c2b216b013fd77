"""The action server process itself: it refuses to start on a broken directory, saying where the problem is."""

import os
import subprocess
import sys

from actions.directory import DEFAULT_PATH
from launch.processes import ROOT, free_port


def test_a_broken_directory_stops_the_action_server_with_the_line_and_the_field(tmp_path):
    broken = tmp_path / "directory.yaml"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    line = text[: text.index('"+49 69 95307383"')].count("\n") + 1
    broken.write_text(text.replace('"+49 69 95307383"', '"+49 69 9"'))
    result = subprocess.run(
        [sys.executable, "-m", "actions", "--actions", "actions", "--port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "SUPPORT_DIRECTORY": str(broken), "SANIC_HOST": "127.0.0.1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "lines[13].number: '+49 69 9' is not a valid number" in result.stderr
    assert f"{broken}:{line}:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
