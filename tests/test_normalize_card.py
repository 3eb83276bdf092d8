"""normalize_card: a card's printed items to their readings, each item read once, and load building on them."""

from __future__ import annotations

from decimal import Decimal

import pytest

import normalize.card
from extract.model import Box, Card, Extraction, Item, Row
from load.tables import extraction_to_rows
from normalize.card import Printed, normalize_card


def test_a_card_read_field_by_field():
    readings = normalize_card(
        "HMSRO M1-25",
        {
            "budget": [Printed("Équipement : 100 000 MAD", 4), Printed("Formation : 20 000 MAD", 4)],
            "schedule": [Printed("Action 1 : Février - Mai 2025", 5)],
            "indicators": [Printed("-", 4), Printed("Taux de satisfaction (90%)", 4)],
            "responsibles": [Printed("Pr Aidi Saadia / Chef DAMS", 4)],
            "entities": [Printed("DAF / Partenaires externes", 4)],
        },
        first_page=4,
    )
    assert readings.code == "HMSRO-M1-25"
    assert [line.value.amount_max for line in readings.budget_lines] == [Decimal(100000), Decimal(20000)]
    assert (readings.budget.amount_max, readings.budget.rule) == (Decimal(120000), "sum of lines")
    assert (readings.schedule.category, str(readings.schedule.end)) == ("dated", "2025-05-31")
    # a placeholder is not an item of the list fields: the target's item index counts the items that state one
    assert [(target.field, target.index, target.value.value) for target in readings.targets] == [
        ("indicators", 0, Decimal(90))
    ]
    assert [(mention.index, mention.value.kind) for mention in readings.mentions] == [(0, "person"), (0, "role")]
    assert [entity.value.kind for entity in readings.entities] == ["division", "unresolved"]
    assert [(found.kind, found.page) for found in readings.entity_findings] == [("unresolved_entity", 4)]
    assert readings.budget_findings == []


@pytest.mark.parametrize(
    ("budget", "category", "kinds"),
    [
        (["-"], "none", []),  # a lone dash is what makes the category « none »
        (["Non indiqué"], "not_stated", []),
        (["Achats : 60 000 MAD", "Total : 90 000 MAD"], "amount", ["total_mismatch"]),
        (["Achats : 90 000 MAD", "Total : 90 000 MAD"], "amount", []),
        (["7 240 0000 MAD"], "malformed", ["malformed_amount"]),
    ],
)
def test_budget_findings_point_at_the_first_page(budget, category, kinds):
    readings = normalize_card("FF 01", {"budget": [Printed(text, 7) for text in budget]}, first_page=3)
    assert readings.budget.category == category
    assert [(found.kind, found.code, found.field, found.page) for found in readings.budget_findings] == [
        (kind, "FF-01", "budget", 3) for kind in kinds
    ]


def item(text: str, page: int = 2, top: float = 100) -> Item:
    return Item(text, [Box(page, 50, top, 300, top + 10)])


def card(code: str, budget: list[str]) -> Card:
    rows = [
        Row(
            "Budget",
            "budget",
            [Box(2, 10, 100, 40, 110)],
            [item(text, top=100 + 12 * i) for i, text in enumerate(budget)],
        ),
        Row("Calendrier", "schedule", [Box(2, 10, 200, 40, 210)], [item("Juin 2025", top=200)]),
    ]
    return Card(
        code, f"Projet {code}", "II.1. Fonction Financière (FF)", "II.1", item(f"Sous Projet {code} : t"), None, rows
    )


def test_load_reads_each_budget_item_once(monkeypatch):
    """The cards, budget_lines and findings tables come from one reading of each Budget item."""
    texts = []

    def counted(text):
        texts.append(text)
        return parse(text)

    parse = normalize.card.parse_budget_line
    monkeypatch.setattr(normalize.card, "parse_budget_line", counted)
    extraction = Extraction("plan.pdf", 2, [card("FF 01", ["Achats : 60 000 MAD", "Total : 90 000 MAD"])], [], [])
    rows = extraction_to_rows(extraction)
    assert sorted(texts) == ["Achats : 60 000 MAD", "Total : 90 000 MAD"]
    assert rows["cards"][0]["budget_max_mad"] == Decimal(90000)
    assert [row["kind"] for row in rows["budget_lines"]] == ["amount", "total"]
    assert [row["kind"] for row in rows["findings"]] == ["total_mismatch"]
