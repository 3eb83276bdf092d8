"""Write validated rows as Parquet files and one DuckDB database, into a temporary folder that replaces the
output folder only once everything is written."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import types
import typing
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.records import TABLES

DATABASE = "plan.duckdb"

VIEWS = {
    "budget_by_establishment": """
        SELECT owner, count(*) AS cards, count(budget_min_mad) AS cards_with_amount,
               sum(budget_min_mad) AS budget_min_mad, sum(budget_max_mad) AS budget_max_mad
        FROM cards WHERE axis = 'I' GROUP BY owner ORDER BY budget_max_mad DESC NULLS LAST, owner""",
    "budget_by_function": """
        SELECT owner, any_value(section ORDER BY code) AS section, count(*) AS cards,
               count(budget_min_mad) AS cards_with_amount,
               sum(budget_min_mad) AS budget_min_mad, sum(budget_max_mad) AS budget_max_mad
        FROM cards WHERE axis = 'II' GROUP BY owner ORDER BY budget_max_mad DESC NULLS LAST, owner""",
    "projects_per_person": """
        SELECT p.person_id, p.display_name, count(DISTINCT cp.code) AS projects,
               count(DISTINCT cp.code) FILTER (WHERE cp.role = 'responsible') AS as_responsible,
               count(DISTINCT cp.code) FILTER (WHERE cp.role = 'coordinator') AS as_coordinator,
               list(DISTINCT cp.code ORDER BY cp.code) AS codes
        FROM card_people cp JOIN people p USING (person_id)
        GROUP BY p.person_id, p.display_name ORDER BY projects DESC, p.display_name""",
    "projects_active_per_month": """
        WITH months AS (
            SELECT unnest(generate_series(
                (SELECT date_trunc('month', min(start_date)) FROM cards),
                (SELECT date_trunc('month', max(end_date)) FROM cards),
                INTERVAL 1 MONTH))::DATE AS month)
        SELECT month, count(c.code) AS active_projects,
               sum(c.budget_max_mad) AS budget_max_mad_of_active
        FROM months LEFT JOIN cards c ON c.start_date <= last_day(month) AND c.end_date >= month
        GROUP BY month ORDER BY month""",
}


def arrow_type(annotation, field) -> pa.DataType:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return arrow_type(inner, field)
    if origin is list:
        return pa.list_(arrow_type(typing.get_args(annotation)[0], field))
    if origin is typing.Literal or annotation is str:
        return pa.string()
    if annotation is bool:
        return pa.bool_()
    if annotation is int:
        return pa.int64()
    if annotation is float:
        return pa.float64()
    if annotation is Decimal:
        places = next((meta.decimal_places for meta in field.metadata if getattr(meta, "decimal_places", None) is not None), 2)
        return pa.decimal128(18, places)
    if annotation is dt.date:
        return pa.date32()
    raise TypeError(f"no column type for {annotation!r}")


def table_schema(table: str) -> pa.Schema:
    model = TABLES[table]
    hints = typing.get_type_hints(model)
    return pa.schema([pa.field(name, arrow_type(hints[name], field)) for name, field in model.model_fields.items()])


def write_parquet(rows: dict[str, list[dict]], folder: Path) -> None:
    for table, table_rows in rows.items():
        schema = table_schema(table)
        quantized = [quantize(row, schema) for row in table_rows]
        pq.write_table(pa.Table.from_pylist(quantized, schema=schema), folder / f"{table}.parquet", compression="zstd")


def quantize(row: dict, schema: pa.Schema) -> dict:
    """Decimals to the column's scale, so that 11 MDH reads as 11000000.00 in both Parquet and DuckDB."""
    out = dict(row)
    for field in schema:
        if pa.types.is_decimal(field.type) and out.get(field.name) is not None:
            out[field.name] = Decimal(out[field.name]).quantize(Decimal(1).scaleb(-field.type.scale))
    return out


def write_duckdb(folder: Path) -> None:
    import duckdb

    connection = duckdb.connect(str(folder / DATABASE))
    try:
        for table in TABLES:
            path = (folder / f"{table}.parquet").as_posix().replace("'", "''")
            connection.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}')")
        for name, sql in VIEWS.items():
            connection.execute(f"CREATE VIEW {name} AS {sql}")
    finally:
        connection.close()


def replace_folder(built: Path, out: Path) -> None:
    """Swap the new folder in: the old dataset stays whole until the new one is complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if (out / ".gitkeep").exists():
        (built / ".gitkeep").touch()  # the repository keeps the empty folder
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(built, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    if old.exists():
        shutil.rmtree(old)


def staging_folder(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.parent / f".{out.name}.building-{os.getpid()}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    return folder
