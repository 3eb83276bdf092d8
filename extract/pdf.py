"""Open a PDF safely and read its pages into layouts, in parallel over page ranges.

The text layer is read by one of ``extract.readers`` (``settings.reader``: pdfium by default, pdfplumber);
both give the same ``PageContent``, turned into a ``PageLayout`` by ``extract.layout.page_to_layout``.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor, TimeoutError as FutureTimeout
from pathlib import Path

from extract.errors import InputError, ScannedPdfError
from extract.layout import PageLayout, drop_furniture, page_to_layout
from extract.readers import PageReader, open_reader
from extract.settings import ExtractSettings

# A PDF taking longer than this to read is not one this tool can help with.
READ_TIMEOUT_SECONDS = 120
MAX_PAGES = 2000
# Pages handed to a worker at a time: small enough that both workers stay busy to the end, large enough that
# opening the document again per chunk costs little.
PAGES_PER_CHUNK = 12


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


def open_pdf(path: Path, settings: ExtractSettings | None = None) -> PageReader:
    """The PDF open with the settings' reader, its page count checked."""
    settings = ExtractSettings.resolve(settings)
    reader = open_reader(settings.reader, path)
    count = reader.page_count()
    if not count:
        reader.close()
        raise InputError(f"{path}: the PDF has no pages")
    if count > MAX_PAGES:
        reader.close()
        raise InputError(f"{path}: {count} pages, more than the {MAX_PAGES} this tool reads")
    return reader


def page_count(path: Path, settings: ExtractSettings | dict | None = None) -> int:
    with open_pdf(Path(path), ExtractSettings.resolve(settings)) as reader:
        return reader.page_count()


def read_page_range(path: str, first: int, last: int, settings: ExtractSettings) -> list[PageLayout]:
    """Pages first..last (1-based, inclusive); runs in a worker process."""
    with open_reader(settings.reader, path) as reader:
        layouts = [page_to_layout(reader.read_page(number), settings) for number in range(first, last + 1)]
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
    count = page_count(path, settings)
    workers = settings.workers or os.cpu_count() or 1
    workers = min(workers, max(1, count // PAGES_PER_CHUNK))
    try:
        if workers == 1:
            layouts = read_page_range(str(path), 1, count, settings)
        else:
            # Chunks of consecutive pages handed out in order as workers free up: both stay busy to the end,
            # and each chunk reuses one open document.
            ranges = page_ranges(count, max(workers, -(-count // PAGES_PER_CHUNK)))
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(read_page_range, str(path), first, last, settings) for first, last in ranges]
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
