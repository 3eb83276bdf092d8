"""Indicator texts to targets: real examples from the plan, grouped by where they come from, then the golden set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.targets import parse_targets

D = Decimal

# (item, [(value, min, max, unit, comparator, year)])
IN_PARENTHESES = [
    ("Nombre de patients pris en charge (3000 en 2025)", [(D(3000), None, None, None, "=", 2025)]),
    ("Comité de pilotage constitué (100%)", [(D(100), None, None, "%", "=", None)]),
    ("Nombre d'actes d'endoscopie réalisés (600 à 800)", [(None, D(600), D(800), None, "=", None)]),
    ("Nombre de patients opérés (> 150 en 2025)", [(D(150), None, None, None, ">", 2025)]),
    ("Pourcentage de personnel formé (≥80 %)", [(D(80), None, None, "%", ">=", None)]),
    ("Nombre de programmes / projets identifiés (2 à 5 projets / EH)", [(None, D(2), D(5), "projets/EH", "=", None)]),
    ("Nombre de tests Hg, Na+, K+ (7 000)", [(D(7000), None, None, None, "=", None)]),
    ("Nombre de TB élaboré et mis en place (3TB).", [(D(3), None, None, "TB", "=", None)]),
    ("Réduction du nombre de recours reçues (objectif : -20% sur un an).", [(D(-20), None, None, "%", "=", None)]),
    (
        "Pourcentage de variation de médicaments remboursables par rapport à N-1 (40%).",
        [(D(40), None, None, "%", "=", None)],
    ),
]
AFTER_A_COLON = [
    ("Nombre de patients pris en charge: 200", [(D(200), None, None, None, "=", None)]),
    ("Test au baclofène : 5 à 8/an", [(None, D(5), D(8), "/an", "=", None)]),
    ("Total : 600 patients / an", [(D(600), None, None, "patients/an", "=", None)]),
    ("Nombre de séances de VNI :2400", [(D(2400), None, None, None, "=", None)]),
]
QUANTITY_ITEMS = [
    ("7 actes / an", [(D(7), None, None, "actes/an", "=", None)]),
    ("5 enfants/ an", [(D(5), None, None, "enfants/an", "=", None)]),
    ("100 %", [(D(100), None, None, "%", "=", None)]),
    ("Plus de 5 000 passagers", [(D(5000), None, None, "passagers", ">", None)]),
    ("Au moins 90 % des produits nécessaires sont disponibles", [(D(90), None, None, "%", ">=", None)]),
    ("90 patients dont 30 en hospitalier et 60 en ambulatoire", [(D(90), None, None, "patients", "=", None)]),
    ("Nombre d'actes opératoires 100", [(D(100), None, None, None, "=", None)]),
    ("Augmenter le nombre de consultations de 75 % par rapport à 2024", [(D(75), None, None, "%", "=", None)]),
]
NOT_TARGETS = [
    ("Nombre d'années liquidées (2023 et antérieures).", []),
    ("Taux de réalisation du plan de formation CHUIS 2025.", []),
    ("Cartographie des zones 3 et 4 établies au niveau des Ehs sites pilotes;", []),
    ("Nombre d'essais cliniques internationaux", []),
]


@pytest.mark.parametrize("text, targets", IN_PARENTHESES + AFTER_A_COLON + QUANTITY_ITEMS + NOT_TARGETS)
def test_parse_targets(text, targets) -> None:
    readings = parse_targets(text)
    assert [(t.value, t.min, t.max, t.unit, t.comparator, t.year) for t in readings] == targets
    assert all(reading.text == text and reading.rule for reading in readings)


@pytest.mark.xfail(strict=True, reason="numbers written in words are not read")
def test_number_in_words() -> None:
    assert parse_targets("Recruter deux chirurgiens")[0].value == D(2)


def test_every_golden_target_is_read_as_typed_by_hand(golden_cards) -> None:
    differences = []
    for card in golden_cards:
        items = card.items_of("indicateurs") + card.items_of("valeurs")
        read = [
            (t.text, t.value, t.min, t.max, t.unit, t.comparator, t.year) for item in items for t in parse_targets(item)
        ]
        typed = [(t.text, t.value, t.min, t.max, t.unit, t.comparator, t.year) for t in card.expected.indicator_targets]
        if read != typed:
            differences.append(f"{card.code}: read {read}\n  typed {typed}")
    assert not differences, "\n".join(differences)


@given(st.text())
def test_never_raises(text: str) -> None:
    for reading in parse_targets(text):
        assert (reading.value is None) != (reading.min is None)
