"""The pipeline against the tools a user would pick instead, on the same PDFs; writes bench/RESULTS.md.

    plan-to-data bench [--out bench/RESULTS.md] [--inputs NAME...] [--tools TOOL...]

Inputs: the committed reconstruction (data/raw/plan_actions_2025.pdf) and its text renderings ruled,
borderless and reflow (reconstruct.pdf_render, drawn into build/bench/). Each tool runs on each input in a
process of its own (bench/worker.py); its wall time is that process's, from start to exit, and its peak
memory the largest resident size of the process and its children, sampled every 20 ms. The baselines'
tables become cards by the same rules (bench/assemble.py), and every tool's cards are scored the same way
against data/golden/cards (bench/score.py). unstructured runs from its own virtual environment,
build/bench-venv-unstructured, when there is one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from bench.assemble import assemble
from bench.build_time import tree_rss
from bench.score import Score, score
from bench.worker import TOOLS

ROOT = Path(__file__).resolve().parents[1]

RENDERINGS = ("ruled", "borderless", "reflow")
INPUTS = ("reconstruction", *RENDERINGS)
BUILD = ROOT / "build" / "bench"
UNSTRUCTURED_VENV = ROOT / "build" / "bench-venv-unstructured"
DOCLING = (
    "not runnable offline: its PDF pipeline loads layout and table-structure model weights "
    "(docling-ibm-models) from the Hugging Face hub at conversion time, and its install pulls torch"
)
DISTRIBUTIONS = (
    "pdfplumber",
    "pdfminer.six",
    "camelot-py",
    "opencv-python-headless",
    "pypdfium2",
    "tabula-py",
    "jpype1",
)


def sampled(command: list[str], timeout: float = 900) -> tuple[float, int, int, str, str]:
    """(wall seconds, peak bytes, exit status, stdout, stderr) of a command run from the repository root."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            if time.perf_counter() - start > timeout:
                process.kill()
            time.sleep(0.02)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return (
            wall,
            peak,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"


def input_paths(names: list[str]) -> dict[str, Path]:
    from reconstruct.pdf_render import render

    paths = {}
    for name in names:
        if name == "reconstruction":
            paths[name] = ROOT / "data" / "raw" / "plan_actions_2025.pdf"
        else:
            paths[name] = render(name, BUILD / f"{name}.pdf")
    return paths


def run_tool(tool: str, path: Path) -> dict:
    out = BUILD / "out" / f"{tool}-{path.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    wall, peak, status, _, stderr = sampled([sys.executable, "-m", "bench.worker", tool, str(path), str(out)])
    if status != 0:
        return {"error": f"exit status {status}: {last_line(stderr)}", "wall": wall, "peak": peak}
    result = json.loads(out.read_text(encoding="utf-8"))
    return {**result, "wall": wall, "peak": peak}


def run_unstructured(path: Path, pages: int) -> dict:
    python = UNSTRUCTURED_VENV / "bin" / "python"
    if not python.exists():
        return {
            "error": f"not runnable: no {UNSTRUCTURED_VENV.relative_to(ROOT)} (see the notes below for what it needs)"
        }
    wall, peak, status, stdout, stderr = sampled(
        [str(python), str(ROOT / "bench" / "unstructured_worker.py"), str(path)]
    )
    if status != 0:
        return {"error": f"not runnable: exit status {status}: {last_line(stderr)}", "wall": wall, "peak": peak}
    result = json.loads(stdout)
    if "error" in result:
        return {"error": f"not runnable: {result['error']}", "wall": wall, "peak": peak}
    cards = [card.as_dict() for card in assemble([(page, rows) for page, rows in result["tables"]])]
    return {"cards": cards, "tables": len(result["tables"]), "pages": pages, "wall": wall, "peak": peak}


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def venv_version(name: str) -> str:
    python = UNSTRUCTURED_VENV / "bin" / "python"
    if not python.exists():
        return "not installed"
    code = f"from importlib import metadata; print(metadata.version({name!r}))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return done.stdout.strip() or "not installed"


def java_version() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True)
    except FileNotFoundError:
        return "not installed"
    return last_line(done.stderr.splitlines()[0] if done.stderr else "")


def fmt_rate(value: float) -> str:
    return f"{value:.3f}"


def write_results(out: Path, rows: list[dict], field_names: list[str], command: str, seconds: float) -> None:
    lines = [
        "# Benchmark: the pipeline and the tools a user would pick instead",
        "",
        f"Written by `{command}` on {dt.date.today().isoformat()} in {seconds / 60:.1f} min. Do not edit: run `make bench`.",
        "",
        "Each tool runs on each input in a process of its own. *Cards* are the golden cards (data/golden/cards) found by",
        "canonical code, *invented* the cards found that the golden set does not have; *items* is the exact match of",
        "items (white space normalized) over every field, aligned in order as tools/extraction_vs_golden.py does;",
        "*budget* and *dates* count the golden cards whose Budget gives the golden minimum and maximum",
        "(normalize.amounts) and whose Calendrier gives the golden start and end (normalize.dates). *Wall* is the",
        "process from start to exit (imports, the JVM for tabula), *tool* the extraction and the assembly inside",
        "it; pages/s is pages over wall; peak is the largest resident size of the process and its children.",
        "The baselines' tables become cards by the same rules (bench/assemble.py); ours are the pipeline's cards.",
        "",
        "| tool | input | cards | invented | items | budget | dates | wall s | tool s | pages/s | peak MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['tool']} | {row['input']} | {row['error']} | | | | | | | | |")
            continue
        result: Score = row["score"]
        tool_seconds = f"{row['seconds']:.1f}" if row.get("seconds") is not None else ""
        lines.append(
            f"| {row['tool']} | {row['input']} | {result.found}/{result.golden} | {result.invented} | {fmt_rate(result.accuracy)} "
            f"| {result.budget_agree}/{result.golden} | {result.dates_agree}/{result.golden} | {row['wall']:.1f} | {tool_seconds} "
            f"| {row['pages'] / row['wall']:.2f} | {row['peak'] / 2**20:.0f} |"
        )
    lines += [
        "",
        "## Item accuracy per field",
        "",
        "| tool | input | " + " | ".join(field_names) + " |",
        "| --- | --- | " + " | ".join("---" for _ in field_names) + " |",
    ]
    for row in rows:
        if "error" in row:
            continue
        fields = row["score"].fields
        lines.append(
            f"| {row['tool']} | {row['input']} | "
            + " | ".join(f"{fields[name]:.3f}" if name in fields else "" for name in field_names)
            + " |"
        )
    lines += [
        "",
        "## Our pages per second over each baseline's",
        "",
        "| tool | " + " | ".join(INPUTS) + " |",
        "| --- | " + " | ".join("---" for _ in INPUTS) + " |",
    ]
    speed = {(row["tool"], row["input"]): row["pages"] / row["wall"] for row in rows if "error" not in row}
    for tool in dict.fromkeys(row["tool"] for row in rows):
        if tool == "ours":
            continue
        cells = []
        for name in INPUTS:
            ours, theirs = speed.get(("ours", name)), speed.get((tool, name))
            cells.append(f"{ours / theirs:.2f}×" if ours and theirs else "n/a")
        lines.append(f"| {tool} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Machine and versions",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"- Python {platform.python_version()}; Java: {java_version()}",
        "- " + ", ".join(f"{name} {version(name)}" for name in DISTRIBUTIONS),
        f"- unstructured {venv_version('unstructured')} (in {UNSTRUCTURED_VENV.relative_to(ROOT)}); Docling not installed",
        "",
        "## How each tool was called",
        "",
        '- ours: `extract.run.extract_plan(path, {"verify": "off"})` (pages read in parallel by worker processes).',
        "- pdfplumber: `page.extract_tables()` with default settings on every page.",
        '- camelot lattice: `camelot.read_pdf(path, pages="all", flavor="lattice", engine="vector")` (ruled lines read',
        '  from the PDF\'s vector graphics, no page rendered); camelot stream: `flavor="stream"`.',
        '- tabula: `tabula.read_pdf(path, pages=N, lattice=True | stream=True, multiple_tables=True, output_format="json")`',
        "  page by page (tabula returns no page numbers; the JVM runs in-process through jpype, started once).",
        '- unstructured: `partition_pdf(filename=path, strategy="fast", languages=["fra"])` in its own virtual',
        "  environment; each page's elements as one-cell rows (a Table element's rows from its text_as_html).",
        f"- Docling: {DOCLING}.",
        "",
        "## Notes",
        "",
        "- On the borderless rendering, pdfplumber with its default settings and the lattice flavors of camelot and",
        "  tabula find no table: the cards have no ruled cells (only one rule under the header rows). tabula stream",
        "  with its default `guess=True` finds none either; with `guess=False` it reads whole pages (not run here).",
        "- The four cards the ruled-table tools miss on the reconstruction (DCHUIS-PS-DERS3-25, SITS-09, FERS-18,",
        "  FCOOP-58) are borderless tables in a plan of ruled ones (reconstruct/card_layout.csv).",
        "",
        "## Notes on unstructured and Docling",
        "",
        "- unstructured (`pip install unstructured`) cannot import `unstructured.partition.pdf` without the `pdf`",
        "  extra, whose unstructured-inference requires torch, onnx, timm and transformers. Installed beside it",
        "  without torch (unstructured-inference with --no-deps, pi_heif, pdf2image, pikepdf, opencv-python-headless,",
        '  onnx, onnxruntime, huggingface_hub, pandas, matplotlib, scipy) it imports, but `partition_pdf(strategy="fast")`',
        "  then downloads the spaCy model en_core_web_sm from the web at run time, which fails offline, and it",
        "  returns no element. The model is not a registry package.",
        f"- Docling: {DOCLING}; with no network besides package registries it cannot convert a PDF.",
        "",
    ]
    previous = out.read_text(encoding="utf-8") if out.is_file() else ""
    out.write_text("\n".join(lines + other_sections(previous, lines)), encoding="utf-8")


def other_sections(previous: str, lines: list[str]) -> list[str]:
    """The sections of the previous file that this report does not write (the reader timings, the seeded
    layouts…, each written by its own tool), kept as they were after this report's own."""
    own = {line for line in lines if line.startswith("## ")}
    kept: list[str] = []
    keeping = False
    for line in previous.splitlines():
        if line.startswith("## "):
            keeping = line not in own
        if keeping:
            kept.append(line)
    return kept


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--inputs", nargs="+", choices=INPUTS, default=list(INPUTS))
    parser.add_argument("--tools", nargs="+", choices=[*TOOLS, "unstructured"], default=[*TOOLS, "unstructured"])
    args = parser.parse_args(argv)
    from schemas.golden import load_cards

    started = time.perf_counter()
    golden = load_cards(ROOT / "data" / "golden" / "cards")
    paths = input_paths(args.inputs)
    rows, field_names = [], set()
    for name, path in paths.items():
        for tool in args.tools:
            if tool == "unstructured":
                result = run_unstructured(path, rows[-1]["pages"] if rows and "pages" in rows[-1] else 0)
            else:
                result = run_tool(tool, path)
            row = {"tool": tool, "input": name, **result}
            if "error" not in row:
                row["score"] = score(row["cards"], golden)
                field_names |= set(row["score"].fields)
                print(
                    f"{tool:<16} {name:<15} cards {row['score'].found}/{row['score'].golden} items {row['score'].accuracy:.3f} wall {row['wall']:.1f} s",
                    flush=True,
                )
            else:
                print(f"{tool:<16} {name:<15} {row['error']}", flush=True)
            rows.append(row)
    order = ["code", "title", "section", "label"]
    names = [name for name in order if name in field_names] + sorted(field_names - set(order))
    command = "make bench" if os.environ.get("MAKELEVEL") else "plan-to-data bench " + " ".join(argv)
    write_results(args.out, rows, names, command.strip(), time.perf_counter() - started)
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
