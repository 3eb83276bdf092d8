"""OCR words to characters (extract.readers.tokens), on words and rules as tesseract and the rule finder gave
them for pages of the 200-dpi scan of the reconstruction (boxes in points, copied from the OCR results): no
tesseract needed. What the text reads is what the page prints."""

from __future__ import annotations

from extract.cards import layouts_to_stream, stream_to_headers
from extract.layout import page_to_layout
from extract.readers.ocr import OcrPage, OcrWord
from extract.readers.tokens import ocr_content
from extract.settings import ExtractSettings

SETTINGS = ExtractSettings()
# The table's frame: its left and right rules, full page height.
FRAME = [(56.7, 60.0, 780.0), (539.1, 60.0, 780.0)]


def page(lines: list[list[tuple]], h_rules: list[tuple], v_rules: list[tuple] = FRAME) -> OcrPage:
    """An OCR'd page: each line a list of (text, x0, top, x1, bottom) words, confidence 0.95."""
    words = [
        OcrWord(text, x0, top, x1, bottom, 0.95, (number, 1, 1))
        for number, line in enumerate(lines, 1)
        for text, x0, top, x1, bottom in line
    ]
    return OcrPage(1, 595.0, 842.0, 200, 0.0, words, h_rules, v_rules)


def texts(ocr: OcrPage) -> list[str]:
    """The page's lines, spaces left out (where the layout puts a space follows the OCR boxes' gaps, not the
    marks kept or dropped)."""
    layout = page_to_layout(ocr_content(ocr, 1, SETTINGS)[0], SETTINGS)
    return ["".join(line.text.split()) for line in layout.lines]


def printed(text: str) -> str:
    return "".join(text.split())


# Page 43: the header row of INO-M2-25 between two rules, tesseract's box of « : » as tall as the line and
# 1.6 pt above the row's lower rule.
INO_M2_HEADER = [
    ("Sous", 62.64, 438.12, 83.16, 445.32),
    ("Projet", 86.4, 437.4, 113.4, 447.12),
    ("INO-M2-25", 117.0, 438.12, 165.96, 445.32),
    (":", 167.04, 435.96, 170.64, 448.56),
    ("Création", 174.96, 437.4, 213.48, 445.32),
    ("d'une", 216.72, 437.4, 241.92, 445.32),
    ("unité", 245.52, 437.4, 268.56, 445.32),
    ("d'algologie", 271.44, 437.4, 320.4, 447.12),
    ("interventionnelle", 324.0, 437.4, 402.12, 445.32),
]
INO_M2_RULES = [(432.36, 56.88, 539.64), (450.18, 56.88, 539.64)]


def test_the_colon_of_a_card_header_beside_the_rows_rule_is_text_and_the_card_is_found() -> None:
    ocr = page([INO_M2_HEADER], INO_M2_RULES)
    layout = page_to_layout(ocr_content(ocr, 1, SETTINGS)[0], SETTINGS)
    headers = stream_to_headers(layouts_to_stream([layout]))
    assert [(header.code, header.title) for header in headers] == [
        ("INO-M2-25", "Création d'une unité d'algologie interventionnelle")
    ]


def test_a_slash_between_two_names_at_the_foot_of_a_cell_is_text() -> None:
    """Page 90, FAAG-08's entities « DAAG / HIS », the row's upper rule 2 pt above the « / »'s box."""
    line = [
        ("DAAG", 142.2, 392.04, 167.4, 399.24),
        ("/", 167.76, 390.24, 172.44, 402.84),
        ("HIS", 177.84, 392.04, 191.52, 399.24),
    ]
    rules = [(371.34, 56.88, 539.64), (388.26, 56.88, 539.64), (418.68, 56.88, 539.64)]
    assert texts(page([line], rules)) == [printed("DAAG / HIS")]


def test_a_mark_as_flat_as_a_rule_beside_it_is_the_rule() -> None:
    """The same header row with an « _ » 1.2 pt tall lying just over the lower rule: the rule's remnant."""
    debris = [("_", 300.0, 448.5, 310.0, 449.7)]
    assert texts(page([INO_M2_HEADER, debris], INO_M2_RULES)) == [
        printed("Sous Projet INO-M2-25 : Création d'une unité d'algologie interventionnelle")
    ]


def test_a_mark_crossed_by_a_rule_is_the_rule_whatever_its_height() -> None:
    tall = [("|", 300.0, 444.0, 301.5, 456.0)]
    assert texts(page([INO_M2_HEADER, tall], INO_M2_RULES)) == [
        printed("Sous Projet INO-M2-25 : Création d'une unité d'algologie interventionnelle")
    ]


# Page 31 (HMS-CH2-25, HMS-CH3-25): a « - » bullet, then the gap after it read as underscores, alone or glued to
# the item's first word; the page prints « - Implémentation… », « - Pr Baidada », « - DMS/ Intervalle… ».
DASH_THEN_MARKS = [
    [("-", 141.8, 229.3, 144.7, 230.0), ("__Implémentation", 157.7, 225.4, 228.6, 234.7), ("de", 231.8, 225.4, 242.6, 232.9)],
    [("-", 141.8, 410.0, 144.7, 410.8), ("_PrBaidada", 157.7, 406.1, 204.5, 413.6)],
    [("-", 141.8, 579.6, 144.7, 580.3), ("__", 149.8, 574.2, 155.2, 586.8), ("DMS/", 157.7, 575.6, 182.5, 583.6)],
]  # fmt: skip


def test_marks_after_a_dash_bullet_are_the_bullets_own() -> None:
    layout = page_to_layout(ocr_content(page(DASH_THEN_MARKS, []), 1, SETTINGS)[0], SETTINGS)
    cells = [[segment.text for segment in line.segments] for line in layout.lines]
    assert cells == [["-", "Implémentation de"], ["-", "PrBaidada"], ["-", "DMS/"]]
    # the item's text starts where the cell's text does, as on the lines without marks
    assert [line.segments[1].x0 for line in layout.lines] == [157.7, 157.7, 157.7]


def test_marks_glued_to_the_first_word_of_a_cell_without_a_bullet_are_one() -> None:
    """Page 31, the next row: « -__Implémentation » (the dash and the gap read as one token) opens the cell
    with a bullet."""
    line = [("-__Implémentation", 141.8, 241.9, 228.6, 251.3), ("de", 231.8, 241.9, 242.6, 249.5)]
    layout = page_to_layout(ocr_content(page([line], []), 1, SETTINGS)[0], SETTINGS)
    assert layout.lines[0].text.split() == ["•", "Implémentation", "de"]


def test_tesseracts_word_breaks_stand_where_the_boxes_touch() -> None:
    """Page 90: « DAAG », « / », « HIS » are three words in tesseract's reading, their boxes 0.4 pt apart."""
    line = [
        ("DAAG", 142.2, 392.04, 167.4, 399.24),
        ("/", 167.76, 390.24, 172.44, 402.84),
        ("HIS", 177.84, 392.04, 191.52, 399.24),
    ]
    layout = page_to_layout(ocr_content(page([line], []), 1, SETTINGS)[0], SETTINGS)
    assert [line.text for line in layout.lines] == ["DAAG / HIS"]


def test_a_dash_bullet_read_as_a_flat_zero_is_the_dash() -> None:
    """Page 87, FF-05's Calendrier: the « - » bullet read as « 0 », its box 1.1 pt tall; the page prints
    « - 1 janvier - 31 … »."""
    line = [
        ("Calendrier", 62.6, 623.5, 109.4, 631.4),
        ("0", 141.8, 627.8, 144.7, 628.9),
        ("1", 157.0, 624.2, 160.9, 631.4),
        ("janvier", 163.4, 623.9, 193.7, 633.2),
        ("-", 196.9, 627.8, 199.8, 628.6),
        ("31", 203.0, 624.2, 213.1, 631.4),
    ]
    layout = page_to_layout(ocr_content(page([line], []), 1, SETTINGS)[0], SETTINGS)
    assert [segment.text for segment in layout.lines[0].segments] == ["Calendrier", "-", "1 janvier - 31"]


def test_a_zero_as_tall_as_a_digit_opening_a_cell_stays_a_zero() -> None:
    """A budget of « 0 MAD » (HMY-M8-25's): the « 0 » is as tall as the digits of the line."""
    line = [
        ("Budget", 63.0, 253.1, 94.7, 262.8),
        ("0", 157.0, 255.0, 161.5, 262.2),
        ("MAD", 164.5, 255.0, 186.0, 262.2),
    ]
    layout = page_to_layout(ocr_content(page([line], []), 1, SETTINGS)[0], SETTINGS)
    assert [segment.text for segment in layout.lines[0].segments] == ["Budget", "0 MAD"]
