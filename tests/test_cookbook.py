"""The README's cookbook: every query runs on a fresh build and gives the first rows the README prints; the
answers that the golden set gives are checked against it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from load.docs import answer_table, cookbook_queries

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def db(dataset):
    connection = duckdb.connect(str(dataset / "plan.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_the_cookbook_has_ten_questions_each_with_its_answer() -> None:
    queries = cookbook_queries(README)
    assert len(queries) == 10
    assert all(answer and answer.startswith("| ") for _, answer in queries)


@pytest.mark.parametrize("number", range(1, 11))
def test_every_cookbook_query_gives_the_answer_the_readme_prints(db, number) -> None:
    sql, printed = cookbook_queries(README)[number - 1]
    assert answer_table(db, sql) == printed


def test_cookbook_answers_agree_with_the_golden_set(db, golden_cards) -> None:
    # 1: the establishments' budgets are their cards' golden totals
    sql, _ = cookbook_queries(README)[0]
    by_owner = {row[0]: row[4] for row in db.execute(sql).fetchall()}
    for owner, total in by_owner.items():
        golden = [
            card.expected.budget_max_mad
            for card in golden_cards
            if card.code_canonical.split("-")[0] == owner and card.expected.budget_max_mad is not None
        ]
        assert total == (sum(golden, Decimal(0)) if golden else None), owner
    # 7: the card with the largest golden budget, and its Budget items as the golden card prints them
    largest = max(
        (card for card in golden_cards if card.expected.budget_max_mad is not None),
        key=lambda card: card.expected.budget_max_mad,
    )
    sql, _ = cookbook_queries(README)[6]
    answer = db.execute(sql).fetchall()
    assert {row[0] for row in answer} == {largest.code_canonical}
    assert [row[1] for row in answer] == [line.text for line in largest.expected.budget_lines]
    # 5: the cards due by 30 June 2025
    sql, _ = cookbook_queries(README)[4]
    due = {row[0] for row in db.execute(sql).fetchall()}
    assert due == {
        card.code_canonical
        for card in golden_cards
        if card.expected.end_date and str(card.expected.end_date) <= "2025-06-30"
    }
