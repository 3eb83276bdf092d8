"""From a PDF path to an Extraction: the runner only wires the stages."""

from __future__ import annotations

from pathlib import Path

from extract.cards import layouts_to_stream, stream_to_cards
from extract.errors import InputError, NotThePlanError
from extract.layout import PageLayout
from extract.lists import stream_to_list_rows
from extract.model import Extraction, Finding
from extract.pdf import Reading, UnreadablePage, read_document
from extract.readers.provenance import after_cards, text_layer_pages
from extract.settings import ExtractSettings
from extract.verify import SecondReading, start_second_reading, verify


def decoration_findings(layouts: list[PageLayout]) -> list[Finding]:
    """One finding per page that had text dropped as decoration, with what was dropped."""
    return [
        Finding(
            "page_decoration",
            None,
            None,
            layout.number,
            f"page {layout.number}: {len(layout.decoration)} characters of page decoration (watermark, stamp) left out: {layout.decoration[:80]!r}",
        )
        for layout in layouts
        if layout.decoration
    ]


def unreadable_findings(pages: list[UnreadablePage]) -> list[Finding]:
    """One ``page_unreadable`` finding per page that could not be read, naming the page and the cause."""
    return [
        Finding("page_unreadable", None, None, page.number, f"page {page.number} unreadable: {page.cause}")
        for page in pages
    ]


def ruled_text_pages(layouts: list[PageLayout]) -> set[int]:
    """The pages with vertical rules and a text layer: those a ruled-cell reader can check."""
    return {layout.number for layout in layouts if layout.v_rulings} & text_layer_pages(layouts)


def extract_plan(path: Path | str, settings: ExtractSettings | dict | None = None) -> Extraction:
    """The cards, list rows and findings of the PDF; a page that cannot be read is a ``page_unreadable``
    finding, never a page silently left out."""
    settings = ExtractSettings.resolve(settings)
    path = Path(path)
    second: SecondReading | None = None

    def start_on_ruled_pages(pages: list[PageLayout]) -> None:
        # the second reader loads while the other pages are read, from the first ruled page on
        nonlocal second
        if second is None:
            second = start_second_reading(path, ruled_text_pages(pages), settings)

    try:
        reading = read_document(path, settings, as_read=start_on_ruled_pages)
    except BaseException:
        if second is not None:
            second.close()
        raise
    layouts = reading.layouts
    ruled_pages = ruled_text_pages(layouts)
    if second is None:
        second = start_second_reading(path, ruled_pages, settings)  # loads while the cards are read
    try:
        return read_plan(path, layouts, reading, ruled_pages, second, settings)
    finally:
        if second is not None:
            second.close()


def read_plan(
    path: Path,
    layouts: list[PageLayout],
    reading: Reading,
    ruled_pages: set[int],
    second: SecondReading | None,
    settings: ExtractSettings,
) -> Extraction:
    """The cards, list rows and findings of the pages read, checked by the second reader."""
    stream = layouts_to_stream(layouts)
    reading_cards = stream_to_cards(stream, settings)
    cards, findings, uncertain = reading_cards.cards, reading_cards.findings, reading_cards.uncertain
    if not cards and reading.unreadable:  # the cards may be on the pages that could not be read
        first = reading.unreadable[0]
        raise InputError(
            f"{path}: damaged PDF, no project card read; {len(reading.unreadable)} of its {len(layouts)} pages "
            f"cannot be read (page {first.number}: {first.cause})"
        )
    if not cards:
        raise NotThePlanError(
            f"{path}: no project card (« Sous Projet CODE : title ») in its {len(layouts)} pages; not an action plan"
        )
    list_rows = stream_to_list_rows(stream, reading_cards.starts, settings)
    extraction = Extraction(str(path), len(layouts), cards, list_rows, findings)
    extraction.findings += after_cards(extraction, layouts, settings)  # code repairs, OCR provenance
    extraction.findings = unreadable_findings(reading.unreadable) + decoration_findings(layouts) + extraction.findings
    try:
        extraction.findings += verify(extraction, path, ruled_pages, uncertain, settings, second=second)
    except Exception as error:  # the second reading is a check: its failure is reported, the cards are kept
        message = f"second reading failed ({type(error).__name__}: {error}); items not cross-checked"
        extraction.findings.append(Finding("verification_failed", None, None, None, message))
    return extraction
