"""What extraction produces: cards, their rows and items, summary-list rows and findings, each with provenance.

One bbox convention everywhere: (page, x0, top, x1, bottom) in PDF points, top-left origin, 1-based page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.findings import Finding


@dataclass(frozen=True)
class Box:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def as_tuple(self) -> tuple[int, float, float, float, float]:
        return (self.page, self.x0, self.top, self.x1, self.bottom)


@dataclass
class Item:
    text: str
    boxes: list[Box]
    reader: str = (
        "pdfium"  # the reader that read it (settings.reader, or tesseract); « +camelot » where the second agrees
    )
    flag: str | None = None
    ocr_confidence: float | None = None  # mean confidence (0..1) of its OCR words; None on a text-layer page

    @property
    def page(self) -> int:
        return self.boxes[0].page


@dataclass
class Row:
    label: str  # as printed
    field: str | None  # the field its label names; None for a label the plan's vocabulary does not know
    label_boxes: list[Box]
    items: list[Item] = field(default_factory=list)


@dataclass
class Card:
    code: str
    title: str
    section: str
    chapter: str | None
    header: Item  # the « Sous Projet CODE : title » line(s)
    section_item: Item | None
    rows: list[Row] = field(default_factory=list)

    @property
    def pages(self) -> list[int]:
        boxes = [box for item in self.all_items() for box in item.boxes]
        return sorted({box.page for box in boxes})

    def all_items(self) -> list[Item]:
        items = [self.header] + ([self.section_item] if self.section_item else [])
        return items + [item for row in self.rows for item in row.items]


@dataclass
class ListRow:
    heading: str
    code: str | None
    title: str
    section: str | None
    page: int
    boxes: list[Box]


@dataclass
class Extraction:
    source: str
    page_count: int
    cards: list[Card]
    list_rows: list[ListRow]
    findings: list[Finding]
    verified_pages: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (no text layer)
