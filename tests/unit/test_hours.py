"""Opening hours: windows, languages, and the next opening, across DST changes, midnights and weekends, in every
time zone the directory uses."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from actions.directory import Hours, Window

UTC = timezone.utc
CET = ZoneInfo("Europe/Brussels")
UK = ZoneInfo("Europe/London")
ET = ZoneInfo("America/New_York")
WEEKDAYS = frozenset(range(5))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- the real lines ---------------------------------------------------------------------------------------
# 2026: Europe changes on 29 March and 25 October, the US on 8 March and 1 November.


@pytest.mark.parametrize(
    ("at", "languages"),
    [
        (utc(2026, 3, 27, 6, 59), ("en",)),  # Friday before the change, 07:59 CET
        (utc(2026, 3, 27, 7, 0), ("de",)),  # 08:00 CET
        (utc(2026, 3, 27, 18, 59), ("de",)),  # 19:59 CET
        (utc(2026, 3, 27, 19, 0), ("en",)),  # 20:00 CET
        (utc(2026, 3, 30, 5, 59), ("en",)),  # Monday after the change, 07:59 CEST
        (utc(2026, 3, 30, 6, 0), ("de",)),  # 08:00 CEST
        (utc(2026, 3, 30, 18, 0), ("en",)),  # 20:00 CEST
        (utc(2026, 10, 23, 6, 0), ("de",)),  # Friday before the autumn change, 08:00 CEST
        (utc(2026, 10, 26, 6, 0), ("en",)),  # Monday after, 07:00 CET
        (utc(2026, 10, 26, 7, 0), ("de",)),  # 08:00 CET
        (utc(2026, 3, 28, 12, 0), ("en",)),  # Saturday
        (utc(2026, 3, 29, 1, 30), ("en",)),  # Sunday, inside the hour that does not exist in CET
        (utc(2026, 11, 29, 23, 0), ("en",)),  # midnight CET, Sunday to Monday
    ],
)
def test_german_driver_line_serves_german_in_the_window_and_english_otherwise(directory, at, languages):
    line = directory.lines["de-driver"]
    assert line.is_open(at)
    assert line.language_at(at) == languages
    assert line.next_opening(at) is None


@pytest.mark.parametrize(
    ("at", "opens_at"),
    [
        (utc(2026, 3, 27, 17, 0), utc(2026, 3, 30, 6, 0)),  # Friday 18:00 CET -> Monday 08:00 CEST
        (utc(2026, 10, 23, 16, 0), utc(2026, 10, 26, 7, 0)),  # Friday 18:00 CEST -> Monday 08:00 CET
        (utc(2026, 11, 24, 23, 0), utc(2026, 11, 25, 7, 0)),  # midnight CET -> 08:00 the same day
        (utc(2026, 11, 24, 22, 59), utc(2026, 11, 25, 7, 0)),  # 23:59 CET the evening before
        (utc(2026, 11, 25, 6, 59), utc(2026, 11, 25, 7, 0)),  # a minute before opening
        (utc(2026, 11, 28, 12, 0), utc(2026, 11, 30, 7, 0)),  # Saturday -> Monday
    ],
)
def test_a_business_line_opens_next_at_the_start_of_its_window(directory, at, opens_at):
    line = directory.lines["de-business"]
    assert not line.is_open(at)
    assert line.language_at(at) == ()
    assert line.next_opening(at) == opens_at
    assert line.next_opening(at).utcoffset() == opens_at.astimezone(CET).utcoffset()


def test_a_business_line_closes_at_the_end_of_its_window(directory):
    line = directory.lines["de-business"]
    assert line.language_at(utc(2026, 11, 25, 16, 59)) == ("de",)  # 17:59 CET
    assert not line.is_open(utc(2026, 11, 25, 17, 0))  # 18:00 CET


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (utc(2026, 3, 27, 8, 0), True),  # 08:00 GMT
        (utc(2026, 3, 27, 7, 59), False),
        (utc(2026, 3, 30, 7, 0), True),  # 08:00 BST
        (utc(2026, 3, 30, 6, 59), False),
        (utc(2026, 3, 30, 16, 59), True),  # 17:59 BST
        (utc(2026, 3, 30, 17, 0), False),
        (utc(2026, 10, 26, 8, 0), True),  # 08:00 GMT again
        (utc(2026, 10, 26, 7, 30), False),
    ],
)
def test_uk_business_line_keeps_uk_time_through_bst(directory, at, is_open):
    line = directory.lines["gb-business"]
    assert line.is_open(at) is is_open
    assert line.language_at(at) == (("en",) if is_open else ())


@pytest.mark.parametrize(
    ("at", "languages"),
    [
        (utc(2026, 3, 6, 12, 0), ("en", "fr")),  # Friday 07:00 EST
        (utc(2026, 3, 6, 11, 59), ("en",)),
        (utc(2026, 3, 9, 11, 0), ("en", "fr")),  # Monday 07:00 EDT
        (utc(2026, 3, 9, 10, 59), ("en",)),
        (utc(2026, 3, 10, 0, 59), ("en", "fr")),  # 20:59 EDT
        (utc(2026, 3, 10, 1, 0), ("en",)),  # 21:00 EDT
        (utc(2026, 11, 2, 12, 0), ("en", "fr")),  # Monday 07:00 EST after the change
        (utc(2026, 11, 2, 11, 0), ("en",)),
        (utc(2026, 11, 7, 15, 0), ("en",)),  # Saturday
    ],
)
def test_north_american_business_line_adds_french_on_weekdays_in_eastern_time(directory, at, languages):
    line = directory.lines["na-business"]
    assert line.is_open(at)
    assert line.language_at(at) == languages


def test_switzerland_serves_french_always_german_and_italian_in_the_window_english_outside(directory):
    line = directory.lines["ch-driver"]
    assert line.language_at(utc(2026, 11, 25, 9, 0)) == ("fr", "de", "it")
    assert line.language_at(utc(2026, 11, 25, 20, 0)) == ("fr", "en")
    assert line.language_at(utc(2026, 11, 28, 9, 0)) == ("fr", "en")


def test_a_line_whose_language_the_page_does_not_name_is_open_with_no_language(directory):
    line = directory.lines["au-driver"]
    assert line.is_open(utc(2026, 11, 28, 3, 0))
    assert line.language_at(utc(2026, 11, 28, 3, 0)) == ()


def test_every_window_of_every_line_opens_and_closes_on_the_minute_in_its_zone_across_both_changes(directory):
    """For each line with windows, in every week around a DST change of its zone: open at the start, closed (or
    served in the outside languages) a minute before and at the end."""
    weeks = [datetime(2026, 3, 2), datetime(2026, 3, 23), datetime(2026, 10, 19), datetime(2026, 10, 26)]
    checked = 0
    for line in directory.lines.values():
        hours = line.hours
        for window in hours.windows:
            for monday in weeks:
                for offset in range(7):
                    day = (monday + timedelta(days=offset)).date()
                    start = datetime.combine(day, window.start, tzinfo=hours.zone)
                    end = datetime.combine(day, window.end, tzinfo=hours.zone)
                    inside = day.weekday() in window.weekdays
                    assert (hours.window_at(start) == window) is inside, (line.id, start)
                    assert hours.window_at(start - timedelta(minutes=1)) is None, (line.id, start)
                    assert hours.window_at(end) is None, (line.id, end)
                    if inside and not hours.always_open:
                        assert hours.next_opening(start - timedelta(minutes=1)) == start, (line.id, start)
                    checked += 1
    assert checked > 500


# -- the mechanism, on hours made for the test ---------------------------------------------------------------


def test_a_window_that_starts_in_the_spring_forward_gap_opens_at_the_first_real_instant():
    hours = Hours(zone=CET, always_open=False, windows=(Window(frozenset({6}), time(2, 30), time(4, 0)),))
    # Sunday 29 March 2026: 02:00-03:00 CET does not exist; the window really opens at 03:00 CEST (01:00 UTC).
    opens = hours.next_opening(utc(2026, 3, 28, 12, 0))
    assert opens == utc(2026, 3, 29, 1, 0)
    assert hours.is_open(utc(2026, 3, 29, 1, 30))


def test_the_repeated_autumn_hour_is_inside_a_window_both_times():
    hours = Hours(zone=CET, always_open=False, windows=(Window(frozenset({6}), time(2, 0), time(3, 0)),))
    assert hours.is_open(utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert hours.is_open(utc(2026, 10, 25, 1, 30))  # 02:30 CET


def test_a_window_in_the_repeated_autumn_hour_opens_again_on_the_second_pass():
    hours = Hours(zone=CET, always_open=False, windows=(Window(frozenset({6}), time(2, 30), time(2, 45)),))

    # Sunday 25 October 2026: 02:30-02:45 comes at 00:30 UTC (CEST) and again at 01:30 UTC (CET). Compared in UTC:
    # an ambiguous wall time never equals a time in another zone (PEP 495).
    def opening_utc(at: datetime) -> datetime:
        return hours.next_opening(at).astimezone(timezone.utc)

    assert opening_utc(utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 0, 30)
    assert opening_utc(utc(2026, 10, 25, 0, 50)) == utc(2026, 10, 25, 1, 30)
    assert opening_utc(utc(2026, 10, 25, 1, 20)) == utc(2026, 10, 25, 1, 30)
    assert hours.is_open(utc(2026, 10, 25, 1, 35))


def test_a_weekend_window_is_found_from_a_weekday():
    hours = Hours(zone=UK, always_open=False, windows=(Window(frozenset({5, 6}), time(10, 0), time(12, 0)),))
    assert hours.next_opening(utc(2026, 11, 25, 12, 0)) == utc(2026, 11, 28, 10, 0)


def test_naive_datetimes_are_refused():
    hours = Hours(zone=ET, always_open=False, windows=(Window(WEEKDAYS, time(7), time(21)),))
    with pytest.raises(ValueError, match="aware"):
        hours.is_open(datetime(2026, 11, 25, 12, 0))


def test_status_bundles_open_languages_and_next_opening():
    hours = Hours(zone=CET, always_open=False, windows=(Window(WEEKDAYS, time(8), time(18)),), languages=("sv",))
    closed = hours.status(utc(2026, 11, 28, 12, 0))
    assert (closed.is_open, closed.languages, closed.opens_at) == (False, (), utc(2026, 11, 30, 7, 0))
    opened = hours.status(utc(2026, 11, 30, 7, 0))
    assert (opened.is_open, opened.languages, opened.opens_at) == (True, ("sv",), None)
