"""The support directory: phone lines, the countries and groups they serve, and the case links.

Built once by `loader.load_directory`, which validates everything; after that the objects are frozen and every
query is a dictionary lookup. This package does not import Rasa: the bot's actions are a layer on top of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from types import MappingProxyType

import phonenumbers

from .hours import Hours, Status


class Audience(str, Enum):
    """Who is asking: the page's two audiences and its special customer groups."""

    DRIVER = "driver"  # EV driver, account holder, app user, Home Flex owner
    BUSINESS = "business"  # station owner, installer, partner, site host, fleet, sales
    BE_ENERGISED = "be_energised"
    VIRICITI = "viriciti"  # ViriCiti and ChargePoint Telematics customers, and their former ones in North America

    @classmethod
    def get(cls, value: object) -> Audience | None:
        """The audience named `value`, or None (like pycountry's `get`)."""
        try:
            return cls(value)
        except ValueError:
            return None

    @property
    def is_special_group(self) -> bool:
        return self in (Audience.BE_ENERGISED, Audience.VIRICITI)

    @property
    def case_kind(self) -> str:
        """Which case link serves this audience: drivers open driver cases, everyone else business cases."""
        return "driver" if self is Audience.DRIVER else "business"


#: Notes a line may carry; each has a text in every language in the bot's responses.
LINE_NOTES = frozenset({"domestic_only", "home_flex", "sales"})


@dataclass(frozen=True)
class Line:
    """One phone line, defined once and listed under every country the page shows it for."""

    id: str
    country: str  # whose numbering plan the number belongs to
    number: phonenumbers.PhoneNumber = field(compare=False)
    hours: Hours
    fee: bool = False
    notes: frozenset[str] = frozenset()

    @property
    def e164(self) -> str:
        return phonenumbers.format_number(self.number, phonenumbers.PhoneNumberFormat.E164)

    @property
    def international(self) -> str:
        return phonenumbers.format_number(self.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    @property
    def national(self) -> str:
        return phonenumbers.format_number(self.number, phonenumbers.PhoneNumberFormat.NATIONAL)

    @property
    def tel_uri(self) -> str:
        return f"tel:{self.e164}"

    @property
    def dialable_from_abroad(self) -> bool:
        return phonenumbers.can_be_internationally_dialled(self.number)

    def display_number(self, caller_country: str | None = None) -> str:
        """The number as the caller should dial it: national format at home, international otherwise."""
        if caller_country == self.country or not self.dialable_from_abroad:
            return self.national
        return self.international

    @property
    def main_languages(self) -> frozenset[str]:
        """The languages the line is staffed for (not the ones it falls back to out of hours)."""
        return frozenset(self.hours.languages).union(*(window.languages for window in self.hours.windows))

    @property
    def all_languages(self) -> frozenset[str]:
        return self.main_languages | frozenset(self.hours.outside_windows)

    def is_open(self, at: datetime) -> bool:
        return self.hours.is_open(at)

    def language_at(self, at: datetime) -> tuple[str, ...]:
        return self.hours.languages_at(at)

    def next_opening(self, at: datetime) -> datetime | None:
        return self.hours.next_opening(at)

    def status(self, at: datetime) -> Status:
        return self.hours.status(at)


@dataclass(frozen=True)
class Region:
    id: str
    case_links: Mapping[str, str]


@dataclass(frozen=True)
class CountryListing:
    code: str
    region: str
    lines: Mapping[Audience, tuple[Line, ...]]


@dataclass(frozen=True)
class Answer:
    """What the directory says for one (country, audience) question."""

    country: str | None
    audience: Audience
    lines: tuple[Line, ...]
    case_link: str
    #: True when the country has its own entry on the page (False for Finland, Japan, or no country given).
    listed: bool
    #: For a special group: which region each line serves (its title depends on it).
    line_regions: Mapping[str, str] = field(default_factory=dict)

    def in_language(self, reply_language: str | None, asked_language: str | None = None) -> tuple[Answer, str | None]:
        """The lines for a language: the one asked for ("which number is for French?") among all a line serves,
        else, where a country has a line per language (Belgium), the person's. All of them when none fits.

        Returns the answer and, when the person asked for a language that no line serves, that language; not when a
        line's languages are unknown (the page names none for the US driver line or Australia's): it may serve it.
        """
        if asked_language:
            chosen = lines_in_language(self.lines, asked_language, staffed_only=False)
            if chosen:
                return replace(self, lines=chosen), None
            known = all(line.all_languages for line in self.lines)
            return self, (asked_language if known else None)
        if len(self.lines) > 1 and not self.audience.is_special_group and reply_language:
            chosen = lines_in_language(self.lines, reply_language, staffed_only=True)
            if chosen:
                return replace(self, lines=chosen), None
        return self, None


def lines_in_language(lines: tuple[Line, ...], language: str, *, staffed_only: bool) -> tuple[Line, ...]:
    """The lines that serve `language` (staffed for it, or at any hour), in their order; () if none does."""
    return tuple(line for line in lines if language in (line.main_languages if staffed_only else line.all_languages))


#: The region whose case links serve countries that are not on the page and outside Europe.
FALLBACK_REGION = "world"


@dataclass(frozen=True)
class Directory:
    lines: Mapping[str, Line]
    regions: Mapping[str, Region]
    countries: Mapping[str, CountryListing]
    special_groups: Mapping[Audience, Mapping[str, tuple[Line, ...]]]
    source: str

    def __post_init__(self) -> None:
        for name in ("lines", "regions", "countries", "special_groups"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def country(self, code: str | None) -> CountryListing | None:
        return self.countries.get(code.upper()) if code else None

    def is_listed(self, code: str | None) -> bool:
        return self.country(code) is not None

    def case_link(self, region: str, audience: Audience) -> str:
        kind = audience.case_kind
        own = self.regions.get(region)
        if own and kind in own.case_links:
            return own.case_links[kind]
        return self.regions[FALLBACK_REGION].case_links[kind]

    def owner_support_link(self, country: str | None) -> str | None:
        listing = self.country(country)
        region = self.regions.get(listing.region) if listing else None
        return region.case_links.get("owner_support") if region else None

    def region_of(self, country: str | None, guess: str | None = None) -> str:
        """The region of a listed country; for others the caller's `guess` (from its time zones) if known."""
        listing = self.country(country)
        if listing:
            return listing.region
        return guess if guess in self.regions else FALLBACK_REGION

    def answer(self, country: str | None, audience: Audience, region_guess: str | None = None) -> Answer:
        """The lines for a person in `country` (ISO code, or None if unknown) who is `audience`."""
        country = country.upper() if country else None
        region = self.region_of(country, region_guess)
        if audience.is_special_group:
            return self._special_group_answer(country, audience, region)
        listing = self.country(country)
        lines = listing.lines.get(audience, ()) if listing else ()
        return Answer(
            country=country,
            audience=audience,
            lines=lines,
            case_link=self.case_link(region, audience),
            listed=listing is not None,
        )

    def _special_group_answer(self, country: str | None, audience: Audience, region: str) -> Answer:
        by_region = self.special_groups[audience]
        if len(by_region) == 1 or region in by_region:
            chosen = {region: by_region[region]} if region in by_region else dict(by_region)
        else:  # the person's region has no line of this group: show every region's, each labelled
            chosen = dict(by_region)
        lines = tuple(line for region_lines in chosen.values() for line in region_lines)
        line_regions = {line.id: line_region for line_region, region_lines in chosen.items() for line in region_lines}
        answer_region = next(iter(chosen)) if len(chosen) == 1 else region
        return Answer(
            country=country,
            audience=audience,
            lines=lines,
            case_link=self.case_link(answer_region, audience),
            listed=self.is_listed(country),
            line_regions=line_regions,
        )

    def all_numbers(self) -> frozenset[str]:
        """Every number in the directory, in E.164."""
        return frozenset(line.e164 for line in self.lines.values())
