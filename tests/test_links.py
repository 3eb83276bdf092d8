"""Summary-list rows tied to their cards (normalize/links.py), each case one the plan prints."""

from __future__ import annotations

import pytest

from normalize.links import link_list_rows, title_key

CARDS = {
    "FERS-01": "Mettre en place un système de gestion documentaire",
    "FERS-02": "Former les équipes à l'hygiène hospitalière",
    "FQGR-62": "Certifier le laboratoire central",
    "FF-01": "Digitaliser la paie",
}


@pytest.mark.parametrize(
    ("row", "link"),
    [
        # code and title agree, case and accents aside
        (("FF 01", "DIGITALISER LA PAIE"), ("FF-01", "code_and_title")),
        # a code misprinted (« QGR 62 » for FQGR 62): the title finds the card
        (("QGR 62", "Certifier le laboratoire central"), ("FQGR-62", "title")),
        # a code missing: the title finds the card
        ((None, "Former les équipes à l'hygiène hospitalière"), ("FERS-02", "title")),
        # a title the card does not print: the code alone
        (("FF-01", "Paie numérique"), ("FF-01", "code")),
        # neither
        (("FF-09", "Un projet que le plan ne décrit pas"), (None, "none")),
    ],
)
def test_one_row(row, link):
    assert link_list_rows(CARDS, [row]) == [link]


def test_a_list_shifted_by_one_goes_by_titles():
    """The FERS list prints each title beside the next card's code: each row goes to the card it titles."""
    rows = [
        ("FERS-02", "Mettre en place un système de gestion documentaire"),
        ("FERS-03", "Former les équipes à l'hygiène hospitalière"),
    ]
    assert link_list_rows(CARDS, rows) == [("FERS-01", "title"), ("FERS-02", "title")]


def test_a_card_claimed_by_code_and_title_is_not_given_to_a_title_alone():
    rows = [("FF-01", "Digitaliser la paie"), (None, "Digitaliser la paie")]
    assert link_list_rows(CARDS, rows) == [("FF-01", "code_and_title"), (None, "none")]


def test_title_key():
    assert title_key("  Hôpital d'Enfants – (HER) ") == "hopital d enfants her"
