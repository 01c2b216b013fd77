"""Rasa's own conversation tests: `rasa test core` over tests/stories with the trained model."""

import subprocess
import sys

from launch.processes import MODEL, ROOT


def test_every_test_story_is_predicted_exactly(tmp_path):
    result = subprocess.run(
        [
            sys.executable, "-m", "rasa", "test", "core",
            "--stories", str(ROOT / "tests" / "stories"),
            "--model", str(MODEL),
            "--fail-on-prediction-errors",
            "--out", str(tmp_path),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    failed = (
        (tmp_path / "failed_test_stories.yml").read_text() if (tmp_path / "failed_test_stories.yml").exists() else ""
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{failed}"
    assert "None of the test stories failed" in failed
