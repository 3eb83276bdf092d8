"""One card's printed items to what they read as, each item read once: the step between the extraction's cards
and the dataset's rows (``load/`` adds the page numbers as printed, validates and writes).

    >>> readings = normalize_card("FF 01", {"budget": [Printed("Achats : 60 000 MAD", 3), Printed("Total : 90 000 MAD", 3)]}, 3)
    >>> readings.code, readings.budget.amount_max, readings.budget.rule
    ('FF-01', Decimal('90000'), 'printed total')
    >>> [finding.message for finding in readings.budget_findings]
    ['FF-01: Total 90000 but lines sum to 60000']

The items are any objects with a ``text`` and a ``page`` (the extraction's items are), by field name. A Budget
or Calendrier cell is read with its placeholders (a lone « - » is what makes its category « none »); the other
fields without them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from normalize.amounts import BudgetReading, CardBudget, card_budget, parse_budget_line, total_and_parts
from normalize.codes import canonical_code
from normalize.dates import CardSchedule, SchedulePhaseReading, card_schedule, parse_schedule_item
from normalize.entities import EntityReading, split_entities
from normalize.people import Mention, split_mentions
from normalize.targets import TargetReading, parse_targets
from schemas.findings import Finding

# A cell that prints only a dash, or nothing, states no value.
PLACEHOLDERS = {"", "-", "–", "—"}
TARGET_FIELDS = ("indicators", "values")
PEOPLE_FIELDS = ("responsibles", "coordinators")

R = TypeVar("R")


class PrintedItem(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def page(self) -> int: ...


@dataclass(frozen=True)
class Printed:
    """An item as printed, where no extracted item is at hand."""

    text: str
    page: int


@dataclass(frozen=True)
class Reading(Generic[R]):
    """What one printed item (the ``index``-th of its field) reads as; an item may read as several values."""

    field: str
    index: int
    item: PrintedItem
    value: R


@dataclass(frozen=True)
class CardReadings:
    code: str  # canonical
    budget_lines: list[Reading[BudgetReading]]
    budget: CardBudget
    schedule_phases: list[Reading[SchedulePhaseReading]]
    schedule: CardSchedule
    targets: list[Reading[TargetReading]]
    mentions: list[Reading[Mention]]
    entities: list[Reading[EntityReading]]
    budget_findings: list[Finding]  # malformed amounts, a Total that is not the sum of the lines
    entity_findings: list[Finding]  # entities no rule resolves


def is_placeholder(text: str) -> bool:
    return text.strip() in PLACEHOLDERS


def normalize_card(code_printed: str, items: Mapping[str, Sequence[PrintedItem]], first_page: int) -> CardReadings:
    """Read every item of a card once. ``items``: each field's items in printed order, placeholders included;
    ``first_page``: the card's first page, where its budget findings point."""
    code = canonical_code(code_printed)

    def values(name: str) -> list[PrintedItem]:
        return [item for item in items.get(name, []) if not is_placeholder(item.text)]

    budget_lines = [
        Reading("budget", i, item, parse_budget_line(item.text)) for i, item in enumerate(items.get("budget", []))
    ]
    schedule_phases = [
        Reading("schedule", i, item, parse_schedule_item(item.text)) for i, item in enumerate(items.get("schedule", []))
    ]
    targets = [
        Reading(name, i, item, target)
        for name in TARGET_FIELDS
        for i, item in enumerate(values(name))
        for target in parse_targets(item.text)
    ]
    mentions = [
        Reading(name, i, item, mention)
        for name in PEOPLE_FIELDS
        for i, item in enumerate(values(name))
        for mention in split_mentions(item.text)
    ]
    entities = [
        Reading("entities", i, item, entity)
        for i, item in enumerate(values("entities"))
        for entity in split_entities(item.text)
    ]
    budget_readings = [reading.value for reading in budget_lines]
    budget_findings = [
        Finding("malformed_amount", code, "budget", first_page, f"{code}: {warning}")
        for reading in budget_readings
        for warning in reading.warnings
    ]
    totals, parts = total_and_parts(budget_readings)
    if totals and parts:
        summed = sum(reading.amount_min for reading in parts)
        if summed != totals[-1].amount_min:
            message = f"{code}: Total {totals[-1].amount_min} but lines sum to {summed}"
            budget_findings.append(Finding("total_mismatch", code, "budget", first_page, message))
    entity_findings = [
        Finding(
            "unresolved_entity",
            code,
            "entities",
            reading.item.page,
            f"{code}: entity « {reading.value.printed} » not found in the glossary or the plan's names",
        )
        for reading in entities
        if reading.value.kind == "unresolved"
    ]
    return CardReadings(
        code=code,
        budget_lines=budget_lines,
        budget=card_budget(budget_readings),
        schedule_phases=schedule_phases,
        schedule=card_schedule([reading.value for reading in schedule_phases]),
        targets=targets,
        mentions=mentions,
        entities=entities,
        budget_findings=budget_findings,
        entity_findings=entity_findings,
    )
