"""Card codes misread the usual ways (OCR, careless typing) are put right against the code grammar, each
repair named; a code no rule reads is refused with ValueError, never read as something else. Every golden
code reads as printed, with no repair."""

from __future__ import annotations

import pytest

from normalize.codes import canonical_code, listed_prefix, repair_code, strict_code

# The prefixes a document's other codes use (the golden plan's, among them).
KNOWN = frozenset({"DCHUIS", "FF", "HMY", "SITS", "HS", "INO", "HE"})


@pytest.mark.parametrize(
    "printed, repaired, rule",
    [
        ("FF O1", "FF-01", "lookalikes"),
        ("FF Ol", "FF-01", "lookalikes"),
        ("SITS l", "SITS-01", "lookalikes"),
        ("HS-M1-2S", "HS-M1-25", "lookalikes"),
        ("H5-M1-25", "HS-M1-25", "lookalikes"),
        ("DCHU IS-PM-PH1-25", "DCHUIS-PM-PH1-25", "split prefix"),
        ("HE- CH3-25", "HE-CH3-25", ""),
        ("HMY-M 7-25", "HMY-M7-25", ""),
    ],
)
def test_misread_codes_are_repaired_with_their_rule(printed: str, repaired: str, rule: str) -> None:
    code, applied = repair_code(printed, KNOWN)
    assert canonical_code(code) == repaired
    assert applied == rule


@pytest.mark.parametrize("printed", ["Sous Projet", "", "---", "Budget : 100 000"])
def test_an_unreadable_code_is_refused(printed: str) -> None:
    with pytest.raises(ValueError):
        repair_code(printed, KNOWN)


def test_every_golden_code_reads_as_printed(golden_cards) -> None:
    prefixes = frozenset(card.code_canonical.split("-")[0] for card in golden_cards)
    for card in golden_cards:
        assert repair_code(card.code, prefixes) == (card.code, ""), card.code
        assert strict_code(card.code_canonical)


def test_a_code_cannot_vouch_for_its_own_prefix_but_one_other_card_can() -> None:
    """« Sous Projet DC » at a page foot, « HUIS-PS-PH4-25 : … » on the next page: one other card of the
    document (DCHUIS-PM-PH2-25) uses the joined prefix, none uses « DC » but the broken code itself."""
    from collections import Counter

    from extract.readers.provenance import code_prefix, known_prefixes

    codes = ["DC HUIS-PS-PH4-25", "DCHUIS-PM-PH2-25", "HS-M3-25", "HS-CH2-25"]
    counts = Counter(code_prefix(code) for code in codes)
    prefixes = known_prefixes(counts, leaving_out="DC HUIS-PS-PH4-25")
    assert "DC" not in prefixes and "DCHUIS" in prefixes
    code, rule = repair_code("DC HUIS-PS-PH4-25", prefixes)
    assert (canonical_code(code), rule) == ("DCHUIS-PS-PH4-25", "split prefix")
    # the other card's own prefix, left out, is vouched for by no one else: it reads as printed
    assert repair_code("DCHUIS-PM-PH2-25", known_prefixes(counts, leaving_out="DCHUIS-PM-PH2-25")) == (
        "DCHUIS-PM-PH2-25",
        "",
    )


# The summary list's prefixes of the golden plan's function cards, among them FAJC (page 123 of the plan).
LISTED = frozenset({"FF", "FAAG", "FERS", "FRH", "FSI", "FIM", "FCG", "FAI", "FCOM", "FCOOP", "FAJC", "FQGR", "FDA"})


@pytest.mark.parametrize(
    "code, section, expected",
    [
        # the 150-dpi scan: the J of FAJC read as I on the three cards, the list and the section read right
        ("FAIC-59", "11.11 Affaires Juridiques et des Contentieux (FAJC)", "FAJC-59"),
        ("FAIC-61", "", "FAJC-61"),
        # the section names the card's own prefix: the card is believed, not the list
        ("FAIC-59", "Affaires Juridiques (FAIC)", ""),
        # listed as printed, or no listed prefix that only look-alike capitals tell apart: left alone
        ("FAJC-59", "", ""),
        ("FAI-50", "", ""),
        ("HXY-M1-25", "", ""),
    ],
)
def test_a_card_prefix_is_read_as_the_list_prints_it_where_only_lookalike_capitals_differ(
    code: str, section: str, expected: str
) -> None:
    assert listed_prefix(code, LISTED, section) == expected


def test_a_prefix_two_listed_prefixes_could_be_is_left_alone() -> None:
    assert listed_prefix("FAIC-59", LISTED | {"FALC"}) == ""


def test_a_card_code_read_as_listed_is_a_finding() -> None:
    """The three FAJC cards of the 150-dpi scan as read (« FAIC 59 »…), the list read right: each card code
    is put right with a code_repaired finding naming what was printed."""
    from extract.model import Box, Card, Extraction, Item, ListRow
    from extract.readers.provenance import repair_codes

    box = Box(124, 62.6, 100.0, 400.0, 110.0)
    section = Item("11.11 Affaires Juridiques et des Contentieux (FAJC)", [box])
    cards = [
        Card(f"FAIC {number}", "titre", section.text, None, Item(f"Sous Projet FAIC {number} : titre", [box]), section)
        for number in (59, 60, 61)
    ]
    rows = [ListRow("Liste", f"FAJC {number}", "titre", None, 123, [box]) for number in (59, 60, 61)]
    extraction = Extraction("scan.pdf", 135, cards, rows, [])
    findings = repair_codes(extraction)
    assert [card.code for card in extraction.cards] == ["FAJC-59", "FAJC-60", "FAJC-61"]
    assert [(finding.kind, finding.code) for finding in findings] == [
        ("code_repaired", "FAJC-59"),
        ("code_repaired", "FAJC-60"),
        ("code_repaired", "FAJC-61"),
    ]
    assert "« FAIC 59 »" in findings[0].message and "prefix as listed" in findings[0].message
