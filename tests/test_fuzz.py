"""Fuzzing: damaged copies of the plan through the build (tools/fuzz_damaged.py), and card structures drawn by
Hypothesis through the normalizers and the loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.model import Box, Card, Extraction, Item, ListRow, Row
from load.tables import extraction_to_rows, validate_rows
from normalize.amounts import parse_budget_line
from normalize.dates import parse_schedule_item
from normalize.entities import split_entities
from normalize.people import split_mentions
from normalize.targets import parse_targets
from tools.fuzz_damaged import BUILT, BUILT_WITH_UNREADABLE_PAGES, REFUSED, run

# Damaged copies in CI, of the first pages of the plan (cover, summary lists, the first cards): a build of
# the subset takes about two seconds, so that 50 copies stay within a few minutes on 2 cores.
CI_COPIES = 50
CI_PAGES = 24
CI_SEED = 17
# A damaged copy taking longer than this (seconds) counts as a hang.
TIME_LIMIT = 120.0


@pytest.mark.slow
def test_damaged_copies_end_with_named_unreadable_pages_or_one_line(tmp_path: Path) -> None:
    outcomes = run(CI_COPIES, CI_SEED, CI_PAGES, 2, TIME_LIMIT, tmp_path)
    assert len(outcomes) == CI_COPIES
    assert [(o.name, o.damage, o.problem) for o in outcomes if o.problem] == []
    assert all(o.status in (BUILT, BUILT_WITH_UNREADABLE_PAGES, REFUSED) for o in outcomes)
    assert max(o.seconds for o in outcomes) < TIME_LIMIT


# --- Hypothesis ----------------------------------------------------------------------------------------------

garbage = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
huge = st.text(alphabet="abcdefghij 0123456789.,-/éàç", min_size=2000, max_size=6000)
cells = st.one_of(
    garbage, huge, st.just(""), st.just("-"), st.sampled_from(["1 200 000 DH", "Janvier 2025 – Mars 2025", "≥ 90 %"])
)
codes = st.one_of(
    garbage, st.sampled_from(["FF 01", "FF O1", "HMSRO M1-25", "F.Coop 58", "Managérial FQGR 62", "-25", "XX"])
)
fields = st.sampled_from([None, "budget", "schedule", "responsibles", "entities", "coordinators", "partners",
                          "objectives", "actions", "indicators", "values", "unknown"])  # fmt: skip
pages = st.integers(min_value=1, max_value=200)


@st.composite
def items(draw) -> Item:
    page = draw(pages)
    boxes = draw(st.lists(st.just(Box(page, 10.0, 10.0, 200.0, 30.0)), min_size=0, max_size=2))
    return Item(draw(cells), boxes)


@st.composite
def cards(draw) -> Card:
    rows = draw(st.lists(st.builds(Row, garbage, fields, st.just([]), st.lists(items(), max_size=4)), max_size=6))
    header = Item(draw(garbage), [Box(draw(pages), 0.0, 0.0, 10.0, 10.0)])
    return Card(draw(codes), draw(garbage), draw(garbage), draw(st.one_of(st.none(), garbage)), header, None, rows)


list_rows = st.builds(ListRow, garbage, st.one_of(st.none(), codes), garbage, st.one_of(st.none(), garbage), pages,
                      st.just([Box(1, 0.0, 0.0, 1.0, 1.0)]))  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(cards(), max_size=5), st.lists(list_rows, max_size=5))
def test_drawn_card_structures_never_make_the_loader_raise(drawn: list[Card], rows: list[ListRow]) -> None:
    extraction = Extraction("plan.pdf", 200, drawn, rows, [])
    result = validate_rows(extraction_to_rows(extraction))
    # every drawn card is either a card row or a rejected row; never lost
    kept = len(result["cards"])
    rejected = sum(1 for row in result["rejected"] if row["table_name"] == "cards")
    assert kept + rejected == len(drawn)


@settings(max_examples=200, deadline=None)
@given(st.one_of(garbage, huge))
def test_drawn_cells_never_make_the_normalizers_raise(text: str) -> None:
    parse_budget_line(text)
    parse_schedule_item(text)
    parse_targets(text)
    split_entities(text)
    split_mentions(text)
