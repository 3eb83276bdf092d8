"""Calendrier texts to dates: real examples from the plan, grouped by where they come from, then the golden set."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.dates import card_schedule, parse_schedule_item

d = dt.date

CARD_RANGES = [  # a card's whole Calendrier in one item
    ("1 janvier - 31 décembre 2025", None, d(2025, 1, 1), d(2025, 12, 31)),
    ("1 Janvier - 31 Decembre 2025", None, d(2025, 1, 1), d(2025, 12, 31)),
    ("Janvier 2025- décembre 2025", None, d(2025, 1, 1), d(2025, 12, 31)),
    ("Janvier - 31 décembre 2025", None, d(2025, 1, 1), d(2025, 12, 31)),
    ("2025-2027", None, d(2025, 1, 1), d(2027, 12, 31)),
    ("2025", None, d(2025, 1, 1), d(2025, 12, 31)),
    ("01/01/2025 au 31/12/2026.", None, d(2025, 1, 1), d(2026, 12, 31)),
    ("Du 1er Janvier au 31 décembre 2025", None, d(2025, 1, 1), d(2025, 12, 31)),
    ("Mars – juillet 2025", None, d(2025, 3, 1), d(2025, 7, 31)),
    ("26 Juin 2023 - 31 Décembre 2025", None, d(2023, 6, 26), d(2025, 12, 31)),
    ("1 janvier - 30 juin 2025", None, d(2025, 1, 1), d(2025, 6, 30)),
    ("1er janvier2025- décembre2026", None, d(2025, 1, 1), d(2026, 12, 31)),
    ("31janvier-31décembre2025", None, d(2025, 1, 31), d(2025, 12, 31)),
    ("1 janvier 2025- 31 décembre -2027", None, d(2025, 1, 1), d(2027, 12, 31)),
]
PHASES = [  # items « Libellé : période »
    ("Action 1 : Février - Mai 2025", "Action 1", d(2025, 2, 1), d(2025, 5, 31)),
    ("Procédure d'achat : janvier 2025", "Procédure d'achat", d(2025, 1, 1), d(2025, 1, 31)),
    ("Procédures médicales : février 2025", "Procédures médicales", d(2025, 2, 1), d(2025, 2, 28)),
    ("Action n°2: Juillet – Septembre 2025", "Action n°2", d(2025, 7, 1), d(2025, 9, 30)),
]
CONDITIONAL = [
    ("Dès l'acquisition de l'appareil", None, None, None),
    ("Action 5: Début du marché de sous-traitance de l'activité du nettoyage", "Action 5", None, None),
]


@pytest.mark.parametrize("text, label, start, end", CARD_RANGES + PHASES + CONDITIONAL)
def test_parse_schedule_item(text, label, start, end) -> None:
    reading = parse_schedule_item(text)
    assert (reading.label, reading.start, reading.end) == (label, start, end)
    assert reading.text == text and reading.rule


@pytest.mark.xfail(strict=True, reason="quarters and semesters are not read yet")
def test_quarter() -> None:
    assert parse_schedule_item("1er trimestre 2025").end == d(2025, 3, 31)


def test_card_spans_its_phases() -> None:
    phases = [parse_schedule_item(text) for text in ("Action 1: Janvier 2025", "Action 2 : Mars - Septembre 2025")]
    schedule = card_schedule(phases)
    assert (schedule.start, schedule.end, schedule.category) == (d(2025, 1, 1), d(2025, 9, 30), "dated")
    assert card_schedule([parse_schedule_item("Dès l'acquisition de l'appareil")]).category == "conditional"
    assert card_schedule([]).category == "none"


def test_every_golden_schedule_is_read_as_typed_by_hand(golden_cards) -> None:
    differences = []
    for card in golden_cards:
        readings = [parse_schedule_item(phase.text) for phase in card.expected.schedule_phases]
        for reading, phase in zip(readings, card.expected.schedule_phases):
            if (reading.label, reading.start, reading.end) != (phase.label, phase.start_date, phase.end_date):
                differences.append(f"{card.code}: {phase.text!r} read {reading}")
        schedule = card_schedule(readings)
        expected = card.expected
        if (schedule.start, schedule.end, schedule.category) != (
            expected.start_date,
            expected.end_date,
            expected.schedule_category,
        ):
            differences.append(f"{card.code}: card schedule {schedule}")
    assert not differences, "\n".join(differences)


@given(st.text())
def test_never_raises(text: str) -> None:
    reading = parse_schedule_item(text)
    assert (reading.start is None) == (reading.end is None)
    assert reading.start is None or reading.start <= reading.end
