"""The pdfplumber reader (pdfminer underneath): characters from ``page.chars``, edges from ``page.edges``.

Slower than pdfium; kept as the reference the pdfium reader is checked against, and as ``--reader pdfplumber``.
pdfminer's own damage messages (objects not found, broken references) stop the read: text may be lost
without an error otherwise.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pdfplumber

from extract.errors import InputError
from extract.layout import Char, PageContent, visible_ink
from extract.readers import PageReader

# What pdfminer logs when objects of the file are missing or broken: text may be lost without an error.
# (A rebuilt cross-reference table alone is common in sound files and is not damage.)
DAMAGE_SIGNS = ("not found", "resolves to non-integer", "non-indirect object", "PDFSyntaxError")


# A subset font's name starts with a six-letter tag (« CAAAAA+Carlito »); the character model names the font
# without it, as pdfium does.
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


class DamageFound(Exception):
    """Raised from inside pdfminer at its first damage message: recovering from a damaged file can take
    pdfminer minutes of scanning, and the build refuses such a file anyway."""


class DamageLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if any(sign in message for sign in DAMAGE_SIGNS):
            self.messages.append(message)
            raise DamageFound(message)


@contextmanager
def damage_watch():
    """Collect pdfminer's damage messages (instead of letting them reach stderr) while reading."""
    logger = logging.getLogger("pdfminer")
    handler, propagate = DamageLog(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def error_names(error: BaseException) -> str:
    """The names and messages of an exception and of those it wraps (pdfplumber wraps pdfminer's)."""
    seen, parts = set(), []
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(f"{type(error).__name__} {error} {' '.join(type(arg).__name__ for arg in error.args)}")
        error = error.__cause__ or error.__context__
    return " ".join(parts)


def plumber_char(char: dict) -> Char:
    color = char.get("non_stroking_color")
    return Char(
        text=char["text"],
        x0=float(char["x0"]),
        top=float(char["top"]),
        x1=float(char["x1"]),
        bottom=float(char["bottom"]),
        size=float(char["size"]),
        fontname=SUBSET_TAG.sub("", char["fontname"]),
        fill=tuple(color) if isinstance(color, (tuple, list)) else (),
        matrix=tuple(float(value) for value in char["matrix"][:4]),
    )


def plumber_edges(page) -> tuple[list, list]:
    """Horizontal and vertical edges of the page's lines, rectangles and curves, as pdfplumber orients them;
    a slanted line (pdfplumber calls every line that is not horizontal « v ») is neither."""
    horizontal, vertical = [], []
    for edge in page.edges:
        if not visible_ink(
            bool(edge.get("stroke")), edge.get("stroking_color"), bool(edge.get("fill")), edge.get("non_stroking_color")
        ):
            continue
        if edge["orientation"] == "h":
            horizontal.append((float(edge["top"]), float(edge["x0"]), float(edge["x1"])))
        elif edge["orientation"] == "v" and edge["x0"] == edge["x1"]:
            vertical.append((float(edge["x0"]), float(edge["top"]), float(edge["bottom"])))
    return horizontal, vertical


class PdfplumberReader(PageReader):
    name = "pdfplumber"

    def open(self) -> None:
        path = self.path
        try:
            with damage_watch() as damage:
                self.pdf = pdfplumber.open(path, unicode_norm="NFC")
                self.pages = self.pdf.pages
        except DamageFound as error:
            raise InputError(f"{path}: damaged PDF ({error})") from None
        except Exception as error:  # pdfminer raises many unrelated types for damaged or locked files
            if any(word in error_names(error).lower() for word in ("password", "encrypt")):
                raise InputError(f"{path}: encrypted PDF, cannot be read without its password") from None
            raise InputError(f"{path}: damaged or truncated PDF ({type(error).__name__})") from None
        if damage:
            self.pdf.close()
            raise InputError(f"{path}: damaged PDF ({damage[0]})")

    def page_count(self) -> int:
        return len(self.pages)

    def read_page(self, number: int) -> PageContent:
        with damage_watch() as damage:
            page = self.pages[number - 1]
            try:
                chars = [plumber_char(char) for char in page.chars]
                horizontal, vertical = plumber_edges(page)
                content = PageContent(
                    number, float(page.width), float(page.height), chars, horizontal, vertical, len(page.images)
                )
            except DamageFound:
                content = None  # reported below, with the page
            except Exception as error:
                raise InputError(
                    f"{self.path}: page {number} cannot be read ({type(error).__name__}: {error})"
                ) from None
            finally:
                page.close()
        if damage:
            raise InputError(f"{self.path}: page {number} is damaged ({damage[0]}); its text may be incomplete")
        return content

    def close(self) -> None:
        self.pdf.close()
