"""The directory against its source: ChargePoint's Norwegian support page, read here independently of it.

The page is parsed with its own words (Norwegian country and language names from CLDR, the numbers as printed),
so a number, window, language or 24/7 line that the directory lacks, changes or adds fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
import pytest
from babel import Locale

from actions.directory import Audience, Directory

ROOT = Path(__file__).resolve().parents[2]
SEED_COPY = ROOT / "tests" / "fixtures" / "chargepoint-support-page.nb.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "chargepoint-support-page.nb.txt"

NB = Locale("nb")
#: Norwegian country name -> code, from CLDR: "Østerrike" -> AT.
COUNTRY_BY_NB_NAME = {name: code for code, name in NB.territories.items() if len(code) == 2}
COUNTRY_BY_NB_NAME["Luxembourg"] = "LU"  # the page's spelling; CLDR's Norwegian is "Luxemburg"
#: Norwegian language name -> code, from CLDR: "tysk" -> de.
LANGUAGE_BY_NB_NAME = {name: code for code, name in NB.languages.items() if len(code) == 2}

PHONE = re.compile(r"\+?\d[\d ()\-]{7,}\d")
WINDOW = re.compile(r"(\d{2})\.(\d{2})\s*[–-]\s*(\d{2})\.(\d{2})")
#: Open at all hours: "24/7", "døgnåpent", or a language served "utenfor dette tidsrommet" (outside the window).
ALWAYS = re.compile(r"24/7|døgnåpent|utenfor dette tidsrommet")

#: Where the directory knowingly differs from the page's words, each explained in data/directory.yaml:
#: the page says "tysk" (German) for the two Dutch lines, which serve Dutch.
LANGUAGE_CORRECTIONS = {"+31206545372": {"de": "nl"}, "+31208886342": {"de": "nl"}}


@dataclass
class Listing:
    """What the page prints for one audience of one country."""

    numbers: set[str] = field(default_factory=set)
    windows: set[tuple[str, str]] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    always_open: bool = False
    zones: set[str] = field(default_factory=set)


def e164(printed: str) -> str:
    """A number as the page prints it, in E.164. Two of its numbers lack the '+' ("48 (22)...", "1-888-...")."""
    digits = re.sub(r"[^\d+]", "", printed)
    number = phonenumbers.parse(digits if digits.startswith("+") else "+" + digits, None)
    assert phonenumbers.is_valid_number(number), printed
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def read_listing(text: str) -> Listing:
    listing = Listing()
    listing.numbers = {e164(match) for match in PHONE.findall(text)}
    listing.windows = {(f"{h1}:{m1}", f"{h2}:{m2}") for h1, m1, h2, m2 in WINDOW.findall(text)}
    words = set(re.findall(r"[a-zæøå]+", text.lower()))
    listing.languages = {LANGUAGE_BY_NB_NAME[word] for word in words if word in LANGUAGE_BY_NB_NAME}
    listing.always_open = bool(ALWAYS.search(text))
    listing.zones = set(re.findall(r"\b(CET|GMT|ET)\b", text))
    return listing


def parse_page(text: str) -> dict[tuple[str, Audience], Listing]:
    """(country, audience) -> what the page lists, for every country section of the page."""
    listings: dict[tuple[str, Audience], Listing] = {}
    country = None
    audience = None
    chunks: dict[tuple[str, Audience], list[str]] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in COUNTRY_BY_NB_NAME:
            country, audience = COUNTRY_BY_NB_NAME[stripped], None
            continue
        if stripped in ("Nord-Amerika", "Asia-Stillehavsregionen", "Europa"):
            country, audience = None, None
            continue
        if country and stripped.startswith("Støtte") and "elbilsjåfør" in stripped:
            audience = Audience.DRIVER
        elif country and stripped.startswith("Støtte for stasjonseier"):
            audience = Audience.BUSINESS
        elif stripped.startswith("Kontakt ChargePoint-eierstøtte"):
            audience = None
        elif country and audience:
            chunks.setdefault((country, audience), []).append(stripped)
    for key, lines in chunks.items():
        listings[key] = read_listing("\n".join(lines))
    return listings


def section(text: str, start: str, end: str | None) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin) if end else None]


def directory_listing(directory: Directory, country: str, audience: Audience) -> Listing:
    lines = directory.answer(country, audience).lines
    listing = Listing()
    for line in lines:
        listing.numbers.add(line.e164)
        hours = line.hours
        listing.windows |= {(f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in hours.windows}
        languages = set(hours.languages) | set(hours.outside_windows)
        languages |= {code for window in hours.windows for code in window.languages}
        corrections = {new: old for old, new in LANGUAGE_CORRECTIONS.get(line.e164, {}).items()}
        listing.languages |= {corrections.get(code, code) for code in languages}
        listing.always_open |= hours.always_open
    return listing


@pytest.fixture(scope="module")
def page() -> str:
    return SEED_COPY.read_text(encoding="utf-8")


def test_the_copy_in_the_repository_is_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.fail(f"the seed page is missing at {SHARED_SEED}: the directory cannot be checked against it")
    assert SEED_COPY.read_bytes() == SHARED_SEED.read_bytes()


def test_every_number_on_the_page_is_in_the_directory_and_no_other(page, directory):
    on_page = {e164(match) for match in PHONE.findall(page)}
    assert len(on_page) == 34
    assert directory.all_numbers() == on_page


def test_every_country_section_of_the_page_is_a_directory_country(page, directory):
    listed = {country for country, _ in parse_page(page)}
    assert listed | {"US", "CA"} == set(directory.countries)


@pytest.mark.parametrize("audience", [Audience.DRIVER, Audience.BUSINESS])
def test_each_european_and_australian_listing_matches_the_page(page, directory, audience):
    page_listings = parse_page(page)
    checked = 0
    for (country, listed_audience), on_page in page_listings.items():
        if listed_audience is not audience:
            continue
        ours = directory_listing(directory, country, audience)
        assert ours.numbers == on_page.numbers, country
        assert ours.windows == on_page.windows, country
        assert ours.languages == on_page.languages, country
        assert ours.always_open == on_page.always_open, country
        checked += 1
    assert checked == (20 - 2 if audience is Audience.DRIVER else 20 - 3)  # US and CA below; AU has no business


def test_zones_follow_the_page(page, directory):
    """CET on the page is Central European time; the UK's GMT is UK time; the page's one zone-less line is CET."""
    listings = parse_page(page)
    zones = {"CET": "Europe/Brussels", "GMT": "Europe/London"}
    for (country, audience), on_page in listings.items():
        for line in directory.answer(country, audience).lines:
            if not line.hours.windows:
                continue
            expected = {zones[label] for label in on_page.zones} or {"Europe/Brussels"}  # Austria's business line
            if line.id == "gb-business":
                continue  # shown as CET under Ireland and GMT under the UK; one line, kept in UK time
            assert {line.hours.zone.key} == expected, (country, line.id)
    assert directory.lines["gb-business"].hours.zone.key == "Europe/London"
    assert "GMT" in listings[("GB", Audience.BUSINESS)].zones


def test_european_business_lines_take_sales_enquiries(page, directory):
    """Europe's section says station owners, partners and sales ("salgsbistand") may use the country numbers."""
    intro = section(page, "Bistand til stasjonseier, montør, partner og salg", "be.ENERGISED kundestøtte")
    assert "salgsbistand" in intro and "landspesifikke telefonnumrene" in intro
    european = {country for country, audience in parse_page(page) if audience is Audience.BUSINESS} - {"AU"}
    lines = {line for country in european for line in directory.answer(country, Audience.BUSINESS).lines}
    assert len(lines) == 14
    assert all("sales" in line.notes for line in lines)


def test_north_america(page, directory):
    text = section(page, "Nord-Amerika", None)
    driver = read_listing(section(text, "Bistand til elbilsjåfør", "Bistand til stasjonseier"))
    business = read_listing(section(text, "Bistand til stasjonseier", "Tidligere kunder"))
    for country in ("US", "CA"):
        driver_lines = directory.answer(country, Audience.DRIVER).lines
        business_lines = directory.answer(country, Audience.BUSINESS).lines
        assert {line.e164 for line in driver_lines} == driver.numbers
        assert {line.e164 for line in business_lines} == business.numbers
    (driver_line,) = directory.answer("US", Audience.DRIVER).lines
    assert driver_line.hours.always_open and "home_flex" in driver_line.notes
    assert "Home Flex" in section(text, "Bistand til elbilsjåfør", "Bistand til stasjonseier")
    (business_line,) = directory.answer("US", Audience.BUSINESS).lines
    assert business.windows == {(f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in business_line.hours.windows}
    assert business_line.hours.always_open and business_line.hours.languages == ("en",)
    assert business_line.hours.windows[0].languages == ("fr",)
    assert business_line.hours.zone.key == "America/New_York" and business.zones == {"ET"}
    assert "sales" in business_line.notes and "salgsstøtte" in text


def test_special_lines(page, directory):
    energised = read_listing(section(page, "be.ENERGISED kundestøtte", "Kunder av ViriCiti"))
    (line,) = directory.answer(None, Audience.BE_ENERGISED).lines
    assert {line.e164} == energised.numbers
    assert line.fee and "gebyr kreves" in page
    assert line.hours.always_open and energised.always_open

    europe = read_listing(section(page, "Kunder av ViriCiti", "Åpne en sak"))
    (line,) = directory.answer("NL", Audience.VIRICITI).lines
    assert {line.e164} == europe.numbers and line.hours.always_open and europe.always_open

    america = read_listing(section(page, "Tidligere kunder av ViriCiti", "Åpne en sak for bedriftsstøtte"))
    (line,) = directory.answer("US", Audience.VIRICITI).lines
    assert {line.e164} == america.numbers and line.hours.always_open and america.always_open


def test_australia_is_a_driver_line_that_is_only_dialable_at_home(directory):
    (line,) = directory.answer("AU", Audience.DRIVER).lines
    assert "domestic_only" in line.notes and not line.dialable_from_abroad
    assert directory.answer("AU", Audience.BUSINESS).lines == ()
