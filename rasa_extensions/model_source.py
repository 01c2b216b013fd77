"""The Rasa server loads models only from the project's own `models/` directory.

A Rasa model is code: loading a crafted one runs what it contains (CVE-2024-49375, remote model loading through the
HTTP API; fixed in 3.6.21, yet the safest model source is still the one that cannot be changed from outside). Rasa
can fetch models from a model server (`models:` in the endpoints file, polled while it runs), from cloud storage
(`--remote-storage`), and, with the HTTP API on, from any path or server named in `PUT /model`. This extension

- stops the server at start if `--model` is not inside `models/`, `--remote-storage` is given, or the endpoints file
  has a `models:` section;
- answers `PUT /model` (and the API's model tests) that name a model server, a remote storage or a path outside
  `models/` with 403, before anything is loaded.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml

MODELS = Path(__file__).resolve().parents[1] / "models"
_INSTALLED_MARK = "_models_from_project_only"


class ForeignModelSource(ValueError):
    """A model would come from somewhere other than the project's models/ directory."""


def check_model_path(path: str | Path, models: Path = MODELS) -> Path:
    """The resolved path, if it is inside `models`; ForeignModelSource otherwise."""
    resolved = Path(path).resolve()
    if resolved != models and models not in resolved.parents:
        raise ForeignModelSource(f"model {str(path)!r} is not in {models}: models are loaded only from there")
    return resolved


def check_start(argv: Sequence[str], models: Path = MODELS) -> None:
    """Checks the model sources of a `rasa run` command line (its arguments after `run`)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-m", "--model", default="models")
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--remote-storage")
    known, _ = parser.parse_known_args(list(argv))
    if known.remote_storage:
        raise ForeignModelSource(f"--remote-storage {known.remote_storage}: models are loaded only from {models}")
    check_model_path(known.model, models)
    endpoints = Path(known.endpoints)
    if endpoints.is_file():
        settings = yaml.safe_load(endpoints.read_text()) or {}
        if isinstance(settings, dict) and settings.get("models"):
            raise ForeignModelSource(f"{endpoints} configures a model server (models:); models come from {models}")


def install() -> None:
    """Checks `rasa run`'s arguments and guards the API's model loading; safe to call again."""
    if sys.argv[1:2] == ["run"] and sys.argv[2:3] != ["actions"]:
        try:
            check_start(sys.argv[2:])
        except ForeignModelSource as problem:
            sys.exit(f"The Rasa server does not start: {problem}.")
    import rasa.server

    if getattr(rasa.server._load_agent, _INSTALLED_MARK, False):
        return
    rasa_load_agent = rasa.server._load_agent

    async def _load_agent(
        model_path: str | None = None,
        model_server: Any = None,
        remote_storage: str | None = None,
        endpoints: Any = None,
    ) -> Any:
        try:
            if model_server or remote_storage:
                raise ForeignModelSource(f"models are loaded only from {MODELS}, not from a server or remote storage")
            check_model_path(model_path or MODELS)
        except ForeignModelSource as refused:
            raise rasa.server.ErrorResponse(HTTPStatus.FORBIDDEN, "Forbidden", str(refused)) from None
        return await rasa_load_agent(model_path, None, None, endpoints)

    setattr(_load_agent, _INSTALLED_MARK, True)
    rasa.server._load_agent = _load_agent
