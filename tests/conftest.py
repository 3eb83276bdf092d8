import subprocess
import sys
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


def run_load(*args) -> subprocess.CompletedProcess:
    """``python -m load``, the command ``make all`` runs."""
    return subprocess.run(
        [sys.executable, "-m", "load", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def dataset(tmp_path_factory) -> Path:
    """The committed reconstruction built once, as ``make all QUIET=1`` builds it."""
    out = tmp_path_factory.mktemp("build") / "clean"
    result = run_load(ROOT / "data/raw/plan_actions_2025.pdf", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # -q: no progress
    assert result.stdout.startswith(f"{out}: built — 180 cards, ")
    return out


# Fixtures that build the dataset or draw renderings of the whole plan: a test that uses one, directly or through
# another fixture, is marked slow (`make test-fast` leaves it out). Tests that are slow on their own carry the mark.
# Besides the three here: second_build (test_build.py), corrected (test_corrections.py), site (test_review.py).
SLOW_FIXTURES = frozenset({"dataset", "variant_pdfs", "scanned_pdf", "second_build", "corrected", "site"})


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
