"""unstructured on one PDF, run by the Python of its own virtual environment (it is not installed with the project).

    build/bench-venv-unstructured/bin/python bench/unstructured_worker.py PDF

Prints JSON: {"tables": [[page, rows], ...]}, one table per page whose rows are the page's elements, one
cell each (a Table element gives its own rows from text_as_html), or {"error": "one line"}.
Imports nothing from the project.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


class _Notes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if any(word in message for word in ("Failed", "failed", "missing")):
            self.messages.append(" ".join(message.split()))


def main(path: str) -> dict:
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("SCARF_NO_ANALYTICS", "true")
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    notes = _Notes()
    logging.getLogger("unstructured").addHandler(notes)
    logging.getLogger("unstructured").setLevel(logging.DEBUG)
    try:
        from unstructured.partition.pdf import partition_pdf
    except Exception as error:  # noqa: BLE001 - any import failure is the reason it cannot run
        return {"error": f"import failed: {type(error).__name__}: {error}"}
    try:
        elements = partition_pdf(filename=path, strategy="fast", languages=["fra"])
    except Exception as error:  # noqa: BLE001
        return {"error": f"partition_pdf failed: {type(error).__name__}: {error}"}
    if not elements:
        return {
            "error": "partition_pdf(strategy='fast') returned no element: "
            + (notes.messages[0].split(". Check")[0] if notes.messages else "no reason logged")
        }
    pages: dict[int, list[list[str]]] = {}
    for element in elements:
        rows = pages.setdefault(element.metadata.page_number or 0, [])
        html = getattr(element.metadata, "text_as_html", None)
        if type(element).__name__ == "Table" and html:
            parser = _Rows()
            parser.feed(html)
            rows += parser.rows
        else:
            rows += [[line] for line in element.text.splitlines() if line.strip()]
    return {"tables": [[page, rows] for page, rows in sorted(pages.items())]}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), ensure_ascii=False))
