"""A second, independent reading of ruled cards, compared cell by cell with the first.

Readers are strategies behind one small base class: ``read_cells(path, pages)`` returns the ruled cells of
those pages with their text, in the project's bbox convention. Where a second reader's cell disagrees with
the items the first reader placed in it, the items are flagged and a finding is written; nothing is resolved
silently.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from extract.cards import bullet_glyphs
from extract.model import Box, Extraction, Finding, Item
from extract.settings import ExtractSettings


@dataclass(frozen=True)
class Cell:
    box: Box
    text: str


class CellReader:
    """A reader of ruled table cells. Subclasses implement ``read_page_cells``."""

    name = "base"

    def load(self) -> None:
        """Import the reader's library (done ahead of the pages by ``SecondReading``)."""

    def read_cells(self, path: Path, pages: list[int]) -> list[Cell]:
        return [cell for page in pages for cell in self.read_page_cells(path, page)]

    def read_page_cells(self, path: Path, page: int) -> list[Cell]:
        raise NotImplementedError


# camelot's text layout analysis without pdfminer's grouping of text boxes into a reading order: lattice cells
# take their text lines by position (camelot sorts them itself), and that grouping is the costliest step of
# its page reading.
CAMELOT_LAYOUT = {"boxes_flow": None}


class CamelotLattice(CellReader):
    """camelot's lattice parser on the page's vector rulings (no rendering)."""

    name = "camelot"

    def load(self) -> None:
        import_camelot()

    def read_cells(self, path: Path, pages: list[int]) -> list[Cell]:
        camelot = import_camelot()
        # One call for all pages: camelot opens and splits the document once per call.
        tables = camelot.read_pdf(
            str(path),
            pages=",".join(map(str, pages)),
            flavor="lattice",
            engine="vector",
            suppress_stdout=True,
            layout_kwargs=CAMELOT_LAYOUT,
        )
        cells = []
        for table in tables:
            page = int(table.page)
            height = table.pdf_size[1]
            for row in table.cells:
                for cell in row:
                    if cell.text.strip():
                        cells.append(Cell(camelot_box(page, cell, height), cell.text))
        return cells

    def read_page_cells(self, path: Path, page: int) -> list[Cell]:
        return self.read_cells(path, [page])


def import_camelot():
    """camelot without matplotlib: camelot imports it for its debug plots only (``camelot.plotting``, where it
    is installed), and that import is more than a third of camelot's; nothing here draws. Where matplotlib is
    already imported, camelot gets it as usual."""
    if "camelot" in sys.modules:
        return sys.modules["camelot"]
    blocked = "matplotlib" not in sys.modules
    if blocked:
        sys.modules["matplotlib"] = None  # an import of it raises ImportError, which camelot.plotting expects
    try:
        import camelot
    finally:
        if blocked and sys.modules.get("matplotlib", False) is None:
            del sys.modules["matplotlib"]
    return camelot


def camelot_box(page: int, cell, page_height: float) -> Box:
    """camelot's Cell(x1, y1, x2, y2) has a bottom-left origin; ours is top-left."""
    return Box(page, cell.x1, page_height - cell.y2, cell.x2, page_height - cell.y1)


class PdfplumberTables(CellReader):
    """pdfplumber's own table finder (lines strategy), a second reader that needs no other library."""

    name = "pdfplumber-tables"

    def load(self) -> None:
        import pdfplumber  # noqa: F401

    def read_page_cells(self, path: Path, page: int) -> list[Cell]:
        import pdfplumber

        with pdfplumber.open(path, unicode_norm="NFC") as pdf:
            plumber_page = pdf.pages[page - 1]
            cells = []
            for table in plumber_page.find_tables():
                for bbox in table.cells:
                    text = plumber_page.crop(bbox).extract_text() or ""
                    if text.strip():
                        cells.append(Cell(Box(page, *bbox), text))
            return cells


READERS: dict[str, type[CellReader]] = {reader.name: reader for reader in (CamelotLattice, PdfplumberTables)}


def get_reader(name: str) -> CellReader:
    if name not in READERS:
        raise ValueError(f"unknown second reader {name!r}; valid: {', '.join(sorted(READERS))}")
    return READERS[name]()


def _read_pages(reader_name: str, path: str, pages: list[int]) -> list[Cell]:
    return get_reader(reader_name).read_cells(Path(path), pages)


def read_cells_parallel(reader_name: str, path: Path, pages: list[int], workers: int) -> list[Cell]:
    if not pages:
        return []
    workers = min(workers or os.cpu_count() or 1, max(1, len(pages) // 4))
    if workers == 1:
        return _read_pages(reader_name, str(path), pages)
    chunks = [pages[index::workers] for index in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [
            cell
            for cells in pool.map(_read_pages, [reader_name] * workers, [str(path)] * workers, chunks)
            for cell in cells
        ]


def _load_reader(reader_name: str) -> None:
    get_reader(reader_name).load()


class SecondReading:
    """The second reader in a worker process of its own, started before its pages are known: its library
    (camelot, with numpy, pandas and OpenCV) loads there while this process reads the cards, and ``submit``
    then hands it the pages. One worker, for the few pages the default (``verify="uncertain"``) reads; the
    library never enters this process."""

    def __init__(self, reader_name: str, path: Path, beside: Callable[[], object] | None = None) -> None:
        """``beside``: work (a picklable callable) the worker does once its library is loaded, while it waits
        for its pages; its future is ``beside_task``."""
        self.reader_name, self.path = reader_name, Path(path)
        self.pool = ProcessPoolExecutor(max_workers=1)
        self.tasks = [self.pool.submit(_load_reader, reader_name)]
        self.beside_task = self.pool.submit(beside) if beside is not None else None
        if self.beside_task is not None:
            self.tasks.append(self.beside_task)

    def submit(self, pages: list[int]) -> Future:
        """The cells of ``pages``, read in the worker (a future)."""
        task = self.pool.submit(_read_pages, self.reader_name, str(self.path), pages)
        self.tasks.append(task)
        return task

    def close(self) -> None:
        """Stop the worker, at once where it still works (loading with no page given to it, or reading pages
        nobody waits for any more: the build stopped)."""
        if not all(task.done() for task in self.tasks):
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class Meanwhile:
    """Work that needs nothing of the extraction, done while the second reader reads: ``here`` in this process
    (once, while the worker reads the pages), ``beside`` in the worker (a picklable callable, done once its
    library is loaded, while it waits for its pages; its future is ``beside_result`` where a worker ran it)."""

    here: Callable[[], None] | None = None
    beside: Callable[[], object] | None = None
    beside_result: Future | None = None


_MEANWHILE: ContextVar[Meanwhile | None] = ContextVar("meanwhile", default=None)


@contextmanager
def while_second_reads(here: Callable[[], None], beside: Callable[[], object] | None = None):
    """Within the block, ``here`` and ``beside`` (``Meanwhile``) are done while the second reader works, where
    one is started; neither is done where none is, so the caller does after the block what was not done (the
    ``Meanwhile`` yielded says what ``beside`` gave)."""
    meanwhile = Meanwhile(here, beside)
    token = _MEANWHILE.set(meanwhile)
    try:
        yield meanwhile
    finally:
        _MEANWHILE.reset(token)


def start_second_reading(path: Path, ruled_pages: set[int], settings: ExtractSettings) -> SecondReading | None:
    """The second reader started ahead where the build will most likely call it: the default check of
    uncertain pages, a document with ruled pages, and more than one worker allowed; otherwise None (``verify``
    then starts it when it has pages)."""
    workers = settings.workers or os.cpu_count() or 1
    if settings.verify != "uncertain" or not ruled_pages or workers < 2:
        return None
    meanwhile = _MEANWHILE.get()
    second = SecondReading("camelot", path, beside=meanwhile.beside if meanwhile else None)
    if meanwhile is not None:
        meanwhile.beside_result = second.beside_task
    return second


_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """Text without white space or bullet glyphs standing at a line start, for comparing two readings."""
    glyphs = "".join(re.escape(glyph) for glyph in bullet_glyphs())
    lines = [re.sub(rf"^\s*[{glyphs}](?=\s|$)", "", line) for line in text.splitlines()]
    return _SPACE.sub("", "".join(lines))


def centre_in(box: Box, cell: Box) -> bool:
    x = (box.x0 + box.x1) / 2
    y = (box.top + box.bottom) / 2
    return box.page == cell.page and cell.x0 - 1 <= x <= cell.x1 + 1 and cell.top - 1 <= y <= cell.bottom + 1


def ruled_card_pages(extraction: Extraction, ruled_pages: set[int]) -> list[int]:
    return sorted({page for card in extraction.cards for page in card.pages if page in ruled_pages})


def compare_cells(extraction: Extraction, cells: list[Cell], reader_name: str) -> list[Finding]:
    """Each second-reader cell holding items of a card must read as those items do."""
    findings = []
    by_page: dict[int, list[Cell]] = {}
    for cell in cells:
        by_page.setdefault(cell.box.page, []).append(cell)
    for card in extraction.cards:
        for page in card.pages:
            for cell in by_page.get(page, []):
                inside: list[Item] = [
                    item for row in card.rows for item in row.items for box in item.boxes if centre_in(box, cell.box)
                ]
                if not inside:
                    continue
                ours = compact(" ".join(item.text for item in inside))
                theirs = compact(cell.text)
                whole = all(len(item.boxes) == 1 for item in inside)
                agree = ours == theirs if whole else theirs in ours
                for item in inside:
                    # the first reader's name, and the second's where it reads the same (once, however often
                    # the item is compared)
                    first = item.reader.split("+")[0]
                    item.reader = f"{first}+{reader_name}" if agree else first
                if not agree:
                    for item in inside:
                        item.flag = "reader_disagreement"
                    findings.append(
                        Finding(
                            "reader_disagreement",
                            card.code,
                            next(row.field for row in card.rows if inside[0] in row.items),
                            page,
                            f"{card.code}: page {page}: {reader_name} reads {cell.text[:80]!r} where "
                            f"{inside[0].reader.split('+')[0]} reads "
                            f"{' | '.join(item.text for item in inside)[:80]!r}",
                        )
                    )
    return findings


def verify(
    extraction: Extraction,
    path: Path,
    ruled_pages: set[int],
    uncertain_pages: set[int],
    settings: ExtractSettings,
    reader_name: str = "camelot",
    second: SecondReading | None = None,
) -> list[Finding]:
    """``second``: the second reader already started (``start_second_reading``); None starts it here. While
    that worker reads, this process does the work given to ``while_second_reads``, if any."""
    if settings.verify == "off":
        return []
    pages = ruled_card_pages(extraction, ruled_pages)
    if settings.verify == "uncertain":
        pages = [page for page in pages if page in uncertain_pages]
    if settings.progress:
        print(f"second reading ({reader_name}) of {len(pages)} pages", file=sys.stderr, flush=True)
    if second is not None and second.reader_name == reader_name and pages:
        pending = second.submit(pages)
        meanwhile = _MEANWHILE.get()
        if meanwhile is not None and meanwhile.here is not None:
            meanwhile.here()
        cells = pending.result()
    else:
        cells = read_cells_parallel(reader_name, path, pages, settings.workers)
    extraction.verified_pages = pages
    return compare_cells(extraction, cells, reader_name)
