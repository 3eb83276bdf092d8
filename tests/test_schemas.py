"""The two schemas share their enums, findings have one type, and the dataset's key checks live in the schema."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

from load.corrections import FINDING_KINDS
from schemas import enums, golden, records
from schemas.findings import Finding
from schemas.records import FindingRecord, Keys

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("golden_field", "record_field"),
    [
        ((golden.BudgetLine, "kind"), (records.BudgetLineRecord, "kind")),
        ((golden.BudgetLine, "flags"), (records.BudgetLineRecord, "flags")),
        ((golden.Expected, "budget_category"), (records.CardRecord, "budget_category")),
        ((golden.Expected, "schedule_category"), (records.CardRecord, "schedule_category")),
        ((golden.IndicatorTarget, "comparator"), (records.IndicatorTargetRecord, "comparator")),
    ],
)
def test_the_golden_set_and_the_dataset_allow_the_same_values(golden_field, record_field):
    (golden_model, golden_name), (record_model, record_name) = golden_field, record_field
    assert typing.get_type_hints(golden_model)[golden_name] == typing.get_type_hints(record_model)[record_name]


def test_a_value_outside_its_enum_is_refused():
    row = {
        "code": "FF-01", "line_index": 0, "text": "1 000 MAD", "amount_min_mad": 1000, "amount_max_mad": 1000,
        "kind": "amount", "flags": ["ttc"], "rule": "amount with currency", "page": 1, "page_label": None,
    }  # fmt: skip
    records.BudgetLineRecord.model_validate(row)
    for wrong in ({"kind": "amounts"}, {"flags": ["TTC"]}):
        with pytest.raises(ValidationError):
            records.BudgetLineRecord.model_validate(row | wrong)


def test_a_findings_row_is_a_finding_and_its_printed_page():
    assert list(FindingRecord.model_fields) == ["kind", "code", "field", "page", "page_label", "message"]
    assert {field.name for field in dataclasses.fields(Finding)} == set(FindingRecord.model_fields) - {"page_label"}
    assert typing.get_type_hints(Finding)["kind"] == typing.get_type_hints(FindingRecord)["kind"]


def test_a_finding_of_an_undeclared_kind_fails_where_it_is_made():
    Finding("total_mismatch", "FF-01", "budget", 3, "FF-01: Total 10 but lines sum to 9")
    with pytest.raises(ValueError, match="not one of"):
        Finding("total_missmatch", "FF-01", "budget", 3, "…")


def test_every_finding_kind_written_is_declared_and_documented():
    """The kinds the code names (``Finding("kind", …`` anywhere in the stages, and the corrections' kinds) are
    the declared ones, and the column's description lists each."""
    named = set(FINDING_KINDS.values())
    for folder in ("extract", "normalize", "load"):
        for path in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"Finding\(\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    declared = set(enums.values(enums.FindingKind))
    assert len(named) >= 15 and named - declared == set()
    description = FindingRecord.model_fields["kind"].description
    assert [kind for kind in declared if kind not in description] == []


def test_keys_refuse_a_duplicate_card_code_and_a_row_of_a_card_not_kept():
    keys = Keys()
    card = {"code": "FF-01", "owner": "FF"}
    assert keys.problem("owners", {"code": "FF", "entity": "FF"}) == "entity FF is not in entities.canonical"
    keys.keep("entities", {"canonical": "FF"})
    keys.keep("owners", {"code": "FF", "entity": "FF"})
    assert keys.problem("cards", card) is None
    keys.keep("cards", card)
    assert keys.problem("cards", card) == "duplicate cards.code FF-01"
    assert keys.problem("budget_lines", {"code": "FF-02"}) == "code FF-02 is not in cards.code"
    assert keys.problem("budget_lines", {"code": "FF-01"}) is None
    assert keys.problem("list_entries", {"code": None}) is None  # a list row without a card names none


def test_a_row_built_with_a_misspelt_column_fails_where_it_is_built() -> None:
    from schemas.records import BudgetLineRecord, RowShapeError, record_row

    values = dict(code="HS-M1-25", line_index=0, text="500 000 DH", amount_min_mad=None, amount_max_mad=None)
    values.update(kind="amount", flags=[], rule="amount", page=12, page_label="6")
    assert record_row(BudgetLineRecord, **values) == values
    with pytest.raises(RowShapeError, match=r"unknown columns \['amount_min'\]"):
        record_row(BudgetLineRecord, **{**values, "amount_min": 1})
    with pytest.raises(RowShapeError, match=r"missing columns \['code'\]"):
        record_row(BudgetLineRecord, **{key: value for key, value in values.items() if key != "code"})
