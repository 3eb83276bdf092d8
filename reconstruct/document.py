"""The plan as an ordered list of blocks, the one input of every renderer.

The content comes from the golden set (cards, summary lists) and from ``narrative.md`` (the plan's
own prose: editorial, missions, axes, chapter introductions, conclusion, glossary). How each card was
laid out in the original (ruled or borderless table, bullet column or inline bullets, which glyph)
comes from ``card_layout.csv``, read from the export's traces of the original layout.

Renderers (``docx_render``, ``pdf_render``) only decide how a block looks, never what it says.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from schemas.golden import GoldenCard, ProjectList, ProjectLists

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
CARDS = ROOT / "data" / "golden" / "cards"
LISTS = ROOT / "data" / "golden" / "project_lists.json"
NARRATIVE = HERE / "narrative.md"
CARD_LAYOUT = HERE / "card_layout.csv"
ABBREVIATIONS = ROOT / "normalize" / "data" / "reference" / "abbreviations.csv"

BULLETS = ("-", "•", "➢", "\uf0d8", "")


@dataclass(frozen=True)
class CardLayout:
    table: str = "ruled"  # ruled | borderless
    grid: str = "inline"  # inline | bullet_column
    bullet: str = ""  # one of BULLETS; "" prints items as plain paragraphs
    merged_labels: tuple[str, ...] = ()  # labels printed together in one label cell
    untabled_from: str = ""  # label from which the card goes on as plain text on the next page


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Sommaire:
    """The table of contents; renderers fill in page numbers they know, or leave them blank."""

    entries: tuple[tuple[int, str], ...]  # (level, heading text)


@dataclass(frozen=True)
class ListTable:
    project_list: ProjectList


@dataclass(frozen=True)
class Card:
    card: GoldenCard
    layout: CardLayout
    header_prefix: str = "Sous Projet"

    @property
    def header(self) -> str:
        return f"{self.header_prefix} {self.card.code} : {self.card.title}"


Block = Heading | Paragraph | BulletList | PageBreak | Sommaire | ListTable | Card


@dataclass
class PlanDocument:
    blocks: list[Block] = field(default_factory=list)

    @property
    def cards(self) -> list[Card]:
        return [block for block in self.blocks if isinstance(block, Card)]


@cache
def golden_cards() -> dict[str, GoldenCard]:
    cards = (GoldenCard.model_validate_json(path.read_text(encoding="utf-8")) for path in sorted(CARDS.glob("*.json")))
    return {card.code_canonical: card for card in cards}


@cache
def project_lists() -> list[ProjectList]:
    return ProjectLists.model_validate_json(LISTS.read_text(encoding="utf-8")).lists


@cache
def card_layouts() -> dict[str, CardLayout]:
    """Layouts in printed order: the file's row order is the plan's card order."""
    with CARD_LAYOUT.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: CardLayout(
                table=row["table"],
                grid=row["grid"],
                bullet=row["bullet"],
                merged_labels=tuple(label for label in row["merged_labels"].split("+") if label),
                untabled_from=row["untabled_from"],
            )
            for row in csv.DictReader(handle)
        }


def card_order() -> list[str]:
    return list(card_layouts())


def header_prefix(card: GoldenCard) -> str:
    # The quality chapter prints its cards as « Sous Projet Managérial FQGR 62 : … ».
    return "Sous Projet Managérial" if card.code_canonical.startswith("FQGR") else "Sous Projet"


_DIRECTIVE = re.compile(r"^@(\w+)\s*(.*)$")


def narrative_to_blocks(text: str) -> list[Block]:
    """Read narrative.md: ``#``/``##``/``###`` headings, ``- `` bullets, blank-line paragraphs, and directives
    ``@page``, ``@sommaire``, ``@glossary`` (the abbreviations, one tab-separated paragraph each), ``@list N``
    (Nth summary list) and ``@cards FIRST LAST`` (cards in printed order)."""
    blocks: list[Block] = []
    bullets: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if bullets:
            blocks.append(BulletList(tuple(bullets)))
            bullets.clear()
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        directive = _DIRECTIVE.match(stripped)
        if not stripped or stripped.startswith("<!--"):
            flush()
        elif directive:
            flush()
            blocks.extend(directive_to_blocks(directive.group(1), directive.group(2).split()))
        elif stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            blocks.append(Heading(level, stripped[level:].strip()))
        elif stripped.startswith("- "):
            if paragraph:
                flush()
            bullets.append(stripped[2:].strip())
        else:
            if bullets:
                flush()
            paragraph.append(stripped)
    flush()
    return blocks


def directive_to_blocks(name: str, args: list[str]) -> list[Block]:
    if name == "page":
        return [PageBreak()]
    if name == "sommaire":
        return [Sommaire(())]
    if name == "glossary":
        # The ABREVIATIONS pages: one « ACRONYM<tab>expansion » line per entry, in printed order.
        with ABBREVIATIONS.open(encoding="utf-8", newline="") as handle:
            return [Paragraph(f"{row['acronym']}\t{row['expansion']}") for row in csv.DictReader(handle)]
    if name == "list":
        return [ListTable(project_lists()[int(args[0])])]
    if name == "cards":
        order = card_order()
        first, last = order.index(args[0]), order.index(args[1])
        cards, layouts = golden_cards(), card_layouts()
        return [Card(cards[code], layouts[code], header_prefix(cards[code])) for code in order[first : last + 1]]
    raise ValueError(
        f"{NARRATIVE.name}: unknown directive @{name}; valid: @page, @sommaire, @glossary, @list N, @cards FIRST LAST"
    )


def with_sommaire(blocks: list[Block]) -> list[Block]:
    """Fill the Sommaire with the level 1-2 headings that follow it (cover and glossary come before it)."""
    start = next((index for index, block in enumerate(blocks) if isinstance(block, Sommaire)), len(blocks))
    entries = tuple(
        (block.level, block.text) for block in blocks[start:] if isinstance(block, Heading) and block.level <= 2
    )
    return [Sommaire(entries) if isinstance(block, Sommaire) else block for block in blocks]


def plan_document(narrative: Path = NARRATIVE) -> PlanDocument:
    blocks = with_sommaire(narrative_to_blocks(narrative.read_text(encoding="utf-8")))
    placed = [block.card.code_canonical for block in blocks if isinstance(block, Card)]
    missing = set(golden_cards()) - set(placed)
    if missing or len(placed) != len(set(placed)):
        raise ValueError(f"{narrative.name}: every card must be placed once; missing {sorted(missing)}")
    return PlanDocument(blocks)
