"""The dataset's tables: one pydantic model per table, every record validated before it is written.

Column checks live here and only here: types, ranges, allowed values. ``TABLES`` names each table's model;
the writer derives the DuckDB and Parquet column types from the models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FieldName = Literal[
    "section", "header", "responsibles", "entities", "coordinators", "partners", "objectives", "actions",
    "indicators", "values", "budget", "schedule", "unknown",
]  # fmt: skip
Money = Decimal


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CardRecord(_Record):
    code: str = Field(min_length=1, description="Sous Projet CODE, as printed")
    code_canonical: str = Field(min_length=1)
    title: str = Field(min_length=1, description="Sous Projet CODE : title")
    section: str = Field(description="section header row above « Sous Projet »")
    chapter: str | None = Field(description="chapter heading (I.1 … II.14) the card is printed under")
    owner: str = Field(description="code prefix: establishment (HS, INO…) or function (FF, FIM…)")
    axis: Literal["I", "II"] | None = Field(description="I Axe Soins, II Axe Gouvernance")
    page_first: int = Field(ge=1)
    page_last: int = Field(ge=1)
    responsibles: list[str] = Field(description="Responsable(s)")
    entities: list[str] = Field(description="Entités concernées / Services concernés / Structure concernée")
    coordinators: list[str] = Field(description="Coordinateur / Coordonnateur / Coordinatrice")
    partners: list[str] = Field(description="Partenaire")
    objectives: list[str] = Field(description="Objectifs")
    actions: list[str] = Field(description="Actions")
    indicators: list[str] = Field(description="Indicateurs")
    target_values: list[str] = Field(description="Valeurs")
    budget_text: str | None = Field(description="Budget, items joined by « ; »")
    budget_min_mad: Money | None = Field(ge=0, max_digits=18, decimal_places=2, description="Budget, read")
    budget_max_mad: Money | None = Field(ge=0, max_digits=18, decimal_places=2, description="Budget, read")
    budget_category: str = Field(description="amount, none, not_stated, committed_elsewhere, external_funding, other, malformed")
    schedule_text: str | None = Field(description="Calendrier, items joined by « ; »")
    start_date: dt.date | None = Field(description="Calendrier, first day")
    end_date: dt.date | None = Field(description="Calendrier, last day")
    schedule_category: str = Field(description="dated, conditional, none")

    @model_validator(mode="after")
    def _consistent(self) -> "CardRecord":
        if self.page_last < self.page_first:
            raise ValueError(f"page_last {self.page_last} before page_first {self.page_first}")
        if (self.budget_min_mad is None) != (self.budget_max_mad is None):
            raise ValueError("budget min and max must both be read or both be null")
        if self.budget_min_mad is not None and self.budget_min_mad > self.budget_max_mad:
            raise ValueError(f"budget min {self.budget_min_mad} above max {self.budget_max_mad}")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError(f"start {self.start_date} after end {self.end_date}")
        return self


class FieldItemRecord(_Record):
    """Provenance: one row per item and page it is printed on."""

    code: str
    field: str = Field(description="field named by the row's label (header, section for the card's own rows)")
    label: str = Field(description="the label as printed")
    item_index: int = Field(ge=0)
    part: int = Field(ge=0, description="0, or 1 for the part of an item printed on the next page")
    text: str
    page: int = Field(ge=1)
    x0: float
    top: float
    x1: float
    bottom: float
    reader: str = Field(description="pdfplumber, or pdfplumber+camelot where the second reader agreed")
    flag: str | None = None

    @model_validator(mode="after")
    def _box(self) -> "FieldItemRecord":
        if not (self.x0 <= self.x1 and self.top <= self.bottom):
            raise ValueError(f"bbox ({self.x0}, {self.top}, {self.x1}, {self.bottom}) is not a box")
        return self


class BudgetLineRecord(_Record):
    code: str
    line_index: int = Field(ge=0)
    text: str
    amount_min_mad: Money | None = Field(ge=0, max_digits=18, decimal_places=2)
    amount_max_mad: Money | None = Field(ge=0, max_digits=18, decimal_places=2)
    kind: str
    flags: list[str]
    rule: str
    page: int = Field(ge=1)


class SchedulePhaseRecord(_Record):
    code: str
    phase_index: int = Field(ge=0)
    text: str
    label: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    rule: str
    page: int = Field(ge=1)


class IndicatorTargetRecord(_Record):
    code: str
    item_index: int = Field(ge=0, description="index of the Indicateurs/Valeurs item it was read from")
    field: str
    text: str
    value: Decimal | None = Field(max_digits=18, decimal_places=4)
    min: Decimal | None = Field(max_digits=18, decimal_places=4)
    max: Decimal | None = Field(max_digits=18, decimal_places=4)
    unit: str | None
    comparator: str
    year: int | None = Field(ge=2000, le=2100)
    rule: str
    page: int = Field(ge=1)


class PersonRecord(_Record):
    person_id: str
    display_name: str
    names: list[str]


class CardPersonRecord(_Record):
    code: str
    role: Literal["responsible", "coordinator"]
    printed: str
    title: str | None
    kind: Literal["person", "role"]
    person_id: str | None
    score: float | None = Field(ge=0, le=100)
    page: int = Field(ge=1)


class EntityRecord(_Record):
    canonical: str
    name: str | None
    kind: str


class CardEntityRecord(_Record):
    code: str
    printed: str
    canonical: str | None
    kind: str
    rule: str
    page: int = Field(ge=1)


class ListEntryRecord(_Record):
    list_heading: str
    row_index: int = Field(ge=0)
    code: str | None
    code_canonical: str | None
    title: str
    section: str | None
    page: int = Field(ge=1)
    card_code: str | None = Field(description="canonical code of the card found for this row")


class FindingRecord(_Record):
    kind: str
    code: str | None
    field: str | None
    page: int | None
    message: str


class RejectedRecord(_Record):
    table_name: str
    code: str | None
    reason: str
    record: str = Field(description="the record, as JSON")


TABLES: dict[str, type[_Record]] = {
    "cards": CardRecord,
    "field_items": FieldItemRecord,
    "budget_lines": BudgetLineRecord,
    "schedule_phases": SchedulePhaseRecord,
    "indicator_targets": IndicatorTargetRecord,
    "people": PersonRecord,
    "card_people": CardPersonRecord,
    "entities": EntityRecord,
    "card_entities": CardEntityRecord,
    "list_entries": ListEntryRecord,
    "findings": FindingRecord,
    "rejected": RejectedRecord,
}
