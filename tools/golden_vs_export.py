"""Second checking pass of the golden set: every typed card against the plan's text export.

The typing pass reads each card and types it; this pass is mechanical and independent. The export
and the typed text are compared with all white space removed (the export splits words with tabs and
glues bullet items on one line), after applying the documented export corrections of
data/golden/export_corrections.csv (glyph slips and page-break debris the printed page does not have).

For each card it walks the export from the card's title, finding its labels and items in printed
order; whatever export text lies between two found pieces and is not a bullet glyph is reported as
residue — an item the typing dropped, a word it lost, or noise the corrections file does not explain.
A piece that is not found at all is reported as missing — a typing slip or an undocumented correction.

    .venv/bin/python tools/golden_vs_export.py            # report, exit 1 if anything is unexplained
    .venv/bin/python tools/golden_vs_export.py HE-M13-25  # one card, with its residue in context
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from schemas.golden import GoldenCard, load_cards

ROOT = Path(__file__).resolve().parents[1]

EXPORT = ROOT / "data/raw/plan_actions_2025_export.txt"
CORRECTIONS = ROOT / "data/golden/export_corrections.csv"
UNORDERED = ROOT / "data/golden/export_unordered.csv"
CARDS = ROOT / "data/golden/cards"
# Bullet glyphs and punctuation a cell prints around its items and that carries no content.
_DEBRIS = re.compile(r"[-•➢_–.;:,*ı]+")
_WHITESPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    return _WHITESPACE.sub("", text)


@dataclass(frozen=True)
class Correction:
    card: str
    export_text: str
    plan_text: str
    reason: str


def load_corrections(path: Path = CORRECTIONS) -> list[Correction]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Correction(**row) for row in csv.DictReader(handle)]


def load_unordered(path: Path = UNORDERED) -> dict[str, str]:
    """Cards the export prints out of order (flattened on one line): checked piece by piece, not as a walk."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["card"]: row["reason"] for row in csv.DictReader(handle)}


def corrected_export(corrections: list[Correction], export: Path = EXPORT) -> str:
    """The export, compacted, with every documented correction applied."""
    text = compact(export.read_text(encoding="utf-8"))
    for correction in corrections:
        needle = compact(correction.export_text)
        if needle not in text:
            raise ValueError(
                f"{CORRECTIONS.name}: export text not found for {correction.card}: {correction.export_text!r}"
            )
        text = text.replace(needle, compact(correction.plan_text))
    return text


@dataclass
class CardCheck:
    code: str
    missing: list[str] = field(default_factory=list)
    residue: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.missing and not self.residue


def card_pieces(card: GoldenCard) -> list[tuple[str, str]]:
    """(kind, text) for the title, then each row's label and items, in printed order."""
    pieces = [("title", card.title)]
    for row in card.rows:
        pieces.append(("label", row.label))
        pieces.extend(("item", item) for item in row.items if item != "-")
    return pieces


def _needle(kind: str, piece: str) -> str:
    """What is searched for a piece: labels by their first word, as the rest may wrap below the first item."""
    return compact(piece.lstrip("- ").split()[0] if kind == "label" else piece)


def _label_tail_words(card: GoldenCard) -> list[str]:
    """A wrapped label prints its second line after the first item (« Entités », item, « concernées »)."""
    return sorted({word for row in card.rows for word in row.label.split()[1:]}, key=len, reverse=True)


def check_unordered_card(card: GoldenCard, text: str) -> CardCheck:
    """Every piece must stand in the export within reach of the card's title; order and residue are not checked."""
    result = CardCheck(card.code_canonical)
    starts = _positions(text, card.title)
    if not starts:
        result.missing.append(f"title: {card.title}")
        return result
    reach = 8000
    for kind, piece in card_pieces(card)[1:]:
        needle = _needle(kind, piece)
        if not any(text.find(needle, max(0, start - reach), start + reach) >= 0 for start in starts):
            result.missing.append(f"{kind}: {piece}")
    return result


def check_card(card: GoldenCard, text: str) -> CardCheck:
    """Walk the export from the card's title, or from its first item where the title is garbled.

    Titles also stand in the summary lists; of all starting points, the one leaving fewest missing
    pieces and least residue is the card itself.
    """
    pieces = card_pieces(card)
    first_item = next((piece for kind, piece in pieces if kind == "item"), None)
    starts = [(True, start) for start in _positions(text, card.title)]
    if first_item:
        starts += [(False, start) for start in _positions(text, first_item)]
    if not starts:
        return CardCheck(card.code_canonical, missing=[f"title: {card.title}"])
    best: CardCheck | None = None
    for from_title, start in starts:
        result = _walk(card, text, start, skip_title=not from_title)
        if best is None or _badness(result) < _badness(best):
            best = result
    return best


def _badness(check: CardCheck) -> tuple[int, int]:
    return len(check.missing), sum(map(len, check.residue))


def _positions(text: str, piece: str) -> list[int]:
    needle = compact(piece)
    return [match.start() for match in re.finditer(re.escape(needle), text)] if needle else []


def _walk(card: GoldenCard, text: str, start: int, skip_title: bool) -> CardCheck:
    result = CardCheck(card.code_canonical)
    if skip_title:
        result.missing.append(f"title: {card.title}")
    cursor = start
    # A piece is searched within a window so that a missing piece does not jump to another card.
    window = 6000
    tail_words = _label_tail_words(card)
    pieces = card_pieces(card)
    if skip_title:
        # Start at the first item: its label, printed before it, is not searched.
        first = next(index for index, (kind, _) in enumerate(pieces) if kind == "item")
        pieces = pieces[first:]
    for kind, piece in pieces:
        needle = _needle(kind, piece)
        found = text.find(needle, cursor, cursor + window + len(needle))
        if found < 0:
            result.missing.append(f"{kind}: {piece}")
            continue
        gap = text[cursor:found]
        for word in tail_words:
            gap = gap.replace(word, "")
        gap = _DEBRIS.sub("", gap)
        if gap:
            shown = text[cursor:found]
            if len(shown) > 300:
                shown = f"{shown[:150]} … {shown[-150:]}"
            result.residue.append(f"before {piece[:40]!r}: {shown!r}")
        cursor = found + len(needle)
    return result


def check_cards(cards: list[GoldenCard]) -> list[CardCheck]:
    """Check each card against the corrected export, walking it or, for an unordered card, piece by piece."""
    text = corrected_export(load_corrections())
    unordered = load_unordered()
    return [
        check_unordered_card(card, text) if card.code_canonical in unordered else check_card(card, text)
        for card in cards
    ]


def main(argv: list[str]) -> int:
    cards = load_cards(CARDS)
    if argv:
        cards = [card for card in cards if card.code_canonical in argv]
    unexplained = 0
    for check in check_cards(cards):
        if check.clean:
            continue
        unexplained += 1
        print(f"{check.code}:")
        for piece in check.missing:
            print(f"  missing  {piece}")
        for gap in check.residue:
            print(f"  residue  {gap}")
    print(f"{len(cards) - unexplained} cards match the export, {unexplained} with unexplained differences")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
