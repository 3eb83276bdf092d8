from pathlib import Path

import pytest

from schemas.golden import GoldenCard, load_cards

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def golden_cards() -> list[GoldenCard]:
    """Every golden card, loaded once; the set covers the whole plan."""
    cards = load_cards(ROOT / "data/golden/cards")
    assert len(cards) >= 170
    return cards
