"""The dataset's tables: one pydantic model per table, every record validated before it is written.

The dataset's checks live here and only here: types, ranges, allowed values (the aliases of ``schemas/enums.py``),
and the keys (``PRIMARY_KEYS`` and ``FOREIGN_KEYS``, checked row by row by ``Keys``). ``TABLES`` names each
table's model; the writer derives the DuckDB and Parquet column types from the models. This module is also the
dataset's one documentation source: each model's docstring is its table's comment and each field's ``description`` its
column's comment, in DuckDB (``COMMENT ON``), in the workbook's first sheet and in the README's tables
(generated from here by ``python -m load.docs``, checked by ``tests/test_docs.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.enums import (
    AliasKind,
    Axis,
    BudgetCategory,
    BudgetFlag,
    BudgetKind,
    Comparator,
    CorrectionStatus,
    EntityKind,
    FieldName,
    FindingKind,
    ItemFlag,
    LinkedBy,
    MentionEntityKind,
    MentionKind,
    OwnerKind,
    PersonRole,
    ScheduleCategory,
    TargetField,
)

Money = Decimal

CODE = "the card's canonical code (« Card codes »); joins `cards.code`"
PAGE = "PDF page, 1-based (the file's page index)"
PAGE_LABEL = "the page number printed on that page (« 54 » on PDF page 60); null where none is printed"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OwnerRecord(_Record):
    """One row per card owner: the establishment, directorate or function a card's code starts with."""

    code: str = Field(min_length=1, description="the code prefix (HS, INO, DAMS, FF, FCOOP…)")
    name: str = Field(
        min_length=1,
        description="its name, from the section headers of its cards (number and « (ABBR) » removed; the most printed form)",
    )
    axis: Axis | None = Field(description="I Axe Soins, II Axe Gouvernance")
    kind: OwnerKind = Field(
        description="establishment (hospital, institute), directorate (direction, division, nursing pillar) or function (axis II)"
    )
    entity: str = Field(description="the `entities.canonical` it is (through `entity_aliases`: HAS → HAR, HAY → HAA)")
    glossary_names: list[str] = Field(
        description="its expansions in the plan's ABREVIATIONS glossary (two for HAS), empty when not in it"
    )


class CardRecord(_Record):
    """One row per project card (fiche projet)."""

    code: str = Field(min_length=1, description="canonical code (HMSRO-M1-25, SITS-01), the table's primary key")
    code_printed: str = Field(min_length=1, description="« Sous Projet CODE : … », the code as printed")
    title: str = Field(min_length=1, description="« Sous Projet CODE : title »")
    section: str = Field(description="the section header row above « Sous Projet » (hospital or function)")
    chapter: str | None = Field(
        description="the chapter the card is printed under, numbered as the Sommaire ranks them (I.1 … II.14)"
    )
    chapter_printed: str | None = Field(
        description="the same chapter's number as its heading prints it (II.08, II.14, II.15)"
    )
    owner: str = Field(
        description="the code's prefix: establishment (HS, INO…), directorate (DAMS…) or function (FF, FIM…); joins `owners.code`"
    )
    axis: Axis | None = Field(description="I (Axe Soins, establishments) or II (Axe Gouvernance, functions)")
    page_first: int = Field(ge=1, description="first PDF page the card is printed on")
    page_first_label: str | None = Field(description="the page number printed on `page_first`")
    page_last: int = Field(ge=1, description="last PDF page the card is printed on")
    page_last_label: str | None = Field(description="the page number printed on `page_last`")
    responsibles: list[str] = Field(description="« Responsable(s) » items, as printed")
    entities: list[str] = Field(
        description="« Entités concernées » / « Services concernés » / « Structure concernée » items"
    )
    coordinators: list[str] = Field(description="« Coordinateur » / « Coordonnateur » / « Coordinatrice » items")
    partners: list[str] = Field(description="« Partenaire » items")
    objectives: list[str] = Field(description="« Objectifs » items")
    actions: list[str] = Field(description="« Actions » items")
    indicators: list[str] = Field(description="« Indicateurs » items")
    target_values: list[str] = Field(
        description="« Valeurs » items (the cards that print targets in a row of their own)"
    )
    budget_text: str | None = Field(
        description="« Budget » items joined by « ; »; null when the cell prints none or only a dash"
    )
    budget_min_mad: Money | None = Field(
        ge=0,
        max_digits=18,
        decimal_places=2,
        description="the card's total read from « Budget », MAD (low end of a range; a Total line wins over the lines)",
    )
    budget_max_mad: Money | None = Field(
        ge=0, max_digits=18, decimal_places=2, description="the same, high end of a range"
    )
    budget_category: BudgetCategory = Field(
        description="amount, none (« - » or empty), not_stated, committed_elsewhere, external_funding, other or malformed"
    )
    schedule_text: str | None = Field(description="« Calendrier » items joined by « ; »")
    start_date: dt.date | None = Field(description="first day read from « Calendrier »")
    end_date: dt.date | None = Field(description="last day read from « Calendrier »")
    schedule_category: ScheduleCategory = Field(description="dated, conditional or none")

    @model_validator(mode="after")
    def _consistent(self) -> CardRecord:
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
    """Provenance of every printed item: one row per item and page it is printed on."""

    code: str = Field(description=CODE)
    field: FieldName = Field(
        description="the field its label names (responsibles, entities… ; header for « Sous Projet », section for the section row, unknown for a label not in the vocabulary)"
    )
    label: str = Field(description="the label cell as printed (« Entités concernées », « - Responsable »…)")
    item_index: int = Field(ge=0, description="position of the item in its row")
    part: int = Field(ge=0, description="0, or 1 for the part of an item printed on the next page (one row per page)")
    text: str = Field(description="the item as printed, wrapped lines joined by one space")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)
    x0: float = Field(description="left edge of the item's box, PDF points from the page's left")
    top: float = Field(description="top edge, PDF points from the page's top")
    x1: float = Field(description="right edge")
    bottom: float = Field(description="bottom edge")
    reader: str = Field(
        description="the reader of the page's text layer (pdfium by default, or pdfplumber), with « +camelot » where the second reader read the same cell text; tesseract where the page was read by OCR (no text layer)"
    )
    ocr_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="mean confidence (0..1) of the OCR words of the item; null on a page read from its text layer",
    )
    flag: ItemFlag | None = Field(
        default=None,
        description="reader_disagreement where the two readers differ; low_confidence where OCR read the item with a confidence under the threshold (a finding says so); placeholder for a printed « - », « – » or empty item (not a value: not in the `cards` lists); deleted for an item a correction says does not exist (not in the `cards` lists nor read); else null",
    )
    corrected: bool = Field(
        default=False,
        description="true where a row of the corrections file replaced the item's text (`corrections`, status applied)",
    )
    extracted_text: str = Field(
        description="the item as the extractor read it, before any correction (equal to `text` where not corrected)"
    )

    @model_validator(mode="after")
    def _box(self) -> FieldItemRecord:
        if not (self.x0 <= self.x1 and self.top <= self.bottom):
            raise ValueError(f"bbox ({self.x0}, {self.top}, {self.x1}, {self.bottom}) is not a box")
        return self


class BudgetLineRecord(_Record):
    """Each « Budget » item read as an amount."""

    code: str = Field(description=CODE)
    line_index: int = Field(ge=0, description="position of the item in the « Budget » cell")
    text: str = Field(description="the item as printed")
    amount_min_mad: Money | None = Field(
        ge=0, max_digits=18, decimal_places=2, description="amount read, MAD (low end of a range)"
    )
    amount_max_mad: Money | None = Field(
        ge=0, max_digits=18, decimal_places=2, description="amount read, MAD (high end of a range)"
    )
    kind: BudgetKind = Field(description="amount, estimate, total, text or malformed")
    flags: list[BudgetFlag] = Field(description="ttc, estimate, per_unit…")
    rule: str = Field(description="the reading rule applied")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)


class SchedulePhaseRecord(_Record):
    """Each « Calendrier » item read as dates."""

    code: str = Field(description=CODE)
    phase_index: int = Field(ge=0, description="position of the item in the « Calendrier » cell")
    text: str = Field(description="the item as printed")
    label: str | None = Field(description="« Action 1 », « Phase pilote »… where the item names its phase")
    start_date: dt.date | None = Field(description="first day read")
    end_date: dt.date | None = Field(description="last day read")
    rule: str = Field(description="the reading rule applied")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)


class IndicatorTargetRecord(_Record):
    """Targets read from « Indicateurs » and « Valeurs »."""

    code: str = Field(description=CODE)
    item_index: int = Field(ge=0, description="index of the Indicateurs/Valeurs item it was read from")
    field: TargetField = Field(description="indicators or values")
    text: str = Field(description="the target as printed")
    value: Decimal | None = Field(max_digits=18, decimal_places=4, description="the target's value")
    min: Decimal | None = Field(max_digits=18, decimal_places=4, description="low end of a range")
    max: Decimal | None = Field(max_digits=18, decimal_places=4, description="high end of a range")
    unit: str | None = Field(description="%, enfants/an…")
    comparator: Comparator = Field(description="=, >, ≥, <, ≤")
    year: int | None = Field(ge=2000, le=2100, description="the year the target is for, where printed")
    rule: str = Field(description="the reading rule applied")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)


class PersonRecord(_Record):
    """People named in « Responsable » and « Coordinateur » cells, clustered across spellings."""

    person_id: str = Field(description="stable key derived from the person's name")
    display_name: str = Field(description="the name as most often printed")
    names: list[str] = Field(description="every printed form clustered into this person")


class CardPersonRecord(_Record):
    """Each mention of a person or a role in a « Responsable » or « Coordinateur » cell."""

    code: str = Field(description=CODE)
    role: PersonRole = Field(description="responsible or coordinator")
    printed: str = Field(description="the mention as printed")
    title: str | None = Field(description="Pr, Dr, M., Mme…")
    kind: MentionKind = Field(description="person, or role such as « Chef DAMS »")
    person_id: str | None = Field(description="joins `people.person_id`; null for a role")
    score: float | None = Field(ge=0, le=100, description="rapidfuzz similarity to the person's name, 0–100")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)


class EntityRecord(_Record):
    """Every entity: those « Entités concernées » cells name, every card owner, every entity the aliases table names."""

    canonical: str = Field(description="HS, DAF, FF, « Neurologie A »…, the table's primary key")
    name: str | None = Field(
        description="its name, from the plan's ABREVIATIONS glossary or section headers; null where the plan gives none"
    )
    kind: EntityKind = Field(description="establishment, directorate, division, function, service or unit")


class EntityAliasRecord(_Record):
    """The spellings of entities the plan uses (normalize/data/reference/entity_aliases.csv)."""

    alias: str = Field(description="a spelling as printed (HSR, HAS, EHs…), the table's primary key")
    canonical: str = Field(description="joins `entities.canonical`")
    name: str | None = Field(description="the entity's name")
    kind: AliasKind = Field(description="establishment, division or service")


class CardEntityRecord(_Record):
    """Each entity named in an « Entités concernées » cell."""

    code: str = Field(description=CODE)
    printed: str = Field(description="the entity as printed")
    canonical: str | None = Field(
        description="joins `entities.canonical`; null when unresolved (and a finding says so)"
    )
    kind: MentionEntityKind = Field(description="establishment, division, service, unit, or unresolved")
    rule: str = Field(description="how it was resolved")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)


class ListEntryRecord(_Record):
    """The rows of the « Liste des projets » tables."""

    list_heading: str = Field(description="the list's heading as printed")
    row_index: int = Field(ge=0, description="position of the row among all list rows")
    code: str | None = Field(
        description="canonical code of the card the row announces (by code and title, else by title alone, else by code alone); null if none"
    )
    code_printed: str | None = Field(description="the code as the row prints it; null for a row without one")
    code_printed_canonical: str | None = Field(
        description="the printed code's canonical form (differs from `code` where the list misprints or shifts codes)"
    )
    linked_by: LinkedBy = Field(description="how the row was tied to its card")
    title: str = Field(description="the title as the row prints it")
    section: str | None = Field(description="the row's section, where the list prints one")
    page: int = Field(ge=1, description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)


class FindingRecord(_Record):
    """Every data-quality issue the build found."""

    kind: FindingKind = Field(
        description="list_without_card, list_code_differs, list_title_differs, card_not_listed, total_mismatch, malformed_amount, reader_disagreement, unknown_label, unresolved_entity, stale_correction, unknown_correction_target, invalid_correction, page_decoration (text dropped as a watermark or stamp), page_unreadable, printed_pages_unread, verification_failed, code_repaired, low_confidence, unparseable_card, unparseable_list_row, duplicate_card (a card whose code an earlier card has: it and its rows are left out)"
    )
    code: str | None = Field(
        description="the card concerned (canonical); null when no card is (a list row without card)"
    )
    field: str | None = Field(description="the field concerned, where one is")
    page: int | None = Field(description=PAGE)
    page_label: str | None = Field(description=PAGE_LABEL)
    message: str = Field(description="what was found, in full (both titles where two differ)")


class CorrectionRecord(_Record):
    """Every row of the corrections file (data/corrections.csv) and what the build did with it."""

    line: int = Field(ge=2, description="the row's line in the corrections file (the header is line 1)")
    code: str = Field(description="the card the row corrects, canonical where it reads as a card code")
    field: str = Field(
        description="a field of `field_items` (an item correction) or a column of `cards` (a card value)"
    )
    item_index: int | None = Field(ge=0, description="`field_items.item_index` of the item; null for a card value")
    extracted: str = Field(description="the anchor: the item's text as extracted, or the card value as it was read")
    corrected: str = Field(description="the right text or value; empty: the item does not exist, or the value is null")
    reason: str = Field(description="why, as the reviewer wrote it")
    status: CorrectionStatus = Field(
        description="applied; stale (the anchor no longer matches what is read: not applied); unknown_target (no such card, field or item); invalid (not a value of the column, or the card would not be valid)"
    )
    current: str | None = Field(
        description="what the build read there before correcting: the item's text or the card value as text; null for an unknown target"
    )
    page: int | None = Field(ge=1, description="PDF page of the item, or the card's first page")
    page_label: str | None = Field(description=PAGE_LABEL)
    message: str | None = Field(description="why the row was not applied; null where it was")


class RejectedRecord(_Record):
    """Records that failed validation, never dropped."""

    table_name: str = Field(description="the table the record was meant for")
    code: str | None = Field(description="the card code of the record, where it has one")
    reason: str = Field(description="the validation error")
    record: str = Field(description="the record, as JSON")


# Tables in the order they are created: a table's foreign keys point to tables above it.
class RowShapeError(TypeError):
    """A row built with a column its table does not have, or without one it needs: a mistake in the code
    that builds it, raised where it is made rather than found later as a rejected row."""


def record_row(model: type[_Record], **values: object) -> dict:
    """A row of ``model``'s table, its values by column name: every name must be a column of the table and
    every column without a default named. The values themselves are checked when the rows are validated
    (a value the model refuses makes a ``rejected`` row, not an error)."""
    fields = model.model_fields
    unknown = sorted(values.keys() - fields.keys())
    missing = sorted(name for name, field in fields.items() if field.is_required() and name not in values)
    if unknown or missing:
        raise RowShapeError(f"{model.__name__}: unknown columns {unknown}, missing columns {missing}")
    return dict(values)


TABLES: dict[str, type[_Record]] = {
    "entities": EntityRecord,
    "entity_aliases": EntityAliasRecord,
    "owners": OwnerRecord,
    "people": PersonRecord,
    "cards": CardRecord,
    "field_items": FieldItemRecord,
    "budget_lines": BudgetLineRecord,
    "schedule_phases": SchedulePhaseRecord,
    "indicator_targets": IndicatorTargetRecord,
    "card_people": CardPersonRecord,
    "card_entities": CardEntityRecord,
    "list_entries": ListEntryRecord,
    "findings": FindingRecord,
    "corrections": CorrectionRecord,
    "rejected": RejectedRecord,
}

CARD_TABLES = (
    "field_items",
    "budget_lines",
    "schedule_phases",
    "indicator_targets",
    "card_people",
    "card_entities",
    "list_entries",
    "findings",
)

# Primary keys, and foreign keys as (table, column) -> (table, column).
PRIMARY_KEYS: dict[str, str] = {
    "entities": "canonical",
    "entity_aliases": "alias",
    "owners": "code",
    "people": "person_id",
    "cards": "code",
}
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("entity_aliases", "canonical"): ("entities", "canonical"),
    ("owners", "entity"): ("entities", "canonical"),
    ("cards", "owner"): ("owners", "code"),
    **{(table, "code"): ("cards", "code") for table in CARD_TABLES},
    ("card_people", "person_id"): ("people", "person_id"),
    ("card_entities", "canonical"): ("entities", "canonical"),
}


class Keys:
    """The dataset's key checks, row by row, tables in the order of ``TABLES``: a row may not repeat a primary
    key (a duplicate card code) nor name, by a foreign key, a row that was not kept (a record of a rejected
    card)."""

    def __init__(self) -> None:
        self._kept: dict[str, set[Any]] = defaultdict(set)

    def problem(self, table: str, row: Mapping[str, Any]) -> str | None:
        """Why ``row`` breaks a key, given the rows kept so far; None when it keeps them all."""
        primary = PRIMARY_KEYS.get(table)
        if primary and row[primary] in self._kept[table]:
            return f"duplicate {table}.{primary} {row[primary]}"
        missing = [
            f"{column} {row[column]} is not in {target}.{target_column}"
            for (source, column), (target, target_column) in FOREIGN_KEYS.items()
            if source == table and row[column] is not None and row[column] not in self._kept[target]
        ]
        return "; ".join(missing) or None

    def keep(self, table: str, row: Mapping[str, Any]) -> None:
        """Record a row written: its primary key is taken, and foreign keys may name it."""
        primary = PRIMARY_KEYS.get(table)
        if primary:
            self._kept[table].add(row[primary])
