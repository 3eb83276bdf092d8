"""How long `make all` takes and how much memory it needs, on a PDF of the plan (default: the committed
reconstruction). Not a test: wall-clock figures depend on the machine; run it and report them.

    .venv/bin/python -m bench.build_time [PDF] [--runs N]

Measures, each `--runs` times: a cold build (`python -m load PDF --out TMP --force`, a new process, so
imports and worker start-up count), the extraction alone inside one process (pages read in parallel), and a
rebuild with the PDF and the code unchanged. Peak memory is the largest sum of the resident sizes of the
build process and its workers, sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.worker import BenchError, report_main

ROOT = Path(__file__).resolve().parents[1]


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc), each process's resident size summed:
    pages a forked worker shares with its parent count once per process."""
    return tree_memory(pid)[0]


def tree_memory(pid: int, proportional_too: bool = True) -> tuple[int, int]:
    """(resident bytes summed, proportional bytes summed) of a process and all its descendants (Linux /proc).
    The proportional size (PSS) divides each shared page among the processes that map it: its sum is the
    memory the process tree holds, where the resident sum counts a page shared by a fork once per process.
    Reading it walks every mapping of every process: ``proportional_too=False`` leaves it out (0) where the
    sampling must not slow the processes it measures."""
    resident = proportional = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                resident += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            proportional += process_pss(current) if proportional_too else 0
            with open(f"/proc/{current}/task/{current}/children") as handle:
                stack += [int(child) for child in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return resident, proportional


def process_pss(pid: int) -> int:
    """A process's proportional set size in bytes (``/proc/PID/smaps_rollup``), 0 where the system has none."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except PermissionError:
        pass
    return 0


def timed_run(command: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """(wall seconds, peak resident bytes summed over the process tree, last stdout line)."""
    wall, peak, _, summary = timed_run_memory(command, cwd)
    return wall, peak, summary


def timed_run_memory(
    command: list[str], cwd: Path = ROOT, proportional_too: bool = False
) -> tuple[float, int, int, str]:
    """(wall seconds, peak resident bytes summed, peak proportional bytes summed, stdout) of the command's
    process tree (``tree_memory``; the proportional peak 0 unless ``proportional_too``, whose sampling costs
    the measured processes time: a run for memory, not for time)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = peak_pss = 0
    while process.poll() is None:
        resident, proportional = tree_memory(process.pid, proportional_too)
        peak, peak_pss = max(peak, resident), max(peak_pss, proportional)
        time.sleep(0.02)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed with exit status {process.returncode}")
    return wall, peak, peak_pss, process.stdout.read().strip()


def report() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=ROOT / "data/raw/plan_actions_2025.pdf")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from extract.pdf import page_count
    from extract.run import extract_plan

    pages = page_count(args.pdf)
    cold, peaks, extraction, cached = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clean"
        command = [sys.executable, "-m", "load", str(args.pdf), "--out", str(out), "-q"]
        for _ in range(args.runs):
            wall, peak, summary = timed_run([*command, "--force"])
            cold.append(wall)
            peaks.append(peak)
            cached.append(timed_run(command)[0])
            start = time.perf_counter()
            extract_plan(args.pdf, {"verify": "off"})
            extraction.append(time.perf_counter() - start)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {args.pdf} ({pages} pages); {summary}")
    print(
        f"make all, cold (new process, --force): median {statistics.median(cold):.1f} s  (runs: {', '.join(f'{t:.1f}' for t in cold)})"
    )
    print(f"peak memory of the build and its workers: {max(peaks) / 2**20:.0f} MiB")
    print(
        f"extraction alone, in process: median {statistics.median(extraction):.1f} s = {pages / statistics.median(extraction):.1f} pages/s"
    )
    print(f"rebuild, PDF and code unchanged: median {statistics.median(cached):.2f} s")
    return 0


def main() -> int:
    return report_main(report)


if __name__ == "__main__":
    sys.exit(main())
