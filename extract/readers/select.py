"""Which reader reads a page: its text layer, or OCR when it has none.

``page_layout`` is what ``extract.pdf`` calls for every page: the text reader's ``PageContent`` first; a page
with no visible text but an image (a scan), or whose only text is an invisible OCR layer (tesseract's and
ocrmypdf's GlyphLessFont, or text in render mode 3 over an image), is read again by OCR
(``extract.readers.ocr``) — page by page, so a PDF with some scanned pages is read both ways. A reader that
``forces_ocr`` (``--reader tesseract``) has every page read again by OCR. An OCR'd page's
layout carries ``reader = "tesseract"``, the confidences of its words (``ocr_words``: x0, top, x1, bottom,
confidence) and its OCR time, for provenance (``extract.readers.provenance``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from extract.layout import PageContent, PageLayout, page_to_layout
from extract.readers import PageReader
from extract.readers.ocr import ocr_page, pdfium_document
from extract.readers.tokens import OCR_READER, ocr_content
from extract.settings import ExtractSettings

# Fonts OCR tools write their invisible text layer in.
INVISIBLE_OCR_FONT = re.compile(r"glyphless", re.IGNORECASE)
# PDF text render mode 3: neither filled nor stroked (invisible).
INVISIBLE_RENDER_MODE = 3


def invisible_text(path: Path, number: int) -> bool:
    """Every text object of the page is drawn in render mode 3 (invisible): an OCR layer over an image."""
    import pypdfium2.raw as raw

    page = pdfium_document(path)[number - 1]
    try:
        modes = [
            raw.FPDFTextObj_GetTextRenderMode(obj.raw)
            for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,), max_depth=4)
        ]
    finally:
        page.close()
    return bool(modes) and all(mode == INVISIBLE_RENDER_MODE for mode in modes)


def needs_ocr(content: PageContent, path: Path | None = None) -> bool:
    """A page to read by OCR: no visible character but an image, or only an invisible OCR layer."""
    visible = [char for char in content.chars if not char.text.isspace()]
    if not content.image_count:
        return False
    if not visible:
        return True
    if all(INVISIBLE_OCR_FONT.search(char.fontname) for char in visible):
        return True
    return path is not None and invisible_text(path, content.number)


def is_ocr(layout: PageLayout) -> bool:
    return getattr(layout, "reader", None) == OCR_READER


def page_layout(reader: PageReader, number: int, settings: ExtractSettings) -> PageLayout:
    """Page ``number``'s layout, read from its text layer or, where it has none, by OCR."""
    content = reader.read_page(number)
    if not reader.forces_ocr and (settings.ocr == "off" or not needs_ocr(content, reader.path)):
        return page_to_layout(content, settings)
    page = ocr_page(reader.path, number, float(content.width), float(content.height), settings)
    ocr, placed = ocr_content(page, content.image_count, settings)
    layout = page_to_layout(ocr, settings)
    # Provenance the shared layout has no field for; kept on the layout object (pickled with it).
    layout.reader = OCR_READER
    layout.ocr_words = [(word.x0, word.top, word.x1, word.bottom, word.confidence) for word in placed]
    layout.ocr_seconds = page.seconds
    layout.ocr_cached = page.cached
    layout.ocr_angle = page.angle
    if settings.progress:
        timing = "cached" if page.cached else f"{page.seconds:.1f} s"
        print(f"OCR page {number}: {len(placed)} words, {timing}", file=sys.stderr, flush=True)
    return layout
