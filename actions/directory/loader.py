"""Reading `data/directory.yaml` into a validated, frozen `Directory`.

The file is checked as a whole before anything serves it: every problem is collected and reported with the file,
the line and the field (`data/directory.yaml:71: lines[5].hours.windows[0].from: ...`), so one run tells an editor
everything that is wrong, and a broken file never becomes half a directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import yaml
from babel import Locale

from .hours import WEEKDAY_NAMES, Hours, Window
from .model import FALLBACK_REGION, LINE_NOTES, Audience, CountryListing, Directory, Line, Region

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "directory.yaml"

SCHEMA_VERSION = 1
CASE_LINK_KINDS = frozenset({"driver", "business", "owner_support"})

_ENGLISH = Locale("en")
_KNOWN_LANGUAGES = frozenset(code for code in _ENGLISH.languages if re.fullmatch(r"[a-z]{2}", code))
_KNOWN_TERRITORIES = frozenset(code for code in _ENGLISH.territories if re.fullmatch(r"[A-Z]{2}", code))
_LINE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DirectoryError(ValueError):
    """The directory file cannot be served; `problems` says where and why, one per line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        header = f"the support directory has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  {problem}" for problem in self.problems)]))


def load_directory(path: str | Path = DEFAULT_PATH) -> Directory:
    """Read and validate the directory; raise `DirectoryError` naming every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DirectoryError([Problem(str(path), None, "", f"cannot be read: {error}")]) from error
    return parse_directory(text, source_name=_display_name(path))


def _display_name(path: Path) -> str:
    """The path as an editor would type it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_directory(text: str, source_name: str = "<directory>") -> Directory:
    data, positions, problems = read_yaml(text, source_name)
    if problems:
        raise DirectoryError(problems)
    return _Builder(source_name, positions).build(data)


def read_yaml(text: str, source_name: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """Parse YAML, keeping the line of every key and item, and refusing duplicate keys (YAML keeps the last)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(error, "problem", None) or str(error)
        return None, {}, [Problem(source_name, line, "", f"is not valid YAML: {reason}")]
    finally:
        loader.dispose()
    positions: dict[Path_, int] = {}
    problems: list[Problem] = []

    def walk(current: yaml.Node, path: Path_) -> None:
        positions.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in current.value:
                key = loader.construct_object(key_node) if key_node.tag != "tag:yaml.org,2002:merge" else None
                if key in seen:
                    problems.append(
                        Problem(source_name, key_node.start_mark.line + 1, _dotted(path + (key,)), "duplicate key")
                    )
                seen.add(key)
                positions[path + (key,)] = key_node.start_mark.line + 1
                walk(value_node, path + (key,))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, path + (index,))

    if node is not None:
        walk(node, ())
    return data, positions, problems


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Builder:
    """Turns parsed YAML into model objects, recording a `Problem` for everything that is wrong."""

    def __init__(self, source_name: str, positions: dict[Path_, int]):
        self.source_name = source_name
        self.positions = positions
        self.problems: list[Problem] = []
        #: Lines with a problem of their own: references to them are not reported again.
        self.broken_line_ids: set[str] = set()

    # -- reporting ------------------------------------------------------------------------------------------

    def problem(self, path: Path_, message: str) -> None:
        line = None
        for length in range(len(path), -1, -1):  # the nearest enclosing node that has a position
            line = self.positions.get(path[:length])
            if line is not None:
                break
        self.problems.append(Problem(self.source_name, line, _dotted(path), message))

    def mapping(self, value: Any, path: Path_, required: set[str], optional: set[str] = frozenset()) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {_describe(value)}")
            return None
        for key in value:
            if key not in required and key not in optional:
                self.problem(path + (key,), "unknown key")
        for key in sorted(required - value.keys()):
            self.problem(path + (key,), "missing field")
        return value

    def entries(self, value: Any, path: Path_) -> dict:
        """A mapping whose keys are data (country codes, zone labels), not field names."""
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {_describe(value)}")
            return {}
        return value

    def sequence(self, value: Any, path: Path_) -> list:
        if not isinstance(value, list):
            self.problem(path, f"expected a list, got {_describe(value)}")
            return []
        return value

    def string(self, value: Any, path: Path_, pattern: re.Pattern | None = None, hint: str = "") -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected {hint or 'text'}, got {_describe(value)}")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.problem(path, f"expected {hint}, got {value!r}")
            return None
        return value

    def flag(self, value: Any, path: Path_) -> bool:
        if not isinstance(value, bool):
            self.problem(path, f"expected true or false, got {_describe(value)}")
            return False
        return value

    def languages(self, value: Any, path: Path_) -> tuple[str, ...]:
        codes = []
        for index, code in enumerate(self.sequence(value, path)):
            if code not in _KNOWN_LANGUAGES:
                self.problem(path + (index,), f"expected an ISO 639-1 language code, got {code!r}")
            elif code in codes:
                self.problem(path + (index,), f"language {code!r} listed twice")
            else:
                codes.append(code)
        return tuple(codes)

    # -- the document ---------------------------------------------------------------------------------------

    def build(self, data: Any) -> Directory:
        top = self.mapping(
            data,
            (),
            required={"schema", "source", "time_zones", "regions", "lines", "countries", "special_groups"},
            optional={"case_link_placeholder"},
        )
        if top is None:
            raise DirectoryError(self.problems)
        if top.get("schema") != SCHEMA_VERSION:
            self.problem(("schema",), f"expected {SCHEMA_VERSION}, got {_describe(top.get('schema'))}")
        source = self.string(top.get("source"), ("source",), hint="the page's address") or ""
        zones = self.time_zones(top.get("time_zones", {}))
        regions = self.regions(top.get("regions", {}))
        lines = self.lines(top.get("lines", []), zones)
        countries = self.countries(top.get("countries", {}), lines, regions)
        special_groups = self.special_groups(top.get("special_groups", {}), lines, regions)
        self.check_every_line_is_listed(top.get("lines", []), lines, countries, special_groups)
        if self.problems:
            raise DirectoryError(self.problems)
        return Directory(
            lines=lines, regions=regions, countries=countries, special_groups=special_groups, source=source
        )

    def time_zones(self, value: Any) -> dict[str, ZoneInfo]:
        zones = {}
        for label, name in self.entries(value, ("time_zones",)).items():
            path = ("time_zones", label)
            if not isinstance(name, str):
                self.problem(path, f"expected an IANA time zone name, got {_describe(name)}")
                continue
            try:
                zones[label] = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                self.problem(path, f"unknown IANA time zone {name!r}")
        return zones

    def regions(self, value: Any) -> dict[str, Region]:
        regions = {}
        for region_id, body in self.entries(value, ("regions",)).items():
            path = ("regions", region_id)
            fields = self.mapping(body, path, required={"case_links"})
            if fields is None:
                continue
            links = {}
            for kind, url in self.entries(fields["case_links"], path + ("case_links",)).items():
                link_path = path + ("case_links", kind)
                if kind not in CASE_LINK_KINDS:
                    self.problem(link_path, f"unknown case link kind; expected one of {sorted(CASE_LINK_KINDS)}")
                elif self.string(url, link_path, re.compile(r"https://\S+"), "an https:// address"):
                    links[kind] = url
            regions[region_id] = Region(id=region_id, case_links=links)
        fallback = regions.get(FALLBACK_REGION)
        if fallback is None or not {"driver", "business"} <= fallback.case_links.keys():
            self.problem(("regions",), f"needs a {FALLBACK_REGION!r} region with driver and business case links")
        return regions

    def lines(self, value: Any, zones: dict[str, ZoneInfo]) -> dict[str, Line]:
        lines: dict[str, Line] = {}
        numbers: dict[str, str] = {}
        for index, body in enumerate(self.sequence(value, ("lines",))):
            path = ("lines", index)
            fields = self.mapping(body, path, {"id", "country", "number", "hours"}, {"languages", "fee", "notes"})
            if fields is None:
                continue
            line_id = self.string(fields.get("id"), path + ("id",), _LINE_ID, "an id like 'de-driver'")
            if line_id in lines:
                self.problem(path + ("id",), f"duplicate id {line_id!r}")
                line_id = None
            country = self.territory(fields.get("country"), path + ("country",))
            number = self.number(fields.get("number"), path + ("number",), country)
            languages = self.languages(fields.get("languages", []), path + ("languages",))
            hours = self.hours(fields.get("hours"), path + ("hours",), zones, languages)
            fee = self.flag(fields.get("fee", False), path + ("fee",))
            notes = self.notes(fields.get("notes", []), path + ("notes",), number)
            if number is not None:
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if e164 in numbers:
                    self.problem(path + ("number",), f"{e164} is already line {numbers[e164]!r}: list that line")
                numbers[e164] = line_id or "?"
            if line_id and country and number is not None and hours is not None:
                lines[line_id] = Line(id=line_id, country=country, number=number, hours=hours, fee=fee, notes=notes)
            elif line_id:
                self.broken_line_ids.add(line_id)
        return lines

    def territory(self, value: Any, path: Path_) -> str | None:
        if value is False:  # YAML 1.1 reads a bare NO (Norway) as false
            self.problem(path, 'got false: write Norway\'s code quoted, as "NO"')
            return None
        if value not in _KNOWN_TERRITORIES:
            self.problem(path, f"expected an ISO 3166 country code, got {_describe(value)}")
            return None
        return value

    def number(self, value: Any, path: Path_, country: str | None) -> phonenumbers.PhoneNumber | None:
        text = self.string(value, path, re.compile(r"\+[\d ]+"), "an E.164 number like '+49 69 95307383'")
        if text is None:
            return None
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException as error:
            self.problem(path, f"{text!r} is not a phone number: {error}")
            return None
        if not phonenumbers.is_valid_number(number):
            self.problem(path, f"{text!r} is not a valid number (phonenumbers)")
            return None
        if country and not phonenumbers.is_valid_number_for_region(number, country):
            owner = phonenumbers.region_code_for_number(number)
            self.problem(path, f"{text!r} is a number of {owner}, not of {country}")
            return None
        return number

    def notes(self, value: Any, path: Path_, number: phonenumbers.PhoneNumber | None) -> frozenset[str]:
        notes = set()
        for index, note in enumerate(self.sequence(value, path)):
            if note not in LINE_NOTES:
                self.problem(path + (index,), f"unknown note {note!r}; expected one of {sorted(LINE_NOTES)}")
            else:
                notes.add(note)
        if number is not None:
            domestic = not phonenumbers.can_be_internationally_dialled(number)
            if domestic != ("domestic_only" in notes):
                state = "can only" if domestic else "can also"
                self.problem(path, f"phonenumbers says this number {state} be dialled from within its country")
        return frozenset(notes)

    def hours(self, value: Any, path: Path_, zones: dict[str, ZoneInfo], languages: tuple[str, ...]) -> Hours | None:
        fields = self.mapping(value, path, set(), {"zone", "always_open", "windows", "outside_windows"})
        if fields is None:
            return None
        always_open = self.flag(fields.get("always_open", False), path + ("always_open",))
        windows = tuple(
            window
            for index, body in enumerate(self.sequence(fields.get("windows", []), path + ("windows",)))
            if (window := self.window(body, path + ("windows", index))) is not None
        )
        outside = self.languages(fields.get("outside_windows", []), path + ("outside_windows",))
        zone = None
        if "zone" in fields:
            zone = zones.get(fields["zone"])
            if zone is None:
                self.problem(path + ("zone",), f"unknown zone {fields['zone']!r}; expected one of {sorted(zones)}")
        elif windows:
            self.problem(path + ("zone",), "missing field: hours with windows need a zone")
        if not always_open and not fields.get("windows"):
            self.problem(path, "empty hours: a line that is not always open needs at least one window")
        if outside and not (always_open and windows):
            self.problem(path + ("outside_windows",), "only an always-open line with windows has outside hours")
        for first_index, first in enumerate(windows):
            for second_index in range(first_index + 1, len(windows)):
                if first.overlaps(windows[second_index]):
                    self.problem(path + ("windows", second_index), f"overlaps windows[{first_index}]")
        return Hours(
            zone=zone,
            zone_label=fields.get("zone") if zone else None,
            always_open=always_open,
            windows=windows,
            outside_windows=outside,
            languages=languages,
        )

    def window(self, value: Any, path: Path_) -> Window | None:
        fields = self.mapping(value, path, {"days", "from", "to"}, {"languages"})
        if fields is None:
            return None
        weekdays = self.weekdays(fields.get("days"), path + ("days",))
        start = self.clock(fields.get("from"), path + ("from",))
        end = self.clock(fields.get("to"), path + ("to",))
        languages = self.languages(fields.get("languages", []), path + ("languages",))
        if start is not None and end is not None and start >= end:
            self.problem(path, f"empty window: from {start:%H:%M} is not before to {end:%H:%M}")
            return None
        if not weekdays or start is None or end is None:
            return None
        return Window(weekdays=weekdays, start=start, end=end, languages=languages)

    def weekdays(self, value: Any, path: Path_) -> frozenset[int]:
        """'Mon-Fri', 'Sat' or 'Mon, Wed': English three-letter names, ranges within one week."""
        hint = "days like 'Mon-Fri' or 'Sat, Sun'"
        if not isinstance(value, str):
            self.problem(path, f"expected {hint}, got {_describe(value)}")
            return frozenset()
        days: set[int] = set()
        for part in (piece.strip() for piece in value.split(",")):
            first, _, last = part.partition("-")
            try:
                start = WEEKDAY_NAMES.index(first.strip())
                end = WEEKDAY_NAMES.index(last.strip()) if last else start
            except ValueError:
                self.problem(path, f"expected {hint}, got {value!r}")
                return frozenset()
            if end < start:
                self.problem(path, f"range {part!r} runs backwards")
                return frozenset()
            days.update(range(start, end + 1))
        return frozenset(days)

    def clock(self, value: Any, path: Path_) -> time | None:
        match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            self.problem(path, f'expected a time as quoted "HH:MM", got {_describe(value)}')
            return None
        return time(int(match[1]), int(match[2]))

    def line_ids(self, value: Any, path: Path_, lines: dict[str, Line]) -> tuple[Line, ...]:
        found = []
        for index, line_id in enumerate(self.sequence(value, path)):
            if line_id in self.broken_line_ids:
                continue  # its own problem is reported where it is defined
            if line_id not in lines:
                self.problem(path + (index,), f"unknown line {line_id!r}")
            else:
                found.append(lines[line_id])
        return tuple(found)

    def countries(self, value: Any, lines: dict[str, Line], regions: dict[str, Region]) -> dict[str, CountryListing]:
        countries = {}
        for code, body in self.entries(value, ("countries",)).items():
            path = ("countries", code)
            code = self.territory(code, path)
            fields = self.mapping(body, path, {"region", "driver"}, {"business"})
            if code is None or fields is None:
                continue
            region = fields.get("region")
            if region not in regions:
                self.problem(path + ("region",), f"unknown region {region!r}")
            listed = {Audience.DRIVER: self.line_ids(fields.get("driver"), path + ("driver",), lines)}
            if "business" in fields:
                listed[Audience.BUSINESS] = self.line_ids(fields["business"], path + ("business",), lines)
            driver_ids = fields.get("driver") if isinstance(fields.get("driver"), list) else []
            references_broken_line = self.broken_line_ids.intersection(driver_ids)
            if "driver" in fields and not listed[Audience.DRIVER] and not references_broken_line:
                self.problem(path + ("driver",), "a listed country needs at least one driver line")
            countries[code] = CountryListing(code=code, region=region, lines=listed)
        return countries

    def special_groups(
        self, value: Any, lines: dict[str, Line], regions: dict[str, Region]
    ) -> dict[Audience, dict[str, tuple[Line, ...]]]:
        groups = {}
        expected = {audience.value for audience in Audience if audience.is_special_group}
        fields = self.mapping(value, ("special_groups",), expected) or {}
        for name, body in fields.items():
            path = ("special_groups", name)
            if name not in expected:
                continue  # reported as an unknown key
            by_region = {}
            for region, ids in self.entries(body, path).items():
                if region not in regions:
                    self.problem(path + (region,), f"unknown region {region!r}")
                by_region[region] = self.line_ids(ids, path + (region,), lines)
            if not by_region:
                self.problem(path, "a special group needs at least one region with lines")
            groups[Audience(name)] = by_region
        return groups

    def check_every_line_is_listed(self, raw_lines: Any, lines: dict[str, Line], countries, special_groups) -> None:
        used = {line.id for listing in countries.values() for group in listing.lines.values() for line in group}
        used |= {line.id for group in special_groups.values() for ids in group.values() for line in ids}
        for index, body in enumerate(raw_lines if isinstance(raw_lines, list) else []):
            line_id = body.get("id") if isinstance(body, dict) else None
            if line_id in lines and line_id not in used:
                self.problem(("lines", index, "id"), f"line {line_id!r} is not listed under any country or group")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return repr(value)
