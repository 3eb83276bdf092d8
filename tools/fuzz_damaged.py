"""Damaged copies of the plan through ``plan-to-data build``: each must end within the time limit with either a
dataset whose ``page_unreadable`` findings name every page it could not read (exit 0 when none, 3 otherwise),
or one line on stderr and exit 2 — never a traceback, a hang, or a dataset that silently lacks cards.

    .venv/bin/python tools/fuzz_damaged.py [--count N] [--seed S] [--pages P] [--workers W] [--timeout T]

Each copy gets one damage drawn from a seeded generator: byte flips, a zeroed range, a truncation, or a
duplicated range. ``--pages`` keeps the first P pages of the reconstruction (0: all 135), drawn once; the
cards of the undamaged copy are the reference: a card missing from a damaged copy's dataset must touch a page
its findings say is unreadable, or be among its rejected rows.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
KINDS = ("flip", "zero", "truncate", "duplicate")
# Byte flips per damaged copy, and the largest zeroed or duplicated range (share of the file).
MAX_FLIPS = 40
MAX_RANGE_SHARE = 0.05
# Seconds a build of a damaged copy may take before it counts as a hang.
DEFAULT_TIMEOUT = 120.0
# Exit statuses of plan-to-data build (plan_to_data.cli).
BUILT, BUILT_WITH_UNREADABLE_PAGES, REFUSED = 0, 3, 2


@dataclass
class Outcome:
    name: str
    damage: str
    status: int | None
    seconds: float
    problem: str | None  # None: ended as it must
    unreadable: list[int]


def subset(pdf: Path, pages: int, target: Path) -> Path:
    """The first ``pages`` pages of the PDF as a new PDF (pdfium)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(pdf))
    try:
        copy = pdfium.PdfDocument.new()
        copy.import_pages(source, list(range(min(pages, len(source)))))
        copy.save(str(target))
        copy.close()
    finally:
        source.close()
    return target


def damage(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One damage of a kind drawn by ``rng``, and its description."""
    kind = rng.choice(KINDS)
    size = len(data)
    out = bytearray(data)
    if kind == "flip":
        count = rng.randint(1, MAX_FLIPS)
        for _ in range(count):
            position = rng.randrange(size)
            out[position] ^= 1 << rng.randrange(8)
        return bytes(out), f"flip {count} bits"
    length = rng.randint(1, max(1, int(size * MAX_RANGE_SHARE)))
    start = rng.randrange(size - length)
    if kind == "zero":
        out[start : start + length] = bytes(length)
        return bytes(out), f"zero {length} bytes at {start}"
    if kind == "truncate":
        cut = rng.randrange(size // 2, size)
        return bytes(out[:cut]), f"truncate at {cut} of {size}"
    at = rng.randrange(size)
    return bytes(out[:at] + out[start : start + length] + out[at:]), f"duplicate {length} bytes from {start} at {at}"


def build(pdf: Path, out: Path, timeout: float) -> tuple[int | None, float, str, str]:
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "plan_to_data", "build", str(pdf), "--out", str(out), "-q", "--verify", "off"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start, "", ""
    return result.returncode, time.perf_counter() - start, result.stdout, result.stderr


def dataset_cards(out: Path) -> tuple[dict[str, tuple[int, int]], list[int], set[str]]:
    """(cards by code with their first and last page, pages found unreadable, codes of rejected rows)."""
    import duckdb

    connection = duckdb.connect(str(out / "plan.duckdb"), read_only=True)
    try:
        cards = {
            code: (first, last)
            for code, first, last in connection.execute("SELECT code, page_first, page_last FROM cards").fetchall()
        }
        pages = sorted(
            page
            for (page,) in connection.execute("SELECT page FROM findings WHERE kind = 'page_unreadable'").fetchall()
        )
        rejected = {
            code for (code,) in connection.execute("SELECT code FROM rejected WHERE code IS NOT NULL").fetchall()
        }
    finally:
        connection.close()
    return cards, pages, rejected  # fmt: skip


def judge(status, stdout, stderr, out: Path, reference: dict[str, tuple[int, int]]) -> tuple[str | None, list[int]]:
    """None when the build ended as it must, else what is wrong; and the pages it found unreadable."""
    if status is None:
        return "hang", []
    if "Traceback" in stderr or "Traceback" in stdout:
        return "traceback", []
    if status == REFUSED:
        lines = stderr.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            return f"refused with {len(lines)} lines on stderr", []
        return None, []
    if status not in (BUILT, BUILT_WITH_UNREADABLE_PAGES):
        return f"exit {status}: {stderr.strip()[:200]}", []
    cards, unreadable, rejected = dataset_cards(out)
    if (status == BUILT) != (not unreadable):
        return f"exit {status} with {len(unreadable)} pages unreadable", unreadable
    lost = [
        code for code, (first, last) in reference.items()
        if code not in cards and code not in rejected and not any(first <= page <= last for page in unreadable)
    ]  # fmt: skip
    if lost:
        return f"cards missing without an unreadable page: {', '.join(sorted(lost)[:8])}", unreadable
    return None, unreadable


def reference_build(pdf: Path, folder: Path, timeout: float) -> dict[str, tuple[int, int]]:
    out = folder / "reference"
    status, _, _, stderr = build(pdf, out, timeout)
    if status != BUILT:
        raise RuntimeError(f"the undamaged copy does not build (exit {status}): {stderr.strip()[:200]}")
    return dataset_cards(out)[0]


def run(count: int, seed: int, pages: int, workers: int, timeout: float, folder: Path) -> list[Outcome]:
    source = subset(RECONSTRUCTION, pages, folder / "source.pdf") if pages else RECONSTRUCTION
    reference = reference_build(source, folder, timeout)
    data = source.read_bytes()

    def one(index: int) -> Outcome:
        rng = random.Random(f"{seed}-{index}")
        damaged, description = damage(data, rng)
        pdf = folder / f"damaged-{index:04d}.pdf"
        pdf.write_bytes(damaged)
        out = folder / f"out-{index:04d}"
        status, seconds, stdout, stderr = build(pdf, out, timeout)
        problem, unreadable = judge(status, stdout, stderr, out, reference)
        return Outcome(pdf.name, description, status, seconds, problem, unreadable)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(count)))


def report(outcomes: list[Outcome]) -> str:
    built = [o for o in outcomes if o.status == BUILT and not o.problem]
    with_findings = [o for o in outcomes if o.status == BUILT_WITH_UNREADABLE_PAGES and not o.problem]
    refused = [o for o in outcomes if o.status == REFUSED and not o.problem]
    problems = [o for o in outcomes if o.problem]
    worst = max(outcomes, key=lambda o: o.seconds)
    lines = [
        f"{len(outcomes)} damaged copies: {len(built)} built whole, {len(with_findings)} built with unreadable pages "
        f"named, {len(refused)} refused in one line, {len(problems)} otherwise; worst time {worst.seconds:.1f} s "
        f"({worst.name}, {worst.damage})"
    ]
    lines += [f"  {o.name} ({o.damage}): {o.problem}" for o in problems]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="damaged copies (default: 50)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the damages (default: 1)")
    parser.add_argument("--pages", type=int, default=0, help="first pages of the plan kept (default 0: all)")
    parser.add_argument("--workers", type=int, default=2, help="builds at once (default: 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds before a build is a hang")
    parser.add_argument("--json", type=Path, help="also write every outcome to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        outcomes = run(args.count, args.seed, args.pages, args.workers, args.timeout, Path(folder))
    print(report(outcomes))
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1), encoding="utf-8")
    return 1 if any(o.problem for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
