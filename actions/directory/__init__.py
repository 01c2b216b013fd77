"""The support directory library: load, validate and query `data/directory.yaml`. Independent of Rasa."""

import os
import time
from functools import cache
from pathlib import Path

from .hours import Hours, Status, Window
from .loader import DEFAULT_PATH, DirectoryError, Problem, load_directory, parse_directory
from .model import Answer, Audience, CountryListing, Directory, Line, Region
from .reloading import ReloadingDirectory

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
    "directory_path",
    "load_directory",
    "parse_directory",
    "served_directory",
]


def default_directory() -> Directory:
    """The directory of this process: `data/directory.yaml`, or the file named by the environment variable
    SUPPORT_DIRECTORY; loaded and validated once, and replaced only by an edited file that validates
    (see reloading.py)."""
    return served_directory().current(time.monotonic())


def directory_path() -> Path:
    """The directory file this process serves: SUPPORT_DIRECTORY, else `data/directory.yaml`."""
    return Path(os.environ.get("SUPPORT_DIRECTORY") or DEFAULT_PATH)


@cache
def served_directory() -> ReloadingDirectory:
    return ReloadingDirectory(directory_path())
