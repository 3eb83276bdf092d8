"""Run ``python -m load`` on every PDF of a folder of documents that are not the plan, and summarise how
each ended: exit status, time, and the one line it printed. Every one must end with a clear line on stderr
and a non-zero exit, never a traceback, a hang or a dataset.

    .venv/bin/python tools/foreign_corpus.py FOLDER [--timeout S]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_one(pdf: Path, out: Path, timeout: float) -> tuple[int | None, float, str]:
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "load", str(pdf), "--out", str(out), "-q"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start, "hang"
    return result.returncode, time.perf_counter() - start, (result.stderr + result.stdout).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    pdfs = sorted(args.folder.glob("*.pdf"))
    problems, kinds, times = [], Counter(), []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clean"
        for pdf in pdfs:
            status, seconds, text = run_one(pdf, out, args.timeout)
            times.append(seconds)
            lines = text.splitlines()
            message = lines[0].replace(f"error: {pdf}: ", "") if lines else ""
            kinds[re.sub(r"\d+", "N", message.split(";")[0]).strip()[:70]] += 1
            if status in (None, 0) or len(lines) != 1 or "Traceback" in text or out.exists():
                problems.append(f"{pdf.name}: exit {status}, {len(lines)} lines: {text[:200]!r}")
    print(f"{len(pdfs)} PDFs; slowest {max(times):.1f} s, total {sum(times):.0f} s")
    for message, count in kinds.most_common():
        print(f"{count:4}  {message}")
    print(f"{len(problems)} ended otherwise than with one line and a non-zero exit")
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
