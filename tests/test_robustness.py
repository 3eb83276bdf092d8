"""The extractor on layouts the project was never tuned to: seeded layouts drawn by reconstruct.layouts.

Each seed picks one option of every layout feature and draws a sample of the golden cards; the extraction
is scored against the cards as drawn (tools/robustness.py). The thresholds are the issue's: every card
found and none invented, items exact at 0.99 or better, budget and dates equal to the golden values on
every card. Seeds that do not meet them yet are known failures, each with its cause.
"""

from __future__ import annotations

import json

import pytest

from reconstruct.layouts import Layout, drawn_cards, render_layout
from tools.robustness import run_seed

pytestmark = pytest.mark.slow

SEEDS = range(1, 41)
# Seeds that do not meet the thresholds yet, each with its cause (none today).
KNOWN_FAILURES: dict[int, str] = {}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("layouts")


@pytest.mark.parametrize(
    "seed",
    [
        pytest.param(seed, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[seed]))
        if seed in KNOWN_FAILURES
        else seed
        for seed in SEEDS
    ],
)
def test_a_seeded_layout_is_read_as_drawn(seed, folder) -> None:
    result = run_seed(seed, str(folder), 30)
    failures = [name for name, passed in result.passes().items() if not passed and name != "items_exact"]
    assert not result.error, result.error
    assert not failures, (
        f"seed {seed} ({result.options}) fails {failures}: cards {result.found}/{result.cards}, invented "
        f"{result.invented}, items {result.items:.4f}, budget {result.budget_wrong[:3]}, dates {result.dates_wrong[:3]}, "
        f"first differences {result.differences[:3]}"
    )


def test_the_sidecar_reproduces_the_layout(tmp_path) -> None:
    """A failure is reproduced from its seed alone: the sidecar says every choice, the same seed draws the
    same choices and the same PDF."""
    layout = Layout.draw(7)
    first = render_layout(layout, tmp_path / "a.pdf")
    second = render_layout(Layout.draw(7), tmp_path / "b.pdf")
    assert first.read_bytes() == second.read_bytes()
    sidecar = json.loads(first.with_suffix(".json").read_text(encoding="utf-8"))
    assert Layout.from_sidecar(sidecar) == layout
    assert set(layout.options()) >= {
        "rules",
        "label_valign",
        "bullets",
        "glyph",
        "watermark",
        "stamp",
        "footer",
        "family",
    }


def test_the_drawn_text_is_the_golden_text_where_the_layout_adds_no_punctuation(golden_cards) -> None:
    from dataclasses import replace

    layout = replace(Layout.draw(3), item_end="as_printed")
    golden = {card.code_canonical: card for card in golden_cards}
    for card in drawn_cards(layout):
        assert [row.items for row in card.rows] == [row.items for row in golden[card.code_canonical].rows]


@pytest.mark.parametrize(
    "items, item_end, expected",
    [
        (["Former le personnel", "Acheter"], "semicolon", ["Former le personnel ;", "Acheter."]),
        (["Former le personnel", "Acheter"], "period", ["Former le personnel.", "Acheter."]),
        (["Former le personnel;", "-"], "period", ["Former le personnel;", "-"]),  # punctuated and placeholder kept
        (["Un seul item"], "semicolon", ["Un seul item"]),  # a single item is printed as it is
    ],
)
def test_punctuate(items, item_end, expected) -> None:
    from reconstruct.layouts import punctuate

    assert punctuate(items, item_end) == expected
