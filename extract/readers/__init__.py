"""Page readers (the text layer, or OCR of the page image): each opens a PDF and gives its pages as
``PageContent`` (characters in the one ``Char`` model, and the edges of vector paths), from which
``extract.layout.page_to_layout`` builds the page layout.
Nothing after that knows which reader ran.

    with open_reader("pdfium", path) as reader:
        content = reader.read_page(1)

A reader refuses a file it cannot read with ``InputError`` (one line: damaged, encrypted, no pages).
A reader that ``forces_ocr`` (tesseract) has every page read again from its image by
``extract.readers.select.page_layout``, its text layer giving only the page's size and images.
"""

from __future__ import annotations

from pathlib import Path

from extract.layout import PageContent
from extract.settings import ExtractSettings

# name → "module:class", imported only when asked for (each reader has its own heavy import).
READERS = {
    "pdfium": "extract.readers.pdfium:PdfiumReader",
    "pdfplumber": "extract.readers.plumber:PdfplumberReader",
    # Every page read by OCR, text layer or not (the build also OCRs on its own the pages without one).
    "tesseract": "extract.readers.tesseract:TesseractReader",
}


class PageReader:
    """A PDF open for reading its text layer. Subclasses implement ``open``, ``page_count``, ``read_page``
    and ``close``; ``read_page`` raises ``InputError`` naming the page when the page is damaged."""

    name = "base"
    # Every page read by OCR from its image, whatever its text layer (extract.readers.select).
    forces_ocr = False
    # The reader refuses on opening a file whose cross-reference table lists objects that are not there.
    checks_structure = False

    def __init__(self, path: Path | str, settings: ExtractSettings | dict | None = None) -> None:
        self.path = Path(path)
        self.settings = ExtractSettings.resolve(settings)
        self.open()

    def open(self) -> None:
        raise NotImplementedError

    def page_count(self) -> int:
        raise NotImplementedError

    def read_page(self, number: int) -> PageContent:
        """Page ``number`` (1-based)."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def reader_class(name: str) -> type[PageReader]:
    if name not in READERS:
        raise ValueError(f"unknown reader {name!r}; valid: {', '.join(READERS)}")
    module, attribute = READERS[name].split(":")
    return getattr(__import__(module, fromlist=[attribute]), attribute)


def open_reader(name: str, path: Path | str, settings: ExtractSettings | dict | None = None) -> PageReader:
    return reader_class(name)(path, settings)
