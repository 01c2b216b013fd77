"""data/vocabulary.yaml is read strictly: a key given twice is refused where YAML would drop the first silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.countries import build_resolver
from actions.vocabulary import VocabularyError, load_vocabulary


def test_the_projects_vocabulary_loads() -> None:
    assert {"countries", "roles", "not_places", "place_prepositions"} <= load_vocabulary().keys()


def test_a_country_listed_twice_in_one_language_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("countries:\n  da:\n    DK: [dansker]\n    US: [Amerika]\n    DK: [kbh]\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"vocabulary.yaml:5: countries\.da\.DK: duplicate key"):
        load_vocabulary(path)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(VocabularyError):
        load_vocabulary(path)


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("dansker", "DK"),  # lost to a second `DK:` of the Danish list until the file was read strictly
        ("kbh", "DK"),
        ("belga", "BE"),  # by stem it was Belgard, a town in Poland
        ("Schotland", "GB"),  # by stem it was Schoten, a town in Belgium
        ("Duitse", "DE"),
        ("sueca", "SE"),
        ("alemã", "DE"),
        ("tedesca", "DE"),
        ("écossaise", "GB"),
        ("Franzose", "FR"),
        ("szwedzka", "SE"),
        ("francouzská", "FR"),
    ],
)
def test_nationalities_that_are_not_language_names_name_their_country(word: str, country: str) -> None:
    served = frozenset({"BE", "DE", "DK", "FR", "GB", "PL", "SE"})
    place = build_resolver(served).resolve(word)
    assert place is not None and place.country == country


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("je suis canadien", "CA"),
        ("on est québécois", "CA"),
        ("une entreprise luxembourgeoise", "LU"),
        ("sono austriaco", "AT"),
        ("jag är finländare", "FI"),
        ("wir sind eine österreichische Firma", "AT"),
        ("jsme rakouská firma", "AT"),
        ("jestem Duńczykiem", "DK"),
    ],
)
def test_demonyms_name_their_country_in_a_message(message: str, country: str) -> None:
    place = build_resolver(frozenset({"AT", "CA", "DK", "LU", "NO"})).find(message)
    assert place is not None and place.country == country


@pytest.mark.parametrize(
    "message",
    [
        "jeg snakker dansk",  # "dansk" is the language's name too: a person asks for it far more often
        "je parle français",
        "vi är ett norskt bolag",  # "norskt" is a form of "norsk", the language's name in Norwegian
        "czy jest infolinia po polsku",
        "finns det en linje på svenska",  # Swedish "finns" (there is) is no English "Finns"
    ],
)
def test_demonyms_that_name_a_language_are_no_place(message: str) -> None:
    assert build_resolver(frozenset({"DK", "FR", "PL", "SE"})).find(message) is None


def test_every_language_lists_demonyms_for_every_country_the_page_lists() -> None:
    from actions.directory import default_directory

    demonyms = load_vocabulary()["demonyms"]
    served = set(default_directory().countries)
    for language in ("en", "nb", "de", "fr", "nl", "it", "es", "pt", "pl", "sv", "da", "cs"):
        assert served <= set(demonyms[language]), (language, served - set(demonyms[language]))
