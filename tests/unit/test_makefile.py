"""`make train` retrains when anything the model is made from changes, the code of its own components included."""

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _training_prerequisites() -> set[str]:
    """The Makefile's TRAINING list as make expands it."""
    database = subprocess.run(
        ["make", "--no-print-directory", "-pq"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    (line,) = [line for line in database.splitlines() if line.startswith("TRAINING := ")]
    return set(line.removeprefix("TRAINING := ").split())


def test_every_component_of_the_projects_own_in_the_config_is_a_prerequisite_of_the_model() -> None:
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text())
    own = {
        step["name"].rsplit(".", 1)[0].replace(".", "/") + ".py"
        for step in config["pipeline"] + config["policies"]
        if step["name"].startswith("rasa_extensions.")
    }
    assert own  # the pipeline has components of its own: this test looks at the right names
    assert own <= _training_prerequisites()


def test_the_data_and_the_config_are_prerequisites_of_the_model() -> None:
    prerequisites = _training_prerequisites()
    data = {str(path.relative_to(ROOT)) for path in (ROOT / "data" / "nlu").glob("*.yml")}
    domain = {str(path.relative_to(ROOT)) for path in (ROOT / "bot" / "domain").glob("*.yml")}
    assert {"bot/config.yml", "data/vocabulary.yaml", "data/directory.yaml"} | data | domain <= prerequisites
