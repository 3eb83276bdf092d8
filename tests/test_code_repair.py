"""Card codes misread the usual ways (OCR, careless typing) are put right against the code grammar, each
repair named; a code no rule reads is refused with ValueError, never read as something else. Every golden
code reads as printed, with no repair."""

from __future__ import annotations

import pytest

from normalize.codes import canonical_code, repair_code, strict_code

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
