"""`make all` end to end: the dataset built from the reconstruction, its invariants, the golden cards read
back from DuckDB, determinism, the build cache, atomic replacement and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pdfplumber
import pytest
from conftest import run_load

from extract.errors import NotThePlanError
from load import build as build_module
from load.build import build
from schemas.records import TABLES
from vocabulary import labels

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
FOREIGN = ROOT / "tests/data/foreign"
LABELS = labels()["fields"]


def folder_bytes(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def db(dataset):
    connection = duckdb.connect(str(dataset / "plan.duckdb"), read_only=True)
    yield connection
    connection.close()


def rows(db, sql: str) -> list[dict]:
    cursor = db.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


# --- tables -------------------------------------------------------------------------------------------------


def test_every_table_is_written_to_duckdb_and_parquet(dataset, db) -> None:
    tables = {
        name
        for (name,) in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    }
    assert tables == set(TABLES)
    for table in TABLES:
        parquet = dataset / f"{table}.parquet"
        assert parquet.is_file()
        assert (
            db.execute(f"SELECT count(*) FROM '{parquet}'").fetchone()
            == db.execute(f"SELECT count(*) FROM {table}").fetchone()
        )
    views = {
        name
        for (name,) in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'"
        ).fetchall()
    }
    assert views == {
        "budget_by_owner",
        "budget_by_establishment",
        "budget_by_function",
        "projects_per_person",
        "projects_active_per_month",
    }


def test_cards_columns_have_the_promised_types(db) -> None:
    types = dict(
        db.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'cards'"
        ).fetchall()
    )
    for column in ("responsibles", "entities", "coordinators", "objectives", "actions", "indicators"):
        assert types[column] == "VARCHAR[]"
    assert types["budget_min_mad"] == types["budget_max_mad"] == "DECIMAL(18,2)"
    assert types["start_date"] == types["end_date"] == "DATE"
    assert types["page_first"] in ("BIGINT", "INTEGER")
    provenance = dict(
        db.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'field_items'"
        ).fetchall()
    )
    assert set(provenance) >= {
        "code",
        "field",
        "item_index",
        "text",
        "page",
        "x0",
        "top",
        "x1",
        "bottom",
        "reader",
        "flag",
    }


def test_nothing_is_rejected_and_the_summary_counts_the_tables(dataset, db) -> None:
    info = json.loads((dataset / "build.json").read_text(encoding="utf-8"))
    assert db.execute("SELECT count(*) FROM rejected").fetchone()[0] == info["rejected"] == 0
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == info["cards"] == 180
    assert db.execute("SELECT count(*) FROM field_items").fetchone()[0] == info["items"]
    assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == info["findings"]


# --- invariants ---------------------------------------------------------------------------------------------


def test_card_totals_equal_their_lines_unless_a_finding_says_otherwise(db) -> None:
    lines = rows(db, "SELECT code, kind, amount_min_mad, amount_max_mad FROM budget_lines")
    cards = {row["code"]: row for row in rows(db, "SELECT * FROM cards")}
    mismatched = {code for (code,) in db.execute("SELECT code FROM findings WHERE kind = 'total_mismatch'").fetchall()}
    by_card: dict[str, list[dict]] = {}
    for line in lines:
        by_card.setdefault(line["code"], []).append(line)
    checked = 0
    for code, card_lines in by_card.items():
        amounts = [
            line for line in card_lines if line["kind"] in ("amount", "estimate") and line["amount_min_mad"] is not None
        ]
        totals = [line for line in card_lines if line["kind"] == "total"]
        card = cards[code]
        if totals:
            assert card["budget_min_mad"] == totals[-1]["amount_min_mad"], code
            if amounts and code not in mismatched:
                assert sum(line["amount_min_mad"] for line in amounts) == totals[-1]["amount_min_mad"], code
        elif amounts:
            assert card["budget_min_mad"] == sum(line["amount_min_mad"] for line in amounts), code
            assert card["budget_max_mad"] == sum(line["amount_max_mad"] for line in amounts), code
        checked += 1
    assert checked > 100


def test_every_item_box_lies_on_its_page_and_holds_its_first_word(db) -> None:
    items = rows(db, "SELECT code, text, part, page, x0, top, x1, bottom FROM field_items")
    with pdfplumber.open(RECONSTRUCTION) as pdf:
        sizes = {number: (page.width, page.height) for number, page in enumerate(pdf.pages, 1)}
        words_by_page: dict[int, list[dict]] = {}
        problems = []
        for item in items:
            width, height = sizes[item["page"]]
            assert 0 <= item["x0"] <= item["x1"] <= width and 0 <= item["top"] <= item["bottom"] <= height, item
            if item["part"] > 0:
                continue  # the rest of an item printed on the next page: its first word is on the page before
            if item["page"] not in words_by_page:
                words_by_page[item["page"]] = pdf.pages[item["page"] - 1].extract_words()
            first = item["text"].split()[0]
            inside = [
                word["text"] for word in words_by_page[item["page"]]
                if word["x0"] >= item["x0"] - 1 and word["x1"] <= item["x1"] + 1 and word["top"] >= item["top"] - 1 and word["bottom"] <= item["bottom"] + 1
            ]  # fmt: skip
            if not any(first in word or word in first for word in inside):
                problems.append((item["code"], item["text"][:50], inside[:5]))
    assert problems == []


def test_every_card_is_in_field_items_and_pages_agree(db) -> None:
    spans = rows(db, "SELECT code, min(page) AS first, max(page) AS last FROM field_items GROUP BY code")
    cards = {row["code"]: row for row in rows(db, "SELECT code, page_first, page_last FROM cards")}
    assert {row["code"] for row in spans} == set(cards)
    for span in spans:
        assert (cards[span["code"]]["page_first"], cards[span["code"]]["page_last"]) == (span["first"], span["last"])


def test_every_person_mention_links_to_a_person(db) -> None:
    dangling = db.execute(
        "SELECT count(*) FROM card_people WHERE kind = 'person' AND person_id NOT IN (SELECT person_id FROM people)"
    ).fetchone()[0]
    assert dangling == 0
    assert db.execute("SELECT count(*) FROM card_people WHERE kind = 'person'").fetchone()[0] > 150


def test_every_entity_mention_is_resolved_or_reported(db) -> None:
    unresolved = {row["printed"] for row in rows(db, "SELECT printed FROM card_entities WHERE canonical IS NULL")}
    reported = " ".join(
        message for (message,) in db.execute("SELECT message FROM findings WHERE kind = 'unresolved_entity'").fetchall()
    )
    assert all(printed in reported for printed in unresolved)


def test_views_answer_the_first_questions(db) -> None:
    establishments = rows(db, "SELECT * FROM budget_by_establishment")
    assert {"HS", "HE", "INO"} <= {row["owner"] for row in establishments}
    assert {row["owner"]: row["name"] for row in establishments}["HS"] == "Hôpital des Spécialités"
    total = db.execute("SELECT sum(budget_max_mad) FROM cards WHERE axis = 'I'").fetchone()[0]
    assert sum(row["budget_max_mad"] or 0 for row in establishments) == total
    assert rows(db, "SELECT * FROM budget_by_function")
    people = rows(db, "SELECT * FROM projects_per_person")
    assert people[0]["projects"] >= people[-1]["projects"] >= 1
    months = rows(db, "SELECT * FROM projects_active_per_month")
    assert dt.date(2025, 6, 1) in {row["month"] for row in months}
    assert max(row["active_projects"] for row in months) > 100


# --- the golden cards, read back from DuckDB ---------------------------------------------------------------


FIELDS = {name: set(variants) for name, variants in LABELS.items()}
CARD_LIST_COLUMNS = {"responsibles": "responsibles", "entities": "entities", "coordinators": "coordinators",
                     "objectives": "objectives", "actions": "actions", "indicators": "indicators"}  # fmt: skip


PLACEHOLDERS = {"", "-", "–", "—"}


def golden_field(label: str) -> str | None:
    import unicodedata

    folded = "".join(char for char in unicodedata.normalize("NFD", label.lower()) if unicodedata.category(char) != "Mn")
    key = " ".join("".join(char if char.isalnum() else " " for char in folded).split())
    return next((name for name, variants in FIELDS.items() if key in variants), None)


def test_golden_cards_read_back_from_duckdb(db, golden_cards) -> None:
    cards = {row["code"]: row for row in rows(db, "SELECT * FROM cards")}
    assert set(cards) == {card.code_canonical for card in golden_cards}
    scores: Counter = Counter()
    differences = []
    for golden in golden_cards:
        card = cards[golden.code_canonical]
        for column, golden_column in (
            ("code_printed", "code"),
            ("title", "title"),
            ("section", "section"),
            ("chapter", "chapter"),
        ):
            scores[(column, card[column] == getattr(golden, golden_column))] += 1
            if card[column] != getattr(golden, golden_column):
                differences.append(f"{golden.code} {column}: {card[column]!r} != {getattr(golden, golden_column)!r}")
        expected_items: dict[str, list[str]] = {}
        for row in golden.rows:
            field = golden_field(row.label)
            if field in CARD_LIST_COLUMNS:  # a printed dash is a placeholder, not an item of the list
                expected_items.setdefault(field, []).extend(
                    item for item in row.items if item.strip() not in PLACEHOLDERS
                )
        for field, column in CARD_LIST_COLUMNS.items():
            want, got = Counter(expected_items.get(field, [])), Counter(card[column])
            scores[(field, True)] += sum((want & got).values())
            scores[(field, False)] += sum((want - got).values())
            if want != got:
                differences.append(
                    f"{golden.code} {field}: missing {list((want - got).elements())} extra {list((got - want).elements())}"
                )
        expected = golden.expected
        for column in (
            "budget_min_mad",
            "budget_max_mad",
            "budget_category",
            "start_date",
            "end_date",
            "schedule_category",
        ):
            ok = card[column] == getattr(expected, column)
            scores[(column, ok)] += 1
            if not ok:
                differences.append(f"{golden.code} {column}: {card[column]!r} != {getattr(expected, column)!r}")
    table = {
        field: scores[(field, True)] / max(1, scores[(field, True)] + scores[(field, False)]) for field, _ in scores
    }
    print("\n".join(f"{field:20} {rate:.4f}" for field, rate in sorted(table.items())))
    print("\n".join(differences))
    values = (
        "budget_min_mad",
        "budget_max_mad",
        "budget_category",
        "start_date",
        "end_date",
        "schedule_category",
        "code_printed",
        "title",
        "section",
        "chapter",
    )
    assert {field: rate for field, rate in table.items() if field in values and rate < 1} == {}
    assert {field: rate for field, rate in table.items() if rate < 0.99} == {}


def test_golden_budget_lines_phases_and_targets_read_back(db, golden_cards) -> None:
    budget = Counter(
        (row["code"], row["text"], row["amount_min_mad"], row["amount_max_mad"], row["kind"])
        for row in rows(db, "SELECT * FROM budget_lines")
    )
    phases = Counter(
        (row["code"], row["start_date"], row["end_date"]) for row in rows(db, "SELECT * FROM schedule_phases")
    )
    targets = Counter(
        (row["code"], row["value"], row["min"], row["max"], row["unit"], row["comparator"], row["year"])
        for row in rows(db, "SELECT * FROM indicator_targets")
    )
    want_budget, want_phases, want_targets = Counter(), Counter(), Counter()
    for card in golden_cards:
        code = card.code_canonical
        want_budget.update(
            (code, line.text, line.amount_min_mad, line.amount_max_mad, line.kind)
            for line in card.expected.budget_lines
        )
        want_phases.update((code, phase.start_date, phase.end_date) for phase in card.expected.schedule_phases)
        want_targets.update(
            (
                code,
                quantize(target.value),
                quantize(target.min),
                quantize(target.max),
                target.unit,
                target.comparator,
                target.year,
            )
            for target in card.expected.indicator_targets
        )
    targets = Counter(
        {
            (code, quantize(value), quantize(low), quantize(high), unit, comparator, year): count
            for (code, value, low, high, unit, comparator, year), count in targets.items()
        }
    )
    for name, want, got in (
        ("budget", want_budget, budget),
        ("phases", want_phases, phases),
        ("targets", want_targets, targets),
    ):
        assert want - got == Counter(), f"{name} missing"
        assert got - want == Counter(), f"{name} not in the golden set"


def quantize(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


# --- determinism, cache, progress ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def second_build(tmp_path_factory):
    """The same PDF built again by the CLI, forced and with progress."""
    out = tmp_path_factory.mktemp("build2") / "clean"
    result = run_load(RECONSTRUCTION, "--out", out, "--force")
    assert result.returncode == 0, result.stderr
    return out, result


def table_rows(folder: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(folder / "plan.duckdb"), read_only=True) as connection:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in TABLES}


def test_two_builds_give_the_same_rows(dataset, second_build) -> None:
    out, _ = second_build
    assert table_rows(dataset) == table_rows(out)
    for table in TABLES:  # and the Parquet files too
        assert (dataset / f"{table}.parquet").read_bytes() == (out / f"{table}.parquet").read_bytes(), table


def test_progress_goes_to_stderr_unless_quiet(second_build) -> None:
    _, result = second_build
    assert "page" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert result.stdout.count("\n") == 1 and "built" in result.stdout


def test_an_unchanged_pdf_and_code_is_not_rebuilt(dataset) -> None:
    before = folder_bytes(dataset)
    result = run_load(RECONSTRUCTION, "--out", dataset, "-q")
    assert result.returncode == 0 and "up to date" in result.stdout
    assert folder_bytes(dataset) == before


def test_a_change_of_pdf_or_code_changes_the_build_key(tmp_path, monkeypatch) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(RECONSTRUCTION.read_bytes())
    key = build_module.build_key(pdf, {"verify": "uncertain"})
    assert build_module.build_key(pdf, {"verify": "all"}) != key
    with pdf.open("ab") as handle:
        handle.write(b"\n% an incremental update\n")
    assert build_module.build_key(pdf, {"verify": "uncertain"}) != key
    pdf.write_bytes(RECONSTRUCTION.read_bytes())
    monkeypatch.setattr(build_module, "code_version", lambda: "another version of the code")
    assert build_module.build_key(pdf, {"verify": "uncertain"}) != key


# --- atomic replacement -------------------------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_dataset_untouched(dataset, tmp_path, monkeypatch) -> None:
    out = tmp_path / "clean"
    out.mkdir()
    for path in dataset.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    before = folder_bytes(out)
    # fails while writing, after extraction: the staging folder is dropped, the old dataset stays
    from load import write

    def broken_duckdb(rows: dict, folder: Path) -> None:
        (folder / "plan.duckdb").write_bytes(b"half a database")
        raise OSError("disk full")

    monkeypatch.setattr(write, "write_duckdb", broken_duckdb)
    with pytest.raises(OSError, match="disk full"):
        build(RECONSTRUCTION, out, {"verify": "off"}, force=True)
    assert folder_bytes(out) == before
    # beside it, the folder's lock and the failed build's log; no staging folder left
    assert sorted(path.name for path in tmp_path.iterdir()) == [".clean.failed-build.log", ".clean.lock", "clean"]


def test_not_the_plan_leaves_the_previous_dataset_untouched(dataset, tmp_path) -> None:
    out = tmp_path / "clean"
    out.mkdir()
    for path in dataset.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    before = folder_bytes(out)
    with pytest.raises(NotThePlanError):
        build(FOREIGN / "camelot__tests_files_tabula_frx_2012_disclosure.pdf", out, {"verify": "off"}, force=True)
    assert folder_bytes(out) == before


# --- bad input ----------------------------------------------------------------------------------------------


def reportlab_pdf(path: Path, text: str, encrypt: str | None = None) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory, scanned_pdf) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "notes.pdf").write_text(
        "Plan d'actions 2025\nSous Projet HS-M1-25 : not a PDF at all\n", encoding="utf-8"
    )
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(RECONSTRUCTION.read_bytes()[:40_000])
    corrupt = bytearray(RECONSTRUCTION.read_bytes())
    corrupt[2000:20_000] = b"\0" * 18_000  # objects of the first pages zeroed
    (folder / "corrupt.pdf").write_bytes(bytes(corrupt))
    return {
        "missing": (folder / "nowhere.pdf", "no such file"),
        "folder": (folder, "folder"),
        "not a PDF": (folder / "notes.pdf", "not a PDF"),
        "empty": (folder / "empty.pdf", "empty file"),
        "encrypted": (
            reportlab_pdf(folder / "locked.pdf", "Sous Projet HS-M1-25 : locked", encrypt="secret"),
            "encrypted",
        ),
        "truncated": (folder / "truncated.pdf", ""),
        "corrupt": (folder / "corrupt.pdf", ""),
        "not the plan": (
            reportlab_pdf(folder / "letter.pdf", "Rabat, le 3 mars 2025. Objet : convocation."),
            "not an action plan",
        ),
    }


@pytest.mark.parametrize(
    "case", ["missing", "folder", "not a PDF", "empty", "encrypted", "truncated", "corrupt", "not the plan"]
)
def test_bad_input_gets_one_line_and_a_non_zero_exit(case, bad_inputs, tmp_path) -> None:
    path, words = bad_inputs[case]
    out = tmp_path / "clean"
    result = run_load(path, "--out", out, "-q")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    assert words.lower() in lines[0].lower()
    assert not out.exists(), "nothing is written for a bad input"


FOREIGN_SAMPLE = sorted(path for path in FOREIGN.glob("*.pdf"))


@pytest.mark.parametrize("path", FOREIGN_SAMPLE, ids=[path.stem[:40] for path in FOREIGN_SAMPLE])
def test_pdfs_that_are_not_the_plan_are_refused_cleanly(path, tmp_path) -> None:
    out = tmp_path / "clean"
    result = run_load(path, "--out", out, "-q")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    assert not out.exists()


def test_the_foreign_sample_is_present() -> None:
    assert len(FOREIGN_SAMPLE) >= 10


def test_summary_list_rows_link_to_the_cards_the_golden_lists_name(db) -> None:
    lists = json.loads((ROOT / "data/golden/project_lists.json").read_text(encoding="utf-8"))["lists"]
    want = [(row["code"], row["card_code"]) for plan_list in lists for row in plan_list["rows"]]
    got = [
        (printed, card)
        for printed, card in db.execute("SELECT code_printed, code FROM list_entries ORDER BY row_index").fetchall()
    ]
    assert got == want
    unlisted = {code for (code,) in db.execute("SELECT code FROM findings WHERE kind = 'card_not_listed'").fetchall()}
    listed = {card for _, card in want}
    assert unlisted == {code for (code,) in db.execute("SELECT code FROM cards").fetchall()} - listed


def test_printed_pages_come_from_the_worker_or_are_read_here() -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from extract.verify import Meanwhile
    from load.build import WorkAhead
    from load.printed import PrintedPages

    def ahead_with(outcome) -> WorkAhead:
        future: Future = Future()
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
        ahead = WorkAhead(RECONSTRUCTION)
        ahead.meanwhile = Meanwhile(beside_result=future)
        ahead.take_printed()
        return ahead

    given = PrintedPages(labels={1: "7"})
    assert ahead_with(given).printed is given  # read in the worker
    failed = ahead_with(ValueError("no text"))
    assert failed.printed == PrintedPages() and isinstance(failed.printed_error, ValueError)  # its error kept
    broken = ahead_with(BrokenProcessPool("worker gone"))
    assert broken.printed_error is None and broken.printed.labels  # the worker died: read here


def test_the_build_collects_garbage_less_often_and_restores_the_setting() -> None:
    import gc

    before = gc.get_threshold()
    with build_module.fewer_collections(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before
