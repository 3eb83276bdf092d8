"""``make all``: a PDF of the plan to a validated DuckDB + Parquet dataset; the runner only wires stages."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the dataset depends on besides the PDF: the code and the data it reads (labels, vocabulary, reference tables).
CODE_FOLDERS = ("extract", "normalize", "schemas", "load")
BUILD_INFO = "build.json"


@dataclass
class Summary:
    cards: int
    items: int
    findings: int
    rejected: int
    out: Path
    cached: bool = False
    corrections: dict[str, int] | None = None  # rows of the corrections file by status

    def line(self) -> str:
        state = "up to date" if self.cached else "built"
        line = f"{self.out}: {state} — {self.cards} cards, {self.items} items, {self.findings} findings, {self.rejected} rejected"
        if self.corrections:
            line += " — corrections: " + ", ".join(
                f"{count} {status}" for status, count in sorted(self.corrections.items())
            )
        return line


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


def build_key(pdf: Path, settings: dict, corrections: Path | None = None) -> str:
    """The PDF, the code, the settings and the corrections file: a change of any of them rebuilds."""
    corrected = file_hash(corrections) if corrections is not None and corrections.is_file() else "no corrections"
    return hashlib.sha256(
        f"{file_hash(pdf)}|{code_version()}|{json.dumps(settings, sort_keys=True)}|{corrected}".encode()
    ).hexdigest()


def cached_summary(out: Path, key: str) -> Summary | None:
    info_path = out / BUILD_INFO
    if not info_path.is_file() or not (out / "plan.duckdb").is_file():
        return None
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info.get("key") != key:
        return None
    return Summary(
        info["cards"],
        info["items"],
        info["findings"],
        info["rejected"],
        out,
        cached=True,
        corrections=info.get("corrections"),
    )


def build(pdf: Path, out: Path, settings: dict, force: bool = False, corrections: Path | None = None) -> Summary:
    """``corrections``: the corrections file (``load.corrections``); None or a missing file, no corrections."""
    from extract.pdf import check_file
    from load.corrections import read_corrections

    check_file(pdf)
    fixes = read_corrections(corrections)  # a bad file stops here, before anything is written
    key = build_key(pdf, settings, corrections)
    if not force:
        cached = cached_summary(out, key)
        if cached:
            return cached
    # Imported here so that an up-to-date check stays fast.
    from extract.run import extract_plan
    from load.corrections import correct_extraction
    from load.printed import read_printed
    from load.tables import extraction_to_rows, validate_rows, with_corrections
    from load.write import replace_folder, staging_folder, write_duckdb, write_parquet

    extraction, item_outcomes = correct_extraction(extract_plan(pdf, settings), fixes)
    printed = read_printed(pdf)
    rows = validate_rows(with_corrections(extraction_to_rows(extraction, printed), fixes, item_outcomes, printed))
    staging = staging_folder(out)
    try:
        write_parquet(rows, staging)
        write_duckdb(staging)
        statuses = dict(Counter(row["status"] for row in rows["corrections"]))
        summary = Summary(
            len(rows["cards"]),
            len(rows["field_items"]),
            len(rows["findings"]),
            len(rows["rejected"]),
            out,
            corrections=statuses,
        )
        info = {"key": key, "pdf": str(pdf), "pdf_sha256": file_hash(pdf), "pages": extraction.page_count,
                "verified_pages": len(extraction.verified_pages), "cards": summary.cards, "items": summary.items,
                "findings": summary.findings, "rejected": summary.rejected, "corrections": statuses,
                "corrections_file": str(corrections) if corrections is not None and corrections.is_file() else None}  # fmt: skip
        (staging / BUILD_INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary
