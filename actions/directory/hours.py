"""Opening hours of a phone line: staffed windows in a time zone, and what is served at a given moment.

Every question takes the moment as an aware datetime (`at`), so the answers are the same in tests, in the bot
and in benchmarks; nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Monday is 0, as in `datetime.weekday()`.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: How far ahead `next_opening` looks: windows repeat every week, so eight days always find the next one.
_SEARCH_DAYS = 8

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Window:
    """A staffed period on some weekdays, with the languages served in it (beyond the line's own)."""

    weekdays: frozenset[int]
    start: time
    end: time
    languages: tuple[str, ...] = ()

    def contains(self, local: datetime) -> bool:
        return local.weekday() in self.weekdays and self.start <= local.time() < self.end

    def overlaps(self, other: Window) -> bool:
        return bool(self.weekdays & other.weekdays) and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Status:
    """What a line offers at one moment."""

    is_open: bool
    languages: tuple[str, ...]
    #: When a closed line opens next (aware, in the line's zone); None when it is open or never opens.
    opens_at: datetime | None = None


@dataclass(frozen=True)
class Hours:
    """When a line answers and in which languages.

    `languages` are served whenever the line is open; a window adds its own languages; an `always_open` line
    serves `outside_windows` when no window is running.
    """

    zone: ZoneInfo | None
    always_open: bool
    #: The page's name for `zone` ("CET", "UK", "ET"), as the directory's `time_zones` key.
    zone_label: str | None = None
    windows: tuple[Window, ...] = ()
    outside_windows: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("opening hours need an aware datetime")
        return at.astimezone(self.zone) if self.zone else at

    def window_at(self, at: datetime) -> Window | None:
        local = self._local(at)
        return next((window for window in self.windows if window.contains(local)), None)

    def is_open(self, at: datetime) -> bool:
        return self.always_open or self.window_at(at) is not None

    def languages_at(self, at: datetime) -> tuple[str, ...]:
        """The languages served at `at`, the line's own first; empty when closed."""
        window = self.window_at(at)
        if window is not None:
            extra = window.languages
        elif self.always_open:
            extra = self.outside_windows
        else:
            return ()
        return tuple(dict.fromkeys(self.languages + extra))

    def next_opening(self, at: datetime) -> datetime | None:
        """The start of the next window after `at`, or None when the line is open now or has no windows."""
        if self.is_open(at) or not self.windows:
            return None
        local = self._local(at)
        starts = (
            start
            for offset in range(_SEARCH_DAYS)
            for window in self.windows
            if (local.date() + timedelta(days=offset)).weekday() in window.weekdays
            for start in _openings(local.date() + timedelta(days=offset), window.start, self.zone)
        )
        # Compared as instants: datetimes in one zone compare by wall clock, which ignores `fold`.
        after = _instant(local)
        return min((start for start in starts if _instant(start) > after), key=_instant, default=None)

    def status(self, at: datetime) -> Status:
        is_open = self.is_open(at)
        return Status(is_open=is_open, languages=self.languages_at(at), opens_at=self.next_opening(at))


def _instant(moment: datetime) -> datetime:
    return moment.astimezone(_UTC) if moment.tzinfo else moment


def _openings(day: date, clock: time, zone: ZoneInfo | None) -> tuple[datetime, ...]:
    """The instants on `day` at which the wall clock in `zone` reaches `clock`: two when autumn repeats that hour
    (a window is open in both, as `Window.contains` sees it), else one."""
    first = _at_local_time(day, clock, zone)
    repeated = first.replace(fold=1)
    return (first, repeated) if zone and repeated.utcoffset() != first.utcoffset() else (first,)


def _at_local_time(day: date, clock: time, zone: ZoneInfo | None) -> datetime:
    """The first instant on `day` at which the wall clock in `zone` shows `clock` or later.

    Normally that is `clock` itself (the earlier one when autumn repeats an hour). In a spring-forward gap the
    wall time does not exist, and the window really opens when the clocks jump, as `Window.contains` sees it.
    """
    wall = datetime.combine(day, clock)
    aware = wall.replace(tzinfo=zone)
    if zone is None or aware.astimezone(_UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return aware
    instant = wall.replace(tzinfo=zone, fold=1).astimezone(_UTC)  # the same wall time on the old offset: before
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant.astimezone(zone)
