"""Open a PDF safely and read its pages into layouts, in parallel over page ranges."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, TimeoutError as FutureTimeout
from pathlib import Path

import pdfplumber

from extract.errors import InputError, ScannedPdfError
from extract.layout import PageLayout, drop_furniture, page_to_layout
from extract.settings import ExtractSettings

# A PDF taking longer than this to read is not one this tool can help with.
READ_TIMEOUT_SECONDS = 120
MAX_PAGES = 2000


def check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a PDF")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise InputError(f"{path}: not a PDF (no %PDF header)")


# What pdfminer logs when objects of the file are missing or broken: text may be lost without an error.
# (A rebuilt cross-reference table alone is common in sound files and is not damage.)
DAMAGE_SIGNS = ("not found", "resolves to non-integer", "non-indirect object", "PDFSyntaxError")


class DamageFound(Exception):
    """Raised from inside pdfminer at its first damage message: recovering from a damaged file can take
    pdfminer minutes of scanning, and the build refuses such a file anyway."""


class DamageLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if any(sign in message for sign in DAMAGE_SIGNS):
            self.messages.append(message)
            raise DamageFound(message)


@contextmanager
def damage_watch():
    """Collect pdfminer's damage messages (instead of letting them reach stderr) while reading."""
    logger = logging.getLogger("pdfminer")
    handler, propagate = DamageLog(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def error_names(error: BaseException) -> str:
    """The names and messages of an exception and of those it wraps (pdfplumber wraps pdfminer's)."""
    seen, parts = set(), []
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(f"{type(error).__name__} {error} {' '.join(type(arg).__name__ for arg in error.args)}")
        error = error.__cause__ or error.__context__
    return " ".join(parts)


def open_pdf(path: Path) -> pdfplumber.PDF:
    try:
        with damage_watch() as damage:
            pdf = pdfplumber.open(path, unicode_norm="NFC")
            pages = pdf.pages
    except DamageFound as error:
        raise InputError(f"{path}: damaged PDF ({error})") from None
    except Exception as error:  # pdfminer raises many unrelated types for damaged or locked files
        if any(word in error_names(error).lower() for word in ("password", "encrypt")):
            raise InputError(f"{path}: encrypted PDF, cannot be read without its password") from None
        raise InputError(f"{path}: damaged or truncated PDF ({type(error).__name__})") from None
    if damage:
        pdf.close()
        raise InputError(f"{path}: damaged PDF ({damage[0]})")
    if not pages:
        raise InputError(f"{path}: the PDF has no pages")
    if len(pages) > MAX_PAGES:
        raise InputError(f"{path}: {len(pages)} pages, more than the {MAX_PAGES} this tool reads")
    return pdf


def page_count(path: Path) -> int:
    with open_pdf(path) as pdf:
        return len(pdf.pages)


def read_page_range(path: str, first: int, last: int, settings: ExtractSettings) -> list[PageLayout]:
    """Pages first..last (1-based, inclusive); runs in a worker process."""
    layouts = []
    with damage_watch() as damage, pdfplumber.open(path, unicode_norm="NFC") as pdf:
        for number in range(first, last + 1):
            known = len(damage)
            page = pdf.pages[number - 1]
            try:
                layouts.append(page_to_layout(page, settings))
            except DamageFound:
                pass  # reported below, with the page
            except Exception as error:
                raise InputError(f"{path}: page {number} cannot be read ({type(error).__name__}: {error})") from None
            if len(damage) > known:
                raise InputError(f"{path}: page {number} is damaged ({damage[known]}); its text may be incomplete")
            page.close()
    if settings.progress:
        print(f"read pages {first}-{last}", file=sys.stderr, flush=True)
    return layouts


def page_ranges(count: int, parts: int) -> list[tuple[int, int]]:
    size = -(-count // parts)
    return [(first, min(count, first + size - 1)) for first in range(1, count + 1, size)]


def read_layouts(path: Path, settings: ExtractSettings | dict | None = None) -> list[PageLayout]:
    settings = ExtractSettings.resolve(settings)
    path = Path(path)
    check_file(path)
    count = page_count(path)
    workers = settings.workers or os.cpu_count() or 1
    workers = min(workers, max(1, count // 8))
    try:
        if workers == 1:
            layouts = read_page_range(str(path), 1, count, settings)
        else:
            # Interleaved ranges would balance better, but contiguous ones keep each worker's page cache warm.
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(read_page_range, str(path), first, last, settings)
                    for first, last in page_ranges(count, workers * 2)
                ]
                layouts = [layout for future in futures for layout in future.result(timeout=READ_TIMEOUT_SECONDS)]
    except FutureTimeout:
        raise InputError(f"{path}: reading took longer than {READ_TIMEOUT_SECONDS} s; giving up") from None
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"{path}: damaged PDF ({type(error).__name__})") from None
    if not any(page.char_count for page in layouts):
        if any(page.image_count for page in layouts):
            raise ScannedPdfError(f"{path}: no text layer on any of its {count} pages; it looks like a scan (run OCR first)")
        raise ScannedPdfError(f"{path}: no text on any of its {count} pages")
    return drop_furniture(layouts, settings)
