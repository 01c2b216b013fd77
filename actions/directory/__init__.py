"""The support directory library: load, validate and query `data/directory.yaml`. Independent of Rasa."""

import os
from functools import cache
from pathlib import Path

from .hours import Hours, Status, Window
from .loader import DEFAULT_PATH, DirectoryError, Problem, load_directory, parse_directory
from .model import Answer, Audience, CountryListing, Directory, Line, Region

__all__ = [
    "DEFAULT_PATH",
    "Answer",
    "Audience",
    "CountryListing",
    "Directory",
    "DirectoryError",
    "Hours",
    "Line",
    "Problem",
    "Region",
    "Status",
    "Window",
    "default_directory",
    "load_directory",
    "parse_directory",
]


def default_directory() -> Directory:
    """The directory of this process, loaded and validated once: `data/directory.yaml`, or the file named by
    the environment variable SUPPORT_DIRECTORY."""
    return _load_once(Path(os.environ.get("SUPPORT_DIRECTORY") or DEFAULT_PATH))


@cache
def _load_once(path: Path) -> Directory:
    return load_directory(path)
