"""Calendrier text to dates: one printed item to a phase (label, start, end), and a card's phases to its span.

    >>> parse_schedule_item("Action 1 : Février - Mai 2025")
    SchedulePhaseReading(text='Action 1 : Février - Mai 2025', label='Action 1', start=datetime.date(2025, 2, 1), end=datetime.date(2025, 5, 31), rule='range')

A day-month-year is that day; a month alone is its first day as a start and its last as an end; a year
alone is the whole year; a year printed once at the end of a range applies to the points before it.
Month names and the ordinal « er » come from vocabulary/fr.yaml. Text with no date is conditional.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from vocabulary import fold, french


@dataclass(frozen=True)
class SchedulePhaseReading:
    text: str
    label: str | None
    start: dt.date | None
    end: dt.date | None
    rule: str


@dataclass(frozen=True)
class CardSchedule:
    start: dt.date | None
    end: dt.date | None
    category: str  # dated | conditional | none


@dataclass
class _Point:
    day: int | None
    month: int | None
    year: int | None

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def _folded_apart(text: str) -> str:
    """Folded, with letters and digits glued by the print separated (« janvier2025 », « 31janvier »)."""
    return re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", fold(text))


@lru_cache(maxsize=1)
def _point_pattern() -> re.Pattern[str]:
    vocabulary = french()["dates"]
    months = "|".join(vocabulary["months"])
    suffix = vocabulary["ordinal_suffix"]
    return re.compile(
        r"(?P<numeric>\b(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{4})\b)"
        rf"|(?:\b(?P<day>\d{{1,2}})(?:\s?{suffix})?\s+)?\b(?P<month>{months})\b(?:\s+(?P<year>\d{{4}})\b)?"
        r"|\b(?P<lone>20\d{2})\b"
    )


def _points(text: str) -> list[_Point]:
    months = french()["dates"]["months"]
    points: list[_Point] = []
    for match in _point_pattern().finditer(_folded_apart(text)):
        if match["numeric"]:
            points.append(_Point(int(match["nd"]), int(match["nm"]), int(match["ny"])))
        elif match["month"]:
            day = int(match["day"]) if match["day"] else None
            year = int(match["year"]) if match["year"] else None
            points.append(_Point(day, months.index(match["month"]) + 1, year))
        elif points and points[-1].year is None:
            # « 31 décembre -2027 »: a year printed apart from its month still belongs to it
            points[-1].year = int(match["lone"])
        else:
            points.append(_Point(None, None, int(match["lone"])))
    # A year written once, at the end of a range, applies to the points before it.
    following_year = None
    for point in reversed(points):
        if point.year is None:
            point.year = following_year
        following_year = point.year
    return [point for point in points if point.year is not None]


def parse_schedule_item(text: str) -> SchedulePhaseReading:
    """One Calendrier item to its label (« Action 1 ») and its first and last day, or no date."""
    label, _, rest = text.partition(":") if ":" in text else (None, "", text)
    label = label.strip() if label else None
    points = _points(rest)
    if not points:
        return SchedulePhaseReading(text, label, None, None, "no date")
    try:
        start, end = points[0].first_day(), points[-1].last_day()
    except ValueError:
        return SchedulePhaseReading(text, label, None, None, "impossible date")
    if start > end:
        return SchedulePhaseReading(text, label, None, None, "start after end")
    rule = "single date" if len(points) == 1 else "range"
    return SchedulePhaseReading(text, label, start, end, rule)


def card_schedule(phases: list[SchedulePhaseReading]) -> CardSchedule:
    """A card spans its dated phases; without any, its Calendrier is conditional text or empty."""
    dated = [phase for phase in phases if phase.start is not None]
    if dated:
        return CardSchedule(min(p.start for p in dated), max(p.end for p in dated), "dated")
    if any(phase.text.strip(" -_–") for phase in phases):
        return CardSchedule(None, None, "conditional")
    return CardSchedule(None, None, "none")
