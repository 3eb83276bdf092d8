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


@pytest.fixture(scope="session")
def variant_pdfs(tmp_path_factory) -> dict[str, Path]:
    """The text renderings of the plan other than the committed reconstruction, drawn once per session."""
    from reconstruct.pdf_render import render

    folder = tmp_path_factory.mktemp("variants")
    return {name: render(name, folder / f"{name}.pdf") for name in ("ruled", "borderless", "reflow")}


@pytest.fixture(scope="session")
def scanned_pdf(tmp_path_factory) -> Path:
    """The plan as page images with no text layer, as a scanner gives it."""
    from reconstruct.pdf_render import render

    return render("scanned", tmp_path_factory.mktemp("scanned") / "scanned.pdf")
