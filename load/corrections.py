"""Corrections that survive rebuilds: ``data/corrections.csv``, read and checked before the build, applied to
the extraction before normalization (so a corrected item flows into amounts, dates, people and entities), and
to the cards' values after it.

The file: UTF-8, a header row ``code,field,item_index,extracted,corrected,reason``, one correction a row.

- An item correction names an item as ``field_items`` does (``code``, ``field``, ``item_index``); ``extracted``
  is its text as the extractor reads it, the anchor; ``corrected`` the right text, empty when the item does not
  exist.
- A card-value override leaves ``item_index`` empty and names a column of ``cards`` in ``field``
  (``budget_min_mad``, ``end_date``, ``title``…); ``extracted`` is the column's current value as text, and
  ``corrected`` its right value (empty: null).

Every row ends in the ``corrections`` table with a status: ``applied``; ``stale`` when the anchor no longer
matches what is extracted (not applied, and a ``stale_correction`` finding); ``unknown_target`` when no such
card, field or item exists (and an ``unknown_correction_target`` finding); ``invalid`` when the corrected card
value is not a value of its column (and an ``invalid_correction`` finding). A file that cannot be read as
corrections (wrong columns, not UTF-8, duplicate keys, an item index that is not a number) stops the build
with one line naming the line of the file.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import typing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError

from extract.errors import PlanToDataError
from extract.model import Card, Extraction, Finding, Item
from load.printed import PrintedPages
from normalize.codes import canonical_code
from schemas.records import CardRecord, CorrectionRecord, record_row

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = ROOT / "data/corrections.csv"
COLUMNS = ("code", "field", "item_index", "extracted", "corrected", "reason")
# Items that stand for the card itself: corrected through the card's own columns (title, section).
CARD_ITEMS = {"header": "title", "section": "section"}
# Columns of `cards` that an override cannot set: the key and the owner read from it, and the lists built
# from the items.
NOT_OVERRIDABLE = {"code", "owner"} | {
    name for name, field in CardRecord.model_fields.items() if typing.get_origin(field.annotation) is list
}
DELETED = "deleted"  # field_items.flag of an item a correction says does not exist


class CorrectionsError(PlanToDataError):
    """The corrections file cannot be read as corrections."""


@dataclass(frozen=True)
class Correction:
    line: int  # the row's first line in the file (the header is line 1)
    code: str  # canonical where it reads as a card code, else as written
    field: str
    item_index: int | None  # None: a card-value override
    extracted: str
    corrected: str
    reason: str

    @property
    def key(self) -> tuple[str, str, int | None]:
        return (self.code, self.field, self.item_index)


@dataclass
class CorrectedItem(Item):
    """An item whose text a correction replaced; ``text`` is the corrected text (empty: the item does not
    exist), ``extracted`` what the extractor read."""

    extracted: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the build did with one correction."""

    correction: Correction
    status: str  # applied, stale, unknown_target or invalid
    current: str | None  # what is read there now: the item's text or the card's value as text
    page: int | None
    message: str | None


def is_deleted(item: Item) -> bool:
    return isinstance(item, CorrectedItem) and item.text == ""


def is_corrected(item: Item) -> bool:
    return isinstance(item, CorrectedItem)


def extracted_text(item: Item) -> str:
    return item.extracted if isinstance(item, CorrectedItem) else item.text


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- reading ------------------------------------------------------------------------------------------------


def read_corrections(path: Path | None) -> list[Correction]:
    """The corrections of ``path``; none if it is None or does not exist. Raises CorrectionsError naming the
    line for a file that is not a corrections file."""
    if path is None or not path.exists():
        return []
    if not path.is_file():
        raise CorrectionsError(f"{path}: is a folder, not a corrections file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write, is allowed
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorrectionsError(
            f"{path} line {line}: not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return []
    if tuple(name.strip() for name in header) != COLUMNS:
        raise CorrectionsError(f"{path} line 1: columns are {','.join(header)}; expected {','.join(COLUMNS)}")
    corrections: list[Correction] = []
    first_line_of: dict[tuple, int] = {}
    line = reader.line_num + 1
    for values in reader:
        start, line = line, reader.line_num + 1
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(COLUMNS):
            raise CorrectionsError(
                f"{path} line {start}: {len(values)} values; expected {len(COLUMNS)} ({','.join(COLUMNS)})"
            )
        row = dict(zip(COLUMNS, values))
        correction = parse_row(path, start, row)
        if correction.key in first_line_of:
            raise CorrectionsError(
                f"{path} line {start}: duplicate of line {first_line_of[correction.key]} "
                f"(same code {correction.code}, field {correction.field}, item_index {'' if correction.item_index is None else correction.item_index})"
            )
        first_line_of[correction.key] = start
        corrections.append(correction)
    return corrections


def parse_row(path: Path, line: int, row: dict[str, str]) -> Correction:
    code, field, index = row["code"].strip(), row["field"].strip(), row["item_index"].strip()
    if not code or not field:
        raise CorrectionsError(f"{path} line {line}: code and field are required")
    try:
        code = canonical_code(code)
    except ValueError:
        pass  # not a card code: an unknown target, reported as such
    if index and not re.fullmatch(r"[0-9]+", index):
        raise CorrectionsError(
            f"{path} line {line}: item_index {index!r} is not a whole number (empty for a card value)"
        )
    item_index = int(index) if index else None
    return Correction(
        line, code, field, item_index, one_line(row["extracted"]), one_line(row["corrected"]), row["reason"].strip()
    )


# --- items, before normalization ----------------------------------------------------------------------------


def correct_extraction(extraction: Extraction, corrections: list[Correction]) -> tuple[Extraction, list[Outcome]]:
    """The extraction with every item correction whose anchor matches applied (the cards are copies; the
    extraction given is not changed), and what became of each item correction."""
    item_corrections = [correction for correction in corrections if correction.item_index is not None]
    by_code: dict[str, list[Correction]] = {}
    for correction in item_corrections:
        by_code.setdefault(correction.code, []).append(correction)
    outcomes: list[Outcome] = []
    cards = []
    for card in extraction.cards:
        try:
            code = canonical_code(card.code)
        except ValueError:  # no card code: the load step rejects the card with a finding; nothing to correct
            cards.append(card)
            continue
        card, found = correct_card(card, code, by_code.pop(code, []))
        cards.append(card)
        outcomes += found
    for code, unclaimed in by_code.items():
        outcomes += [Outcome(correction, "unknown_target", None, None, f"no card {code}") for correction in unclaimed]
    outcomes.sort(key=lambda outcome: outcome.correction.line)
    return dataclasses.replace(extraction, cards=cards), outcomes


def correct_card(card: Card, code: str, corrections: list[Correction]) -> tuple[Card, list[Outcome]]:
    if not corrections:
        return card, []
    wanted = {(correction.field, correction.item_index): correction for correction in corrections}
    outcomes = []
    rows = []
    for row in card.rows:
        items = []
        for index, item in enumerate(row.items):
            correction = wanted.pop((row.field or "unknown", index), None)
            if correction is None:
                items.append(item)
            elif one_line(item.text) != correction.extracted:
                items.append(item)
                outcomes.append(
                    Outcome(
                        correction,
                        "stale",
                        item.text,
                        item.page,
                        f"{code} {correction.field} item {index} now reads « {item.text} », not « {correction.extracted} »; not applied",
                    )
                )
            else:
                fixed = CorrectedItem(
                    text=correction.corrected,
                    boxes=item.boxes,
                    reader=item.reader,
                    flag=DELETED if correction.corrected == "" else item.flag,
                    ocr_confidence=item.ocr_confidence,
                    extracted=item.text,
                    reason=correction.reason,
                )
                items.append(fixed)
                outcomes.append(Outcome(correction, "applied", item.text, item.page, None))
        rows.append(dataclasses.replace(row, items=items))
    for (field, index), correction in wanted.items():
        if field in CARD_ITEMS:
            message = f"{code} {field}: correct the card's {CARD_ITEMS[field]} instead (field {CARD_ITEMS[field]}, item_index empty)"
        else:
            count = sum(len(row.items) for row in card.rows if (row.field or "unknown") == field)
            message = f"{code} has no {field} item {index} ({count} {field} items)"
        outcomes.append(Outcome(correction, "unknown_target", None, card.pages[0], message))
    return dataclasses.replace(card, rows=rows), outcomes


# --- card values, after normalization -----------------------------------------------------------------------


def value_text(value) -> str:
    """A card value as the corrections file writes it: empty for null, dates ISO, amounts with two decimals."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def column_value(column: str, text: str):
    """``text`` as a value of ``cards.column``; empty is null. Raises ValueError if it is not one."""
    if text == "":
        return None
    annotation = typing.get_args(CardRecord.model_fields[column].annotation) or (
        CardRecord.model_fields[column].annotation,
    )
    kinds = [kind for kind in annotation if kind is not type(None)]
    kind = kinds[0] if kinds else str
    if kind is Decimal:
        try:
            return Decimal(text.replace(" ", "").replace("\u202f", "").replace("\xa0", ""))
        except InvalidOperation:
            raise ValueError(f"« {text} » is not an amount") from None
    if kind is dt.date:
        return dt.date.fromisoformat(text)
    if kind is int:
        return int(text)
    return text


def same_value(column: str, current, text: str) -> bool:
    if value_text(current) == text:
        return True
    try:
        return current is not None and column_value(column, text) == current
    except ValueError:
        return False


def override_cards(cards: list[dict], corrections: list[Correction]) -> tuple[list[dict], list[Outcome]]:
    """The card rows with every card-value override whose anchor matches applied (new rows; those given are
    not changed), and what became of each override. A card the overrides would make invalid keeps its values
    and its overrides are ``invalid``."""
    overrides = [correction for correction in corrections if correction.item_index is None]
    by_code: dict[str, list[Correction]] = {}
    for correction in overrides:
        by_code.setdefault(correction.code, []).append(correction)
    outcomes: list[Outcome] = []
    rows = []
    for card in cards:
        row, found = override_card(card, by_code.pop(card["code"], []))
        rows.append(row)
        outcomes += found
    for code, unclaimed in by_code.items():
        outcomes += [Outcome(correction, "unknown_target", None, None, f"no card {code}") for correction in unclaimed]
    return rows, outcomes


def override_card(card: dict, corrections: list[Correction]) -> tuple[dict, list[Outcome]]:
    row = dict(card)
    page = card["page_first"]
    outcomes, applied = [], []
    for correction in corrections:
        column = correction.field
        if column not in card or column in NOT_OVERRIDABLE:
            why = (
                "read from the card's code"
                if column in ("code", "owner")
                else "a list: correct its items (item_index)"
                if column in card
                else "not a column of cards"
            )
            outcomes.append(Outcome(correction, "unknown_target", None, page, f"{card['code']} {column}: {why}"))
            continue
        current = value_text(card[column])
        if not same_value(column, card[column], correction.extracted):
            outcomes.append(
                Outcome(
                    correction,
                    "stale",
                    current,
                    page,
                    f"{card['code']} {column} is now « {current} », not « {correction.extracted} »; not applied",
                )
            )
            continue
        try:
            row[column] = column_value(column, correction.corrected)
        except ValueError as error:
            outcomes.append(
                Outcome(correction, "invalid", current, page, f"{card['code']} {column}: {error}; not applied")
            )
            continue
        applied.append(Outcome(correction, "applied", current, page, None))
    if applied:
        try:
            CardRecord.model_validate(row)
        except ValidationError as error:
            reason = "; ".join(e["msg"] for e in error.errors())
            invalid = [
                dataclasses.replace(
                    outcome,
                    status="invalid",
                    message=f"{card['code']}: the corrected card is not valid ({reason}); not applied",
                )
                for outcome in applied
            ]
            return card, sorted(outcomes + invalid, key=lambda outcome: outcome.correction.line)
    return row, sorted(outcomes + applied, key=lambda outcome: outcome.correction.line)


# --- the corrections table and its findings ------------------------------------------------------------------

FINDING_KINDS = {
    "stale": "stale_correction",
    "unknown_target": "unknown_correction_target",
    "invalid": "invalid_correction",
}


def correction_rows(outcomes: list[Outcome], printed: PrintedPages) -> list[dict]:
    return [
        record_row(
            CorrectionRecord,
            line=outcome.correction.line,
            code=outcome.correction.code,
            field=outcome.correction.field,
            item_index=outcome.correction.item_index,
            extracted=outcome.correction.extracted,
            corrected=outcome.correction.corrected,
            reason=outcome.correction.reason,
            status=outcome.status,
            current=outcome.current,
            page=outcome.page,
            page_label=printed.label(outcome.page),
            message=outcome.message,
        )
        for outcome in sorted(outcomes, key=lambda outcome: outcome.correction.line)
    ]


def correction_findings(outcomes: list[Outcome], codes: set[str]) -> list[Finding]:
    """A finding for every correction not applied."""
    return [
        Finding(
            kind=FINDING_KINDS[outcome.status],
            code=outcome.correction.code if outcome.correction.code in codes else None,
            field=outcome.correction.field,
            page=outcome.page,
            message=f"corrections line {outcome.correction.line}: {outcome.message}",
        )
        for outcome in sorted(outcomes, key=lambda outcome: outcome.correction.line)
        if outcome.status in FINDING_KINDS
    ]
