"""Second checking pass: every golden card against the plan's text export, word for word.

Whatever the typed card and the export do not share must be explained, one row at a time, in
data/golden/export_corrections.csv (a glyph slip of the export, debris of a page break).
"""

from schemas.golden import GoldenCard, load_cards
from tools.golden_vs_export import CARDS, check_cards, corrected_export, load_corrections, load_unordered


def test_unordered_cards_are_few_and_explained() -> None:
    unordered = load_unordered()
    assert len(unordered) <= 8 and all(unordered.values())


def test_every_correction_is_documented_and_applies() -> None:
    corrections = load_corrections()
    for correction in corrections:
        assert correction.card and correction.reason and correction.export_text != correction.plan_text
    corrected_export(corrections)  # raises if a correction's export text is not in the export


def test_every_card_matches_the_export() -> None:
    checks = check_cards(load_cards(CARDS))
    assert len(checks) >= 170
    report = {check.code: check.missing + check.residue for check in checks if not check.clean}
    assert not report, "\n".join(f"{code}: {problems}" for code, problems in report.items())


def _altered_card(change) -> GoldenCard:
    card = load_cards(CARDS)[0].model_dump(mode="json")
    change(card)
    return GoldenCard.model_validate(card)


def test_the_check_sees_a_typing_slip() -> None:
    def misspell(card):
        row = next(row for row in card["rows"] if row["label"].startswith("Objectifs"))
        row["items"][0] = row["items"][0].replace("e", "é", 1)

    (check,) = check_cards([_altered_card(misspell)])
    assert check.missing


def test_the_check_sees_a_dropped_item() -> None:
    def drop(card):
        row = next(
            row for row in card["rows"] if len(row["items"]) >= 2 and row["label"] not in ("Budget", "Calendrier")
        )
        del row["items"][0]

    (check,) = check_cards([_altered_card(drop)])
    assert check.residue
