"""Write validated rows as one DuckDB database and Parquet files, into a staging folder that replaces the
output folder only once everything is written.

DuckDB reads the rows (as JSON lines, typed by the models: ``table_columns``) and writes each table's Parquet
file itself: one library types and writes both, and no Python object goes through a columnar conversion.

Every step that changes the file system (each file written, each rename, each removal) first calls
``filesystem_step`` with what it is about to do: a no-op, which the fault-injection tests replace to stop a
build at each step in turn. The staging folder is swapped with the output folder in one atomic step
(``renameat2`` with ``RENAME_EXCHANGE`` on Linux), so that the output folder is at every instant a complete
dataset, the old or the new; then the old one is removed. A build killed on the way leaves a
``.OUT.building-*`` folder beside it, which the next build of that folder removes first.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from schemas.records import FOREIGN_KEYS, PRIMARY_KEYS, TABLES

DATABASE = "plan.duckdb"


@dataclass(frozen=True)
class View:
    description: str
    sql: str
    columns: dict[str, str]


_BUDGET_COLUMNS = {
    "owner": "the owner's code (`owners.code`)",
    "name": "the owner's name (`owners.name`)",
    "axis": "I or II",
    "kind": "establishment, directorate or function",
    "cards": "its cards",
    "cards_with_amount": "its cards whose « Budget » gives an amount",
    "budget_min_mad": "sum of its cards' `budget_min_mad`, MAD",
    "budget_max_mad": "sum of its cards' `budget_max_mad`, MAD",
}


def _budget_sql(where: str) -> str:
    return f"""
        SELECT c.owner, o.name, o.axis, o.kind, count(*) AS cards, count(c.budget_min_mad) AS cards_with_amount,
               sum(c.budget_min_mad) AS budget_min_mad, sum(c.budget_max_mad) AS budget_max_mad
        FROM cards c JOIN owners o ON o.code = c.owner {where}
        GROUP BY c.owner, o.name, o.axis, o.kind ORDER BY budget_max_mad DESC NULLS LAST, c.owner"""


VIEWS: dict[str, View] = {
    "budget_by_owner": View(
        "how much each owner (establishment, directorate or function) plans to spend",
        _budget_sql(""),
        _BUDGET_COLUMNS,
    ),
    "budget_by_establishment": View(
        "the same for the owners of axis I (establishments and directorates)",
        _budget_sql("WHERE c.axis = 'I'"),
        _BUDGET_COLUMNS,
    ),
    "budget_by_function": View(
        "the same for the functions of axis II",
        _budget_sql("WHERE c.axis = 'II'"),
        _BUDGET_COLUMNS,
    ),
    "projects_per_person": View(
        "projects per person, as responsible and as coordinator, with their codes",
        """
        SELECT p.person_id, p.display_name, count(DISTINCT cp.code) AS projects,
               count(DISTINCT cp.code) FILTER (WHERE cp.role = 'responsible') AS as_responsible,
               count(DISTINCT cp.code) FILTER (WHERE cp.role = 'coordinator') AS as_coordinator,
               list(DISTINCT cp.code ORDER BY cp.code) AS codes
        FROM card_people cp JOIN people p USING (person_id)
        GROUP BY p.person_id, p.display_name ORDER BY projects DESC, p.display_name""",
        {
            "person_id": "`people.person_id`",
            "display_name": "`people.display_name`",
            "projects": "cards naming the person",
            "as_responsible": "cards naming the person in « Responsable »",
            "as_coordinator": "cards naming the person in « Coordinateur »",
            "codes": "the cards' codes",
        },
    ),
    "projects_active_per_month": View(
        "the cards whose schedule covers each month, their codes, and their budgets prorated by day: a card's "
        "`budget_max_mad` spread evenly over the days from `start_date` to `end_date`, so that the months of a "
        "card add up to its budget (never the whole budget in every month)",
        """
        WITH months AS (
            SELECT unnest(generate_series(
                (SELECT date_trunc('month', min(start_date)) FROM cards),
                (SELECT date_trunc('month', max(end_date)) FROM cards),
                INTERVAL 1 MONTH))::DATE AS month),
        active AS (
            SELECT m.month, c.code, c.budget_max_mad,
                   least(c.end_date, last_day(m.month)) - greatest(c.start_date, m.month) + 1 AS days,
                   c.end_date - c.start_date + 1 AS card_days
            FROM months m JOIN cards c ON c.start_date <= last_day(m.month) AND c.end_date >= m.month)
        SELECT m.month, count(a.code) AS active_projects, list(a.code ORDER BY a.code) FILTER (WHERE a.code IS NOT NULL) AS codes,
               count(a.budget_max_mad) AS with_amount,
               round(sum(a.budget_max_mad * a.days / a.card_days), 2)::DECIMAL(18,2) AS budget_max_mad_prorated
        FROM months m LEFT JOIN active a USING (month)
        GROUP BY m.month ORDER BY m.month""",
        {
            "month": "first day of the month",
            "active_projects": "cards whose schedule covers a day of the month",
            "codes": "their codes",
            "with_amount": "those of them with a budget amount",
            "budget_max_mad_prorated": "sum over them of `budget_max_mad` × (days of the card in the month) / (days of the card), MAD",
        },
    ),
}


def column_type(annotation, field) -> str:
    """The DuckDB type of a model field (a list of X is ``X[]``; Decimal with the field's decimal places)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return column_type(inner, field)
    if origin is list:
        return column_type(typing.get_args(annotation)[0], field) + "[]"
    if origin is typing.Literal or annotation is str:
        return "VARCHAR"
    if annotation is bool:
        return "BOOLEAN"
    if annotation is int:
        return "BIGINT"
    if annotation is float:
        return "DOUBLE"
    if annotation is Decimal:
        places = next(
            (meta.decimal_places for meta in field.metadata if getattr(meta, "decimal_places", None) is not None), 2
        )
        return f"DECIMAL(18,{places})"
    if annotation is dt.date:
        return "DATE"
    raise TypeError(f"no column type for {annotation!r}")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB's
    nullable: bool


def table_columns(table: str) -> list[Column]:
    """The table's columns from its model, in order: DuckDB type, and whether the model allows null."""
    model = TABLES[table]
    hints = typing.get_type_hints(model)
    return [
        Column(name, column_type(hints[name], field), type(None) in typing.get_args(hints[name]))
        for name, field in model.model_fields.items()
    ]


def create_table_sql(table: str) -> str:
    """The table with its types from its model, NOT NULL where the model allows no null, its primary key and
    its foreign keys."""
    columns = [
        f"{column.name} {column.type}{'' if column.nullable else ' NOT NULL'}" for column in table_columns(table)
    ]
    if table in PRIMARY_KEYS:
        columns.append(f"PRIMARY KEY ({PRIMARY_KEYS[table]})")
    for (source, column), (target, target_column) in FOREIGN_KEYS.items():
        if source == table:
            columns.append(f"FOREIGN KEY ({column}) REFERENCES {target} ({target_column})")
    return f"CREATE TABLE {table} (\n    " + ",\n    ".join(columns) + "\n)"


def filesystem_step(what: str) -> None:
    """Called before each change to the file system, with what it is about to do (see the module's docstring)."""


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_sql() -> list[str]:
    """COMMENT ON every table, view and column, from the models' docstrings and field descriptions."""
    statements = []
    for table, model in TABLES.items():
        statements.append(f"COMMENT ON TABLE {table} IS {quote(table_description(table))}")
        for name, field in model.model_fields.items():
            statements.append(f"COMMENT ON COLUMN {table}.{name} IS {quote(field.description or '')}")
    for name, view in VIEWS.items():
        statements.append(f"COMMENT ON VIEW {name} IS {quote(view.description)}")
        for column, description in view.columns.items():
            statements.append(f"COMMENT ON COLUMN {name}.{column} IS {quote(description)}")
    return statements


def table_description(table: str) -> str:
    return " ".join((TABLES[table].__doc__ or "").split())


def json_value(value):
    """JSON for the values JSON has no type for: a decimal as its exact digits, a date as ISO 8601."""
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    raise TypeError(f"no JSON form for {value!r}")


def write_rows_file(table_rows: list[dict], path: Path) -> None:
    """The rows as JSON lines: DuckDB reads them into the typed table (the decimals' digits cast to the column's
    scale, so that 11 MDH reads as 11000000.00 in both DuckDB and Parquet)."""
    filesystem_step(f"write {path.name}")
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, default=json_value, ensure_ascii=False) + "\n" for row in table_rows)


def read_json_sql(table: str, path: Path) -> str:
    types_ = ", ".join(f"{quote(column.name)}: {quote(column.type)}" for column in table_columns(table))
    return f"SELECT * FROM read_json({quote(path.as_posix())}, format = 'newline_delimited', columns = {{{types_}}})"


def write_duckdb(rows: dict[str, list[dict]], folder: Path) -> None:
    """``plan.duckdb``: every table typed from its model, with its keys, the views and the comments. The rows go
    through JSON lines files in ``folder``, removed once read."""
    import duckdb

    files = []
    try:
        filesystem_step(f"write {DATABASE}")
        connection = duckdb.connect(str(folder / DATABASE))
        try:
            # one transaction: each statement on its own would be committed (and written to disk) on its own
            connection.execute("BEGIN TRANSACTION")
            for table in TABLES:  # in order: a table after those its foreign keys point to
                connection.execute(create_table_sql(table))
                if rows[table]:
                    files.append(folder / f".{table}.jsonl")
                    write_rows_file(rows[table], files[-1])
                    connection.execute(f"INSERT INTO {table} {read_json_sql(table, files[-1])}")
            for name, view in VIEWS.items():
                connection.execute(f"CREATE VIEW {name} AS {view.sql}")
            connection.execute(";\n".join(comment_sql()))
            connection.execute("COMMIT")
        finally:
            connection.close()
    finally:
        for path in files:
            filesystem_step(f"remove {path.name}")
            path.unlink(missing_ok=True)


def write_parquet(folder: Path) -> None:
    """One ``<table>.parquet`` per table, copied from ``plan.duckdb`` (same types, same rows in the same order)."""
    import duckdb

    connection = duckdb.connect(str(folder / DATABASE), read_only=True)
    try:
        for table in TABLES:
            filesystem_step(f"write {table}.parquet")
            target = quote((folder / f"{table}.parquet").as_posix())
            connection.execute(f"COPY {table} TO {target} (FORMAT parquet, COMPRESSION zstd)")
    finally:
        connection.close()


# The prefix of a staging folder beside OUT: « .clean.building-<pid> ».
STAGING = ".{name}.building-"
# Linux renameat2 flag: swap the two paths atomically; AT_FDCWD: paths relative to the working folder.
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def write_text(path: Path, text: str) -> None:
    filesystem_step(f"write {path.name}")
    path.write_text(text, encoding="utf-8")


def sync_folder(folder: Path) -> None:
    """Every file of the folder and the folder itself on disk, before the folder is swapped in."""
    for path in folder.iterdir():
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step; False where the system cannot (not Linux, or a file system
    without RENAME_EXCHANGE)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(second))


def swap_in(built: Path, out: Path) -> None:
    """Put the built folder at ``out``: the old dataset stays whole at ``out`` until the new one is there.
    The old one ends at the staging path and is removed; if that fails, the next build removes it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FileExistsError(f"{out} is not a folder; give another --out")
    if (out / ".gitkeep").exists():
        filesystem_step("write .gitkeep")
        (built / ".gitkeep").touch()  # the repository keeps the empty folder
    sync_folder(built)
    filesystem_step(f"swap {built.name} with {out.name}")
    if not out.exists():
        os.rename(built, out)
    elif not exchange(built, out):
        # no atomic swap here: two renames, with a moment between them when ``out`` is absent
        old = built.with_name(built.name + ".old")
        os.rename(out, old)
        try:
            os.rename(built, out)
        except OSError:
            os.rename(old, out)
            raise
        built = old
    remove_folder(built)


def remove_folder(folder: Path) -> None:
    """Remove a folder; a failure leaves it for the next build's ``clean_leftovers``."""
    if not folder.exists():
        return
    try:
        filesystem_step(f"remove {folder.name}")
        shutil.rmtree(folder)
    except OSError:
        pass


def leftovers(out: Path) -> list[Path]:
    """What killed builds of ``out`` left beside it: their staging folders (a new dataset half written, or
    the old one swapped out and not yet removed)."""
    return sorted(out.parent.glob(STAGING.format(name=out.name) + "*"))


def clean_leftovers(out: Path) -> list[Path]:
    """Remove the leftovers of killed builds of ``out`` (the caller holds the folder's lock); returns them."""
    found = leftovers(out)
    for folder in found:
        remove_folder(folder)
    return found


def staging_folder(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.parent / (STAGING.format(name=out.name) + str(os.getpid()))
    if folder.exists():
        remove_folder(folder)
    filesystem_step(f"create {folder.name}")
    folder.mkdir()
    return folder
