"""OCR words to the common character model: what the card reader would have read from a text layer.

- **Rule debris**: a token made of rule-like marks (« | », « _ », « [ »…) standing on a rule found in the image
  is the rule, not text: dropped. Beside a horizontal rule only a token as flat as the rule is; one as tall as
  the line of text (a « : » or « / » at the foot of a cell) is text.
- **Bullets**: a bullet glyph is read as a character that looks like it (➢ as « > » or « » », • as « + »,
  « * », « e », « o »…); such a token at the start of a line, no wider than a glyph, becomes ``OCR_BULLET``,
  a glyph of the vocabulary's bullets (``vocabulary/labels.yaml``). One glued to its first word (« »Assurer ») is split off.
  A one-character token opening a cell, as flat as a dash (a « - » bullet read as « 0 », « : », « = »), is the
  dash. Marks that follow a bullet or a dash opening a cell, before its first word (« - _ Néonatologie »,
  « - __Implémentation »: the gap after the dash read as underscores), are that bullet's and are dropped.
- **One size per page**: OCR boxes follow the ink (« une » is shorter than « Projet »), and tesseract's line
  heights vary: heights would make ordinary lines look like headings. Every word gets the page's one size
  (its median line height, in em) and a box set on its line's baseline, as a text layer's em box is.
- **Characters**: each word becomes one ``Char`` per letter, the word's box split evenly, in tesseract's
  reading order, with a blank between two words of a line (tesseract's word breaks stand where the boxes
  touch): the shared path then builds words, lines and cells as for any reader.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from extract.layout import Char, PageContent
from extract.readers.ocr import OcrPage, OcrWord
from extract.settings import ExtractSettings

# The glyph every OCR'd bullet becomes (one of labels.yaml's bullets).
OCR_BULLET = "•"
# Tokens tesseract reads for a bullet glyph (➢, •, ▪, ✓, Wingdings arrows…), alone at the start of a line.
BULLET_TOKENS = frozenset(
    {">", "»", ">>", "»>", ">»", "»»", "+", "*", "•", "·", "°", "o", "O", "e", "©", "®", "¢", "=", "~", "v", "Y",
     "¥", "#", "►", "▶", "➢", "‣", "◦", "▪", "■", "□", "✓", "✔", "Ÿ", "<", "@", "&", "§"}
)  # fmt: skip
# Marks a bullet glyph is read as, alone or in a run (➢ often comes as « -__ », « -_ », « _ »).
BULLET_MARKS = frozenset("-_=~>»+*•·°¢©®<►▶➢▪■□✓✔#&§")
# A dash opening a cell is the plan's own bullet, read as printed (labels.yaml's bullets have it).
CELL_DASHES = frozenset({"-", "–"})
# Marks that, glued to the start of a word, are a bullet (« »Assurer », « __Implémentation »); a single « - »
# glued to a word is the word's own.
GLUED_BULLETS = BULLET_MARKS - {"-"}
# Marks a rule is read as, where the token stands on a rule.
RULE_MARKS = frozenset("|_[]{}()!/\\—–-=~¦lI1‘’'\".,:;")
# The font name OCR characters carry (no bold: OCR says nothing about weight).
OCR_FONT = "OCR"
OCR_READER = "tesseract"
DEFAULTS = ExtractSettings()


@dataclass
class PlacedWord:
    """A word as it goes to the layout: text, em box (points), confidence."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


def on_rule(word: OcrWord, page: OcrPage, settings: ExtractSettings = DEFAULTS) -> bool:
    """A token of rule-like marks that is a rule's debris: on a vertical rule (the rule within
    ``ocr_rule_tolerance`` of its box), or on a horizontal one — the rule crosses its box, or the token is as flat
    as a rule's remnant (``ocr_rule_debris_max_height``) and lies within ``ocr_rule_tolerance`` of it. A token as
    tall as a line of text with a rule just under or over its box is the line's own text (the « : » after a
    card code, the « / » between two names at the foot of a cell)."""
    if not word.text or any(char not in RULE_MARKS for char in word.text):
        return False
    vertical = any(
        word.x0 - settings.ocr_rule_tolerance <= x <= word.x1 + settings.ocr_rule_tolerance
        and top <= word.bottom
        and word.top <= bottom
        for x, top, bottom in page.v_rules
    )
    slack = settings.ocr_rule_tolerance if word.bottom - word.top <= settings.ocr_rule_debris_max_height else 0.0
    horizontal = any(
        word.top - slack <= y <= word.bottom + slack and x0 <= word.x1 and word.x0 <= x1 for y, x0, x1 in page.h_rules
    )
    return vertical or horizontal


def page_size(page: OcrPage, settings: ExtractSettings = DEFAULTS) -> float:
    """The page's one text size (points): its median tesseract line height, in em."""
    lines: dict[tuple, list[OcrWord]] = defaultdict(list)
    for word in page.words:
        lines[word.line].append(word)
    heights = [max(w.bottom for w in words) - min(w.top for w in words) for words in lines.values()]
    return round(median(heights) / settings.ocr_line_height_em, 2) if heights else 0.0


def baseline(words: list[OcrWord]) -> float:
    """A line's baseline: the highest bottom among its words of letters or digits (a descender, or a box
    tesseract stretched, only ever puts a bottom lower), else among all its words."""
    lettered = [word.bottom for word in words if sum(char.isalnum() for char in word.text) >= 2]
    return min(lettered or [word.bottom for word in words])


def bullet_token(word: OcrWord, size: float, settings: ExtractSettings = DEFAULTS) -> bool:
    text = word.text
    marks = text in BULLET_TOKENS or (len(text) > 1 and all(char in BULLET_MARKS for char in text))
    return marks and word.x1 - word.x0 <= settings.ocr_bullet_max_width_em * size


def flat_dash(word: OcrWord, size: float, settings: ExtractSettings = DEFAULTS) -> bool:
    """A one-character token as flat as a dash (``ocr_dash_max_height_em``) and no wider than a glyph."""
    return (
        len(word.text) == 1
        and word.bottom - word.top <= settings.ocr_dash_max_height_em * size
        and word.x1 - word.x0 <= settings.ocr_bullet_max_width_em * size
    )


def glued_bullet(text: str) -> int:
    """The length of a bullet glued to the start of a word (0 for none): a run of bullet marks before a letter,
    of marks that are not a word's own (« - » alone is)."""
    run = 0
    while run < len(text) and text[run] in BULLET_MARKS:
        run += 1
    if run == 0 or run == len(text):
        return 0
    if text[run].isalpha():
        return run if run > 1 or text[0] in GLUED_BULLETS else 0
    return run if text[run].isdigit() and run > 1 else 0


def starts_cell(
    words: list[OcrWord], position: int, size: float, page: OcrPage, settings: ExtractSettings = DEFAULTS
) -> bool:
    """Does the word open a line of text as the layout will cut it: first of its tesseract line, or after a gap
    wider than a cell gap, or after a rule (tesseract's line may run across a label and its value)?"""
    if position == 0:
        return True
    previous, word = words[position - 1], words[position]
    if word.x0 - previous.x1 > settings.cell_gap_em * size:
        return True
    return any(
        previous.x1 <= x <= word.x0 and top <= word.bottom and word.top <= bottom for x, top, bottom in page.v_rules
    )


def place_words(page: OcrPage, settings: ExtractSettings = DEFAULTS) -> tuple[list[PlacedWord], float]:
    """The page's words as the layout gets them (rule debris dropped, bullets recognised, em boxes on the
    baseline), and the page's size."""
    size = page_size(page, settings)
    lines: dict[tuple, list[OcrWord]] = defaultdict(list)
    for word in page.words:
        if not on_rule(word, page, settings):
            lines[word.line].append(word)
    placed: list[PlacedWord] = []
    for words in lines.values():
        words.sort(key=lambda word: word.x0)
        bottom = baseline(words) + settings.ocr_descent_em * size
        top = bottom - size
        after_bullet = False  # the word before opened its cell with a bullet, and nothing has followed it yet
        for position, word in enumerate(words):
            opens = starts_cell(words, position, size, page, settings)
            text = "-" if opens and flat_dash(word, size, settings) else word.text
            if after_bullet:
                if all(char in BULLET_MARKS for char in text):
                    continue  # more of the bullet (« - _ », « - __ »): the gap after a dash read as marks
                glued = glued_bullet(text)
                if glued:
                    # « - _PrBaidada », « - __Implémentation »: the marks are the bullet's, already placed; the
                    # box starts where the cell's text does (the marks lie under the word, not before it)
                    placed.append(PlacedWord(text[glued:], word.x0, top, word.x1, bottom, word.confidence))
                    after_bullet = False
                    continue
            after_bullet = opens and (bullet_token(word, size, settings) or text in CELL_DASHES)
            if opens and bullet_token(word, size, settings):
                placed.append(PlacedWord(OCR_BULLET, word.x0, top, word.x1, bottom, word.confidence))
                continue
            glued = glued_bullet(text) if opens else 0
            if glued:
                # the glyph takes its share of the box, the word the rest, a gap apart
                share = (word.x1 - word.x0) / len(text)
                split = word.x0 + glued * share
                placed.append(
                    PlacedWord(
                        OCR_BULLET, word.x0, top, split - settings.ocr_glued_gap_em * size, bottom, word.confidence
                    )
                )
                placed.append(PlacedWord(text[glued:], split, top, word.x1, bottom, word.confidence))
                continue
            placed.append(PlacedWord(text, word.x0, top, word.x1, bottom, word.confidence))
    return placed, size


def word_chars(word: PlacedWord, size: float) -> list[Char]:
    step = (word.x1 - word.x0) / len(word.text)
    return [
        Char(char, word.x0 + index * step, word.top, word.x0 + (index + 1) * step, word.bottom, size, OCR_FONT)
        for index, char in enumerate(word.text)
    ]


def ocr_content(
    page: OcrPage, image_count: int, settings: ExtractSettings = DEFAULTS
) -> tuple[PageContent, list[PlacedWord]]:
    """The page as a ``PageContent`` (characters and the rules as edges), and its placed words (with their
    confidences, for provenance)."""
    placed, size = place_words(page, settings)
    chars: list[Char] = []
    for previous, word in zip([None, *placed], placed):
        if previous is not None and previous.top == word.top and previous.x0 < word.x0:
            # tesseract's word break is kept where the boxes touch (« DAAG », « / », « HIS »)
            chars.append(Char(" ", word.x0, word.top, word.x0, word.bottom, size, OCR_FONT))
        chars += word_chars(word, size)
    content = PageContent(
        page.number, page.width, page.height, chars, list(page.h_rules), list(page.v_rules), image_count
    )
    return content, placed
