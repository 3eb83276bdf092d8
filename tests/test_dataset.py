"""The dataset as analysts use it: one key per card, printed page and chapter numbers, names for every code,
documentation inside DuckDB, placeholders, views and findings. Expected values come from the plan (its
Sommaire, its headings, its glossary) and the golden set."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pdfplumber
import pytest

from schemas.records import CARD_TABLES, FOREIGN_KEYS, PRIMARY_KEYS, TABLES

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
PLACEHOLDERS = {"", "-", "–", "—"}


@pytest.fixture(scope="module")
def db(dataset):
    connection = duckdb.connect(str(dataset / "plan.duckdb"), read_only=True)
    yield connection
    connection.close()


def rows(db, sql: str) -> list[dict]:
    cursor = db.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def scalar(db, sql: str):
    return db.execute(sql).fetchone()[0]


# --- one key ------------------------------------------------------------------------------------------------


def test_code_is_the_canonical_code_and_the_printed_form_is_kept(db, golden_cards) -> None:
    got = {row["code"]: row["code_printed"] for row in rows(db, "SELECT code, code_printed FROM cards")}
    assert got == {card.code_canonical: card.code for card in golden_cards}
    assert "code_canonical" not in {
        name for (name,) in db.execute("SELECT column_name FROM information_schema.columns").fetchall()
    }


def test_every_table_joins_cards_without_losing_a_row(db) -> None:
    for table in CARD_TABLES:
        total = scalar(db, f"SELECT count(*) FROM {table}")
        joined = scalar(db, f"SELECT count(*) FROM {table} t JOIN cards c ON c.code = t.code")
        without = scalar(db, f"SELECT count(*) FROM {table} WHERE code IS NULL")
        assert total > 0, table
        assert joined + without == total, table
    # a null code only where no card is concerned: one list row announces a card the plan does not print
    assert (
        scalar(db, "SELECT count(*) FROM list_entries WHERE code IS NULL")
        == scalar(db, "SELECT count(*) FROM list_entries WHERE linked_by = 'none'")
        == 1
    )
    assert scalar(db, "SELECT count(*) FROM findings WHERE code IS NULL") == scalar(
        db, "SELECT count(*) FROM findings WHERE kind = 'list_without_card'"
    )
    assert scalar(db, "SELECT count(*) FROM cards JOIN owners o ON o.code = cards.owner") == 180


def test_keys_are_declared_in_duckdb(db) -> None:
    declared = Counter(
        (table, kind) for table, kind in db.execute(
            "SELECT table_name, constraint_type FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
        ).fetchall()
    )  # fmt: skip
    assert {table for (table, kind) in declared if kind == "PRIMARY KEY"} == set(PRIMARY_KEYS)
    for table in CARD_TABLES:
        assert declared[(table, "FOREIGN KEY")] >= 1, table
    assert sum(count for (_, kind), count in declared.items() if kind == "FOREIGN KEY") == len(FOREIGN_KEYS)


def test_duckdb_refuses_an_orphan_row_and_a_duplicate_card(dataset, tmp_path) -> None:
    copy = tmp_path / "plan.duckdb"
    shutil.copy(dataset / "plan.duckdb", copy)
    with duckdb.connect(str(copy)) as connection:
        with pytest.raises(duckdb.ConstraintException):
            connection.execute("INSERT INTO findings VALUES ('total_mismatch', 'NOT-A-CARD', NULL, 1, NULL, 'x')")
        with pytest.raises(duckdb.ConstraintException):
            connection.execute("INSERT INTO cards SELECT * FROM cards WHERE code = 'HS-M1-25'")


# --- placeholders -------------------------------------------------------------------------------------------


LIST_COLUMNS = (
    "responsibles",
    "entities",
    "coordinators",
    "partners",
    "objectives",
    "actions",
    "indicators",
    "target_values",
)


def test_printed_dashes_are_placeholders_not_items(db, golden_cards) -> None:
    printed = Counter(
        (card.code_canonical, row.label) for card in golden_cards for row in card.rows for item in row.items if item.strip() in PLACEHOLDERS
    )  # fmt: skip
    assert sum(printed.values()) == 43  # 40 Budget, 2 Coordinateur, 1 Responsable cells print « - »
    flagged = Counter(
        (code, label)
        for code, label in db.execute("SELECT code, label FROM field_items WHERE flag = 'placeholder'").fetchall()
    )
    assert flagged == printed
    for column in LIST_COLUMNS:
        assert (
            scalar(
                db,
                f"SELECT count(*) FROM cards, unnest({column}) AS item(text) WHERE trim(item.text) IN ('', '-', '–', '—')",
            )
            == 0
        ), column
    dash_budgets = {code for (code, label) in printed if label == "Budget"}
    budget = rows(db, "SELECT code, budget_text, budget_category FROM cards")
    for row in budget:
        if row["code"] in dash_budgets:
            assert row["budget_text"] is None and row["budget_category"] == "none", row
    dash_coordinators = {code for (code, label) in printed if label == "Coordinateur"}
    for code in dash_coordinators:
        assert scalar(db, f"SELECT len(coordinators) FROM cards WHERE code = '{code}'") == 0


# --- printed page numbers -----------------------------------------------------------------------------------


def sommaire() -> list[tuple[str, str, int]]:
    """(chapter number, title, printed page) of each chapter of the Sommaire, read with pdfplumber."""
    with pdfplumber.open(RECONSTRUCTION) as pdf:
        text = next(
            page.extract_text() for page in pdf.pages[:10] if (page.extract_text() or "").startswith("Sommaire")
        )
    entries = []
    for line in text.splitlines():
        match = re.match(r"^((?:I|II)\.\d+)\.?\s+(.+?)\.{4,}(\d+)$", line.strip())
        if match:
            entries.append((match.group(1), match.group(2), int(match.group(3))))
    return entries


def test_page_labels_are_the_numbers_printed_on_the_pages(db) -> None:
    # the plan numbers its pages from the Editorial, PDF page 7 (« 54 » is printed on PDF page 60)
    pairs = set()
    for table, model in TABLES.items():
        for page, label in (
            ("page", "page_label"),
            ("page_first", "page_first_label"),
            ("page_last", "page_last_label"),
        ):
            if page in model.model_fields:
                assert label in model.model_fields, (table, page)
                pairs |= set(db.execute(f"SELECT {page}, {label} FROM {table} WHERE {page} IS NOT NULL").fetchall())
    assert (60, "54") in pairs
    assert {label == str(page - 6) for page, label in pairs} == {True}
    # and the Sommaire's page numbers point to the pages that print those numbers
    entries = sommaire()
    assert len(entries) == 17
    with pdfplumber.open(RECONSTRUCTION) as pdf:
        for number, title, printed in entries:
            assert title[:20] in pdf.pages[printed + 6 - 1].extract_text(), (number, printed)


def test_pages_without_a_printed_number_have_no_label() -> None:
    from load.printed import read_printed

    labels = read_printed(RECONSTRUCTION).labels
    assert [labels[page] for page in range(1, 8)] == [None] * 6 + [
        "1"
    ]  # cover, credits, glossary, Sommaire, then the Editorial


# --- chapters -----------------------------------------------------------------------------------------------


def test_chapter_and_chapter_printed(db, golden_cards) -> None:
    # the Sommaire and the headings print II.08, II.09, then skip II.13: FDA is II.14, PPE II.15 as printed,
    # II.13 and II.14 by rank (the golden set's numbering)
    printed_by_title = {title[:20]: number for number, title, _ in sommaire()}
    got = {
        row["code"]: (row["chapter"], row["chapter_printed"], row["section"])
        for row in rows(db, "SELECT code, chapter, chapter_printed, section FROM cards")
    }
    assert {code: chapter for code, (chapter, _, _) in got.items()} == {
        card.code_canonical: card.chapter for card in golden_cards
    }
    owners = {
        row["owner"]: row["chapter_printed"]
        for row in rows(db, "SELECT DISTINCT owner, chapter_printed FROM cards WHERE axis = 'II'")
    }
    assert owners == {"FF": "II.1", "FAAG": "II.2", "FERS": "II.3", "FRH": "II.4", "FSI": "II.5", "FIM": "II.6", "FCG": "II.7", "FAI": "II.08",
                      "FCOM": "II.09", "FCOOP": "II.10", "FAJC": "II.11", "FQGR": "II.12", "FDA": "II.14", "PPE": "II.15"}  # fmt: skip
    assert set(owners.values()) <= set(printed_by_title.values())
    assert {chapter for chapter, _, _ in got.values() if chapter.startswith("I.")} == {
        printed for _, printed, _ in got.values() if printed.startswith("I.")
    }


# --- owners, entities, aliases ------------------------------------------------------------------------------


def test_every_owner_has_a_name_from_the_plan(db) -> None:
    owners = {row["code"]: row for row in rows(db, "SELECT * FROM owners")}
    assert set(owners) == {owner for (owner,) in db.execute("SELECT DISTINCT owner FROM cards").fetchall()}
    assert all(row["name"] for row in owners.values())
    # names as the section headers print them
    expected = {
        "HS": ("Hôpital des Spécialités", "establishment"), "INO": ("Institut National d'Oncologie", "establishment"),
        "HAS": ("Hôpital Arrazi", "establishment"), "HAY": ("Hôpital Al Ayachi", "establishment"),
        "DAMS": ("Division des Affaires Médicales et des Stratégies", "directorate"),
        "FF": ("Fonction Financière", "function"), "FCG": ("Fonction Contrôle de Gestion", "function"),
        "FAI": ("Fonction Audit Interne", "function"), "FCOOP": ("Fonction Coopération", "function"),
        "FAJC": ("Affaires Juridiques et des Contentieux", "function"), "PPE": ("PEC des Patients Etrangers", "function"),
    }  # fmt: skip
    assert {code: (owners[code]["name"], owners[code]["kind"]) for code in expected} == expected
    # HAS means two things in the glossary; both are kept beside the name
    assert sorted(owners["HAS"]["glossary_names"]) == ["Haute Autorité de Santé", "Hôpital Ar- Razi de Salé"]
    assert (owners["HAS"]["entity"], owners["HAY"]["entity"]) == ("HAR", "HAA")


def test_entities_cover_every_owner_and_alias(db) -> None:
    entities = {row["canonical"]: row for row in rows(db, "SELECT * FROM entities")}
    for owner in rows(db, "SELECT * FROM owners"):
        assert owner["entity"] in entities
    assert entities["FF"]["kind"] == "function" and entities["FF"]["name"] == "Fonction Financière"
    assert entities["HAR"]["kind"] == "establishment"
    with (ROOT / "normalize/data/reference/entity_aliases.csv").open(encoding="utf-8", newline="") as handle:
        aliases = [(row["alias"], row["canonical"]) for row in csv.DictReader(handle)]
    assert sorted(db.execute("SELECT alias, canonical FROM entity_aliases").fetchall()) == sorted(aliases)
    assert {canonical for _, canonical in aliases} <= set(entities)


# --- documentation inside DuckDB ----------------------------------------------------------------------------


def test_every_table_view_and_column_carries_its_description(db) -> None:
    from load.write import VIEWS

    comments = {
        (table, column): comment
        for table, column, comment in db.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = 'plan'"
        ).fetchall()
    }
    for table, model in TABLES.items():
        for name, field in model.model_fields.items():
            assert field.description, f"{table}.{name} has no description"
            assert comments[(table, name)] == field.description
        assert scalar(db, f"SELECT comment FROM duckdb_tables() WHERE table_name = '{table}'") == " ".join(
            model.__doc__.split()
        )
    for name, view in VIEWS.items():
        columns = {column for (table, column) in comments if table == name}
        assert columns == set(view.columns), name
        assert all(comments[(name, column)] == description for column, description in view.columns.items())
        assert scalar(db, f"SELECT comment FROM duckdb_views() WHERE view_name = '{name}'") == view.description


# --- views and findings -------------------------------------------------------------------------------------


def test_projects_active_per_month_lists_codes_and_prorates_budgets(db) -> None:
    months = rows(db, "SELECT * FROM projects_active_per_month")
    cards = rows(db, "SELECT code, start_date, end_date, budget_max_mad FROM cards WHERE start_date IS NOT NULL")
    june = next(row for row in months if row["month"] == dt.date(2025, 6, 1))
    assert june["codes"] == sorted(
        card["code"]
        for card in cards
        if card["start_date"] <= dt.date(2025, 6, 30) and card["end_date"] >= june["month"]
    )
    assert all(row["active_projects"] == len(row["codes"] or []) for row in months)
    # each card's budget is spread over its months, so the months add up to the cards' budgets (to the cent per month)
    prorated = sum(row["budget_max_mad_prorated"] or 0 for row in months)
    total = sum(card["budget_max_mad"] for card in cards if card["budget_max_mad"] is not None)
    assert abs(prorated - total) <= Decimal("0.01") * len(months) * 2
    # a card of the whole of 2025 with 260 400 MAD (HS-M4-25, golden) counts 260400 × 30/365 in June
    assert "HS-M4-25" in june["codes"]


def test_findings_carry_full_titles_and_both_titles_where_they_differ(db, golden_cards) -> None:
    titles = {card.code_canonical: card.title for card in golden_cards}
    lists = json.loads((ROOT / "data/golden/project_lists.json").read_text(encoding="utf-8"))["lists"]
    list_titles = {
        (row["page"] if "page" in row else None, row["code"]): row["title"]
        for plan_list in lists
        for row in plan_list["rows"]
    }
    differs = rows(
        db,
        "SELECT f.code, f.message, l.title AS list_title FROM findings f JOIN list_entries l ON l.code = f.code AND l.page = f.page AND l.linked_by = 'code' WHERE f.kind = 'list_title_differs'",
    )
    assert len(differs) == scalar(db, "SELECT count(*) FROM findings WHERE kind = 'list_title_differs'") > 0
    for row in differs:
        assert f"« {row['list_title']} »" in row["message"] and f"« {titles[row['code']]} »" in row["message"], row
        assert row["list_title"] in set(list_titles.values())
    longest = max(titles.values(), key=len)
    assert len(longest) > 60
    for (message,) in db.execute("SELECT message FROM findings WHERE kind = 'list_code_differs'").fetchall():
        assert any(f"« {title} »" in message for title in titles.values()), message
