"""Corrections that survive rebuilds (data/corrections.csv): read and checked, applied before normalization so
that a corrected item changes amounts, dates, people and entities; card values overridden; every row of the
file in the `corrections` table with its status; a stale anchor reported, never applied; a bad file refused
in one line, the previous dataset kept. Anchors and expected values come from the golden set."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import run_load

from extract.model import Box, Card, Extraction, Item, Row
from load import build as build_module
from load.corrections import COLUMNS, CorrectionsError, correct_extraction, read_corrections
from schemas.golden import load_card

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
GOLDEN = ROOT / "data/golden/cards"


def golden(code: str):
    return load_card(GOLDEN / f"{code}.json")


def golden_items(code: str, label: str) -> list[str]:
    return next(row.items for row in golden(code).rows if row.label == label)


def write_corrections(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def correction(
    code: str,
    field: str,
    item_index: int | None,
    extracted: str,
    corrected: str,
    reason: str = "checked against the PDF",
) -> dict:
    return {
        "code": code,
        "field": field,
        "item_index": "" if item_index is None else item_index,
        "extracted": extracted,
        "corrected": corrected,
        "reason": reason,
    }


HS_M1 = "HS-M1-25"
BUDGET_M1 = golden_items(HS_M1, "Budget")[0]  # « Maintenance : 700 000 MAD (contrats déjà établis) »
CORRECTED_BUDGET_M1 = BUDGET_M1.replace("700 000", "750 000")
SCHEDULE_M1 = golden_items(HS_M1, "Calendrier")[0]  # « 1 janvier - 31 décembre 2025 »
RESPONSIBLE_M1 = golden_items(HS_M1, "Responsable")[0]
COORDINATOR_M1 = golden_items(HS_M1, "Coordinateur")[0]
ENTITY_M1 = golden_items(HS_M1, "Entités concernées")[0]
ACTIONS_M1 = golden_items(HS_M1, "Actions")
STALE_ANCHOR = golden_items("HS-M2-25", "Budget")[0].replace("100 000", "200 000")
HS_M3 = golden("HS-M3-25").expected
HS_M4 = golden("HS-M4-25")

CORRECTIONS = [
    correction(HS_M1, "budget", 0, BUDGET_M1, CORRECTED_BUDGET_M1, "the amount was misprinted"),  # line 2
    correction(HS_M1, "schedule", 0, SCHEDULE_M1, "1 mars - 30 septembre 2025"),  # line 3
    correction(HS_M1, "responsibles", 0, RESPONSIBLE_M1, COORDINATOR_M1),  # line 4
    correction(HS_M1, "entities", 0, ENTITY_M1, "Ophtalmologie A"),  # line 5
    correction(HS_M1, "actions", 2, ACTIONS_M1[2], "", "not an action of this project"),  # line 6
    correction("HS-M2-25", "budget", 0, STALE_ANCHOR, "Maintenance : 1 MAD"),  # line 7
    correction("HS-M3-25", "budget_min_mad", None, f"{HS_M3.budget_min_mad:.2f}", "400000.00"),  # line 8
    correction(
        "HS-M3-25", "budget_max_mad", None, str(HS_M3.budget_max_mad), "400 000"
    ),  # line 9: anchor without decimals
    # line 10: anchored on the value once line 14 dropped a budget line; a minimum above the maximum
    correction(
        "HS-M4-25",
        "budget_min_mad",
        None,
        str(HS_M4.expected.budget_lines[0].amount_min_mad),
        str(HS_M4.expected.budget_lines[0].amount_max_mad + 1),
    ),
    correction("NOPE-99", "actions", 0, "anything", "something"),  # line 11
    correction(HS_M1, "actions", len(ACTIONS_M1) + 4, "anything", "something"),  # line 12
    correction(HS_M1, "responsibles", None, "anything", "something"),  # line 13
    correction("HS-M4-25", "budget", 1, golden_items("HS-M4-25", "Budget")[1], ""),  # line 14
]


@pytest.fixture(scope="module")
def corrected(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("corrected")
    corrections = write_corrections(folder / "corrections.csv", CORRECTIONS)
    out = folder / "clean"
    result = run_load(RECONSTRUCTION, "--out", out, "-q", "--corrections", corrections)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


@pytest.fixture(scope="module")
def cdb(corrected):
    connection = duckdb.connect(str(corrected[0] / "plan.duckdb"), read_only=True)
    yield connection
    connection.close()


def rows(db, sql: str, *params) -> list[dict]:
    cursor = db.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def card(db, code: str) -> dict:
    return rows(db, "SELECT * FROM cards WHERE code = ?", code)[0]


# --- the file -----------------------------------------------------------------------------------------------


def test_the_committed_corrections_file_is_the_header_alone() -> None:
    assert (ROOT / "data/corrections.csv").read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"


def test_a_missing_file_means_no_corrections(tmp_path) -> None:
    assert read_corrections(tmp_path / "nowhere.csv") == []
    assert read_corrections(None) == []


def test_rows_are_read_with_their_lines(tmp_path) -> None:
    path = write_corrections(
        tmp_path / "c.csv",
        [
            correction("HS M1-25", "budget", 0, "a  b", "c", "why"),
            correction("HS-M3-25", "end_date", None, "2025-12-31", "2026-01-31"),
        ],
    )
    first, second = read_corrections(path)
    assert (first.line, first.code, first.field, first.item_index, first.extracted, first.corrected, first.reason) == (
        2,
        "HS-M1-25",
        "budget",
        0,
        "a b",
        "c",
        "why",
    )
    assert (second.line, second.item_index) == (3, None)


BAD_FILES = {
    "wrong columns": (b"code,field,index,extracted,corrected,reason\n", "line 1: columns are"),
    "not UTF-8": (
        b"code,field,item_index,extracted,corrected,reason\nHS-M1-25,budget,0,Maintenance : 700 000 MAD,Mat\xe9riel,x\n",
        "line 2: not UTF-8",
    ),
    "duplicate key": (
        b"code,field,item_index,extracted,corrected,reason\nHS-M1-25,budget,0,a,b,c\nHS-M2-25,budget,0,a,b,c\nHS M1-25,budget,0,a,d,c\n",
        "line 4: duplicate of line 2",
    ),
    "item index": (
        b"code,field,item_index,extracted,corrected,reason\nHS-M1-25,budget,first,a,b,c\n",
        "line 2: item_index 'first'",
    ),
    "values missing": (
        b"code,field,item_index,extracted,corrected,reason\nHS-M1-25,budget,0,a,b,c\nHS-M1-25,budget,1,a\n",
        "line 3: 4 values",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_naming_its_line(case, tmp_path) -> None:
    content, words = BAD_FILES[case]
    path = tmp_path / "corrections.csv"
    path.write_bytes(content)
    with pytest.raises(CorrectionsError, match=words):
        read_corrections(path)


def test_a_bad_file_stops_the_build_in_one_line_and_the_dataset_stays(dataset, tmp_path) -> None:
    out = tmp_path / "clean"
    out.mkdir()
    for path in dataset.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    before = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in out.iterdir()}
    bad = tmp_path / "corrections.csv"
    bad.write_bytes(BAD_FILES["duplicate key"][0])
    result = run_load(RECONSTRUCTION, "--out", out, "-q", "--corrections", bad)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad} line 4: duplicate of line 2"), result.stderr
    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in out.iterdir()} == before


# --- the build ----------------------------------------------------------------------------------------------


def test_without_corrections_every_item_is_as_extracted(dataset) -> None:
    with duckdb.connect(str(dataset / "plan.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0
        assert (
            db.execute("SELECT count(*) FROM field_items WHERE corrected OR extracted_text <> text").fetchone()[0] == 0
        )
        assert db.execute("SELECT count(*) FROM findings WHERE kind LIKE '%correction%'").fetchone()[0] == 0


def test_every_row_of_the_file_has_its_status(cdb, corrected) -> None:
    got = {row["line"]: row["status"] for row in rows(cdb, "SELECT line, status FROM corrections")}
    assert got == {
        2: "applied", 3: "applied", 4: "applied", 5: "applied", 6: "applied", 7: "stale", 8: "applied", 9: "applied",
        10: "invalid", 11: "unknown_target", 12: "unknown_target", 13: "unknown_target", 14: "applied",
    }  # fmt: skip
    assert corrected[1].strip().endswith("corrections: 8 applied, 1 invalid, 1 stale, 3 unknown_target")


def test_a_corrected_budget_item_changes_the_amounts(cdb) -> None:
    row = card(cdb, HS_M1)
    assert row["budget_text"] == CORRECTED_BUDGET_M1
    assert row["budget_min_mad"] == row["budget_max_mad"] == Decimal("750000")
    line = rows(cdb, "SELECT * FROM budget_lines WHERE code = ?", HS_M1)
    assert [(item["text"], item["amount_min_mad"]) for item in line] == [(CORRECTED_BUDGET_M1, Decimal("750000"))]


def test_a_corrected_schedule_item_changes_the_dates(cdb) -> None:
    row = card(cdb, HS_M1)
    assert (row["start_date"], row["end_date"]) == (dt.date(2025, 3, 1), dt.date(2025, 9, 30))
    phases = rows(cdb, "SELECT start_date, end_date FROM schedule_phases WHERE code = ?", HS_M1)
    assert phases == [{"start_date": dt.date(2025, 3, 1), "end_date": dt.date(2025, 9, 30)}]


def test_corrected_people_and_entities_flow_into_their_tables(cdb) -> None:
    row = card(cdb, HS_M1)
    assert row["responsibles"] == [COORDINATOR_M1] and row["entities"] == ["Ophtalmologie A"]
    people = rows(cdb, "SELECT role, printed, person_id FROM card_people WHERE code = ? ORDER BY role", HS_M1)
    assert [person["printed"] for person in people] == [COORDINATOR_M1, COORDINATOR_M1]
    assert people[0]["person_id"] == people[1]["person_id"] is not None  # one person, now both roles
    assert [entity["printed"] for entity in rows(cdb, "SELECT printed FROM card_entities WHERE code = ?", HS_M1)] == [
        "Ophtalmologie A"
    ]


def test_an_item_corrected_to_nothing_leaves_the_lists_and_stays_in_field_items(cdb) -> None:
    assert card(cdb, HS_M1)["actions"] == ACTIONS_M1[:2]
    deleted = rows(
        cdb,
        "SELECT text, flag, corrected, extracted_text FROM field_items WHERE code = ? AND field = 'actions' AND item_index = 2",
        HS_M1,
    )
    assert deleted == [{"text": "", "flag": "deleted", "corrected": True, "extracted_text": ACTIONS_M1[2]}]
    # HS-M4-25 without its « Formation » line: its total is its other line's amount
    budget = card(cdb, "HS-M4-25")
    assert budget["budget_min_mad"] == HS_M4.expected.budget_lines[0].amount_min_mad


def test_field_items_keep_the_extracted_text_of_corrected_items(cdb) -> None:
    items = rows(
        cdb,
        "SELECT field, item_index, text, extracted_text FROM field_items WHERE code = ? AND corrected ORDER BY field, item_index",
        HS_M1,
    )
    assert [(item["field"], item["item_index"], item["extracted_text"]) for item in items] == [
        ("actions", 2, ACTIONS_M1[2]), ("budget", 0, BUDGET_M1), ("entities", 0, ENTITY_M1),
        ("responsibles", 0, RESPONSIBLE_M1), ("schedule", 0, SCHEDULE_M1),
    ]  # fmt: skip
    assert (
        cdb.execute("SELECT count(*) FROM field_items WHERE NOT corrected AND extracted_text <> text").fetchone()[0]
        == 0
    )


def test_card_values_are_overridden_and_an_invalid_override_is_not_applied(cdb) -> None:
    assert (card(cdb, "HS-M3-25")["budget_min_mad"], card(cdb, "HS-M3-25")["budget_max_mad"]) == (
        Decimal("400000"),
        Decimal("400000"),
    )
    assert (
        card(cdb, "HS-M4-25")["budget_max_mad"] == HS_M4.expected.budget_lines[0].amount_max_mad
    )  # min above max: not applied
    invalid = rows(cdb, "SELECT code, field, message FROM findings WHERE kind = 'invalid_correction'")
    assert [(row["code"], row["field"]) for row in invalid] == [("HS-M4-25", "budget_min_mad")]
    assert invalid[0]["message"].startswith("corrections line 10: ")


def test_a_stale_anchor_is_not_applied_and_becomes_a_finding(cdb) -> None:
    assert card(cdb, "HS-M2-25")["budget_text"] == golden_items("HS-M2-25", "Budget")[0]
    stale = rows(cdb, "SELECT code, field, page, message FROM findings WHERE kind = 'stale_correction'")
    page = cdb.execute(
        "SELECT page FROM field_items WHERE code = 'HS-M2-25' AND field = 'budget' AND item_index = 0"
    ).fetchone()[0]
    assert [(row["code"], row["field"], row["page"]) for row in stale] == [("HS-M2-25", "budget", page)]
    assert STALE_ANCHOR in stale[0]["message"] and golden_items("HS-M2-25", "Budget")[0] in stale[0]["message"]
    row = rows(cdb, "SELECT current, status FROM corrections WHERE line = 7")[0]
    assert row == {"current": golden_items("HS-M2-25", "Budget")[0], "status": "stale"}


def test_unknown_targets_are_reported(cdb) -> None:
    found = rows(cdb, "SELECT code, message FROM findings WHERE kind = 'unknown_correction_target' ORDER BY message")
    assert [row["message"].split(":")[0] for row in found] == [
        "corrections line 11",
        "corrections line 12",
        "corrections line 13",
    ]
    assert [row["code"] for row in found] == [None, HS_M1, HS_M1]  # NOPE-99 is no card


def test_the_same_correction_becomes_stale_once_the_text_it_anchors_changes(tmp_path) -> None:
    """The extraction of a plan whose budget line was printed differently: the same file, another outcome."""

    def plan(budget: str) -> Extraction:
        header = Item(f"Sous Projet {HS_M1} : title", [Box(21, 40, 100, 500, 112)])
        row = Row("Budget", "budget", [Box(21, 40, 400, 120, 412)], [Item(budget, [Box(21, 130, 400, 500, 412)])])
        return Extraction(
            "plan.pdf", 1, [Card(HS_M1, "title", "Hôpital des Spécialités", "I.1", header, None, [row])], [], []
        )

    corrections = read_corrections(
        write_corrections(tmp_path / "c.csv", [correction(HS_M1, "budget", 0, BUDGET_M1, CORRECTED_BUDGET_M1)])
    )
    fixed, outcomes = correct_extraction(plan(BUDGET_M1), corrections)
    assert [outcome.status for outcome in outcomes] == ["applied"]
    assert fixed.cards[0].rows[0].items[0].text == CORRECTED_BUDGET_M1
    reprinted = BUDGET_M1.replace("700 000", "720 000")
    same, outcomes = correct_extraction(plan(reprinted), corrections)
    assert [(outcome.status, outcome.current) for outcome in outcomes] == [("stale", reprinted)]
    assert same.cards[0].rows[0].items[0].text == reprinted


def test_the_extraction_given_is_not_changed(tmp_path) -> None:
    item = Item(BUDGET_M1, [Box(21, 130, 400, 500, 412)])
    extraction = Extraction(
        "plan.pdf",
        1,
        [Card(HS_M1, "t", "s", "I.1", Item("h", [Box(21, 1, 1, 2, 2)]), None, [Row("Budget", "budget", [], [item])])],
        [],
        [],
    )
    corrections = read_corrections(
        write_corrections(tmp_path / "c.csv", [correction(HS_M1, "budget", 0, BUDGET_M1, "x")])
    )
    correct_extraction(extraction, corrections)
    assert extraction.cards[0].rows[0].items[0] is item and item.text == BUDGET_M1


# --- the build key ------------------------------------------------------------------------------------------


def test_the_corrections_file_is_part_of_the_build_key(tmp_path) -> None:
    settings = {"verify": "off"}
    path = write_corrections(tmp_path / "c.csv", [])
    without = build_module.build_key(RECONSTRUCTION, settings, tmp_path / "nowhere.csv")
    header_only = build_module.build_key(RECONSTRUCTION, settings, path)
    write_corrections(path, [correction(HS_M1, "budget", 0, BUDGET_M1, CORRECTED_BUDGET_M1)])
    one = build_module.build_key(RECONSTRUCTION, settings, path)
    assert len({without, header_only, one}) == 3


def test_a_changed_file_rebuilds_and_an_unchanged_one_does_not(corrected, tmp_path) -> None:
    out, _ = corrected
    corrections = out.parent / "corrections.csv"
    run_load(
        RECONSTRUCTION, "--out", out, "-q", "--corrections", corrections
    )  # up to date, unless the code moved since
    again = run_load(RECONSTRUCTION, "--out", out, "-q", "--corrections", corrections)
    assert again.returncode == 0 and "up to date" in again.stdout and "8 applied" in again.stdout
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["corrections"] == {"applied": 8, "invalid": 1, "stale": 1, "unknown_target": 3}
    changed = tmp_path / "corrections.csv"
    write_corrections(changed, CORRECTIONS[:1])
    copy = tmp_path / "clean"
    copy.mkdir()
    for path in out.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    rebuilt = run_load(RECONSTRUCTION, "--out", copy, "-q", "--corrections", changed)
    assert (
        rebuilt.returncode == 0
        and "built" in rebuilt.stdout
        and rebuilt.stdout.strip().endswith("corrections: 1 applied")
    )
    with duckdb.connect(str(copy / "plan.duckdb"), read_only=True) as db:
        assert (
            db.execute("SELECT budget_min_mad FROM cards WHERE code = 'HS-M3-25'").fetchone()[0] == HS_M3.budget_min_mad
        )


def test_a_card_whose_code_is_unreadable_passes_through_for_the_load_step_to_reject(tmp_path) -> None:
    """A damaged copy can print « SH -CH22- 5 » where a code stood: correcting the other cards must not stop on
    it (the load step rejects it with an unparseable_card finding)."""
    box = [Box(1, 10, 10, 50, 20)]
    unreadable = Card("SH -CH22- 5", "Titre", "Hôpital", None, Item("Sous Projet SH -CH22- 5 : Titre", box), None, [])
    readable = Card(
        "HS-M1-25", "Titre", "Hôpital", None, Item("Sous Projet HS-M1-25 : Titre", box), None,
        [Row("Budget", "budget", box, [Item("700 000 MAD", box)])],
    )  # fmt: skip
    path = tmp_path / "corrections.csv"
    path.write_text(",".join(COLUMNS) + "\nHS-M1-25,budget,0,700 000 MAD,750 000 MAD,confirmed\n", encoding="utf-8")
    corrected, outcomes = correct_extraction(
        Extraction("x.pdf", 1, [unreadable, readable], [], []), read_corrections(path)
    )
    assert [card.code for card in corrected.cards] == ["SH -CH22- 5", "HS-M1-25"]
    assert corrected.cards[1].rows[0].items[0].text == "750 000 MAD"
    assert [outcome.status for outcome in outcomes] == ["applied"]
