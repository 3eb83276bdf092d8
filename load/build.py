"""``make all``: a PDF of the plan to a validated DuckDB + Parquet dataset; the runner only wires stages.

A build holds the output folder's lock (``.OUT.lock`` beside it) from start to end, so builds of one folder
run one after the other; it starts by removing what a killed build of that folder left (``.OUT.building-*``),
writes the new dataset into a staging folder beside ``OUT``, and swaps the two in one atomic step
(``load.write.swap_in``): at every instant ``OUT`` is a complete dataset, the old or the new. What libraries
log while it runs is kept out of the terminal and written to ``OUT/build.log``; stderr gets one line per
library that had something to say.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import json
import logging
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the dataset depends on besides the PDF: the code and the data it reads (labels, vocabulary, reference tables).
CODE_FOLDERS = ("extract", "normalize", "schemas", "load", "vocabulary")
# The libraries that read the PDF: another release may read it differently.
READING_LIBRARIES = ("pypdfium2", "pdfminer.six", "pdfplumber", "camelot-py")
# Settings that change how a build runs or what it prints, never its data: not part of the build key.
RUN_SETTINGS = frozenset({"progress", "workers", "ocr_cache"})
BUILD_INFO = "build.json"
BUILD_LOG = "build.log"
# How long a build waits for another build of the same folder to finish before giving up (seconds).
LOCK_TIMEOUT = 3600.0
# The folder's lock and the details of a build that failed, beside the folder (« .clean.lock »…).
LOCK_SUFFIX = ".lock"
FAILED_LOG_SUFFIX = ".failed-build.log"
# Loggers whose messages go to stderr as they come (the build's own progress is printed, not logged).
QUIET_LOGGERS_LEVEL = logging.WARNING
# Allocations between two runs of the cyclic garbage collector's youngest generation during a build (Python's
# default: 700). A build allocates millions of small objects that form no cycle (characters, words, lines,
# rows): the collector, run that often, walked them again and again for about a tenth of the build's time.
# Cycles are still collected, less often; the workers inherit the setting.
BUILD_GC_THRESHOLD = 100_000


@dataclass
class Summary:
    cards: int
    items: int
    findings: int
    rejected: int
    out: Path
    cached: bool = False
    corrections: dict[str, int] | None = None  # rows of the corrections file by status
    unreadable_pages: int = 0  # pages that could not be read (findings of kind page_unreadable)
    ocr_pages: int = 0  # pages read by OCR (no text layer, or an invisible OCR layer)

    @property
    def complete(self) -> bool:
        """Every page of the PDF was read."""
        return not self.unreadable_pages

    def line(self) -> str:
        state = "up to date" if self.cached else "built"
        line = f"{self.out}: {state} — {self.cards} cards, {self.items} items, {self.findings} findings, {self.rejected} rejected"
        if self.ocr_pages:
            line += f", {self.ocr_pages} pages read by OCR"
        if self.unreadable_pages:
            line += f", {self.unreadable_pages} pages unreadable"
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


def key_settings(settings: dict) -> dict:
    """The extraction settings that change the data: every field of ``ExtractSettings`` with its default filled
    in (so that an option given as its default does not rebuild), without the run settings (progress…)."""
    from extract.settings import ExtractSettings

    return ExtractSettings.resolve(settings).model_dump(exclude=set(RUN_SETTINGS))


def library_versions() -> dict[str, str]:
    versions = {}
    for name in READING_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def build_key(pdf: Path, settings: dict, corrections: Path | None = None) -> str:
    """The PDF, the code (with its reference data and the reading libraries' versions), the extraction
    settings and the corrections file: a change of any of them rebuilds; nothing else does (``-q``…)."""
    corrected = file_hash(corrections) if corrections is not None and corrections.is_file() else "no corrections"
    parts = [
        file_hash(pdf),
        code_version(),
        json.dumps(library_versions(), sort_keys=True),
        json.dumps(key_settings(settings), sort_keys=True),
        corrected,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_summary(out: Path, key: str) -> Summary | None:
    info_path = out / BUILD_INFO
    if not info_path.is_file() or not (out / "plan.duckdb").is_file():
        return None
    try:
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
            unreadable_pages=len(info["unreadable_pages"]),
            ocr_pages=len(info.get("ocr_pages", [])),
        )
    except (ValueError, KeyError, TypeError):  # a build.json of another version: rebuild
        return None


class LogRecords(logging.Handler):
    """Every record logged during the build, kept for ``build.log`` instead of reaching the terminal."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str, str]] = []  # (logger, level, message)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        name = record.name
        if name == "extract.pdf.workers" and ": " in message:  # a worker's record: its own logger first
            name, message = message.split(": ", 1)
        self.records.append((name, record.levelname, message))

    def lines(self) -> list[str]:
        return [f"{level} {name}: {message}" for name, level, message in self.records]

    def kinds(self) -> Counter:
        """Records by the library that logged them (its top-level logger name)."""
        return Counter(name.split(".")[0] for name, _, _ in self.records)


@contextmanager
def fewer_collections(threshold: int = BUILD_GC_THRESHOLD):
    """The garbage collector's youngest generation run every ``threshold`` allocations within the block."""
    previous = gc.get_threshold()
    gc.set_threshold(threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextmanager
def captured_logs():
    """Route every logger (and ``warnings``) to one ``LogRecords`` for the duration of the build."""
    root = logging.getLogger()
    handler, level = LogRecords(), root.level
    root.addHandler(handler)
    root.setLevel(QUIET_LOGGERS_LEVEL)
    logging.captureWarnings(True)
    try:
        yield handler
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(level)


def report_logs(log: LogRecords, where: Path) -> None:
    """One line on stderr per library that logged something, pointing to the file with the details."""
    for name, count in sorted(log.kinds().items()):
        first = next(message for logger, _, message in log.records if logger.split(".")[0] == name)
        print(f"note: {count} messages from {name} (first: {first[:80]!r}); details in {where}", file=sys.stderr)


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}{LOCK_SUFFIX}"


@contextmanager
def output_lock(out: Path, timeout: float):
    """The output folder's lock: a second build says it waits, then waits up to ``timeout`` seconds."""
    from filelock import FileLock, Timeout

    from extract.errors import BuildLocked

    out.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(out)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(
            f"waiting for another build of {out} to finish (lock {path}, up to {timeout:g} s)",
            file=sys.stderr,
            flush=True,
        )
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BuildLocked(
                f"{out}: another build of this folder still runs after {timeout:g} s (lock {path}); try again later"
            ) from None
    try:
        yield
    finally:
        lock.release()


def build(
    pdf: Path,
    out: Path,
    settings: dict,
    force: bool = False,
    corrections: Path | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
) -> Summary:
    """``corrections``: the corrections file (``load.corrections``); None or a missing file, no corrections.
    ``lock_timeout``: how long to wait for another build of ``out`` (``BuildLocked`` after it)."""
    from extract.pdf import check_file
    from load.corrections import read_corrections
    from load.write import clean_leftovers

    check_file(pdf)
    fixes = read_corrections(corrections)  # a bad file stops here, before anything is written
    with output_lock(out, lock_timeout):
        clean_leftovers(out)
        key = build_key(pdf, settings, corrections)
        if not force:
            cached = cached_summary(out, key)
            if cached:
                return cached
        with captured_logs() as log, fewer_collections():
            try:
                summary = write_dataset(pdf, out, settings, corrections, fixes, key, log)
            except BaseException:
                failed = out.parent / f".{out.name}{FAILED_LOG_SUFFIX}"
                try:
                    failed.write_text("".join(line + "\n" for line in log.lines()), encoding="utf-8")
                except OSError:
                    pass
                raise
        report_logs(log, out / BUILD_LOG)
        return summary


class WorkAhead:
    """The build's work that needs nothing of the extraction: reading the printed page numbers and loading
    the tables and the writer (duckdb). Done once, while the second reader reads its pages in its own worker,
    or after the extraction where there is none. The printed pages are read in that worker while it waits for
    its pages, where it runs (``extract.verify.Meanwhile``), else here."""

    def __init__(self, pdf: Path) -> None:
        self.pdf = pdf
        self.done = False
        self.printed = None
        self.printed_error: Exception | None = None
        self.meanwhile = None  # the extraction's Meanwhile: where the printed pages are read beside

    def beside(self):
        return self.meanwhile.beside_result if self.meanwhile is not None else None

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        if self.printed is None and self.beside() is None:
            self.read_printed()
        try:
            import duckdb  # noqa: F401

            import load.tables  # noqa: F401
        except ImportError:  # said where it is used, not here (this may run inside the second reading)
            pass

    def read_printed(self) -> None:
        from load.printed import PrintedPages, read_printed

        try:
            self.printed = read_printed(self.pdf)
        except Exception as error:
            self.printed, self.printed_error = PrintedPages(), error

    def take_printed(self) -> None:
        """After the extraction: the printed pages read beside, where they were; else read here."""
        from concurrent.futures import CancelledError
        from concurrent.futures.process import BrokenProcessPool

        from load.printed import PrintedPages

        beside = self.beside()
        if self.printed is not None:
            return
        if beside is not None and beside.done() and not beside.cancelled():
            error = beside.exception()
            if error is None:
                self.printed = beside.result()
                return
            if not isinstance(error, (BrokenProcessPool, CancelledError)):
                self.printed, self.printed_error = PrintedPages(), error
                return
        self.read_printed()


def write_dataset(
    pdf: Path, out: Path, settings: dict, corrections: Path | None, fixes: list, key: str, log: LogRecords
) -> Summary:
    # Imported here so that an up-to-date check stays fast; the writer (duckdb) and the tables only once the
    # pages are read, so that the page readers start without them.
    from extract.model import Finding
    from extract.run import extract_plan
    from extract.verify import while_second_reads
    from load.corrections import correct_extraction
    from load.printed import read_printed

    ahead = WorkAhead(pdf)
    with while_second_reads(ahead, beside=partial(read_printed, pdf)) as meanwhile:
        ahead.meanwhile = meanwhile
        extraction = extract_plan(pdf, settings)
    ahead.take_printed()
    ahead()  # where the second reader did not run
    from load import write
    from load.tables import extraction_to_rows, validate_rows, with_corrections

    extraction, item_outcomes = correct_extraction(extraction, fixes)
    printed = ahead.printed
    if ahead.printed_error is not None:  # printed page numbers are context: without them the cards are whole
        error = ahead.printed_error
        message = f"printed page numbers and chapter headings not read ({type(error).__name__}: {error})"
        extraction.findings.append(Finding("printed_pages_unread", None, None, None, message))
    rows = validate_rows(with_corrections(extraction_to_rows(extraction, printed), fixes, item_outcomes, printed))
    unreadable = sorted(row["page"] for row in rows["findings"] if row["kind"] == "page_unreadable")
    staging = write.staging_folder(out)
    try:
        write.write_duckdb(rows, staging)
        write.write_parquet(staging)
        statuses = dict(Counter(row["status"] for row in rows["corrections"]))
        summary = Summary(
            len(rows["cards"]),
            len(rows["field_items"]),
            len(rows["findings"]),
            len(rows["rejected"]),
            out,
            corrections=statuses,
            unreadable_pages=len(unreadable),
            ocr_pages=len(extraction.ocr_pages),
        )
        info = {"key": key, "pdf": str(pdf), "pdf_sha256": file_hash(pdf), "pages": extraction.page_count,
                "verified_pages": len(extraction.verified_pages), "cards": summary.cards, "items": summary.items,
                "findings": summary.findings, "rejected": summary.rejected, "corrections": statuses,
                "unreadable_pages": unreadable, "ocr_pages": extraction.ocr_pages,
                "corrections_file": str(corrections) if corrections is not None and corrections.is_file() else None}  # fmt: skip
        write.write_text(staging / BUILD_INFO, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        write.write_text(staging / BUILD_LOG, "".join(line + "\n" for line in log.lines()))
        write.swap_in(staging, out)
    except BaseException:
        write.remove_folder(staging)
        raise
    return summary
