"""One tool on one PDF, in a process of its own: ``python -m bench.worker TOOL PDF OUT.json``.

Writes {"cards": [...], "tables": N, "seconds": S, "pages": P}: the cards the tool's tables give by
bench/assemble.py (ours: the pipeline's own cards), and the seconds the tool and the assembly took inside
the process (imports excluded).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from extract.errors import PlanToDataError

ROOT = Path(__file__).resolve().parents[1]

TOOLS = ("ours", "pdfplumber", "camelot-lattice", "camelot-stream", "tabula-lattice", "tabula-stream")


class BenchError(PlanToDataError):
    """A benchmark run that cannot go on: an unknown tool, a command that failed."""


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def pdfplumber_tables(path: Path) -> list:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [(page.page_number, table) for page in pdf.pages for table in page.extract_tables()]


def camelot_tables(path: Path, flavor: str) -> list:
    import camelot

    options = {"engine": "vector"} if flavor == "lattice" else {}  # vector: ruled lines read from the PDF, no rendering
    tables = camelot.read_pdf(str(path), pages="all", flavor=flavor, suppress_stdout=True, **options)
    return [(int(table.page), table.df.values.tolist()) for table in tables]


def tabula_tables(path: Path, flavor: str) -> list:
    import tabula

    tables = []
    # tabula returns no page numbers, so the file is read page by page (the JVM runs in-process with jpype).
    for page in range(1, page_count(path) + 1):
        frames = tabula.read_pdf(
            str(path),
            pages=page,
            lattice=flavor == "lattice",
            stream=flavor == "stream",
            multiple_tables=True,
            output_format="json",
            silent=True,
        )
        for frame in frames:
            tables.append((page, [[cell.get("text", "") for cell in row] for row in frame.get("data", [])]))
    return tables


def run(tool: str, path: Path) -> dict:
    start = time.perf_counter()
    if tool == "ours":
        from bench.score import card_dict
        from extract.run import extract_plan

        extraction = extract_plan(path, {"verify": "off"})
        return {
            "cards": [card_dict(card) for card in extraction.cards],
            "tables": None,
            "seconds": time.perf_counter() - start,
            "pages": extraction.page_count,
        }
    from bench.assemble import assemble

    if tool == "pdfplumber":
        tables = pdfplumber_tables(path)
    elif tool.startswith("camelot-"):
        tables = camelot_tables(path, tool.split("-", 1)[1])
    elif tool.startswith("tabula-"):
        tables = tabula_tables(path, tool.split("-", 1)[1])
    else:
        raise BenchError(f"unknown tool {tool!r}; valid: {', '.join(TOOLS)}")
    cards = [card.as_dict() for card in assemble(tables)]
    return {"cards": cards, "tables": len(tables), "seconds": time.perf_counter() - start, "pages": page_count(path)}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m bench.worker TOOL PDF OUT.json", file=sys.stderr)
        return 2
    tool, path, out = argv
    try:
        result = run(tool, Path(path))
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def report_main(report: Callable[[], int]) -> int:
    """``report()``, a failed run reported in one line on stderr (exit status 2)."""
    try:
        return report()
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
