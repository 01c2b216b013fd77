"""The support directory library: load, validate and query `data/directory.yaml`. Independent of Rasa."""

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


@cache
def default_directory(path: Path = DEFAULT_PATH) -> Directory:
    """The directory of this process, loaded and validated once."""
    return load_directory(path)
