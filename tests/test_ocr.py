"""Scanned pages read by OCR: a few pages of the reconstruction rendered as images (no text layer) give the
golden cards printed on them. Expected values come from the golden set; where a card is printed is read from
the reconstruction's text layer. The whole-plan figures (200 and 150 dpi) are measured by
``python -m tools.scan_score`` (README, « Scanned plans »); these tests keep a few pages, so they stay within a
few minutes.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from extract.layout import Char, PageContent
from extract.readers.select import needs_ocr
from tools.scan_score import RECONSTRUCTION, cards_within, scan, score

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed (make setup)")

# Card pages of the reconstruction: 12 pages, 28 cards printed whole on them.
PAGES = (20, 31)


@pytest.fixture(scope="module")
def golden_on_pages(golden_cards):
    wanted = cards_within(PAGES)
    return [card for card in golden_cards if card.code_canonical in wanted]


def read(path: Path, cache: Path, **settings):
    from extract.run import extract_plan

    return extract_plan(path, {"verify": "off", "ocr_cache": str(cache), **settings})


@pytest.mark.slow
@pytest.mark.parametrize("dpi, rotate, noise", [(200, 0.0, 0.0), (150, 1.0, 6.0)])
def test_scanned_pages_give_the_golden_cards(dpi, rotate, noise, golden_on_pages, golden_cards, tmp_path) -> None:
    path = scan(RECONSTRUCTION, tmp_path / "scan.pdf", dpi, PAGES, rotate, noise, 75)
    extraction = read(path, tmp_path / "cache", ocr_dpi=200)
    assert extraction.ocr_pages == list(range(1, PAGES[1] - PAGES[0] + 2))
    result = score(extraction, golden_on_pages, {card.code_canonical for card in golden_cards})
    assert result["recall"] == 1.0 and result["invented"] == []
    assert result["token_f1"] >= 0.97, result["differences"][:10]
    assert result["items_exact"] >= 0.85, result["differences"][:10]
    assert result["dates"] >= 0.9 and result["budget"] >= 0.85
    items = [item for card in extraction.cards for item in card.all_items()]
    assert {item.reader for item in items} == {"tesseract"}
    assert all(item.ocr_confidence is not None and 0 <= item.ocr_confidence <= 1 for item in items)
    low = [item for item in items if item.flag == "low_confidence"]
    assert len(low) == sum(1 for finding in extraction.findings if finding.kind == "low_confidence")


@pytest.mark.slow
def test_a_rebuild_reads_the_ocr_from_the_cache(tmp_path) -> None:
    path = scan(RECONSTRUCTION, tmp_path / "scan.pdf", 200, (20, 22), 0.0, 0.0, 75)
    started = time.perf_counter()
    first = read(path, tmp_path / "cache", workers=1)
    first_time = time.perf_counter() - started
    started = time.perf_counter()
    again = read(path, tmp_path / "cache", workers=1)
    cached_time = time.perf_counter() - started
    assert [card.code for card in again.cards] == [card.code for card in first.cards]
    assert cached_time < first_time / 2


def test_pages_to_ocr_are_those_without_visible_text_over_an_image() -> None:
    def page(chars, images):
        return PageContent(1, 595.0, 842.0, chars, [], [], images)

    letter = Char("A", 10, 10, 16, 20, 10, "Carlito")
    invisible = Char("A", 10, 10, 16, 20, 10, "GlyphLessFont")
    assert needs_ocr(page([], 1))
    assert needs_ocr(page([invisible], 1))
    assert not needs_ocr(page([letter], 1))
    assert not needs_ocr(page([], 0))  # a blank page: nothing to read


@pytest.mark.slow
def test_a_scan_without_tesseract_says_what_to_install_in_one_line(scanned_pdf, tmp_path) -> None:
    """The scanned rendering, with no tesseract on the PATH: one line naming the packages, status 2."""
    import os
    import subprocess
    import sys

    python_only = tmp_path / "bin"
    python_only.mkdir()
    out = tmp_path / "clean"
    result = subprocess.run(
        [sys.executable, "-m", "load", str(scanned_pdf), "--out", str(out), "-q"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PATH": str(python_only), "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "apt-get install -y tesseract-ocr tesseract-ocr-fra" in lines[0]
    assert not out.exists()
