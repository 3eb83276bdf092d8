"""The committed reconstruction of the plan (data/raw/plan_actions_2025.pdf), read with pdfplumber.

The PDF is rebuilt by ``make source-pdf`` (python-docx + LibreOffice); these tests need neither, only the file.
They check that it carries every golden card, that it is laid out like the original (ruled and borderless
card tables, cards running over page breaks, about as many pages) and the text-layer traits an extractor meets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from reconstruct.document import plan_document

# Every test here reads the whole reconstruction.
pytestmark = pytest.mark.slow

PDF = Path(__file__).resolve().parent.parent / "data" / "raw" / "plan_actions_2025.pdf"
FOOTER = 50  # points: the page-number band at the foot of each page


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@dataclass
class PageText:
    """A page's characters without whitespace, in content order, with their positions."""

    text: str
    tops: list[float]
    vertical_edges: list[tuple[float, float]]  # (top, bottom) of each vertical rule or rectangle side
    height: float


@pytest.fixture(scope="module")
def pages() -> list[PageText]:
    if not PDF.exists():
        pytest.fail(f"{PDF} is missing: rebuild it with `make source-pdf`")
    result = []
    with pdfplumber.open(PDF) as pdf:
        for page in pdf.pages:
            # the footer (page number) is left out so that a row running over a page break reads on
            chars = [char for char in page.chars if not char["text"].isspace() and char["top"] < page.height - FOOTER]
            text = "".join(unicodedata.normalize("NFC", char["text"]) for char in chars)
            tops = [char["top"] for char in chars for _ in unicodedata.normalize("NFC", char["text"])]
            edges = [(edge["top"], edge["bottom"]) for edge in page.edges if edge["orientation"] == "v"]
            result.append(PageText(text, tops, edges, float(page.height)))
    return result


@pytest.fixture(scope="module")
def cards():
    return plan_document().cards


def locate(pages: list[PageText], needle: str, start: tuple[int, int] = (0, 0)) -> tuple[int, int] | None:
    """(page index, offset) of the first occurrence of `needle` (squashed) at or after `start`."""
    page_index, offset = start
    for index in range(page_index, len(pages)):
        found = pages[index].text.find(needle, offset if index == page_index else 0)
        if found >= 0:
            return index, found
    return None


def header_positions(pages, cards) -> dict[str, tuple[int, int]]:
    positions, cursor = {}, (0, 0)
    for card in cards:
        found = locate(pages, squash(card.header), cursor)
        assert found is not None, f"card header not found in order: {card.header!r}"
        positions[card.card.code_canonical] = cursor = found
    return positions


def test_page_count_is_about_the_original(pages):
    assert 120 <= len(pages) <= 150


def test_every_golden_card_code_and_title_is_printed(pages, cards):
    everything = "".join(page.text for page in pages)
    missing = [card.card.code for card in cards if squash(card.card.code) not in everything]
    missing += [card.card.title for card in cards if squash(card.card.title) not in everything]
    assert not missing
    assert len(header_positions(pages, cards)) == len(cards) == 180


def test_every_card_item_is_printed(pages, cards):
    everything = "".join(page.text for page in pages)
    missing = [
        (card.card.code, item)
        for card in cards
        for row in card.card.rows
        for item in [row.label, *row.items]
        if squash(item) not in everything
    ]
    assert not missing


def test_at_least_ten_cards_run_over_a_page_break(pages, cards):
    headers = header_positions(pages, cards)
    crossing = []
    for card in cards:
        last = next(item for row in reversed(card.card.rows) for item in reversed(row.items or [row.label]))
        page_index, offset = headers[card.card.code_canonical]
        end = locate(pages, squash(last), (page_index, offset))
        assert end is not None, f"{card.card.code}: last item not found after the header"
        if end[0] > page_index:
            crossing.append(card.card.code)
    assert len(crossing) >= 10, crossing


def _card_region(pages, card, position) -> tuple[float, float, PageText]:
    """From the card header's top to the next card header on that page (less its section row) or the page foot."""
    page_index, offset = position
    page = pages[page_index]
    top = page.tops[offset]
    following = page.text.find("SousProjet", offset + len(squash(card.header)))
    bottom = page.tops[following] - 40 if following >= 0 else page.height
    return top, bottom, page


def test_ruled_cards_have_vertical_rules_and_borderless_cards_none(pages, cards):
    headers = header_positions(pages, cards)
    wrong = []
    for card in cards:
        top, bottom, page = _card_region(pages, card, headers[card.card.code_canonical])
        rules = [edge for edge in page.vertical_edges if edge[1] > top + 1 and edge[0] < bottom]
        if (card.layout.table == "ruled") != bool(rules):
            wrong.append((card.card.code, card.layout.table, len(rules)))
    assert {card.layout.table for card in cards} == {"ruled", "borderless"}
    assert not wrong


def test_the_fers_18_card_is_borderless(pages, cards):
    headers = header_positions(pages, cards)
    by_code = {card.card.code_canonical: card for card in cards}
    top, bottom, page = _card_region(pages, by_code["FERS-18"], headers["FERS-18"])
    assert not [edge for edge in page.vertical_edges if edge[1] > top + 1 and edge[0] < bottom]
    top, bottom, page = _card_region(pages, by_code["FERS-17"], headers["FERS-17"])
    assert len([edge for edge in page.vertical_edges if edge[1] > top + 1 and edge[0] < bottom]) >= 3


def test_text_layer_keeps_the_original_traps(pages):
    everything = "".join(page.text for page in pages)
    assert "\uf0d8" in everything  # Word's Wingdings arrow, a private-use code point
    assert "➢" in everything
    assert squash("(Accueil du 1ER Niveau)") in everything  # superscript suffix read in place
    assert squash("9éme étage") in everything


def test_entities_label_wraps_onto_two_lines(pages):
    """« Entités concernées » / « Services concernés » labels are too wide for their cell: two lines each."""
    same_line, wrapped = 0, 0
    for page in pages:
        for match in re.finditer("(Entités|Services)concern", page.text):
            first, second = page.tops[match.start()], page.tops[match.start(1) + len(match.group(1))]
            if abs(first - second) < 2:
                same_line += 1
            else:
                wrapped += 1
    assert wrapped > 100
    assert same_line <= wrapped // 10  # narrative text may still name them on one line
