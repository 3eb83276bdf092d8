"""What the plan prints that the extraction leaves out: page numbers and chapter headings.

The extraction drops page furniture (running heads, page numbers) and numbers chapters by their rank, as the
Sommaire does. The dataset keeps both numberings: this module reads the page number printed in each page's
top or bottom band, and the chapter headings as printed, with pdfium's text layer (a fraction of a second for
the whole plan).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vocabulary import escaped_alternation, fold, labels

# The share of the page height, at the top and at the bottom, where a page number is printed.
BAND = 0.08
# « 54 », « Page 54 », « 54/128 », « 54 sur 128 », « - 54 - »
_BEFORE, _OF = (escaped_alternation(labels()["page_number"][key]) for key in ("before", "of"))
_PAGE_NUMBER = re.compile(rf"(?:{_BEFORE}\s*)?(\d{{1,4}})(?:\s*{_OF}\s*\d{{1,4}})?|-\s*(\d{{1,4}})\s*-", re.IGNORECASE)
# A chapter number opening a line: « I.1 », « II.1. », « II.08 » (the extraction's pattern, with its text).
_CHAPTER = re.compile(r"^\s*((I{1,3}|IV)\s*\.\s*(\d{1,2}))\.?\s+\S")
_LEADER = re.compile(r"\.{4,}")


@dataclass
class PrintedPages:
    labels: dict[int, str | None] = field(default_factory=dict)  # PDF page -> printed page number
    lines: dict[int, list[str]] = field(default_factory=dict)  # PDF page -> its text lines

    def label(self, page: int | None) -> str | None:
        return self.labels.get(page) if page is not None else None


def read_printed(path: Path | str) -> PrintedPages:
    import pypdfium2 as pdfium

    printed = PrintedPages()
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            text = page.get_textpage()
            # pdfium's bounded text takes (left, bottom, right, top) with the origin at the bottom-left.
            bands = [
                text.get_text_bounded(0, 0, width, height * BAND),
                text.get_text_bounded(0, height * (1 - BAND), width, height),
            ]
            printed.labels[index + 1] = page_label(bands)
            printed.lines[index + 1] = [line.strip() for line in text.get_text_range().splitlines() if line.strip()]
            text.close()
            page.close()
    finally:
        document.close()
    return printed


def page_label(bands: list[str]) -> str | None:
    """The page number in the bottom band, else in the top band; None where neither is a bare page number."""
    for band in bands:
        match = _PAGE_NUMBER.fullmatch(" ".join(band.split()))
        if match:
            return match.group(1) or match.group(2)
    return None


@dataclass(frozen=True)
class Heading:
    page: int
    number: str  # as printed, trailing dot dropped: « II.1 », « II.08 »
    axis: str
    value: int


def chapter_headings(printed: PrintedPages, section_rows: dict[int, list[str]]) -> list[Heading]:
    """The chapter headings in printed order. A line opening with a chapter number is a heading unless it is
    a Sommaire entry (dot leaders) or a section row of a card or list on that page (``section_rows``: page ->
    the section texts printed there, which may carry a chapter number of their own)."""
    headings = []
    for page, lines in sorted(printed.lines.items()):
        sections = Counter(key(text) for text in section_rows.get(page, []))
        for line in lines:
            match = _CHAPTER.match(line)
            if not match or _LEADER.search(line):
                continue
            taken = next((text for text in sections if sections[text] > 0 and text.startswith(key(line))), None)
            if taken is not None:
                sections[taken] -= 1
                continue
            number = re.sub(r"\s+", "", match.group(1))
            headings.append(Heading(page, number, match.group(2), int(match.group(3))))
    return headings


def printed_chapters(headings: list[Heading]) -> dict[str, str]:
    """Rank numbering (as the extraction and the Sommaire number chapters) -> the number the heading prints:
    the n-th distinct chapter of axis II is « II.n »."""
    ranks: dict[tuple[str, int], str] = {}
    mapping = {}
    for heading in headings:
        if (heading.axis, heading.value) in ranks:
            continue
        rank = 1 + sum(1 for axis, _ in ranks if axis == heading.axis)
        ranks[(heading.axis, heading.value)] = heading.number
        mapping[f"{heading.axis}.{rank}"] = heading.number
    return mapping


def key(text: str) -> str:
    return " ".join(fold(text).split())
