"""Cards from the tables a general-purpose extractor returns: the same small rules for every tool.

Input: tables in page order, each ``(page, rows)``, a row a list of cell strings (None for an empty cell).
A row whose cells, joined, read « Sous Projet CODE : title » opens a card; the row just above it, when it
has a single non-empty cell that is not a label, is the card's section. Then every row whose first
non-empty cell is a label of the plan's vocabulary (vocabulary/labels.yaml, folded: case, accents and
punctuation ignored) is a row of the card, the other cells joined its value; a row that starts with no
label continues the value above; a first cell that is a label only with the first cell of the row below
takes it (« Entités » / « concernées », or « Entités - SHOP » / « concernées »); a first cell that starts with a label and goes on with
the value (« Responsable • Pr X ») is split; rows between the header and the first label continue the title. The first table of a page continues the card left open by the page
before; any other table closes it. A value is split into items on lines that start with a bullet glyph
(the YAML's ``bullets``, with or without a space after it), or, when no line does, on every line.

This reads the YAML only, no extraction code, so that no tool is helped by the pipeline's own rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

LABELS_YAML = Path(__file__).resolve().parents[1] / "vocabulary" / "labels.yaml"
HEADER = re.compile(r"^\s*Sous[\s-]*Projets?\b(?:\s+Manag[ée]rial)?\s*", re.IGNORECASE)

Table = tuple[int, list[list[str | None]]]


@dataclass
class AssembledRow:
    label: str
    field: str | None
    value: str = ""

    @property
    def items(self) -> list[str]:
        return split_items(self.value)


@dataclass
class AssembledCard:
    code: str
    title: str
    section: str
    page: int
    rows: list[AssembledRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "section": self.section,
            "page": self.page,
            "rows": [{"label": row.label, "field": row.field, "items": row.items} for row in self.rows],
        }


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", stripped).split())


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[str, str], tuple[str, ...]]:
    """(folded label variant -> field, with and without spaces; bullet glyphs) from labels.yaml."""
    data = yaml.safe_load(LABELS_YAML.read_text(encoding="utf-8"))
    variants = {}
    for name, labels in data["fields"].items():
        for label in labels:
            variants[fold(label)] = name
            variants[fold(label).replace(" ", "")] = name
    return variants, tuple(data["bullets"])


def label_of(text: str) -> str | None:
    variants, _ = vocabulary()
    key = fold(text)
    return variants.get(key) or variants.get(key.replace(" ", "")) if key else None


def split_label(text: str) -> tuple[str, str, str] | None:
    """(label, field, value) when a cell starts with a label and goes on with its value (« Responsable • Pr X »):
    the label's first one to three words, then a bullet glyph, nothing, or a capital letter or digit."""
    words = text.split(" ")
    for size in (3, 2, 1):
        head, rest = " ".join(words[:size]), " ".join(words[size:]).strip()
        name = label_of(head) if len(words) > size else None
        if name is None or not head[:1].isupper() or not head[-1:].isalnum():
            continue
        if glyph_line(rest)[0] or rest[:1].isupper() or rest[:1].isdigit():
            return head, name, rest
    return None


def clean(text: str | None) -> str:
    return "" if text is None else str(text).strip()


def one_line(text: str) -> str:
    return " ".join(text.split())


def glyph_line(line: str) -> tuple[bool, str]:
    """(whether the line opens with a bullet glyph, the rest of the line). The glyph may be glued to the text:
    some tools drop the space after it (« -SHOP »)."""
    _, bullets = vocabulary()
    stripped = line.strip()
    for glyph in bullets:
        if stripped.startswith(glyph):
            return True, stripped[len(glyph) :].strip()
    return False, stripped


def split_items(value: str) -> list[str]:
    lines = [line for line in value.splitlines() if line.strip()]
    if not lines:
        return []
    if len(lines) == 1 and glyph_line(lines[0]) == (True, ""):
        return [lines[0].strip()]  # a lone glyph is the whole value (Budget « - »)
    marks = [glyph_line(line) for line in lines]
    if not any(opens for opens, _ in marks):
        return [one_line(line) for line in lines]
    items: list[list[str]] = []
    for opens, rest in marks:
        if opens or not items:
            items.append([])
        if rest:
            items[-1].append(rest)
    return [one_line(" ".join(parts)) for parts in items if parts]


def header_of(cells: list[str]) -> tuple[str, str] | None:
    """(code, title) when the row's text is « Sous Projet CODE : title »."""
    text = one_line(" ".join(cells))
    match = HEADER.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    if ":" in rest:
        code, _, title = rest.partition(":")
    else:
        code, _, title = rest.partition(" ")
    return code.strip(), title.strip()


def assemble(tables: list[Table]) -> list[AssembledCard]:
    stream: list[tuple[int, bool, list[str]]] = []  # (page, first row of a table that is not the page's first, cells)
    previous_page = None
    for page, rows in tables:
        for index, row in enumerate(rows):
            stream.append((page, index == 0 and page == previous_page, [clean(cell) for cell in row]))
        previous_page = page if rows else previous_page
    cards: list[AssembledCard] = []
    card: AssembledCard | None = None
    absorbed: set[int] = set()
    for position, (page, closes, cells) in enumerate(stream):
        if closes:
            card = None
        filled = [cell for cell in cells if cell]
        if not filled:
            continue
        header = header_of(filled)
        if header is not None:
            section = ""
            if position > 0:
                above_page, _, above = stream[position - 1]
                above_filled = [cell for cell in above if cell]
                if (
                    above_page == page
                    and len(above_filled) == 1
                    and not label_of(above_filled[0])
                    and not header_of(above_filled)
                ):
                    section = one_line(above_filled[0])
            card = AssembledCard(header[0], header[1], section, page)
            cards.append(card)
            continue
        if card is None:
            continue
        if (
            position + 1 < len(stream)
            and header_of([cell for cell in stream[position + 1][2] if cell])
            and len(filled) == 1
        ):
            following_page = stream[position + 1][0]
            if following_page == page and not label_of(filled[0]):
                continue  # the next card's section row
        if position in absorbed:  # its first cell ended the label above
            filled = filled[1:]
            if card.rows and filled:
                above = card.rows[-1]
                above.value = "\n".join(part for part in (above.value, *filled) if part)
            continue
        label, name = filled[0], label_of(filled[0])
        following = stream[position + 1][2] if position + 1 < len(stream) else []
        if name is None and cells[0] and following and following[0]:
            joined = f"{filled[0]} {following[0]}"  # a label wrapped onto the next row (« Entités » / « concernées »)
            if label_of(joined) is not None:
                label, name = joined, label_of(joined)
                absorbed.add(position + 1)
            else:  # the value printed between the label's two lines (« Entités - SHOP » / « concernées »)
                words = filled[0].split(" ")
                for size in (1, 2):
                    joined = f"{' '.join(words[:size])} {following[0]}"
                    if (
                        len(words) > size
                        and words[0][:1].isalpha()
                        and words[size - 1][-1:].isalnum()
                        and label_of(joined) is not None
                    ):
                        label, name = joined, label_of(joined)
                        filled = [label, " ".join(words[size:]), *filled[1:]]
                        absorbed.add(position + 1)
                        break
        glued = split_label(filled[0]) if name is None and cells[0] else None
        if glued is not None:
            label, name = glued[0], glued[1]
            filled = [label, glued[2], *filled[1:]]
        if name is not None:
            card.rows.append(AssembledRow(one_line(label), name, "\n".join(filled[1:])))
        elif not card.rows and card.title:
            card.title = one_line(f"{card.title} {' '.join(filled)}")  # the title wrapped onto the next row
        elif card.rows:
            above = card.rows[-1]
            above.value = "\n".join(part for part in (above.value, "\n".join(filled)) if part)
    return cards
