"""Indicator text to targets: the numbers an Indicateurs or Valeurs item sets as goals.

    >>> [(t.value, t.unit, t.year) for t in parse_targets("Nombre de patients pris en charge (3000 en 2025)")]
    [(Decimal('3000'), None, 2025)]

A number is a target where the plan puts goals: in parentheses « (90%) », after a colon « : 200 », at the
start of the item « 7 actes / an », at its end « … réalisées 50 », or as a percent « de 75 % ». A year
alone, a number inside a name (« N-1 », « zones 3 et 4 ») is not one. The unit is the words after the
number up to « en YYYY », « dont », a parenthesis, a comma or a semicolon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from vocabulary import french

YEAR = re.compile(r"^20[2-3]\d$")


@dataclass(frozen=True)
class TargetReading:
    text: str
    value: Decimal | None
    min: Decimal | None
    max: Decimal | None
    unit: str | None
    comparator: str
    year: int | None
    rule: str


@lru_cache(maxsize=1)
def _grammar() -> dict[str, re.Pattern[str]]:
    vocabulary = french()["targets"]
    comparators = "|".join(
        re.escape(word) for words in vocabulary["comparators"].values() for word in sorted(words, key=len, reverse=True)
    )
    number = r"-?\d{1,3}(?: \d{3})+(?![\d])|-?\d+(?:[.,]\d+)?"
    ranges = "|".join(re.escape(word) for word in vocabulary["range_words"])
    stops = "|".join(vocabulary["unit_stops"])
    target = (
        rf"(?:(?P<comparator>{comparators})\s*)?(?P<low>{number})(?:\s*(?:{ranges})\s*(?P<high>{number}))?"
        rf"(?P<unit>\s*%|[^(),;]*?)\s*(?:\ben\s+(?P<year>20\d\d))?\s*(?=$|[),;]|\b(?:{stops})\b)"
    )
    return {
        "parenthesis": re.compile(rf"\((?:[^():]*:\s*)?{target}", re.IGNORECASE),
        "colon": re.compile(rf":\s*{target}", re.IGNORECASE),
        "start": re.compile(rf"^{target}", re.IGNORECASE),
        "end": re.compile(rf"(?<=\s)(?P<low>{number})(?P<unit>(?:\s*/\s*\w+|(?:\s+[A-Za-zÀ-ÿ']+){{0,3}}))\s*\.?$"),
        "percent": re.compile(rf"(?<![\w-])(?P<low>{number})\s*%"),
    }


def _decimal(printed: str) -> Decimal:
    return Decimal(printed.replace(" ", "").replace(",", "."))


def _unit(printed: str | None) -> str | None:
    if printed is None:
        return None
    unit = re.sub(r"\s*/\s*", "/", printed.strip()).rstrip(". ")
    return "%" if unit.startswith("%") else (unit or None)


def _comparator(printed: str | None) -> str:
    if not printed:
        return "="
    for symbol, words in french()["targets"]["comparators"].items():
        if printed.lower() in words:
            return symbol
    return "="


def _reading(text: str, match: re.Match[str], rule: str) -> TargetReading | None:
    groups = match.groupdict()
    low = groups["low"]
    if YEAR.match(low.strip()):
        return None  # « (2023 et antérieures) », « CHUIS 2025 »: a year, never a goal
    if low.startswith("-") and re.search(r"\w$", text[: match.start("low")]):
        return None  # « N-1 »: a hyphen inside a name, not a minus sign
    unit = "%" if rule == "percent" else _unit(groups.get("unit"))
    if groups.get("high"):
        value, low_value, high_value = None, _decimal(low), _decimal(groups["high"])
        if low_value > high_value:
            return None
    else:
        value, low_value, high_value = _decimal(low), None, None
    year = int(groups["year"]) if groups.get("year") else None
    return TargetReading(text, value, low_value, high_value, unit, _comparator(groups.get("comparator")), year, rule)


def parse_targets(text: str) -> list[TargetReading]:
    """Every target of one indicator item, in printed order; [] when it states none."""
    grammar = _grammar()
    found: list[tuple[int, TargetReading]] = []
    taken: list[range] = []

    def add(match: re.Match[str], rule: str) -> None:
        span = range(match.start("low"), match.end("low"))
        if any(span.start in other for other in taken):
            return
        reading = _reading(text, match, rule)
        if reading is not None:
            taken.append(span)
            found.append((span.start, reading))

    for rule in ("parenthesis", "colon", "start"):
        for match in grammar[rule].finditer(text):
            add(match, rule)
    if not found:
        match = grammar["end"].search(text)
        if match:
            add(match, "end")
    for match in grammar["percent"].finditer(text):
        add(match, "percent")
    return [reading for _, reading in sorted(found, key=lambda pair: pair[0])]
