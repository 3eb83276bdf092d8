"""The OCR reader in the registry (``open_reader("tesseract", path)``): every page read from its image by
tesseract, as a ``PageContent`` like the text-layer readers give. The build does not choose it by name: it
reads the text layer and OCRs the pages that have none (``extract.readers.select``); this reader is the
same reading for a whole document, forced (tests, comparisons of a page's two readings).
"""

from __future__ import annotations

from pathlib import Path

from extract.errors import InputError
from extract.layout import PageContent
from extract.readers import PageReader
from extract.readers.ocr import ocr_page, require_tesseract
from extract.readers.tokens import ocr_content
from extract.settings import ExtractSettings


class TesseractReader(PageReader):
    name = "tesseract"

    def __init__(self, path: Path | str, settings: ExtractSettings | dict | None = None) -> None:
        self.settings = ExtractSettings.resolve(settings)
        super().__init__(path)

    def open(self) -> None:
        import pypdfium2

        require_tesseract(self.path, self.settings.ocr_language)
        try:
            self.pdf = pypdfium2.PdfDocument(str(self.path))
        except pypdfium2.PdfiumError as error:
            raise InputError(f"{self.path}: damaged or encrypted PDF ({error})") from None

    def page_count(self) -> int:
        return len(self.pdf)

    def read_page(self, number: int) -> PageContent:
        width, height = self.pdf[number - 1].get_size()
        page = ocr_page(self.path, number, float(width), float(height), self.settings)
        content, _ = ocr_content(page, image_count=1, settings=self.settings)
        return content

    def close(self) -> None:
        self.pdf.close()
