"""The pdfium reader's two ways of reading a page's characters give the same characters: the native helper
(extract/readers/pdfium_chars.c, built by ``make setup``), one call per page, and the ctypes calls it replaces,
four per character, which the reader falls back on where the helper is not built. The same records (text
object, code point, origin, loose box) and the same ``Char``s to the last float, on every page of the
reconstruction and of seeded layouts (watermarks and stamps: turned text, other fonts, other colours)."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from extract.layout import Char
from extract.readers import open_reader
from extract.readers.pdfium import NATIVE_CHARS, PdfiumReader, api, load_native_chars, page_matrix

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
# Seeds of the layout generator: 2 has a watermark above the text and a stamp, 3 a light stamp, 4 a
# watermark behind the text.
LAYOUT_SEEDS = (2, 3, 4)


def values(char: Char) -> tuple:
    """Every field of a character: text, box, size, font name, fill, matrix."""
    return (char.text, char.x0, char.top, char.x1, char.bottom, char.size, char.fontname, char.fill, char.matrix)


def refused(*args):
    raise AssertionError("this way of reading characters was not to be taken")


def both_readings(reader: PdfiumReader, number: int) -> tuple[tuple[list, list], tuple[list, list]]:
    """Page ``number``'s character records and characters read each way: (native, ctypes)."""
    page = reader.document[number - 1]
    textpage = page.get_textpage()
    try:
        text_page = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        count = reader.api.count_chars(text_page)
        box, rotation = page.get_mediabox(), page.get_rotation()
        to_page = page_matrix(box, rotation)
        height = box[2] - box[0] if rotation in (90, 270) else box[3] - box[1]
        readings = []
        for records in (reader.native_char_records, reader.ctypes_char_records):
            found = list(records(text_page, count))
            chars = reader.records_to_chars(text_page, found, to_page, height)
            readings.append((found, list(map(values, chars))))
        return readings[0], readings[1]
    finally:
        textpage.close()
        page.close()


def assert_same_chars(path: Path) -> int:
    """Every page of ``path`` read both ways; the number of characters compared."""
    if api().read_chars is None:
        pytest.skip(f"{NATIVE_CHARS} not built (make setup)")
    compared = 0
    with open_reader("pdfium", path) as reader:
        for number in range(1, reader.page_count() + 1):
            (native_records, native_chars), (ctypes_records, ctypes_chars) = both_readings(reader, number)
            assert native_records == ctypes_records, f"{path.name} p{number}: records differ"
            assert native_chars == ctypes_chars, f"{path.name} p{number}: characters differ"
            compared += len(native_chars)
    return compared


def test_the_native_helper_is_built_and_read_pages_use_it(monkeypatch) -> None:
    """``make setup`` builds it; a missing C compiler shows here rather than as a slower reader."""
    assert NATIVE_CHARS.exists(), f"{NATIVE_CHARS} not built: run `make setup` (it needs a C compiler)"
    assert api().read_chars is not None, f"{NATIVE_CHARS} does not load"
    monkeypatch.setattr(PdfiumReader, "ctypes_char_records", refused)
    with open_reader("pdfium", RECONSTRUCTION) as reader:
        assert len(reader.read_page(2).chars) > 100


def test_a_library_that_is_absent_or_not_one_is_not_loaded(tmp_path) -> None:
    assert load_native_chars(tmp_path / "absent.so") is None
    (tmp_path / "broken.so").write_bytes(b"not a shared library")
    assert load_native_chars(tmp_path / "broken.so") is None


def test_without_the_native_helper_pages_are_read_one_character_at_a_time(monkeypatch) -> None:
    """The fallback is the path taken where the helper is not loaded, and it gives the same page."""
    with open_reader("pdfium", RECONSTRUCTION) as reader:
        first = list(map(values, reader.read_page(2).chars))
        monkeypatch.setattr(reader.api, "read_chars", None)
        monkeypatch.setattr(PdfiumReader, "native_char_records", refused)
        assert list(map(values, reader.read_page(2).chars)) == first


@pytest.mark.slow
def test_both_readings_give_the_same_chars_on_every_page_of_the_reconstruction() -> None:
    assert assert_same_chars(RECONSTRUCTION) > 200_000


@pytest.mark.parametrize("seed", LAYOUT_SEEDS)
def test_both_readings_give_the_same_chars_on_a_seeded_layout(seed, tmp_path) -> None:
    from reconstruct.layouts import Layout, render_layout

    path = render_layout(Layout.draw(seed), tmp_path / f"layout-{seed}.pdf")
    assert assert_same_chars(path) > 1000
