"""The pdfium reader's two ways of reading a page's characters, timed in one process: the native helper
(extract/readers/pdfium_chars.c, built by ``make setup``), one call per page, against the four ctypes calls per
character it replaces. CPU time (``time.process_time``) over every page: of reading the character records
alone (what the helper replaces), of ``page_chars`` (the page and its text page loaded beforehand, untimed)
and of ``read_page`` (page loading and edges included). The two ways are interleaved run by run after one
untimed pass; medians of ``--runs``. Not a test: figures depend on the machine.

    .venv/bin/python -m bench.char_time [PDF] [--runs 3]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def characters_read(reader, way: str):
    """The reader's characters read the given way ("native" or "ctypes") within the block."""
    api = reader.api
    loaded = api.read_chars
    if way == "native" and loaded is None:
        raise SystemExit("the native helper is not built: run `make setup`")
    api.read_chars = loaded if way == "native" else None
    try:
        yield
    finally:
        api.read_chars = loaded


def page_chars_time(reader) -> tuple[float, float, int]:
    """CPU seconds of ``page_chars`` over every page, of reading its character records alone (the part the
    native helper replaces), and the characters read."""
    from extract.readers.pdfium import page_matrix

    spent, records_spent, count = 0.0, 0.0, 0
    for index in range(reader.page_count()):
        page = reader.document[index]
        textpage = page.get_textpage()
        box, rotation = page.get_mediabox(), page.get_rotation()
        height = box[2] - box[0] if rotation in (90, 270) else box[3] - box[1]
        to_page = page_matrix(box, rotation)
        raw = ctypes.cast(textpage.raw, ctypes.c_void_p)
        start = time.process_time()
        chars = reader.page_chars(raw, to_page, height)
        spent += time.process_time() - start
        count += len(chars)
        start = time.process_time()
        list(reader.char_records(raw.value, reader.api.count_chars(raw.value)))
        records_spent += time.process_time() - start
        textpage.close()
        page.close()
    return spent, records_spent, count


def read_page_time(reader) -> float:
    """CPU seconds of ``read_page`` over every page."""
    start = time.process_time()
    for number in range(1, reader.page_count() + 1):
        reader.read_page(number)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=ROOT / "data/raw/plan_actions_2025.pdf")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from extract.readers import open_reader

    ways = ("native", "ctypes")
    chars_times: dict[str, list[float]] = {way: [] for way in ways}
    records_times: dict[str, list[float]] = {way: [] for way in ways}
    page_times: dict[str, list[float]] = {way: [] for way in ways}
    with open_reader("pdfium", args.pdf) as reader:
        for way in ways:  # one untimed pass: fonts, glyph widths and the file in memory
            with characters_read(reader, way):
                *_, count = page_chars_time(reader)
        for _ in range(args.runs):
            for way in ways:
                with characters_read(reader, way):
                    chars_time, records_time, _ = page_chars_time(reader)
                    chars_times[way].append(chars_time)
                    records_times[way].append(records_time)
                    page_times[way].append(read_page_time(reader))
        pages = reader.page_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load {load:.1f}; "
        f"{args.runs} runs, interleaved"
    )
    print(f"input: {args.pdf} ({pages} pages, {count} characters)")
    print("| CPU s, every page | native helper | ctypes calls | native / ctypes |")
    print("|---|---|---|---|")
    rows = (("character records", records_times), ("page_chars", chars_times), ("read_page", page_times))
    for name, times in rows:
        native, fallback = (statistics.median(times[way]) for way in ways)
        runs = {way: ", ".join(f"{value:.3f}" for value in times[way]) for way in ways}
        print(
            f"| {name} | {native:.3f} ({runs['native']}) | {fallback:.3f} ({runs['ctypes']}) | {native / fallback:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
