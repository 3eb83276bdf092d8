"""People: cells split into mentions, titles and roles told apart, mentions grouped into persons.

The reference is data/golden/person_mentions.csv: every Responsable/Coordinateur/Partenaire cell of the
golden cards split into mentions by a person, each person mention given a key naming the human being.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.people import cluster_people, name_similarity, split_mentions

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "data/golden/person_mentions.csv"


def labelled_rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# (cell as printed, [(title, name, kind)])
FROM_THE_PLAN = [
    ("Pr Aidi Saadia, Pr Regragui", [("Pr", "Aidi Saadia", "person"), ("Pr", "Regragui", "person")]),
    ("Pr Etber - Pr Slaoui", [("Pr", "Etber", "person"), ("Pr", "Slaoui", "person")]),
    (
        "Chef SCOOP/Chef Service Néonatologie/Pr Amine BENKABBOU",
        [(None, None, "role"), (None, None, "role"), ("Pr", "Amine BENKABBOU", "person")],
    ),
    (
        "Pr Lalla Ouafa Cherkaoui/ Pr Abdellah Hassan",
        [("Pr", "Lalla Ouafa Cherkaoui", "person"), ("Pr", "Abdellah Hassan", "person")],
    ),
    ("PrKarboubi Lamya", [("Pr", "Karboubi Lamya", "person")]),
    (
        "Mmes. CHANTOR Btissam et BOUAMAR Salma",
        [("Mmes.", "CHANTOR Btissam", "person"), ("Mmes.", "BOUAMAR Salma", "person")],
    ),
    (
        "Pr Bouchra MEDDAH (SPC) / M Nejjar Taoufik (DIM)",
        [("Pr", "Bouchra MEDDAH", "person"), ("M", "Nejjar Taoufik", "person")],
    ),
    ("Dr Diani Safaa- Pr Marc", [("Dr", "Diani Safaa", "person"), ("Pr", "Marc", "person")]),
    ("BENTALEB AZIZ", [(None, "BENTALEB AZIZ", "person")]),
]
ROLES = [
    ("Chef DAMS", 1),
    ("Cheffe de la DSITS- DCHUIS", 1),
    ("Directeur de l'INO", 1),
    ("Equipe DRHDP", 1),
    ("Chef de service ORL/CCF", 1),
    ("SDA /DSI/DAAG", 3),
    ("CMDM Locaux", 1),
]


@pytest.mark.parametrize("cell, mentions", FROM_THE_PLAN)
def test_split_mentions(cell, mentions) -> None:
    assert [(m.title, m.name, m.kind) for m in split_mentions(cell)] == mentions


@pytest.mark.parametrize("cell, count", ROLES)
def test_roles_are_not_persons(cell, count) -> None:
    mentions = split_mentions(cell)
    assert len(mentions) == count and all(m.kind == "role" for m in mentions)


@pytest.mark.parametrize(
    "left, right",
    [
        ("Abdallah El Hassan", "Abdellah Elhassan"),
        ("Abdallah El Hassan", "Abdellah Hassan"),
        ("Naima ElHafidi", "Naima El Hafidi"),
        ("Regragui", "Regragui Wafa"),
        ("Bouchra MEDDAH", "Bouchra Meddah"),
        ("Ouanass Abderrazzak", "Abderrazak OUANASS"),
    ],
)
def test_same_person_spelt_otherwise(left, right) -> None:
    assert name_similarity(left, right) >= 90


@pytest.mark.parametrize(
    "left, right",
    [
        ("Mahraoui", "Zahraoui"),
        ("Kabbaj Hakima", "Kabbadj Najwa"),
        ("Amine BENKABBOU", "Amine Souadka"),
        ("Bouchra MEDDAH", "Bouchra Chkirate"),
    ],
)
def test_different_people_sharing_a_name(left, right) -> None:
    assert name_similarity(left, right) < 90


def test_every_labelled_cell_is_split_as_read() -> None:
    cells: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in labelled_rows():
        cells[(row["card"], row["field"], row["cell"])].append(row)
    differences = []
    for (card, field, cell), rows in cells.items():
        read = [(m.printed.strip(), m.kind, m.title or "", m.name or "") for m in split_mentions(cell)]
        typed = [(row["printed"], row["kind"], row["title"], row["name"]) for row in rows]
        if read != typed:
            differences.append(f"{card} {field}: {cell!r}\n  read  {read}\n  typed {typed}")
    assert len(cells) >= 350
    assert not differences, "\n".join(differences)


def pair_scores(threshold: float) -> tuple[float, float, int]:
    persons = [row for row in labelled_rows() if row["kind"] == "person"]
    names = [row["name"] for row in persons]
    cells = ["|".join((row["card"], row["field"], row["cell"])) for row in persons]
    registry, matches = cluster_people(names, threshold=threshold, cells=cells)
    true_positive = false_positive = false_negative = 0
    for left, right in itertools.combinations(range(len(persons)), 2):
        same_person = persons[left]["person_key"] == persons[right]["person_key"]
        same_cluster = matches[left].person_id == matches[right].person_id
        true_positive += same_person and same_cluster
        false_positive += same_cluster and not same_person
        false_negative += same_person and not same_cluster
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    return precision, recall, len(registry)


def test_person_clustering_precision_and_recall() -> None:
    for threshold in (80, 85, 90, 95):
        precision, recall, people = pair_scores(threshold)
        print(f"threshold {threshold}: precision {precision:.4f} recall {recall:.4f} people {people}")
    precision, recall, people = pair_scores(90)
    labelled_people = {row["person_key"] for row in labelled_rows() if row["kind"] == "person"}
    print(
        f"default 90: precision {precision:.4f} recall {recall:.4f}, {people} people for {len(labelled_people)} labelled"
    )
    assert precision >= 0.98 and recall >= 0.95


def test_ids_are_stable() -> None:
    names = ["Bouchra MEDDAH", "Bouchra Meddah", "Regragui Wafa", "Regragui"]
    first, _ = cluster_people(names)
    second, _ = cluster_people(list(reversed(names)))
    assert set(first) == set(second)


@given(st.text())
def test_never_raises(text: str) -> None:
    for mention in split_mentions(text):
        assert mention.kind in ("person", "role")
