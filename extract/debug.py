"""``python -m extract.debug PDF PAGE [--out FILE.png] [--resolution DPI]``

Draws what the extractor found on one page: the page's rulings (grey), each card's header and section rows
(blue), label cells (orange) and items (green, red where the second reader disagreed), numbered by their
position in the field. How a person checks an extraction by eye.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pdfplumber

from extract.errors import PlanToDataError
from extract.model import Box, Extraction
from extract.run import extract_plan

COLOURS = {
    "ruling": (150, 150, 150),
    "header": (40, 90, 220),
    "label": (240, 140, 0),
    "item": (0, 160, 60),
    "flagged": (220, 0, 0),
}


def page_boxes(extraction: Extraction, page: int) -> list[tuple[str, Box, str]]:
    """(kind, box, caption) for everything found on ``page``."""
    found = []
    for card in extraction.cards:
        for kind, item in [("header", card.header), ("header", card.section_item)]:
            found += [(kind, box, card.code) for box in (item.boxes if item else []) if box.page == page]
        for row in card.rows:
            found += [("label", box, row.field or "?") for box in row.label_boxes if box.page == page]
            for index, item in enumerate(row.items):
                kind = "flagged" if item.flag else "item"
                found += [(kind, box, str(index + 1)) for box in item.boxes if box.page == page]
    return found


def draw_page(pdf_path: Path, page: int, extraction: Extraction, out: Path, resolution: int = 110) -> Path:
    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise PlanToDataError(f"{pdf_path}: page {page} is not between 1 and {len(pdf.pages)}")
        pdf_page = pdf.pages[page - 1]
        image = pdf_page.to_image(resolution=resolution)
        image.draw_lines(pdf_page.edges, stroke=COLOURS["ruling"], stroke_width=1)
        for kind, box, caption in page_boxes(extraction, page):
            rect = (box.x0 - 1, box.top - 1, box.x1 + 1, box.bottom + 1)
            image.draw_rect(rect, fill=(*COLOURS[kind], 30), stroke=COLOURS[kind], stroke_width=1)
            image.draw.text((image.scale * rect[0] - 12, image.scale * rect[1]), caption[:12], fill=COLOURS[kind])
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(out, format="PNG")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract.debug", description=__doc__.splitlines()[2])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("page", type=int, help="1-based page number")
    parser.add_argument("--out", type=Path, help="PNG to write (default: build/debug/<pdf>-p<page>.png)")
    parser.add_argument("--resolution", type=int, default=110)
    args = parser.parse_args(argv)
    out = args.out or Path("build/debug") / f"{args.pdf.stem}-p{args.page}.png"
    try:
        extraction = extract_plan(args.pdf, {"verify": "all"})
        print(draw_page(args.pdf, args.page, extraction, out, args.resolution))
    except PlanToDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
