"""``make all``: a PDF of the plan to a validated DuckDB + Parquet dataset; the runner only wires stages."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the dataset depends on besides the PDF: the code and the reference data it reads.
CODE_FOLDERS = ("extract", "normalize", "schemas", "load", "data/reference")
BUILD_INFO = "build.json"


@dataclass
class Summary:
    cards: int
    items: int
    findings: int
    rejected: int
    out: Path
    cached: bool = False

    def line(self) -> str:
        state = "up to date" if self.cached else "built"
        return f"{self.out}: {state} — {self.cards} cards, {self.items} items, {self.findings} findings, {self.rejected} rejected"


def code_version() -> str:
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".yaml", ".csv", ".json"} and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_key(pdf: Path, settings: dict) -> str:
    return hashlib.sha256(f"{file_hash(pdf)}|{code_version()}|{json.dumps(settings, sort_keys=True)}".encode()).hexdigest()


def cached_summary(out: Path, key: str) -> Summary | None:
    info_path = out / BUILD_INFO
    if not info_path.is_file() or not (out / "plan.duckdb").is_file():
        return None
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info.get("key") != key:
        return None
    return Summary(info["cards"], info["items"], info["findings"], info["rejected"], out, cached=True)


def build(pdf: Path, out: Path, settings: dict, force: bool = False) -> Summary:
    from extract.pdf import check_file

    check_file(pdf)
    key = build_key(pdf, settings)
    if not force:
        cached = cached_summary(out, key)
        if cached:
            return cached
    # Imported here so that an up-to-date check stays fast.
    from extract.run import extract_plan
    from load.printed import read_printed
    from load.tables import extraction_to_rows, validate_rows
    from load.write import replace_folder, staging_folder, write_duckdb, write_parquet

    extraction = extract_plan(pdf, settings)
    rows = validate_rows(extraction_to_rows(extraction, read_printed(pdf)))
    staging = staging_folder(out)
    try:
        write_parquet(rows, staging)
        write_duckdb(staging)
        summary = Summary(len(rows["cards"]), len(rows["field_items"]), len(rows["findings"]), len(rows["rejected"]), out)
        info = {"key": key, "pdf": str(pdf), "pdf_sha256": file_hash(pdf), "pages": extraction.page_count,
                "verified_pages": len(extraction.verified_pages), "cards": summary.cards, "items": summary.items,
                "findings": summary.findings, "rejected": summary.rejected}  # fmt: skip
        (staging / BUILD_INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary
