"""The text-layer readers against camelot, in one run: cold ``make all`` of a PDF into a new folder with the
pdfium reader (the default) and with pdfplumber, and camelot lattice (vector engine) reading every page's
tables, each a new process, interleaved run by run so that the machine's load falls on all alike; medians
of ``--runs``, and the peak memory of each process with its workers (resident sizes summed, sampled during
the timed runs; proportional sizes summed, from one more run of each, untimed). Then the plan concatenated ``--copies``
times: the same build, to see how time grows with pages. Not a test: figures depend on the machine.

    .venv/bin/python -m bench.reader_time [PDF] [--runs 3] [--copies 4] [--baseline DIR]

``--baseline DIR``: a checkout of an earlier commit (``git archive COMMIT | tar -x -C DIR``), whose ``make all``
is timed in the same run, interleaved with the others: the before and after of a change, on the same load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from bench.build_time import timed_run_memory
from bench.worker import report_main

ROOT = Path(__file__).resolve().parents[1]

CAMELOT = (
    "import sys, camelot; "
    "tables = camelot.read_pdf(sys.argv[1], pages='all', flavor='lattice', engine='vector', suppress_stdout=True); "
    "print(len(tables), 'tables')"
)


# The physical reference: what pdfium alone takes to give the text, every character's box, and the characters
# with the page's path objects (the vector rules), each in a process of its own, imports included.
PDFIUM_TEXT = (
    "import sys, pypdfium2 as pdfium; document = pdfium.PdfDocument(sys.argv[1]); "
    "count = sum(len(page.get_textpage().get_text_range()) for page in document); print(count, 'characters')"
)
PDFIUM_CHARS = (
    "import sys, ctypes, pypdfium2 as pdfium, pypdfium2.raw as raw; document = pdfium.PdfDocument(sys.argv[1]); "
    "box = [ctypes.c_double() for _ in range(4)]; refs = [ctypes.byref(value) for value in box]; total = 0\n"
    "for page in document:\n"
    "    text = page.get_textpage()\n"
    "    for index in range(text.count_chars()):\n"
    "        raw.FPDFText_GetCharBox(text.raw, index, *refs); total += 1\n"
    "print(total, 'character boxes')"
)
PDFIUM_CHARS_PATHS = (
    PDFIUM_CHARS + "\n"
    "paths = 0\n"
    "for page in document:\n"
    "    for obj in page.get_objects(max_depth=2):\n"
    "        if obj.type == raw.FPDF_PAGEOBJ_PATH:\n"
    "            obj.get_bounds(); paths += 1\n"
    "print(paths, 'paths')"
)


def concatenated(pdf: Path, copies: int, out: Path) -> Path:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(pdf))
    target = pdfium.PdfDocument.new()
    for _ in range(copies):
        target.import_pages(source)
    target.save(str(out))
    return out


def report() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=ROOT / "data/raw/plan_actions_2025.pdf")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit, timed alongside")
    args = parser.parse_args()
    from extract.pdf import page_count

    pages = page_count(args.pdf)
    commands = {
        "make all, pdfium reader": lambda out: [sys.executable, "-m", "load", str(args.pdf), "--out", str(out), "-q", "--force"],
        "make all, pdfplumber reader": lambda out: [sys.executable, "-m", "load", str(args.pdf), "--out", str(out), "-q", "--force", "--reader", "pdfplumber"],
        "camelot lattice (vector), every page": lambda out: [sys.executable, "-c", CAMELOT, str(args.pdf)],
        "pdfium floor: text only": lambda out: [sys.executable, "-c", PDFIUM_TEXT, str(args.pdf)],
        "pdfium floor: character boxes": lambda out: [sys.executable, "-c", PDFIUM_CHARS, str(args.pdf)],
        "pdfium floor: character boxes and paths": lambda out: [sys.executable, "-c", PDFIUM_CHARS_PATHS, str(args.pdf)],
    }  # fmt: skip
    folders = {name: ROOT for name in commands}
    if args.baseline:
        name = f"make all, pdfium reader, baseline {args.baseline.name}"
        commands[name] = lambda out: [sys.executable, "-m", "load", str(args.pdf.resolve()), "--out", str(out), "-q", "--force"]  # fmt: skip
        folders[name] = args.baseline.resolve()
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    shares: dict[str, list[int]] = {name: [] for name in commands}
    summaries = {}
    with tempfile.TemporaryDirectory() as folder:
        long_pdf = concatenated(args.pdf, args.copies, Path(folder) / f"plan-x{args.copies}.pdf")
        long_pages = page_count(long_pdf)
        long_command = lambda out: [sys.executable, "-m", "load", str(long_pdf), "--out", str(out), "-q", "--force"]  # noqa: E731
        commands[f"make all, pdfium reader, plan ×{args.copies}"] = long_command
        folders[f"make all, pdfium reader, plan ×{args.copies}"] = ROOT
        (
            walls[f"make all, pdfium reader, plan ×{args.copies}"],
            peaks[f"make all, pdfium reader, plan ×{args.copies}"],
            shares[f"make all, pdfium reader, plan ×{args.copies}"],
        ) = [], [], []
        for run in range(args.runs):
            for name, command in commands.items():
                out = Path(folder) / f"out-{run}-{len(walls[name])}-{abs(hash(name))}"
                wall, peak, _, summary = timed_run_memory(command(out), folders[name])
                walls[name].append(wall)
                peaks[name].append(peak)
                summaries[name] = summary
        for name, command in commands.items():  # one more run each, for memory only (PSS sampling is slow)
            _, _, pss, _ = timed_run_memory(command(Path(folder) / f"memory-{abs(hash(name))}"), folders[name], True)
            shares[name].append(pss)
    base = statistics.median(walls["camelot lattice (vector), every page"])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {args.runs} runs, interleaved"
    )
    print(f"input: {args.pdf} ({pages} pages); concatenated ×{args.copies}: {long_pages} pages")
    print("| process | median wall s | runs | pages/s | × camelot | peak MiB (RSS summed) | peak MiB (PSS) |")
    print("|---|---|---|---|---|---|---|")
    for name in commands:
        median = statistics.median(walls[name])
        count = long_pages if "plan ×" in name else pages
        runs = ", ".join(f"{value:.2f}" for value in walls[name])
        print(
            f"| {name} | {median:.2f} | {runs} | {count / median:.0f} | {median / base:.2f} "
            f"| {max(peaks[name]) / 2**20:.0f} | {max(shares[name]) / 2**20:.0f} |"
        )
    one = statistics.median(walls["make all, pdfium reader"])
    many = statistics.median(walls[f"make all, pdfium reader, plan ×{args.copies}"])
    print(f"linearity: ×{args.copies} pages in {many / one:.2f}× the time")
    for name, summary in summaries.items():
        print(f"{name}: {summary}")
    return 0


def main() -> int:
    return report_main(report)


if __name__ == "__main__":
    sys.exit(main())
