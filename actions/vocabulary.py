"""data/vocabulary.yaml, the words the resolvers need that no package ships: read strictly, shared by both.

YAML keeps the last of two equal keys without a word, so a language that lists a country twice
(`DK: [dansker]` ... `DK: [kbh]`) would lose the first list; such a file is refused, naming the line, as the
directory is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .directory.loader import read_yaml

VOCABULARY_PATH = Path(__file__).resolve().parents[1] / "data" / "vocabulary.yaml"


class VocabularyError(ValueError):
    """The vocabulary file cannot be used; the message says where and why, one problem per line."""


def load_vocabulary(path: Path = VOCABULARY_PATH) -> dict[str, Any]:
    data, _, problems = read_yaml(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise VocabularyError("\n".join(map(str, problems)))
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: expected a mapping of sections (countries, roles, ...)")
    return data
