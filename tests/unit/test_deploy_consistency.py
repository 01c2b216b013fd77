"""The deployment files (Compose, Helm values) stay consistent with the tested scale-out configuration."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_files_provide_every_setting_the_tested_endpoints_need():
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "check_consistency.py")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout
