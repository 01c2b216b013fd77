"""Turning a directory answer into the text a person reads, in their language.

The sentences come from the domain's responses (`Texts`); day names, times, language names and list joining come
from CLDR through Babel, so "Mon–Fri 08:00–20:00" and "German and Italian" are right in every locale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_day_names
from babel.lists import format_list

from .countries import country_name, guess_region
from .directory import Answer, Audience, Directory, Hours, Line
from .directory.hours import Window
from .texts import DEFAULT_LANGUAGE, Texts


class AnswerRenderer:
    """Renders answers for one language; build one per reply (it is cheap)."""

    def __init__(self, texts: Texts):
        self.texts = texts
        self.language = texts.language
        try:
            self._locale = Locale.parse(self.language)
        except (ValueError, UnknownLocaleError):  # a language slot set to nonsense: answer in English
            self.language, self._locale = DEFAULT_LANGUAGE, Locale.parse(DEFAULT_LANGUAGE)

    # -- small CLDR pieces ----------------------------------------------------------------------------------

    def language_names(self, codes: Iterable[str]) -> str:
        names = [self._locale.languages.get(code, code) for code in codes]
        return format_list(names, locale=self._locale) if names else ""

    def country(self, code: str | None) -> str:
        return country_name(code, self.language) if code else ""

    def _days(self, weekdays: frozenset[int]) -> str:
        names = get_day_names("abbreviated", locale=self._locale)
        ordered = sorted(weekdays)
        if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
            return f"{names[ordered[0]]}–{names[ordered[-1]]}"
        return format_list([names[day] for day in ordered], locale=self._locale)

    def _clock(self, value) -> str:
        return format_skeleton("Hm", value, locale=self._locale)

    def zone(self, hours: Hours) -> str:
        label = hours.zone_label or ""
        name = f"utter_fragment_zone_{label}"
        return self.texts(name) if self.texts.has(name) else label

    # -- hours and status -----------------------------------------------------------------------------------

    def window(self, window: Window, hours: Hours) -> str:
        when = self.texts(
            "utter_fragment_hours_window",
            days=self._days(window.weekdays),
            start=self._clock(window.start),
            end=self._clock(window.end),
            zone=self.zone(hours),
        )
        # An always-open line states its own languages once, for all hours; a staffed-hours line per window.
        languages = window.languages if hours.always_open else hours.languages + window.languages
        if languages:
            return self.texts("utter_fragment_in_languages", when=when, languages=self.language_names(languages))
        return when

    def hours(self, hours: Hours) -> str:
        parts = []
        if hours.always_open:
            if hours.languages:
                parts.append(
                    self.texts(
                        "utter_fragment_in_languages",
                        when=self.texts("utter_fragment_hours_always"),
                        languages=self.language_names(hours.languages),
                    )
                )
            elif not hours.windows:
                parts.append(self.texts("utter_fragment_hours_always"))
        windows = [self.window(window, hours) for window in hours.windows]
        if windows and hours.outside_windows:
            windows[-1] = self.texts(
                "utter_fragment_hours_otherwise",
                when=windows[-1],
                languages=self.language_names(hours.outside_windows),
            )
        return self.texts("utter_fragment_separator").join(parts + windows)

    def status(self, line: Line, at: datetime) -> str:
        status = line.status(at)
        if status.is_open:
            if status.languages:
                return self.texts("utter_fragment_open_in", languages=self.language_names(status.languages))
            return self.texts("utter_fragment_open")
        if status.opens_at is None:
            return self.texts("utter_fragment_closed")
        return self.texts(
            "utter_fragment_closed_opens",
            day=format_date(status.opens_at.date(), "EEEE", locale=self._locale),
            time=self._clock(status.opens_at.time()),
            zone=self.zone(line.hours),
        )

    # -- a whole answer -------------------------------------------------------------------------------------

    def number(self, line: Line, caller_country: str | None) -> str:
        """International format (dialable anywhere) with a tel: link; the national form too for a caller at home."""
        text = self.texts("utter_fragment_number", number=line.display_number(), tel=line.tel_uri)
        if caller_country == line.country and line.dialable_from_abroad:
            text += self.texts(
                "utter_fragment_number_at_home", country=self.country(line.country), national=line.national
            )
        return text

    def title(self, answer: Answer, line: Line) -> str:
        if answer.audience.is_special_group:
            region = answer.line_regions.get(line.id, "")
            return self.texts(f"utter_fragment_title_{answer.audience.value}_{region}")
        return self.texts(f"utter_fragment_title_{answer.audience.value}")

    def line_block(self, answer: Answer, line: Line, at: datetime, several: bool) -> list[str]:
        rows = []
        number = self.number(line, answer.country)
        languages = line.hours.languages or next((window.languages for window in line.hours.windows), ())
        if several and not answer.audience.is_special_group and languages:
            # Belgium: one number per language; the language is what tells them apart.
            label = self.language_names(languages).capitalize()
            number = self.texts("utter_fragment_labelled", label=label, text=number)
        rows.append(number)
        rows.append(self.texts("utter_fragment_hours", hours=self.hours(line.hours)))
        rows.append(self.status(line, at))
        if line.fee:
            rows.append(self.texts("utter_fragment_note_fee"))
        for note in sorted(line.notes):
            rows.append(self.texts(f"utter_fragment_note_{note}", country=self.country(line.country)))
        return rows

    def answer(self, answer: Answer, at: datetime, missing_language: str | None = None) -> str:
        """The whole reply: each line with its hours and status, then where to open a case."""
        blocks = []
        if missing_language and answer.lines:
            response = "utter_fragment_no_line_in_language" + ("" if len(answer.lines) > 1 else "_one")
            blocks.append(self.texts(response, language=self.language_names([missing_language])))
        if not answer.lines:
            blocks.append(self._no_line(answer))
        headed_by_group = answer.audience.is_special_group
        several = len(answer.lines) > 1
        if not headed_by_group and answer.lines:
            blocks.append(
                self.texts(
                    "utter_fragment_heading",
                    title=self.texts(f"utter_fragment_title_{answer.audience.value}"),
                    country=self.country(answer.country),
                )
            )
        for line in answer.lines:
            rows = self.line_block(answer, line, at, several)
            if headed_by_group:
                rows.insert(0, self.texts("utter_fragment_heading_plain", title=self.title(answer, line)))
            blocks.append("\n".join(rows))
        blocks.append(self.case_link(answer))
        # One message: a blank line would make Rasa's channels split it into several bubbles.
        return "\n".join(blocks)

    def case_link(self, answer: Answer) -> str:
        return self.texts(f"utter_fragment_case_{answer.audience.case_kind}", link=answer.case_link)

    def _no_line(self, answer: Answer) -> str:
        country = self.country(answer.country)
        if answer.country is None:
            return self.texts("utter_fragment_no_country")
        if answer.listed:  # Australia lists drivers only
            return self.texts(f"utter_fragment_no_line_{answer.audience.value}", country=country)
        return self.texts("utter_fragment_unlisted", country=country)


def render_answer(
    directory: Directory,
    country: str | None,
    audience: Audience,
    responses: Mapping[str, list[Mapping[str, Any]]],
    language: str | None,
    now: datetime,
    asked_language: str | None = None,
) -> tuple[Answer, str]:
    """The directory's answer for one audience, narrowed to the language wanted, and its text.

    The one way to answer: the action server's action_answer_contact and the Rasa server's fallback
    (rasa_extensions/action_fallback.py) both call it, so a person reads the same either way.
    """
    answer, missing_language = _answer(directory, country, audience).in_language(language, asked_language)
    text = AnswerRenderer(Texts(responses, language or DEFAULT_LANGUAGE)).answer(
        answer, now, missing_language=missing_language
    )
    return answer, text


def render_case_link(
    directory: Directory,
    country: str | None,
    audience: Audience,
    responses: Mapping[str, list[Mapping[str, Any]]],
    language: str | None,
) -> str:
    """Where `audience` opens a case, alone: for a person of unknown role where no line needs the role (a country
    the page does not list), who is shown the driver answer and may be a station owner."""
    renderer = AnswerRenderer(Texts(responses, language or DEFAULT_LANGUAGE))
    return renderer.case_link(_answer(directory, country, audience))


def _answer(directory: Directory, country: str | None, audience: Audience) -> Answer:
    return directory.answer(country, audience, region_guess=guess_region(country))
