"""One scoring for every tool: cards (as dicts) against the golden cards.

Cards are put in the extraction model (extract/model.py) and compared by tools/extraction_vs_golden.py:
card recall by canonical code, invented cards, item exact match per field (white space normalized). A
card whose code has no known shape counts as invented. Budget and dates agree when the tool's Budget items
give, by normalize.amounts, the golden minimum and maximum, and its Calendrier items, by normalize.dates,
the golden start and end; a missing card agrees on neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import Card, Extraction, Item, Row
from normalize.codes import canonical_code
from schemas.golden import GoldenCard
from tools.extraction_vs_golden import card_values, cards_by_code, compare, golden_values


@dataclass
class Score:
    golden: int
    found: int
    invented: int
    matched: int
    total: int
    fields: dict[str, float] = field(default_factory=dict)
    budget_agree: int = 0
    dates_agree: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.golden if self.golden else 1.0

    @property
    def accuracy(self) -> float:
        return self.matched / self.total if self.total else 1.0


def as_extraction(cards: list[dict], source: str = "") -> tuple[Extraction, list[str]]:
    """The cards in the extraction model, and the codes of those whose code has no known shape."""
    kept, unreadable = [], []
    for card in cards:
        try:
            canonical_code(card["code"])
        except ValueError:
            unreadable.append(card["code"])
            continue
        rows = [
            Row(row["label"], row.get("field"), [], [Item(text, []) for text in row["items"]]) for row in card["rows"]
        ]
        kept.append(Card(card["code"], card["title"], card["section"], None, Item(card["code"], []), None, rows))
    return Extraction(source, 0, kept, [], []), unreadable


def card_dict(card: Card) -> dict:
    """A pipeline card as the dict the baselines produce."""
    return {
        "code": card.code,
        "title": card.title,
        "section": card.section,
        "page": card.pages[0] if card.pages else None,
        "rows": [
            {"label": row.label, "field": row.field, "items": [item.text for item in row.items]} for row in card.rows
        ],
    }


def score(cards: list[dict], golden_cards: list[GoldenCard]) -> Score:
    extraction, unreadable = as_extraction(cards)
    comparison = compare(extraction, golden_cards)
    fields = {name: value.rate for name, value in sorted(comparison.fields.items())}
    result = Score(
        golden=len(golden_cards),
        found=len(comparison.found),
        invented=len(comparison.invented) + len(unreadable),
        matched=sum(value.matched for value in comparison.fields.values()),
        total=sum(value.total for value in comparison.fields.values()),
        fields=fields,
        missing=comparison.missing,
    )
    # as_extraction kept only cards whose code has a card code's shape
    by_code = cards_by_code(extraction.cards)
    for golden in golden_cards:
        card = by_code.get(golden.code_canonical)
        if card is None:
            continue
        read, expected = card_values(card), golden_values(golden)
        result.budget_agree += read.budget == expected.budget
        result.dates_agree += read.dates == expected.dates
    return result
