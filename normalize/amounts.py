"""Budget text to money: one printed Budget item to an amount in dirhams, and a card's lines to its total.

Each reader is a small pure function returning the value, the text it read and the rule that read it
(as price-parser does). Money is Decimal, never float. The rules are those of data/golden/README.md:

    >>> parse_budget_line("Maintenance : 700 000 MAD (contrats déjà établis)").amount_max
    Decimal('700000')
    >>> parse_budget_line("11 MDH").amount_max
    Decimal('11000000')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from vocabulary import alternation, escaped_alternation, french, pattern

# A number as the plan prints money: grouped by spaces or dots (« 1.500 000,00 », « 11 367 557.28 »,
# « 2 000 000, 00 »), or plain (« 415000.00 », « 11 »). Grouping is tried first.
NUMBER = r"\d{1,3}(?:[ \u00a0.]\d{3})+(?:\s?,\s?\d{1,2}|\.\d{1,2})?(?!\d)|\d+(?:\s?,\s?\d{1,2}|\.\d{1,2})?(?!\d)"
# Digits grouped wrongly (« 7 240 0000 »): a reader cannot tell what was meant.
MALFORMED = re.compile(r"(?<!\d)\d{1,3}(?:[ .]\d{3})*[ .]\d{4,}")
YEAR = re.compile(r"^20[1-3]\d$")
PARENTHESIS = re.compile(r"\(([^()]*)\)?")


@dataclass(frozen=True)
class BudgetReading:
    text: str
    amount_min: Decimal | None
    amount_max: Decimal | None
    kind: str  # amount | estimate | total | text | malformed
    flags: tuple[str, ...]
    rule: str
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class CardBudget:
    amount_min: Decimal | None
    amount_max: Decimal | None
    category: str
    rule: str


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    vocabulary = french()
    dirham = alternation(vocabulary["currency"]["dirham"])
    million = alternation(vocabulary["currency"]["million_dirham"])
    budget = vocabulary["budget"]
    number = f"(?P<number>{NUMBER})"
    currency = rf"\s*(?P<currency>{million}|{dirham})(?![A-Za-z])"
    ranges = escaped_alternation(budget["range_words"])
    return {
        "tagged": re.compile(number + currency),
        "range": re.compile(rf"(?P<low>{NUMBER})\s*{ranges}\s*(?P<high>{NUMBER}){currency}", re.IGNORECASE),
        "number": re.compile(number),
        "million": re.compile(million),
        "total": pattern(budget["total"]),
        "estimate": pattern(budget["estimate"]),
        "ttc": re.compile(budget["ttc"]),
        "ht": re.compile(budget["ht"]),
        "per_unit": pattern(budget["per_unit"]),
        "quantity": pattern(budget["quantity"]),
    }


def parse_number(printed: str) -> Decimal | None:
    """« 1.500 000,00 » -> 1500000; « 11 367 557.28 » -> 11367557.28; « 10.000 » -> 10000 (dots group thousands)."""
    match = re.fullmatch(r"(?P<whole>.*?)(?:\s?[.,]\s?(?P<cents>\d{1,2}))?", printed.strip())
    if not match or not match["whole"]:
        return None
    whole = re.sub(r"[ \u00a0.,]", "", match["whole"])
    if not whole.isdigit():
        return None
    try:
        return Decimal(f"{whole}.{match['cents']}") if match["cents"] else Decimal(whole)
    except InvalidOperation:
        return None


def _money(number: str, currency: str) -> Decimal | None:
    value = parse_number(number)
    if value is None:
        return None
    if _patterns()["million"].fullmatch(currency):
        value *= 1_000_000
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """Whole dirhams without a fraction (« 415000.00 » -> 415000), cents kept when they are not zero. An amount
    longer than the decimal context holds (28 digits: no budget is) is given as read; validation refuses it."""
    if value != value.to_integral_value():
        return value
    try:
        return value.quantize(Decimal(1))
    except InvalidOperation:
        return value


def _split_parentheses(text: str) -> tuple[str, list[str]]:
    """The line outside its parentheses, and what each parenthesis holds (a breakdown, a remark, a count)."""
    inside = [match.group(1) for match in PARENTHESIS.finditer(text)]
    return PARENTHESIS.sub(" ", text), inside


def _flags(text: str) -> tuple[str, ...]:
    found = [name for name in ("ttc", "ht") if _patterns()[name].search(text)]
    if _patterns()["per_unit"].search(text) and _patterns()["quantity"].search(text):
        found.append("per_unit")
    return tuple(found)


def _kind(text: str) -> str:
    if _patterns()["total"].search(text):
        return "total"
    if _patterns()["estimate"].search(text):
        return "estimate"
    return "amount"


def _money_like(number: str) -> bool:
    """An uncurrencied number read as money: grouped in thousands and not a year (« 751.000 », « 4 751 640.00 »)."""
    digits = re.sub(r"\D", "", number.split(",")[0])
    return not YEAR.match(number.strip()) and (bool(re.search(r"\d[ .]\d{3}", number)) or len(digits) >= 5)


def _amounts_in(main: str) -> tuple[Decimal, Decimal, str] | None:
    patterns = _patterns()
    ranged = patterns["range"].search(main)
    if ranged:
        low, high = _money(ranged["low"], ranged["currency"]), _money(ranged["high"], ranged["currency"])
        if low is not None and high is not None:
            return min(low, high), max(low, high), "range"
    tagged = [_money(match["number"], match["currency"]) for match in patterns["tagged"].finditer(main)]
    tagged = [value for value in tagged if value is not None]
    if tagged:
        return (
            sum(tagged, Decimal(0)),
            sum(tagged, Decimal(0)),
            "amount with currency" if len(tagged) == 1 else "sum of amounts",
        )
    bare = [
        parse_number(match["number"]) for match in patterns["number"].finditer(main) if _money_like(match["number"])
    ]
    bare = [_tidy(value) for value in bare if value is not None]
    if bare:
        return max(bare), max(bare), "amount without currency"
    return None


def _breakdown_sum(parts: list[str]) -> Decimal | None:
    """A line that prints its money only as a breakdown (« (CP: 5 000 000 en 2024 - CE: 5 000 000 en 2025) »)."""
    numbers = [match["number"] for part in parts for match in _patterns()["number"].finditer(part)]
    values = [parse_number(number) for number in numbers if _money_like(number)]
    values = [value for value in values if value is not None]
    return _tidy(sum(values, Decimal(0))) if values else None


def parse_budget_line(text: str) -> BudgetReading:
    """One printed Budget item to its amount (min/max in MAD), kind, flags and the rule used."""
    flags = _flags(text)
    main, parts = _split_parentheses(text)
    warnings = tuple(
        f"malformed number « {m.group(0)} » in a breakdown" for part in parts for m in MALFORMED.finditer(part)
    )
    if MALFORMED.search(main):
        return BudgetReading(
            text,
            None,
            None,
            "malformed",
            flags,
            "malformed number",
            (f"malformed number « {MALFORMED.search(main).group(0)} »",),
        )
    found = _amounts_in(main)
    if found is None:
        breakdown = _breakdown_sum(parts) if not warnings else None
        if breakdown is None:
            return BudgetReading(text, None, None, "text", flags, "no amount", warnings)
        found = (breakdown, breakdown, "sum of breakdown")
    low, high, rule = found
    if "per_unit" in flags:
        quantity = Decimal(_patterns()["quantity"].search(text).group(1))
        low, high, rule = low * quantity, high * quantity, f"{rule} × quantity"
    return BudgetReading(text, low, high, _kind(text), flags, rule, warnings)


def card_budget(readings: list[BudgetReading]) -> CardBudget:
    """A card's total: its printed Total line, else the sum of its amount lines; else a category from its text."""
    totals, parts = total_and_parts(readings)
    if totals:
        return CardBudget(totals[-1].amount_min, totals[-1].amount_max, "amount", "printed total")
    if parts:
        low = sum((reading.amount_min for reading in parts), Decimal(0))
        high = sum((reading.amount_max for reading in parts), Decimal(0))
        return CardBudget(low, high, "amount", "sum of lines")
    if any(reading.kind == "malformed" for reading in readings):
        return CardBudget(None, None, "malformed", "only malformed amounts")
    return CardBudget(None, None, budget_category(" ".join(reading.text for reading in readings)), "category from text")


def total_and_parts(readings: list[BudgetReading]) -> tuple[list[BudgetReading], list[BudgetReading]]:
    """A card's Total lines, and the lines that add up to a total (amounts and estimates)."""
    totals = [reading for reading in readings if reading.kind == "total"]
    parts = [reading for reading in readings if reading.kind in ("amount", "estimate")]
    return totals, parts


def budget_category(text: str) -> str:
    """The category of a Budget cell that states no amount (« - », « Non indiqué », « Marchés engagés »…)."""
    for category, expressions in french()["budget"]["categories"].items():
        if any(pattern(expression).search(text) for expression in expressions):
            return category
    return "other"
