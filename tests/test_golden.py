"""The golden set is complete, valid and internally consistent.

These tests read only files a person typed (data/golden, normalize/data/reference) and the plan's text
export (data/raw); nothing here is produced by the pipeline.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from normalize.codes import canonical_code
from schemas.golden import GoldenCard, load_card, load_cards, load_project_lists

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "data/golden"
CARD_FILES = sorted((GOLDEN / "cards").glob("*.json"))
EXPORT = ROOT / "data/raw/plan_actions_2025_export.txt"


@pytest.fixture(scope="module")
def cards() -> dict[str, GoldenCard]:
    return {card.code_canonical: card for card in load_cards(GOLDEN / "cards")}


@pytest.fixture(scope="module")
def project_lists():
    return load_project_lists(GOLDEN / "project_lists.json")


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda path: path.stem)
def test_card_file_is_valid_and_named_by_its_canonical_code(path: Path) -> None:
    card = load_card(path)
    assert path.stem == card.code_canonical
    raw = path.read_text(encoding="utf-8")
    # Pretty-printed UTF-8, as typed: accents written as themselves, not as \u escapes.
    assert "\\u00" not in raw and raw.endswith("\n")
    assert list(json.loads(raw)) == [
        "code",
        "code_canonical",
        "section",
        "chapter",
        "title",
        "rows",
        "notes",
        "expected",
    ]


def test_the_set_covers_the_whole_plan(cards) -> None:
    assert len(cards) >= 170
    chapters = Counter(card.chapter for card in cards.values())
    assert set(chapters) == {"I.1", "I.2", "I.3"} | {f"II.{n}" for n in range(1, 15)}


def test_every_list_row_has_a_card_or_a_note(cards, project_lists) -> None:
    for project_list in project_lists.lists:
        for row in project_list.rows:
            if row.card_code is None:
                assert row.note, row
            else:
                assert row.card_code in cards, (
                    f"list row {row.code or row.title!r} announces {row.card_code}, no golden card"
                )
                assert cards[row.card_code].chapter == project_list.chapter, row


def test_list_titles_match_their_cards_or_say_why(cards, project_lists) -> None:
    def words(text: str) -> set[str]:
        return set(re.findall(r"\w{4,}", text.lower()))

    for project_list in project_lists.lists:
        for row in project_list.rows:
            if row.card_code is None or row.note:
                continue
            card_words, row_words = words(cards[row.card_code].title), words(row.title)
            shared = len(card_words & row_words) / max(1, len(row_words))
            assert shared >= 0.5 or cards[row.card_code].notes, (row.title, cards[row.card_code].title)


# Card codes as the export prints them, with the tab splits removed: « HMSRO M1-25 », « FF 01 », « F.Coop 58 ».
_EXPORT_CODE = re.compile(
    r"(?<![A-Za-z])(?:"
    r"(?:DAMS|HS|HMS|HMSRO|HE|INO|HMY|HAS|HAY|DCHUIS|HCHUIS)\s?-?\s?(?:(?:PM|PS)\s?-\s?)?(?:M|CH|MT|RI|PH|DERS)\s?\d{1,2}-25"
    r"|(?:SITS|FF|FAAG|FERS|FRH|FSI|FIM|FCG|FAI|F\.Com|F\.Coop|FAJC|FQGR|FDA|PPE)[ .-]?\d{1,2}(?![\d,])"
    r")"
)


# Readings of the export that are its own noise, not codes the plan prints.
EXPORT_NOISE_CODES = {
    "FRH-01": "« Sous Projet FRH 1<tab>Sous Projet FRH 19 »: the header of FRH 19 printed twice, the first copy cut",
    "HAS-M22-25": "« Sous Projet HAS-M2<tab>2-25 »: the code of HAS-M2-25 with a fragment printed twice",
}


def export_codes() -> set[str]:
    text = EXPORT.read_text(encoding="utf-8").replace("\t", "")
    return {canonical_code(match.group(0)) for match in _EXPORT_CODE.finditer(text)}


def test_every_code_in_the_export_has_a_card_or_a_list_note(cards, project_lists) -> None:
    explained = {
        canonical_code(row.code)
        for project_list in project_lists.lists
        for row in project_list.rows
        if row.code and row.note
    }
    codes = export_codes()
    assert len(codes) >= 170
    unexplained = sorted(
        code for code in codes if code not in cards and code not in explained and code not in EXPORT_NOISE_CODES
    )
    assert not unexplained


def test_budget_total_follows_from_its_lines(cards) -> None:
    for card in cards.values():
        expected = card.expected
        totals = [line for line in expected.budget_lines if line.kind == "total"]
        parts = [line for line in expected.budget_lines if line.kind in ("amount", "estimate")]
        if totals:
            total = totals[-1]
            assert (expected.budget_min_mad, expected.budget_max_mad) == (total.amount_min_mad, total.amount_max_mad), (
                card.code
            )
            parts_sum = sum((line.amount_max_mad for line in parts), Decimal(0))
            if parts and parts_sum != total.amount_max_mad:
                assert any("total" in note.lower() for note in card.notes), (
                    f"{card.code}: Total {total.amount_max_mad} differs from its lines {parts_sum} and no note says why"
                )
        elif parts:
            assert expected.budget_min_mad == sum((line.amount_min_mad for line in parts), Decimal(0)), card.code
            assert expected.budget_max_mad == sum((line.amount_max_mad for line in parts), Decimal(0)), card.code
        else:
            assert expected.budget_min_mad is None, card.code
        if any(line.kind == "malformed" for line in expected.budget_lines):
            assert card.notes, f"{card.code}: a malformed amount needs a note"


def test_known_inconsistencies_of_the_plan_are_noted(cards) -> None:
    # Read in the plan: each of these cards prints something its reader must be warned about.
    for code in ("HS-CH8-25", "HS-MT1-25", "HE-M13-25", "FIM-39", "FERS-13"):
        assert cards[code].notes, code
    assert any("231 000" in note for note in cards["HE-M13-25"].notes)


def test_indicator_targets_quote_their_numbers(cards) -> None:
    for card in cards.values():
        for target in card.expected.indicator_targets:
            digits = re.sub(r"(?<=\d)[\s.](?=\d{3}\b)", "", target.text)
            for number in (target.value, target.min, target.max):
                if number is not None:
                    printed = format(number.normalize(), "f").replace(".", "[.,]")
                    assert re.search(printed, digits), (card.code, target.text, number)


def test_abbreviations_glossary() -> None:
    with (ROOT / "normalize/data/reference/abbreviations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 100
    assert all(row["acronym"] and row["expansion"] for row in rows)
    pairs = Counter((row["acronym"], row["expansion"]) for row in rows)
    assert max(pairs.values()) == 1
    assert [row["expansion"] for row in rows if row["acronym"] == "HAS"] == [
        "Haute Autorité de Santé",
        "Hôpital Ar- Razi de Salé",
    ]
