"""``make export``: a CSV file per table and view, and a workbook with typed cells, opened with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from load.write import VIEWS
from schemas.records import TABLES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def exported(dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "clean"
    shutil.copytree(dataset, out)
    result = subprocess.run(
        [sys.executable, "-m", "load.export", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{out / 'export'}: {len(TABLES) + len(VIEWS)} CSV files and plan.xlsx"
    return out


def counts(out: Path) -> dict[str, int]:
    with duckdb.connect(str(out / "plan.duckdb"), read_only=True) as connection:
        return {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in list(TABLES) + list(VIEWS)
        }


def test_a_csv_per_table_and_view_with_every_row(exported) -> None:
    expected = counts(exported)
    files = {path.stem for path in (exported / "export").glob("*.csv")}
    assert files == set(expected)
    for name, count in expected.items():
        with (exported / "export" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) - 1 == count, name
    with (exported / "export/cards.csv").open(encoding="utf-8-sig", newline="") as handle:
        cards = {row["code"]: row for row in csv.DictReader(handle)}
    # HS-M4-25 (golden): 248 400 + 12 000 MAD, « Services de Neurologie A et B »
    assert cards["HS-M4-25"]["budget_max_mad"] == "260400.00"
    assert cards["HS-M4-25"]["code_printed"] == "HS-M4-25"


def test_the_workbook_has_typed_cells_frozen_filtered_headers_and_a_column_sheet(exported) -> None:
    book = load_workbook(exported / "export/plan.xlsx")
    assert book.sheetnames == ["columns", *TABLES, *VIEWS]
    expected = counts(exported)
    for name in [*TABLES, *VIEWS]:
        sheet = book[name]
        assert sheet.max_row - 1 == expected[name], name
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), name
    cards = book["cards"]
    header = [cell.value for cell in cards[1]]
    by_code = {row[header.index("code")]: row for row in cards.iter_rows(min_row=2, values_only=True)}
    card = by_code["HS-M4-25"]
    assert (
        isinstance(card[header.index("budget_max_mad")], (int, float))
        and card[header.index("budget_max_mad")] == 260400
    )
    assert isinstance(card[header.index("start_date")], dt.datetime) and card[
        header.index("start_date")
    ].date() == dt.date(2025, 1, 1)
    assert isinstance(card[header.index("page_first")], int)
    assert card[header.index("entities")] == "Services de Neurologie A et B"
    number_cell = next(
        cards.iter_rows(
            min_row=2, min_col=header.index("budget_max_mad") + 1, max_col=header.index("budget_max_mad") + 1
        )
    )[0]
    assert number_cell.number_format == "#,##0.00"
    # the first sheet documents every column of every sheet, with the models' descriptions
    documented = {(row[0], row[1]): row[3] for row in book["columns"].iter_rows(min_row=2, values_only=True) if row[1]}
    for table, model in TABLES.items():
        for column, field in model.model_fields.items():
            assert documented[(table, column)] == field.description
    for name, view in VIEWS.items():
        assert {column for (sheet, column) in documented if sheet == name} == set(view.columns)


def test_export_without_a_dataset_is_one_line_and_a_non_zero_exit(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "load.export", str(tmp_path / "nothing")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "make all" in lines[0]
    assert not (tmp_path / "nothing").exists()
