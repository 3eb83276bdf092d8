"""``python -m load.export OUT`` (``make export``): the dataset of ``OUT/plan.duckdb`` for spreadsheet users.

Writes ``OUT/export/<name>.csv`` for every table and view (UTF-8 with a byte-order mark so that Excel reads the
accents; lists as their items one per line in the cell) and ``OUT/export/plan.xlsx``: a first sheet
« columns » describing every column of every sheet, then one sheet per table and view with typed cells
(amounts and counts as numbers, dates as dates), the header row frozen and filtered. The folder is written
aside and swapped in whole.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

from load.write import DATABASE, VIEWS, table_description
from schemas.records import TABLES

EXPORT = "export"
WORKBOOK = "plan.xlsx"
LIST_SEPARATOR = "\n"


def names() -> list[str]:
    return list(TABLES) + list(VIEWS)


def descriptions(connection) -> list[tuple[str, str, str, str]]:
    """(sheet, column, type, description) of every column, from the DuckDB comments (themselves the models'
    descriptions)."""
    rows = connection.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() ORDER BY table_name, column_index"
    ).fetchall()
    by_table: dict[str, list[tuple[str, str, str, str]]] = {}
    for table, column, kind, comment in rows:
        by_table.setdefault(table, []).append((table, column, kind, comment or ""))
    return [row for name in names() for row in by_table[name]]


def cell_value(value):
    if isinstance(value, list):
        return LIST_SEPARATOR.join("" if item is None else str(item) for item in value)
    return value


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else cell_value(value) for value in row])


def number_format(kind: str) -> str | None:
    if kind.startswith("DECIMAL") and kind.endswith(",2)"):
        return "#,##0.00"
    if kind.startswith("DECIMAL") or kind == "DOUBLE":
        return "0.####"
    if kind == "DATE":
        return "yyyy-mm-dd"
    return None


def write_workbook(
    path: Path, tables: dict[str, tuple[list[str], list[str], list[tuple]]], documented: list[tuple[str, str, str, str]]
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "columns"
    sheet.append(["sheet", "column", "type", "description"])
    for name in names():
        sheet.append(
            [
                name,
                None,
                "TABLE" if name in TABLES else "VIEW",
                table_description(name) if name in TABLES else VIEWS[name].description,
            ]
        )
        for table, column, kind, comment in documented:
            if table == name:
                sheet.append([table, column, kind, comment])
    finish(sheet, [18, 26, 16, 110], get_column_letter, Font)
    for name, (header, kinds, rows) in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([cell_value(value) for value in row])
        for index, kind in enumerate(kinds, 1):
            fmt = number_format(kind)
            wrap = kind.endswith("[]")
            if fmt or wrap:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    if fmt:
                        cell.number_format = fmt
                    if wrap:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [
            min(60, max([len(column)] + [len(str(cell_value(row[i]))) for row in rows[:200] if row[i] is not None]) + 2)
            for i, column in enumerate(header)
        ]
        finish(sheet, widths, get_column_letter, Font)
    book.save(path)


def finish(sheet, widths, get_column_letter, Font) -> None:
    """Header row bold, frozen and filtered; column widths."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def export(out: Path) -> Path:
    import duckdb

    from extract.errors import InputError

    database = out / DATABASE
    if not database.is_file():
        raise InputError(f"{database}: no dataset there; build it first (make all OUT={out})")
    target = out / EXPORT
    staging = out / f".{EXPORT}.building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            tables = {}
            for name in names():
                cursor = connection.execute(f"SELECT * FROM {name}")
                header = [column[0] for column in cursor.description]
                rows = cursor.fetchall()
                kinds = [kind for (kind,) in connection.execute(
                    "SELECT data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [name]).fetchall()]  # fmt: skip
                write_csv(staging / f"{name}.csv", header, rows)
                tables[name] = (header, kinds, rows)
            write_workbook(staging / WORKBOOK, tables, descriptions(connection))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def main(argv: list[str]) -> int:
    import argparse

    from extract.errors import PlanToDataError

    parser = argparse.ArgumentParser(
        prog="python -m load.export", description="CSV files and an Excel workbook of a built dataset."
    )
    parser.add_argument(
        "out", type=Path, nargs="?", default=Path("data/clean"), help="the dataset folder (make all's OUT)"
    )
    args = parser.parse_args(argv)
    try:
        target = export(args.out)
    except PlanToDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        print(f"error: {args.out}: {type(error).__name__}: {error}", file=sys.stderr)
        return 3
    print(f"{target}: {len(names())} CSV files and {WORKBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
