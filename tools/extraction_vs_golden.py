"""Compare an extraction with the golden cards: card recall, and item-level exact match per field.

Items are compared with white space normalized; a row's items are aligned in order, so a split or a merged
item counts against every item it touches. ``python tools/extraction_vs_golden.py PDF`` prints the table.
"""

from __future__ import annotations

import difflib
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.cards import label_field, label_key  # noqa: E402
from extract.model import Extraction  # noqa: E402
from normalize.codes import canonical_code  # noqa: E402
from schemas.golden import GoldenCard  # noqa: E402

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
        lines = [f"cards: {len(self.found)}/{self.golden_count} found, {len(self.invented)} invented", "field            matched/total   rate"]
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


def code_key(printed: str) -> str:
    """The canonical code, or the printed text where it is not a card code (then an invented card)."""
    try:
        return canonical_code(printed)
    except ValueError:
        return printed


def compare(extraction: Extraction, golden_cards: list[GoldenCard]) -> Comparison:
    comparison = Comparison(len(golden_cards))
    extracted = {}
    for card in extraction.cards:
        extracted.setdefault(code_key(card.code), card)
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
            comparison, "label", golden.code_canonical, [row.label for row in golden.rows], [row.label for row in card.rows]
        )
        remaining = list(card.rows)
        for row in golden.rows:
            match = next((other for other in remaining if label_key(other.label) == label_key(row.label)), None)
            if match is not None:
                remaining.remove(match)
            name = label_field(row.label) or row.label
            score_items(comparison, name, golden.code_canonical, row.items, [item.text for item in match.items] if match else [])
        for row in remaining:
            score_items(comparison, row.field or row.label, golden.code_canonical, [], [item.text for item in row.items])
    return comparison


def main(argv: list[str]) -> int:
    from extract.run import extract_plan

    cards = [GoldenCard.model_validate_json(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "data/golden/cards").glob("*.json"))]
    comparison = compare(extract_plan(argv[0]), cards)
    print(comparison.table())
    print(f"missing: {comparison.missing}\ninvented: {comparison.invented}")
    for line in comparison.differences[: int(argv[1]) if len(argv) > 1 else 60]:
        print(line[:400])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
