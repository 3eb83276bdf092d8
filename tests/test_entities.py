"""Entities: « Entités concernées » cells split and resolved against the plan's own names, the rest reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.entities import aliases, resolve_entity, split_entities
from normalize.reference import glossary

# (cell as printed, [(canonical, kind)])
FROM_THE_PLAN = [
    (
        "DAF/DCHUIS / EH / SCG",
        [("DAF", "division"), ("DCHUIS", "establishment"), ("EH", "establishment"), ("SCG", "service")],
    ),
    ("DRHDP / EHS", [("DRHDP", "division"), ("EH", "establishment")]),
    ("SAJS / S.COOP", [("SAJC", "service"), ("SCOOP", "service")]),
    ("Neurologie B et Neurologie A", [("Neurologie B", "unit"), ("Neurologie A", "unit")]),
    ("Services de Neurologie A et B", [("Services de Neurologie A", "unit"), ("Services de Neurologie B", "unit")]),
    ("Pharmacie, Hôpital des spécialités", [("Pharmacie", "unit"), ("HS", "establishment")]),
    (
        "SIT-SBA - DIM / Sce technique HMS",
        [("SIT", "service"), ("SBA", "service"), ("DIM", "division"), ("Sce technique HMS", "unit")],
    ),
    (
        "Unité de communication (HMSRO/CCTD)",
        [("Unité de communication", "unit"), ("HMSRO", "establishment"), ("CCTD", "establishment")],
    ),
    ("P1", [("P1", "unit")]),
    ("L'Institut National d'Oncologie/DCHUIS.", [("INO", "establishment"), ("DCHUIS", "establishment")]),
]


@pytest.mark.parametrize("cell, entities", FROM_THE_PLAN)
def test_split_entities(cell, entities) -> None:
    assert [(e.canonical, e.kind) for e in split_entities(cell)] == entities


@pytest.mark.parametrize(
    "alias, canonical", [("HSR", "HS"), ("HER", "HE"), ("HAR", "HAR"), ("HAS", "HAR"), ("HAY", "HAA"), ("HEY", "HAA")]
)
def test_establishment_spellings(alias, canonical) -> None:
    reading = resolve_entity(alias)
    assert (reading.canonical, reading.kind) == (canonical, "establishment")


def test_unknown_entities_are_reported_not_guessed() -> None:
    readings = split_entities("DERS / FMP / FMD / EH /AMCI")
    assert [(e.printed, e.kind) for e in readings if e.kind == "unresolved"] == [
        ("FMP", "unresolved"),
        ("FMD", "unresolved"),
        ("AMCI", "unresolved"),
    ]


def test_every_alias_names_a_glossary_entry_or_a_plan_spelling() -> None:
    for alias, row in aliases().items():
        assert row["kind"] in ("establishment", "division", "service")
        if row["canonical"] in glossary() and row["canonical"] not in ("HAS",):
            assert row["name"] in glossary()[row["canonical"]], alias


def test_every_golden_entity_is_resolved_or_reported(golden_cards) -> None:
    kinds: dict[str, int] = {}
    unresolved = []
    for card in golden_cards:
        for item in card.items_of("entit") + card.items_of("services concern") + card.items_of("structure"):
            readings = split_entities(item)
            assert readings, (card.code, item)
            for reading in readings:
                kinds[reading.kind] = kinds.get(reading.kind, 0) + 1
                assert reading.printed.strip() and reading.rule
                assert (reading.kind == "unresolved") == (reading.canonical is None)
                if reading.kind == "unresolved":
                    unresolved.append(f"{card.code}: {reading.printed}")
    print(kinds, "\n".join(unresolved), sep="\n")
    assert sum(kinds.values()) >= 400
    assert kinds.get("unresolved", 0) / sum(kinds.values()) < 0.05


@given(st.text())
def test_never_raises(text: str) -> None:
    for reading in split_entities(text):
        assert reading.kind in ("establishment", "division", "service", "unit", "unresolved")
