"""The OCR reader in the registry (``open_reader("tesseract", path)``, ``--reader tesseract``): every page read
by OCR from its image, even where it has a text layer (a text layer that cannot be trusted: a bad OCR layer, fonts
without a Unicode map). The build does not need it for scans: it reads the text layer and OCRs the pages that
have none (``extract.readers.select``); this reader forces that reading on every page.

It opens the document as the pdfium reader does (the same refusals: damaged, encrypted), and its pages' text
layer gives the OCR only the page's size and image count: ``extract.readers.select.page_layout`` reads each page
again from its image, with the OCR provenance (reader, confidences) of any OCR'd page.
"""

from __future__ import annotations

from extract.readers.ocr import require_tesseract
from extract.readers.pdfium import PdfiumReader


class TesseractReader(PdfiumReader):
    name = "tesseract"
    forces_ocr = True

    def open(self) -> None:
        require_tesseract(self.path, self.settings.ocr_language)  # one line saying what to install
        super().open()
