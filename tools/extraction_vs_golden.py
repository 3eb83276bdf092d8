"""Compare an extraction with the golden cards: card recall, and item-level exact match per field.

Items are compared with white space normalized; a row's items are aligned in order, so a split or a merged
item counts against every item it touches.

    .venv/bin/python tools/extraction_vs_golden.py PDF [--differences N] [--reader pdfium|pdfplumber]

prints the table, the missing and invented cards and the first N differences. Bad input (no such PDF, not
the plan) ends with one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from extract.cards import label_field, label_key
from extract.errors import PlanToDataError
from extract.model import Card, Extraction
from normalize.amounts import card_budget, parse_budget_line
from normalize.codes import canonical_code
from normalize.dates import card_schedule, parse_schedule_item
from schemas.golden import GoldenCard

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_CARDS = ROOT / "data/golden/cards"
# Differences printed by default, each cut to this many characters.
DIFFERENCES_SHOWN = 60
DIFFERENCE_WIDTH = 400

CARD_FIELDS = ("code", "title", "section")


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class FieldScore:
    matched: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.matched / self.total if self.total else 1.0


@dataclass
class Comparison:
    golden_count: int
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    fields: dict[str, FieldScore] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.found) / self.golden_count if self.golden_count else 1.0

    def table(self) -> str:
        lines = [
            f"cards: {len(self.found)}/{self.golden_count} found, {len(self.invented)} invented",
            "field            matched/total   rate",
        ]
        for name, score in sorted(self.fields.items()):
            lines.append(f"{name:<16} {score.matched:>6}/{score.total:<6}  {score.rate:.4f}")
        return "\n".join(lines)


def score_items(comparison: Comparison, name: str, code: str, golden: list[str], extracted: list[str]) -> None:
    golden = [norm(item) for item in golden]
    extracted = [norm(item) for item in extracted]
    score = comparison.fields.setdefault(name, FieldScore())
    matcher = difflib.SequenceMatcher(a=golden, b=extracted, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    score.matched += matched
    score.total += max(len(golden), len(extracted))
    if matched != len(golden) or matched != len(extracted):
        for tag, a0, a1, b0, b1 in matcher.get_opcodes():
            if tag != "equal":
                comparison.differences.append(f"{code} {name}: golden {golden[a0:a1]!r} extracted {extracted[b0:b1]!r}")


@dataclass(frozen=True)
class CardValues:
    """A card's budget (minimum, maximum, in MAD) and dates (start, end), as the normalizers read them."""

    budget: tuple
    dates: tuple


def card_values(card: Card) -> CardValues:
    """The values the normalizers read from an extracted card's « Budget » and « Calendrier » items."""

    def items(name: str) -> list[str]:
        return [item.text for row in card.rows if row.field == name for item in row.items]

    budget = card_budget([parse_budget_line(text) for text in items("budget")])
    schedule = card_schedule([parse_schedule_item(text) for text in items("schedule")])
    return CardValues((budget.amount_min, budget.amount_max), (schedule.start, schedule.end))


def golden_values(card: GoldenCard) -> CardValues:
    expected = card.expected
    return CardValues((expected.budget_min_mad, expected.budget_max_mad), (expected.start_date, expected.end_date))


def code_key(printed: str) -> str:
    """The canonical code, or the printed text where it is not a card code (then an invented card)."""
    try:
        return canonical_code(printed)
    except ValueError:
        return printed


def cards_by_code(cards: list[Card]) -> dict[str, Card]:
    """Extracted cards by canonical code (the printed text where it is none); the first of a code wins."""
    found: dict[str, Card] = {}
    for card in cards:
        found.setdefault(code_key(card.code), card)
    return found


def compare(extraction: Extraction, golden_cards: list[GoldenCard]) -> Comparison:
    comparison = Comparison(len(golden_cards))
    extracted = cards_by_code(extraction.cards)
    golden_codes = {card.code_canonical for card in golden_cards}
    comparison.invented = sorted(code for code in extracted if code not in golden_codes)
    for golden in golden_cards:
        card = extracted.get(golden.code_canonical)
        if card is None:
            comparison.missing.append(golden.code_canonical)
            for row in golden.rows:
                score_items(comparison, label_field(row.label) or row.label, golden.code_canonical, row.items, [])
            continue
        comparison.found.append(golden.code_canonical)
        for name in CARD_FIELDS:
            score_items(comparison, name, golden.code_canonical, [getattr(golden, name)], [getattr(card, name)])
        score_items(
            comparison,
            "label",
            golden.code_canonical,
            [row.label for row in golden.rows],
            [row.label for row in card.rows],
        )
        remaining = list(card.rows)
        for row in golden.rows:
            match = next((other for other in remaining if label_key(other.label) == label_key(row.label)), None)
            if match is not None:
                remaining.remove(match)
            name = label_field(row.label) or row.label
            score_items(
                comparison, name, golden.code_canonical, row.items, [item.text for item in match.items] if match else []
            )
        for row in remaining:
            score_items(
                comparison, row.field or row.label, golden.code_canonical, [], [item.text for item in row.items]
            )
    return comparison


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tools/extraction_vs_golden.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "pdf", type=Path, help="the PDF to extract (the reconstruction: data/raw/plan_actions_2025.pdf)"
    )
    parser.add_argument(
        "--differences",
        type=int,
        default=DIFFERENCES_SHOWN,
        help=f"differences to print (default: {DIFFERENCES_SHOWN})",
    )
    parser.add_argument("--reader", choices=["pdfium", "pdfplumber"], default="pdfium", help="text-layer reader")
    parser.add_argument(
        "--golden", type=Path, default=GOLDEN_CARDS, help="folder of golden cards (default: data/golden/cards)"
    )
    args = parser.parse_args(argv)
    from extract.run import extract_plan

    cards = [
        GoldenCard.model_validate_json(path.read_text(encoding="utf-8")) for path in sorted(args.golden.glob("*.json"))
    ]
    try:
        extraction = extract_plan(args.pdf, {"reader": args.reader})
    except PlanToDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    comparison = compare(extraction, cards)
    print(comparison.table())
    print(f"missing: {comparison.missing}\ninvented: {comparison.invented}")
    for line in comparison.differences[: args.differences]:
        print(line[:DIFFERENCE_WIDTH])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
