"""Models of the hand-checked golden set (data/golden/).

A golden card records what the printed plan says (`rows`) and the values a careful reader
derives from it by the normalization rules of README.md (`expected`). Money is Decimal,
written in JSON as a string ("700000", "11367557.28"); dates are ISO strings.

    python -m schemas.golden data/golden/cards/*.json   # validate files, one line per failure
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from normalize.codes import canonical_code
from schemas.enums import BudgetCategory, BudgetFlag, BudgetKind, Comparator, ScheduleCategory
from vocabulary import fold, labels

CHAPTER_PATTERN = r"^(I\.[123]|II\.(?:[1-9]|1[0-4]))$"
# The bullet glyphs a typist drops (dashes and ASCII marks may start an item's own text).
DROPPED_GLYPHS = frozenset(glyph for glyph in labels()["bullets"] if not glyph.isascii() and glyph != "–")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_printed_text(text: str) -> str:
    if not text or text != text.strip():
        raise ValueError(f"text must be non-empty with no outer spaces: {text!r}")
    if "\t" in text or "\n" in text or "  " in text:
        raise ValueError(f"wrapped text is joined with one space (no tab, newline or double space): {text!r}")
    return text


class GoldenRow(_Strict):
    label: str
    items: list[str]

    @field_validator("label")
    @classmethod
    def _label_text(cls, label: str) -> str:
        return _check_printed_text(label)

    @field_validator("items")
    @classmethod
    def _item_texts(cls, items: list[str]) -> list[str]:
        for item in items:
            _check_printed_text(item)
            # A bullet glyph is dropped when typed; an item may still start with « - » when
            # the plan prints a lone dash as the whole value (Budget « - »).
            if item != "-" and item[0] in DROPPED_GLYPHS and item[1:2] == " ":
                raise ValueError(f"bullet glyph left at the start of an item: {item!r}")
        return items


class BudgetLine(_Strict):
    text: str
    amount_min_mad: Decimal | None = None
    amount_max_mad: Decimal | None = None
    kind: BudgetKind
    flags: list[BudgetFlag] = Field(default_factory=list)

    @model_validator(mode="after")
    def _amounts_agree_with_kind(self) -> BudgetLine:
        has_amount = self.amount_min_mad is not None
        if has_amount != (self.amount_max_mad is not None):
            raise ValueError(f"budget line needs both min and max or neither: {self.text!r}")
        if self.kind in ("text", "malformed") and has_amount:
            raise ValueError(f"a {self.kind} budget line carries no amount: {self.text!r}")
        if self.kind in ("amount", "estimate", "total") and not has_amount:
            raise ValueError(f"a {self.kind} budget line needs an amount: {self.text!r}")
        if has_amount and not (0 <= self.amount_min_mad <= self.amount_max_mad):
            raise ValueError(f"budget line min must be 0 <= min <= max: {self.text!r}")
        return self


class SchedulePhase(_Strict):
    text: str
    label: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SchedulePhase:
        if (self.start_date is None) != (self.end_date is None):
            raise ValueError(f"a phase has both dates or neither: {self.text!r}")
        if self.start_date and self.start_date > self.end_date:
            raise ValueError(f"phase starts after it ends: {self.text!r}")
        return self


class IndicatorTarget(_Strict):
    text: str
    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str | None = None
    comparator: Comparator = "="
    year: int | None = None

    @model_validator(mode="after")
    def _value_or_range(self) -> IndicatorTarget:
        is_range = self.min is not None or self.max is not None
        if (self.value is None) == (not is_range):
            raise ValueError(f"target is a value or a min/max range, not both or neither: {self.text!r}")
        if is_range and (self.min is None or self.max is None or self.min > self.max):
            raise ValueError(f"target range needs min <= max: {self.text!r}")
        if self.year is not None and not 2020 <= self.year <= 2035:
            raise ValueError(f"target year out of the plan's horizon: {self.text!r}")
        return self


class Expected(_Strict):
    budget_lines: list[BudgetLine]
    budget_min_mad: Decimal | None
    budget_max_mad: Decimal | None
    budget_category: BudgetCategory
    schedule_category: ScheduleCategory
    start_date: dt.date | None
    end_date: dt.date | None
    schedule_phases: list[SchedulePhase]
    indicator_targets: list[IndicatorTarget]

    @model_validator(mode="after")
    def _consistent(self) -> Expected:
        if (self.budget_min_mad is None) != (self.budget_max_mad is None):
            raise ValueError("budget_min_mad and budget_max_mad are both set or both null")
        if (self.budget_category == "amount") != (self.budget_min_mad is not None):
            raise ValueError("budget_category is 'amount' exactly when the card has a budget amount")
        if self.budget_min_mad is not None and self.budget_min_mad > self.budget_max_mad:
            raise ValueError("budget_min_mad > budget_max_mad")
        if (self.start_date is None) != (self.end_date is None):
            raise ValueError("start_date and end_date are both set or both null")
        if (self.schedule_category == "dated") != (self.start_date is not None):
            raise ValueError("schedule_category is 'dated' exactly when the card has dates")
        if self.start_date and self.start_date > self.end_date:
            raise ValueError("start_date after end_date")
        dated = [p for p in self.schedule_phases if p.start_date]
        if dated and (
            self.start_date != min(p.start_date for p in dated) or self.end_date != max(p.end_date for p in dated)
        ):
            raise ValueError("card dates must span its dated phases (min start .. max end)")
        return self


class GoldenCard(_Strict):
    code: str
    code_canonical: str
    section: str
    chapter: str = Field(pattern=CHAPTER_PATTERN)
    title: str
    rows: list[GoldenRow] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)
    expected: Expected

    @field_validator("code", "section", "title")
    @classmethod
    def _printed(cls, text: str) -> str:
        return _check_printed_text(text)

    @model_validator(mode="after")
    def _consistent(self) -> GoldenCard:
        if canonical_code(self.code) != self.code_canonical:
            raise ValueError(f"code_canonical {self.code_canonical!r} does not follow the rule for {self.code!r}")
        budget_items = self.items_of("budget")
        if [line.text for line in self.expected.budget_lines] != budget_items:
            raise ValueError("expected.budget_lines must be the Budget items, one line per item, in order")
        schedule_items = self.items_of("calendrier")
        if [phase.text for phase in self.expected.schedule_phases] != schedule_items:
            raise ValueError("expected.schedule_phases must be the Calendrier items, one phase per item, in order")
        indicator_items = set(self.items_of("indicateurs") + self.items_of("valeurs"))
        for target in self.expected.indicator_targets:
            if target.text not in indicator_items:
                raise ValueError(f"indicator target is not an Indicateurs/Valeurs item: {target.text!r}")
        return self

    def items_of(self, label_start: str) -> list[str]:
        """Items of every row whose label starts with `label_start` (case- and accent-light)."""
        return [item for row in self.rows if fold(row.label).lstrip("- ").startswith(label_start) for item in row.items]


class ListEntry(_Strict):
    """One row of a « Liste des projets » table."""

    code: str | None = Field(description="code as printed in the list, null where the row prints none")
    title: str
    section: str
    card_code: str | None = Field(description="canonical code of the card this row announces; null if none")
    note: str | None = None

    @model_validator(mode="after")
    def _explained(self) -> ListEntry:
        if self.card_code is None and not self.note:
            raise ValueError(f"a list row without a card needs a note: {self.title!r}")
        if (
            self.code is not None
            and self.card_code is not None
            and canonical_code(self.code) != self.card_code
            and not self.note
        ):
            raise ValueError(f"list code {self.code!r} differs from its card {self.card_code!r}: add a note")
        return self


class ProjectList(_Strict):
    heading: str
    chapter: str = Field(pattern=CHAPTER_PATTERN)
    rows: list[ListEntry] = Field(min_length=1)


class ProjectLists(_Strict):
    lists: list[ProjectList] = Field(min_length=1)


def load_card(path: Path) -> GoldenCard:
    return GoldenCard.model_validate_json(path.read_text(encoding="utf-8"))


def load_cards(folder: Path) -> list[GoldenCard]:
    return [load_card(path) for path in sorted(folder.glob("*.json"))]


def load_project_lists(path: Path) -> ProjectLists:
    return ProjectLists.model_validate_json(path.read_text(encoding="utf-8"))


def _main(paths: list[str]) -> int:
    failures = 0
    for name in paths:
        path = Path(name)
        try:
            card = load_card(path)
        except (ValidationError, ValueError, json.JSONDecodeError) as error:
            failures += 1
            message = re.sub(r"\s+", " ", str(error))
            print(f"{path}: {message}")
            continue
        if path.stem != card.code_canonical:
            failures += 1
            print(f"{path}: file name must be {card.code_canonical}.json")
    print(f"{len(paths) - failures} valid, {failures} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
