"""Second checking pass: every golden card against the plan's text export, word for word.

Whatever the typed card and the export do not share must be explained, one row at a time, in
data/golden/export_corrections.csv (a glyph slip of the export, debris of a page break).
"""

from schemas.golden import load_cards
from tools.golden_vs_export import (
    CARDS,
    check_card,
    check_unordered_card,
    corrected_export,
    load_corrections,
    load_unordered,
)


def test_unordered_cards_are_few_and_explained() -> None:
    unordered = load_unordered()
    assert len(unordered) <= 8 and all(unordered.values())


def test_every_correction_is_documented_and_applies() -> None:
    corrections = load_corrections()
    for correction in corrections:
        assert correction.card and correction.reason and correction.export_text != correction.plan_text
    corrected_export(corrections)  # raises if a correction's export text is not in the export


def test_every_card_matches_the_export() -> None:
    text = corrected_export(load_corrections())
    unordered = load_unordered()
    cards = load_cards(CARDS)
    report = {}
    for card in cards:
        check = check_unordered_card(card, text) if card.code_canonical in unordered else check_card(card, text)
        if not check.clean:
            report[card.code_canonical] = check.missing + check.residue
    assert not report, "\n".join(f"{code}: {problems}" for code, problems in report.items())
