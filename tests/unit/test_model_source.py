"""rasa_extensions.model_source: which model sources a `rasa run` command line may name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_extensions.model_source import MODELS, ForeignModelSource, check_model_path, check_start

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_commands_pass() -> None:
    check_start(["--model", "models/chargepoint.tar.gz", "--endpoints", str(ROOT / "bot" / "endpoints.yml")])
    check_start(["--model", str(MODELS / "chargepoint.tar.gz"), "--endpoints", str(ROOT / "bot/endpoints.scale.yml")])


@pytest.mark.parametrize("path", ["/tmp/chargepoint.tar.gz", "models/../bot/config.yml", "../models/x.tar.gz"])
def test_a_model_outside_models_is_refused(path: str) -> None:
    with pytest.raises(ForeignModelSource):
        check_start(["--model", path])
    with pytest.raises(ForeignModelSource):
        check_model_path(path)


def test_a_symlink_out_of_models_is_refused(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "link.tar.gz").symlink_to(tmp_path / "elsewhere.tar.gz")
    with pytest.raises(ForeignModelSource):
        check_model_path(models / "link.tar.gz", models)
    assert check_model_path(models / "real.tar.gz", models) == models / "real.tar.gz"


def test_remote_storage_is_refused() -> None:
    with pytest.raises(ForeignModelSource, match="remote-storage"):
        check_start(["--model", "models/chargepoint.tar.gz", "--remote-storage", "aws"])


def test_an_endpoints_file_with_a_model_server_is_refused(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"models": {"url": "http://models.example/chargepoint.tar.gz"}}))
    with pytest.raises(ForeignModelSource, match="model server"):
        check_start(["--model", "models/chargepoint.tar.gz", "--endpoints", str(endpoints)])


def test_no_project_endpoints_file_names_a_model_server() -> None:
    for path in ROOT.glob("bot/endpoints*.yml"):
        assert "models" not in (yaml.safe_load(path.read_text()) or {}), path
