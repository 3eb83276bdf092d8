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


def two_pages(tmp_path: Path) -> Path:
    """Pages 20 and 21 of the reconstruction, text layer and all."""
    import pypdfium2

    source = pypdfium2.PdfDocument(str(RECONSTRUCTION))
    target = pypdfium2.PdfDocument.new()
    target.import_pages(source, [19, 20])
    path = tmp_path / "two-pages.pdf"
    target.save(str(path))
    target.close()
    source.close()
    return path


def dataset_codes_and_readers(out: Path) -> tuple[list[str], set[str]]:
    import duckdb

    with duckdb.connect(str(out / "plan.duckdb"), read_only=True) as connection:
        codes = [row[0] for row in connection.execute("select code from cards order by code").fetchall()]
        readers = {row[0] for row in connection.execute("select distinct reader from field_items").fetchall()}
    return codes, readers


@pytest.mark.slow
def test_the_summary_line_says_how_many_pages_were_read_by_ocr(tmp_path) -> None:
    """An in-process build of two scanned pages, then the same build up to date: both lines count them."""
    from load.build import build

    path = scan(RECONSTRUCTION, tmp_path / "scan.pdf", 200, (20, 21), 0.0, 0.0, 75)
    settings = {"verify": "off", "ocr_cache": str(tmp_path / "cache")}
    built = build(path, tmp_path / "clean", settings).line()
    again = build(path, tmp_path / "clean", settings).line()
    assert ": built — " in built and built.endswith(", 2 pages read by OCR")
    assert ": up to date — " in again and again.endswith(", 2 pages read by OCR")
    assert "OCR" not in build(two_pages(tmp_path), tmp_path / "text", {"verify": "off"}).line()


@pytest.mark.slow
def test_reader_tesseract_reads_every_page_by_ocr_even_with_a_text_layer(capsys, monkeypatch, tmp_path) -> None:
    """``plan-to-data build --reader tesseract`` on two pages with a text layer: both read by OCR, the same
    cards as from the text layer, every item's reader tesseract."""
    from plan_to_data import cli

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = two_pages(tmp_path)
    ocr_out, text_out = tmp_path / "ocr", tmp_path / "text"
    status = cli.main(["build", str(path), "--out", str(ocr_out), "--reader", "tesseract", "--verify", "off", "-q"])
    line = capsys.readouterr().out.strip()
    assert status == 0 and line.endswith(", 2 pages read by OCR"), line
    status = cli.main(["build", str(path), "--out", str(text_out), "--verify", "off", "-q"])
    line = capsys.readouterr().out.strip()
    assert status == 0 and "OCR" not in line, line
    ocr_codes, ocr_readers = dataset_codes_and_readers(ocr_out)
    text_codes, text_readers = dataset_codes_and_readers(text_out)
    assert ocr_codes == text_codes and len(text_codes) >= 4
    assert ocr_readers == {"tesseract"} and "tesseract" not in text_readers
