"""A rule drawn in white is a border a tool hid, not a rule: neither reader gives it to the layout."""

from __future__ import annotations

import pytest
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from extract.layout import page_to_layout
from extract.readers import reader_class
from extract.settings import ExtractSettings


@pytest.fixture(scope="module")
def ruled_pdf(tmp_path_factory):
    """One page: a black rule at y=100 (from the top), a white one at y=200, a light grey (0.9) one at
    y=300, a white-filled rectangle and a black-filled thin rectangle at y=400, and a word to read."""
    path = tmp_path_factory.mktemp("rules") / "rules.pdf"
    canvas = Canvas(str(path), pagesize=(400, 500))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(50, 450, "Budget")
    for top, color in ((100, colors.black), (200, colors.white), (300, colors.Color(0.9, 0.9, 0.9))):
        canvas.setStrokeColor(color)
        canvas.line(20, 500 - top, 380, 500 - top)
    canvas.setFillColor(colors.white)
    canvas.rect(20, 500 - 350, 360, 20, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.rect(20, 500 - 400.5, 360, 1, stroke=0, fill=1)
    canvas.save()
    return path


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_white_rules_are_not_rules(ruled_pdf, reader) -> None:
    with reader_class(reader)(ruled_pdf) as opened:
        layout = page_to_layout(opened.read_page(1), ExtractSettings())
    heights = sorted({round(y) for y, x0, x1 in layout.h_rulings})
    assert 100 in heights and 300 in heights and any(399 <= y <= 401 for y in heights)
    assert 200 not in heights, "a white rule was read as a rule"
    assert not any(325 <= y <= 355 for y in heights), "a white-filled rectangle was read as rules"
