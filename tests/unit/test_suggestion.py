"""The channel's country suggestion: CLDR's zone-to-country data and the phone number's country."""

import pytest

from actions.suggestion import suggested_country


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"timezone": "Europe/Berlin"}, "DE"),
        ({"timezone": "Europe/Oslo"}, "NO"),
        ({"timezone": "Europe/Brussels"}, "BE"),
        ({"timezone": "Europe/Kiev"}, "UA"),  # an old alias of Europe/Kyiv, as older browsers report it
        ({"timezone": "America/Toronto"}, "CA"),
        ({"phone_country": "se"}, "SE"),
        ({"phone_country": "SE", "timezone": "Europe/Berlin"}, "SE"),  # the phone number says more than the clock
    ],
)
def test_a_known_zone_or_phone_country_suggests_that_country(metadata, expected):
    assert suggested_country(metadata) == expected


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"timezone": "UTC"},
        {"timezone": "Etc/UTC"},
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": ["Europe/Berlin"]},
        {"timezone": "<script>"},
        {"phone_country": "001"},
        {"phone_country": "ZZ"},
        {"phone_country": 47},
        {"language": "de-DE"},  # a language is not a place: German is spoken in five countries
    ],
)
def test_nothing_usable_suggests_nothing(metadata):
    assert suggested_country(metadata) is None
