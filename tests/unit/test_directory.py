"""Loading, validating and querying the directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.directory import DEFAULT_PATH, Audience, DirectoryError, load_directory, parse_directory

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")


def broken(old: str, new: str, count: int = 1) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, count)


def problems_of(text: str) -> list[str]:
    with pytest.raises(DirectoryError) as raised:
        parse_directory(text, source_name="directory.yaml")
    return [str(problem) for problem in raised.value.problems]


def lines_with(text: str, needle: str) -> list[int]:
    """The 1-based numbers of the lines containing `needle`."""
    return [number for number, line in enumerate(text.splitlines(), 1) if needle in line]


# -- the real file ----------------------------------------------------------------------------------------


def test_the_real_directory_loads(directory):
    assert len(directory.countries) == 20
    assert len(directory.lines) == 34


def test_every_line_number_is_valid_for_its_country(directory):
    import phonenumbers

    for line in directory.lines.values():
        assert phonenumbers.is_valid_number_for_region(line.number, line.country), line.id


def test_every_listed_country_has_a_driver_line_and_a_case_link(directory):
    for code in directory.countries:
        answer = directory.answer(code, Audience.DRIVER)
        assert answer.lines and answer.listed
        assert answer.case_link.startswith("https://")


def test_the_directory_is_frozen(directory):
    with pytest.raises(TypeError):
        directory.countries["FI"] = directory.countries["SE"]
    with pytest.raises(AttributeError):
        directory.lines["de-driver"].fee = True


# -- queries ----------------------------------------------------------------------------------------------


def test_germany_driver(directory):
    (line,) = directory.answer("de", Audience.DRIVER).lines
    assert line.e164 == "+496995307383"
    assert line.international == "+49 69 95307383"
    assert line.tel_uri == "tel:+496995307383"
    assert line.national == "069 95307383"


def test_belgium_has_a_french_and_a_dutch_number_for_each_audience(directory):
    driver = directory.answer("BE", Audience.DRIVER).lines
    business = directory.answer("BE", Audience.BUSINESS).lines
    assert [line.e164 for line in driver] == ["+33149939011", "+31206545372"]
    assert [line.e164 for line in business] == ["+33185650449", "+31208886342"]


def test_ireland_and_the_uk_share_their_lines(directory):
    for audience in (Audience.DRIVER, Audience.BUSINESS):
        assert directory.answer("IE", audience).lines == directory.answer("GB", audience).lines


def test_an_unlisted_country_has_no_line_but_a_case_link(directory):
    answer = directory.answer("FI", Audience.DRIVER, region_guess="europe")
    assert answer.lines == () and not answer.listed
    assert answer.case_link == directory.regions["europe"].case_links["driver"]
    assert directory.answer("JP", Audience.BUSINESS).case_link == directory.regions["world"].case_links["business"]


def test_be_energised_answers_wherever_the_person_is(directory):
    for country in (None, "DE", "US", "JP"):
        (line,) = directory.answer(country, Audience.BE_ENERGISED).lines
        assert line.e164 == "+4364522120090" and line.fee


def test_viriciti_depends_on_the_region(directory):
    assert [line.e164 for line in directory.answer("NL", Audience.VIRICITI).lines] == ["+31202103678"]
    assert [line.e164 for line in directory.answer("CA", Audience.VIRICITI).lines] == ["+16626676325"]
    both = directory.answer(None, Audience.VIRICITI)
    assert {line.e164 for line in both.lines} == {"+31202103678", "+16626676325"}
    assert set(both.line_regions.values()) == {"europe", "north_america"}


def test_audience_get_is_lenient_and_the_constructor_is_strict():
    assert Audience.get("driver") is Audience.DRIVER
    assert Audience.get("pilot") is None and Audience.get(None) is None
    with pytest.raises(ValueError):
        Audience("pilot")


def test_display_number_is_national_only_when_it_cannot_be_dialled_from_abroad(directory):
    assert directory.lines["au-driver"].display_number() == "1300 300 885"
    assert directory.lines["de-driver"].display_number() == "+49 69 95307383"


# -- validation: every problem names the line and the field -------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            '    number: "+49 69 95307383"',
            '    numbr: "+49 69 95307383"',
            "numbr:",
            r"lines\[\d+\]\.numbr: unknown key",
        ),
        ('    number: "+49 69 95307383"\n', "", "id: de-driver", r"lines\[\d+\]\.number: missing field"),
        ('"+49 69 95307383"', '"+49 69 9"', "+49 69 9", r"lines\[\d+\]\.number: .* not a valid number"),
        ('"+49 69 95307383"', '"+43 800 006883"', '"+43 800 006883"', r"is a number of AT, not of DE"),
        ('"+49 69 95307383"', '"0049 69 95307383"', "0049", r"lines\[\d+\]\.number: expected an E\.164 number"),
        ("id: de-business", "id: de-driver", "id: de-driver", r"lines\[\d+\]\.id: duplicate id 'de-driver'"),
        (
            "languages: [sv]}]\n      outside_windows: [en]",
            'languages: [sv]}, {days: Fri-Sat, from: "19:00", to: "21:00"}]\n      outside_windows: [en]',
            "Fri-Sat",
            r"lines\[\d+\]\.hours\.windows\[1\]: overlaps windows\[0\]",
        ),
        (
            '{days: Mon-Fri, from: "08:00", to: "20:00", languages: [de]}',
            '{days: Mon-Fri, from: "20:00", to: "08:00", languages: [de]}',
            'from: "20:00"',
            r"windows\[0\]: empty window",
        ),
        (
            '    hours: {always_open: true}  # "24/7/365: engelsk"',
            "    hours: {}",
            "hours: {}",
            r"lines\[\d+\]\.hours: empty hours",
        ),
        (
            '{days: Mon-Fri, from: "08:00", to: "20:00", languages: [de]}',
            '{days: Mon-Fri, from: "8", to: "20:00", languages: [de]}',
            'from: "8"',
            r"\.from: expected a time",
        ),
        (
            'days: Mon-Fri, from: "07:00"',
            'days: Fri-Mon, from: "07:00"',
            "Fri-Mon",
            r"\.days: range 'Fri-Mon' runs backwards",
        ),
        (
            "  CZ: {region: europe, driver: [cz-driver], business: [cz-business]}",
            "  CZ: {region: europe, driver: [], business: [cz-business]}",
            "CZ: {",
            r"countries\.CZ\.driver: a listed country needs at least one driver line",
        ),
        (
            "  CZ: {region: europe, driver: [cz-driver], business: [cz-business]}",
            "  CZ: {region: europe, business: [cz-business]}",
            "CZ: {",
            r"countries\.CZ\.driver: missing field",
        ),
        (
            "  DK: {region: europe, driver: [dk-driver]",
            "  DK: {region: europe, driver: [dk-drivr]",
            "dk-drivr",
            r"countries\.DK\.driver\[0\]: unknown line 'dk-drivr'",
        ),
        ("  CET: Europe/Brussels", "  CET: Europe/Bruxelles", "Bruxelles", r"time_zones\.CET: unknown IANA time zone"),
        (
            "  SE: {region: europe",
            "  SE: {region: europa",
            "region: europa",
            r"countries\.SE\.region: unknown region 'europa'",
        ),
        ('  "NO": {region: europe', "  NO: {region: europe", "  NO: {region", r"got false: write Norway's code quoted"),
        ("    fee: true ", "    fee: yes please ", "fee: yes please", r"\.fee: expected true or false"),
        (
            "languages: [de]}]  # page:",
            "languages: [german]}]  # page:",
            "[german]",
            r"\.languages\[0\]: expected an ISO 639-1 language code",
        ),
        (
            "    notes: [domestic_only]",
            "    notes: []",
            "notes: []",
            r"phonenumbers says this number can only be dialled from within its country",
        ),
        (
            "  AT: {region: europe",
            "  AT: {region: europe, phone: x",
            "AT: {region",
            r"countries\.AT\.phone: unknown key",
        ),
    ],
)
def test_a_broken_directory_names_the_line_and_the_field(old, new, needle, expected):
    text = broken(old, new)
    problems = problems_of(text)
    matching = [problem for problem in problems if re.search(expected, problem)]
    assert matching, problems
    lines = lines_with(text, needle)
    assert any(problem.startswith(f"directory.yaml:{line}:") for line in lines for problem in matching), matching


def test_a_line_listed_nowhere_is_a_problem():
    text = broken(
        "  CZ: {region: europe, driver: [cz-driver], business: [cz-business]}",
        "  CZ: {region: europe, driver: [cz-driver]}",
    )
    assert any(
        "line 'cz-business' is not listed under any country or group" in problem for problem in problems_of(text)
    )


def test_a_duplicate_key_is_a_problem_not_a_silent_overwrite():
    text = broken("  PL: {region: europe", "  PL: {region: europe, driver: [pl-driver]}\n  PL: {region: europe")
    (problem,) = problems_of(text)
    assert re.search(r"directory\.yaml:\d+: countries\.PL: duplicate key", problem)


def test_invalid_yaml_is_reported_with_its_line():
    text = broken("  CET: Europe/Brussels", "  CET: [Europe/Brussels")
    (problem,) = problems_of(text)
    assert "is not valid YAML" in problem
    assert re.match(r"directory\.yaml:\d+: ", problem)


def test_every_problem_is_reported_at_once():
    text = broken('"+49 69 95307383"', '"+49 69 9"')
    text = text.replace("id: de-business", "id: de-driver")
    assert len(problems_of(text)) >= 2


def test_a_file_that_is_not_a_mapping_is_refused():
    assert problems_of("- just\n- a list\n") == ["directory.yaml:1: expected a mapping, got a list"]


def test_a_missing_file_is_a_directory_error(tmp_path: Path):
    with pytest.raises(DirectoryError, match="cannot be read"):
        load_directory(tmp_path / "nothing.yaml")


def test_the_error_message_lists_every_problem_on_its_own_line():
    text = broken('"+49 69 95307383"', '"+49 69 9"')
    with pytest.raises(DirectoryError) as raised:
        parse_directory(text, source_name="directory.yaml")
    message = str(raised.value)
    assert message.startswith("the support directory has 1 problem:\n  directory.yaml:")


def test_belgium_answers_in_the_persons_language_and_with_both_lines_when_neither_fits(directory):
    answer = directory.answer("BE", Audience.DRIVER)
    assert [line.id for line in answer.in_language("fr")[0].lines] == ["fr-driver"]
    assert [line.id for line in answer.in_language("nl")[0].lines] == ["nl-driver"]
    assert [line.id for line in answer.in_language("en")[0].lines] == ["fr-driver", "nl-driver"]  # English: neither
    assert [line.id for line in answer.in_language("pl")[0].lines] == ["fr-driver", "nl-driver"]


def test_a_line_asked_for_by_language_includes_out_of_hours_languages(directory):
    answer = directory.answer("BE", Audience.DRIVER)
    assert [line.id for line in answer.in_language("fr", asked_language="nl")[0].lines] == ["nl-driver"]
    assert [line.id for line in answer.in_language("fr", asked_language="en")[0].lines] == ["nl-driver"]
    unchanged, missing = answer.in_language("fr", asked_language="ja")
    assert unchanged.lines == answer.lines and missing == "ja"


def test_a_line_whose_languages_the_page_does_not_name_is_not_said_to_lack_the_one_asked_for(directory):
    answer = directory.answer("US", Audience.DRIVER)  # "24/7", no language on the page
    assert not answer.lines[0].all_languages
    unchanged, missing = answer.in_language("en", asked_language="fr")
    assert unchanged.lines == answer.lines and missing is None
    _, missing = directory.answer("NO", Audience.DRIVER).in_language("nb", asked_language="fr")
    assert missing == "fr"  # Norway's driver line names English only
