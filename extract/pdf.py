"""Open a PDF safely and read its pages into layouts, in parallel over page ranges.

The text layer is read by one of ``extract.readers`` (``settings.reader``: pdfium by default, pdfplumber);
both give the same ``PageContent``, turned into a ``PageLayout`` by ``extract.layout.page_to_layout``. Pages
without a text layer are read by OCR, and every page with ``settings.reader`` tesseract.

No page is lost without a word: a page the reader fails on, that takes longer than ``settings.page_timeout``,
whose text decodes to garbage, or that prints nothing between pages that print text, is kept as an empty
layout and listed in ``Reading.unreadable`` with its cause (``extract.run`` makes each a ``page_unreadable``
finding). Work is bounded: each worker opens the document once, at most one chunk of pages per worker is in
flight, a chunk that outlives its deadline is given up page by page, and a PDF whose first pages show
nothing of the plan is refused before the rest is read.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extract.errors import InputError, NotThePlanError, ScannedPdfError
from extract.layout import PageLayout, drop_furniture
from extract.progress import PageProgress
from extract.readers import PageReader, open_reader, reader_class
from extract.readers.ocr import OcrUnavailable
from extract.readers.select import page_layout
from extract.settings import ExtractSettings
from extract.streams import content_damage, document_streams, page_tree_damage
from vocabulary import fold, labels

MAX_PAGES = 2000
# Pages handed to a worker at a time: small enough that both workers stay busy to the end, large enough that
# handing them out costs little.
PAGES_PER_CHUNK = 12
# A chunk's deadline: this many seconds for starting its worker and opening the document, plus the page time
# limit for each of its pages. A chunk past it is given up (its worker stopped) and its pages read one by one.
CHUNK_START_ALLOWANCE = 30.0
# The size given to a page that could not be read at all (A4 portrait, points): its layout is empty.
FALLBACK_PAGE_SIZE = (595.0, 842.0)
# A page's text is garbage when at least this share of its characters (and at least GARBAGE_MIN_CHARS of
# them) are control characters, private-use or unassigned code points, or the replacement character.
GARBAGE_SHARE = 0.5
GARBAGE_MIN_CHARS = 20
GARBAGE_CATEGORIES = {"Cc", "Co", "Cn", "Cs"}
# A page with this many control characters in its text has a damaged content stream or font.
CONTROL_CATEGORIES = {"Cc"}
MAX_CONTROL_CHARS = 3
# Where the messages third-party libraries log while reading go (re-logged in the main process).
WORKER_LOGGER = "extract.pdf.workers"


@dataclass(frozen=True)
class UnreadablePage:
    number: int
    cause: str  # « timeout », « no text between pages with text », « InputError: … »…


@dataclass
class Reading:
    layouts: list[PageLayout]  # every page, in order; an unreadable page's layout is empty
    unreadable: list[UnreadablePage] = field(default_factory=list)


@dataclass
class ChunkResult:
    layouts: list[PageLayout]
    unreadable: list[UnreadablePage]
    messages: list[tuple[str, int, str]]  # (logger, level, message) logged while reading


class PageTimeout(BaseException):
    """Raised inside a page's reading when it outlives the page time limit (a BaseException, so that the
    readers' own ``except Exception`` does not turn it into a damaged page)."""


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


def check_structure(path: Path, settings: ExtractSettings) -> None:
    """Refuse at once a file whose cross-reference table lists objects that are not there (a zeroed or cut
    range): the pdfium reader checks it when it opens; pdfminer would spend minutes scanning before saying so."""
    if reader_class(settings.reader).checks_structure:
        return
    from extract.readers.pdfium import xref_damage

    damage = xref_damage(path.read_bytes())
    if damage:
        raise InputError(f"{path}: damaged PDF ({damage})")


def open_pdf(path: Path, settings: ExtractSettings | None = None) -> PageReader:
    """The PDF open with the settings' reader, its page count checked."""
    settings = ExtractSettings.resolve(settings)
    reader = open_reader(settings.reader, path, settings)
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


# --- one page ------------------------------------------------------------------------------------------------


def reader_name(settings: ExtractSettings, path: str) -> str:
    """Which reader reads the document's pages (the one place to choose another per document)."""
    return settings.reader


# Readers open in this process, by (reader, path): a worker opens the document once for all its chunks.
_OPEN: dict[tuple[str, str], PageReader] = {}


def document_reader(name: str, path: str, settings: ExtractSettings) -> PageReader:
    key = (name, path)
    if key not in _OPEN:
        for other in list(_OPEN):
            _OPEN.pop(other).close()
        _OPEN[key] = open_reader(name, path, settings)
    return _OPEN[key]


@contextmanager
def time_limit(seconds: float):
    """Raise ``PageTimeout`` in the block after ``seconds`` (SIGALRM; only in a process's main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise PageTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def empty_layout(number: int) -> PageLayout:
    width, height = FALLBACK_PAGE_SIZE
    return PageLayout(number, width, height)


def garbage_share(layout: PageLayout) -> float:
    """The share of the page's printed characters that no text has: control, private-use, unassigned."""
    chars = [char for line in layout.lines for char in line.text if not char.isspace()]
    if len(chars) < GARBAGE_MIN_CHARS:
        return 0.0
    bad = sum(1 for char in chars if char == "\ufffd" or unicodedata.category(char) in GARBAGE_CATEGORIES)
    return bad / len(chars)


def control_chars(layout: PageLayout) -> int:
    """Control characters in the page's text: no text prints them; a damaged content stream or font does."""
    return sum(1 for line in layout.lines for char in line.text if unicodedata.category(char) in CONTROL_CATEGORIES)


def page_time_limit(settings: ExtractSettings) -> float:
    """Seconds a page may take: ``page_timeout``, plus ``ocr_page_timeout`` where pages may be read by OCR
    (tesseract has its own limit; this one is for a page stuck in the reader)."""
    return settings.page_timeout + (settings.ocr_page_timeout if settings.ocr != "off" else 0.0)


def second_reading(reader: PageReader, number: int) -> tuple[int, int, float] | None:
    """How the reader's characters on the page differ from pdfminer's, spaces aside: (characters pdfminer reads
    that the reader does not, pdfminer's count, the gap between the sums of their advances as a share of
    pdfminer's); None when pdfminer cannot read the page."""
    found = document_streams(str(reader.path), reader.page_count()).characters(number)
    if found is None:
        return None
    theirs, their_advance = found
    chars = [char for char in reader.read_page(number).chars if not char.text.isspace()]
    mine = Counter(char.text for char in chars)
    advance = sum(abs(char.x1 - char.x0) for char in chars)
    gap = abs(advance - their_advance) / their_advance if their_advance else 0.0
    return sum((theirs - mine).values()), sum(theirs.values()), gap


def stream_damage(reader: PageReader, number: int, settings: ExtractSettings) -> str | None:
    """Why the page is not drawn from whole streams (``extract.streams``), or None. A damaged font program
    counts only where the reader's characters differ from pdfminer's, which takes them from the font's maps
    and widths, not from its program: characters lost, or advances (read from the program) that are not the
    font's, which set words and columns apart wrongly."""
    damage = content_damage(str(reader.path), number, reader.page_count())
    if damage is None or damage.certain:
        return damage.cause if damage else None
    second = second_reading(reader, number)
    if second is None:
        return f"{damage.cause}; its text cannot be checked"
    lost, count, gap = second
    if lost > settings.damaged_font_max_lost_chars:
        return f"{damage.cause}; {lost} of {count} characters lost"
    if gap > settings.damaged_font_max_advance_gap:
        return f"{damage.cause}; character advances off by {gap:.1%}"
    return None


def read_one_page(reader: PageReader, number: int, settings: ExtractSettings) -> tuple[PageLayout, str | None]:
    """The page's layout and None, or an empty layout and why the page cannot be read."""
    limit = page_time_limit(settings)
    try:
        with time_limit(limit):
            layout = page_layout(reader, number, settings)  # the text layer, or OCR where the page has none
            damaged = stream_damage(reader, number, settings)
    except OcrUnavailable:
        raise  # a scan without tesseract: one line saying what to install
    except PageTimeout:
        return empty_layout(number), f"timeout: more than {limit:g} s"
    except Exception as error:  # whatever a reader raises on a damaged page: the page is reported, not lost
        return empty_layout(number), f"{type(error).__name__}: {error}"
    controls = control_chars(layout)
    if garbage_share(layout) >= GARBAGE_SHARE or controls >= MAX_CONTROL_CHARS:
        return empty_layout(number), f"text layer decodes to garbage ({controls} control characters)"
    if damaged:
        return empty_layout(number), damaged
    return layout, None


class MessageList(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append((record.name, record.levelno, record.getMessage()))
        except Exception:  # a message that cannot be formatted is itself kept
            self.messages.append((record.name, record.levelno, str(record.msg)))


@contextmanager
def worker_logs():
    """What libraries log in a worker (pdfminer's warnings…), collected instead of printed."""
    root = logging.getLogger()
    handler, level = MessageList(), root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def read_chunk(path: str, first: int, last: int, settings: ExtractSettings) -> ChunkResult:
    """Pages first..last (1-based, inclusive); runs in a worker process."""
    layouts, unreadable = [], []
    with worker_logs() as messages:
        reader = document_reader(reader_name(settings, path), path, settings)
        for number in range(first, last + 1):
            layout, cause = read_one_page(reader, number, settings)
            layouts.append(layout)
            if cause:
                unreadable.append(UnreadablePage(number, cause))
    return ChunkResult(layouts, unreadable, messages)


def read_page_range(path: str, first: int, last: int, settings: ExtractSettings) -> list[PageLayout]:
    """Pages first..last as layouts (an unreadable page's layout empty)."""
    return read_chunk(path, first, last, settings).layouts


def page_ranges(count: int, parts: int) -> list[tuple[int, int]]:
    size = -(-count // parts)
    return [(first, min(count, first + size - 1)) for first in range(1, count + 1, size)]


def chunk_ranges(count: int, probe: int) -> list[tuple[int, int]]:
    """The probe pages first (one chunk), then chunks of ``PAGES_PER_CHUNK``."""
    ranges, first = [], 1
    if probe:
        ranges.append((1, min(count, probe)))
        first = min(count, probe) + 1
    ranges += [(start, min(count, start + PAGES_PER_CHUNK - 1)) for start in range(first, count + 1, PAGES_PER_CHUNK)]
    return ranges


# --- the document ------------------------------------------------------------------------------------------


class InlineExecutor(Executor):
    """Runs each task at once in this process (one worker: no process to start)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def stop_pool(pool: Executor) -> None:
    """Stop a pool at once, its running tasks included (a page stuck in a reader's native code)."""
    if isinstance(pool, ProcessPoolExecutor):
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


@lru_cache(maxsize=1)
def plan_marks() -> re.Pattern[str]:
    return re.compile(labels()["plan_marks"])


def looks_like_the_plan(layouts: list[PageLayout]) -> bool:
    text = fold(" ".join(line.text for layout in layouts for line in layout.lines))
    return bool(plan_marks().search(text))


def read_document(
    path: Path,
    settings: ExtractSettings | dict | None = None,
    as_read: Callable[[list[PageLayout]], None] | None = None,
) -> Reading:
    """Every page of the PDF as a layout, and the pages that could not be read with their causes.
    ``as_read``: called with the pages read since its last call, each time pages arrive while the others are
    still being read (work that can start on what they show), once the first pages showed the plan."""
    settings = ExtractSettings.resolve(settings)
    path = Path(path)
    check_file(path)
    check_structure(path, settings)
    count = page_count(path, settings)
    damage = page_tree_damage(str(path), count)
    if damage:
        raise InputError(f"{path}: damaged PDF ({damage})")
    workers = settings.workers or os.cpu_count() or 1
    workers = min(workers, max(1, count // PAGES_PER_CHUNK))
    probe = settings.plan_probe_pages if settings.plan_probe_pages < count else 0
    pages: dict[int, PageLayout] = {}
    causes: dict[int, str] = {}
    worker_log = logging.getLogger(WORKER_LOGGER)

    def take(result: ChunkResult) -> None:
        for layout in result.layouts:
            pages[layout.number] = layout
        for page in result.unreadable:
            causes[page.number] = page.cause
        for name, level, message in result.messages:
            worker_log.log(level, "%s: %s", name, message)
        if result.layouts:
            progress.advance(result.layouts[0].number, result.layouts[-1].number, len(result.layouts))

    probe_judged = False

    def probed() -> None:
        # the first pages decide only when they could all be read: a damaged copy of the plan is read whole
        nonlocal probe_judged
        if probe_judged or not probe or not all(number in pages for number in range(1, probe + 1)):
            return
        probe_judged = True
        if any(number in causes for number in range(1, probe + 1)):
            return
        if not looks_like_the_plan([pages[number] for number in range(1, probe + 1)]):
            raise NotThePlanError(
                f"{path}: its first {probe} pages print no project card (« Sous Projet CODE : title ») and "
                "nothing of an action plan; not the plan"
            )

    shown: set[int] = set()

    def show_new_pages() -> None:
        if as_read is None or (probe and not probe_judged):
            return
        new = sorted(set(pages) - shown)
        if new:
            shown.update(new)
            as_read([pages[number] for number in new])

    new_pool: Callable[[], Executor] = (
        (lambda: ProcessPoolExecutor(max_workers=workers)) if workers > 1 else (lambda: InlineExecutor())
    )
    todo = chunk_ranges(count, probe)
    progress = PageProgress(count, settings.progress)
    pool = new_pool()
    running: dict[Future, tuple[int, int, float]] = {}  # future -> (first, last, deadline)
    try:
        while todo or running:
            while todo and len(running) < workers:
                first, last = todo.pop(0)
                deadline = time.monotonic() + CHUNK_START_ALLOWANCE + (last - first + 1) * page_time_limit(settings)
                running[pool.submit(read_chunk, str(path), first, last, settings)] = (first, last, deadline)
            timeout = max(0.0, min(deadline for _, _, deadline in running.values()) - time.monotonic())
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            failed: list[tuple[int, int, str]] = []
            for future in done:
                first, last, _ = running.pop(future)
                error = future.exception()
                if error is None:
                    take(future.result())
                elif isinstance(error, InputError):
                    raise error  # the document cannot be opened in a worker, or a scan needs tesseract
                else:
                    failed.append((first, last, f"{type(error).__name__}: {error}".rstrip(": ")))
            if not done:  # a chunk past its deadline: its worker is stuck in native code
                now = time.monotonic()
                late = [(future, span) for future, span in running.items() if span[2] <= now]
                for future, (first, last, _) in late:
                    running.pop(future)
                    failed.append((first, last, f"timeout: more than {page_time_limit(settings):g} s"))
            if (
                failed
                and isinstance(pool, ProcessPoolExecutor)
                and (not done or any("BrokenProcessPool" in cause for *_, cause in failed))
            ):
                # the pool is stuck or broken: every chunk still running starts again in a new one
                todo = [(first, last) for first, last, _ in running.values()] + todo
                running.clear()
                stop_pool(pool)
                pool = new_pool()
            for first, last, cause in failed:
                if first == last:
                    causes[first] = cause
                    pages[first] = empty_layout(first)
                else:  # read its pages one by one: one bad page does not cost its neighbours
                    todo = [(number, number) for number in range(first, last + 1)] + todo
            probed()
            show_new_pages()
    except BaseException:
        stop_pool(pool)
        raise
    finally:
        progress.close()
    pool.shutdown(wait=True)
    layouts = [pages[number] for number in range(1, count + 1)]
    if not any(page.char_count for page in layouts):
        if any(page.image_count for page in layouts):
            raise ScannedPdfError(
                f"{path}: no text layer on any of its {count} pages; it looks like a scan (run OCR first)"
            )
        if causes:
            first = min(causes)
            raise InputError(
                f"{path}: damaged PDF, none of its {count} pages can be read (page {first}: {causes[first]})"
            )
        raise ScannedPdfError(f"{path}: no text on any of its {count} pages")
    causes.update(silent_pages(layouts, causes))
    unreadable = [UnreadablePage(number, causes[number]) for number in sorted(causes)]
    return Reading(drop_furniture(layouts, settings), unreadable)


def silent_pages(layouts: list[PageLayout], causes: dict[int, str]) -> dict[int, str]:
    """Pages printing no text between pages that do: an empty or unreadable content stream, or a page image."""
    with_text = [layout.number for layout in layouts if layout.char_count]
    if not with_text:
        return {}
    first, last = min(with_text), max(with_text)
    return {
        layout.number: "no text between pages with text"
        + (" (only an image: a scanned page?)" if layout.image_count else " (empty or unreadable content)")
        for layout in layouts
        if first < layout.number < last and not layout.char_count and layout.number not in causes
    }


def read_layouts(path: Path, settings: ExtractSettings | dict | None = None) -> list[PageLayout]:
    """Every page as a layout (an unreadable page's layout empty; ``read_document`` says which and why)."""
    return read_document(path, settings).layouts
