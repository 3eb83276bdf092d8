"""The benchmark's card assembly and scoring on a small hand-made input (the benchmark itself is `make bench`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bench.assemble import assemble, label_of, split_items
from bench.score import score
from schemas.golden import GoldenCard


def golden_card() -> GoldenCard:
    return GoldenCard.model_validate(
        {
            "code": "HS-CH7-25",
            "code_canonical": "HS-CH7-25",
            "section": "Hôpital des Spécialités",
            "chapter": "II.1",
            "title": "Microchirurgie pour reconstruction cervico-faciale",
            "rows": [
                {"label": "Entités concernées", "items": ["Service de chirurgie maxillo-faciale"]},
                {"label": "Responsable", "items": ["Pr Boulaadass Malik"]},
                {
                    "label": "Actions",
                    "items": [
                        "Planification et préparation (équipe, matériel, protocoles)",
                        "Mise en œuvre des interventions",
                    ],
                },
                {
                    "label": "Budget",
                    "items": ["Équipement microchirurgical : 1 850 000 MAD", "Formation : 155 000 MAD"],
                },
                {"label": "Calendrier", "items": ["1 janvier - 31 décembre 2025"]},
            ],
            "notes": [],
            "expected": {
                "budget_lines": [
                    {
                        "text": "Équipement microchirurgical : 1 850 000 MAD",
                        "amount_min_mad": "1850000",
                        "amount_max_mad": "1850000",
                        "kind": "amount",
                        "flags": [],
                    },
                    {
                        "text": "Formation : 155 000 MAD",
                        "amount_min_mad": "155000",
                        "amount_max_mad": "155000",
                        "kind": "amount",
                        "flags": [],
                    },
                ],
                "budget_min_mad": "2005000",
                "budget_max_mad": "2005000",
                "budget_category": "amount",
                "schedule_category": "dated",
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
                "schedule_phases": [
                    {
                        "text": "1 janvier - 31 décembre 2025",
                        "label": None,
                        "start_date": "2025-01-01",
                        "end_date": "2025-12-31",
                    }
                ],
                "indicator_targets": [],
            },
        }
    )


# The card's table broken by a page: the header's code and title in two cells, a label wrapped over two
# lines, an item wrapped inside its bullet, the Budget row's glyphs glued to the text, then a table at the
# top of the next page with the Calendrier row. A list table later on that page is not part of the card.
TABLES = [
    (4, [["Code", "Intitulé"], ["DAMS-1-25", "Appui"]]),
    (
        5,
        [
            ["Hôpital des Spécialités", None],
            ["Sous Projet HS-CH7-25 :", "Microchirurgie pour reconstruction\ncervico-faciale"],
            ["Entités\nconcernées", "- Service de chirurgie maxillo-faciale"],
            ["Responsable", "- Pr Boulaadass Malik"],
            [
                "Actions",
                "- Planification et préparation (équipe,\nmatériel, protocoles)\n- Mise en œuvre des interventions",
            ],
            ["Budget", "-Équipement microchirurgical : 1 850 000 MAD\n-Formation : 155 000 MAD"],
        ],
    ),
    (6, [["Calendrier", "1 janvier - 31 décembre 2025"]]),
    (6, [["Code", "Intitulé"], ["Objectifs", "not this card's"]]),
]


def test_labels_and_items_follow_the_shared_rules() -> None:
    assert label_of("Entités\nconcernées") == "entities"
    assert label_of("- COORDONNATEUR :") == "coordinators"
    assert label_of("Hôpital des Spécialités") is None
    assert split_items("- a\nb\n- c") == ["a b", "c"]
    assert split_items("a\nb") == ["a", "b"]  # no glyph: one item a line
    assert split_items("-") == ["-"]


def test_assembly_builds_the_card_across_the_page() -> None:
    [card] = assemble(TABLES)
    assert (card.code, card.section, card.page) == ("HS-CH7-25", "Hôpital des Spécialités", 5)
    assert card.title == "Microchirurgie pour reconstruction cervico-faciale"
    assert [row.field for row in card.rows] == ["entities", "responsibles", "actions", "budget", "schedule"]


def test_scoring_counts_cards_items_budget_and_dates() -> None:
    golden = golden_card()
    assert golden.expected.start_date == dt.date(2025, 1, 1) and golden.expected.budget_min_mad == Decimal("2005000")
    perfect = score([card.as_dict() for card in assemble(TABLES)], [golden])
    assert (perfect.found, perfect.invented, perfect.budget_agree, perfect.dates_agree) == (1, 0, 1, 1)
    assert perfect.accuracy == 1.0

    # Without its top-of-page table the card loses its Calendrier: its label and its item are missing, dates disagree.
    # A card with a code the golden set lacks is invented, one with no code shape too.
    cards = [card.as_dict() for card in assemble(TABLES[:2])]
    cards += [
        {"code": "ZZ-9-25", "title": "", "section": "", "rows": []},
        {"code": "???", "title": "", "section": "", "rows": []},
    ]
    partial = score(cards, [golden])
    assert (partial.found, partial.invented, partial.budget_agree, partial.dates_agree) == (1, 2, 1, 0)
    assert partial.matched == 13 and partial.total == 15
    assert partial.fields["schedule"] == 0.0

    nothing = score([], [golden])
    assert (nothing.recall, nothing.accuracy, nothing.budget_agree) == (0.0, 0.0, 0)


def test_a_label_wrapped_onto_the_next_row_is_completed() -> None:
    rows = [
        ["Sous Projet HS-CH7-25 : Microchirurgie", "", ""],
        ["Entités", "-", "Service de chirurgie"],
        ["concernées", "", ""],
        ["", "-", "Service d'ORL"],
    ]
    [card] = assemble([(1, rows)])
    assert [(row.label, row.items) for row in card.rows] == [
        ("Entités concernées", ["Service de chirurgie", "Service d'ORL"])
    ]


def test_a_label_glued_to_its_value_and_a_wrapped_title() -> None:
    rows = [
        ["Sous Projet HE-M8-25 : Prévention de la douleur en oncologie"],
        ["pédiatrique"],
        ["Responsable - Pr. Laila Hessissen"],
        ["Actions • Mise en place d'un guide"],
        ["• Formation du personnel"],
        ["Budget"],
        ["Calendrier 1 janvier - 31 décembre 2025"],
        ["Budget alloué ailleurs"],
    ]
    [card] = assemble([(1, rows)])
    assert card.title == "Prévention de la douleur en oncologie pédiatrique"
    assert [(row.field, row.items) for row in card.rows] == [
        ("responsibles", ["Pr. Laila Hessissen"]),
        ("actions", ["Mise en place d'un guide", "Formation du personnel"]),
        ("budget", []),
        ("schedule", ["1 janvier - 31 décembre 2025", "Budget alloué ailleurs"]),
    ]


def test_a_value_printed_between_the_two_lines_of_its_label() -> None:
    rows = [["Sous Projet HE-M8-25 : Douleur"], ["Entités - SHOP"], ["concernées"], ["Responsable - Pr. X"]]
    [card] = assemble([(1, rows)])
    assert [(row.label, row.items) for row in card.rows] == [
        ("Entités concernées", ["SHOP"]),
        ("Responsable", ["Pr. X"]),
    ]


def test_the_report_keeps_the_sections_other_tools_wrote() -> None:
    from bench.__main__ import other_sections

    previous = "\n".join(
        ["# Benchmark", "", "## Notes", "old note", "", "## Text-layer readers", "| a | b |", "", "## Seeds", "x"]
    )
    lines = ["# Benchmark", "", "## Notes", "new note"]
    assert other_sections(previous, lines) == ["## Text-layer readers", "| a | b |", "", "## Seeds", "x"]
    assert other_sections("", lines) == []
