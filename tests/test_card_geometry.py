"""Unit tests of the card reader's geometry building blocks, on small synthetic pages.

Each case is a situation met in a rendering of the plan: a label set at the middle or the foot of its
row, a value printed closer to its label than a cell gap, header rows repeated after a page break, bullets
typed in a column of their own, running headers beside a chapter name that changes, a watermark.
Coordinates are PDF points, top-left origin; a line of text is 10 pt high.
"""

from __future__ import annotations

import pytest

from extract.cards import (
    Band,
    Header,
    Mark,
    PageBands,
    RowLines,
    StreamLine,
    ValueLine,
    band_owners,
    bands_to_row_groups,
    breaks_for_count,
    continues_label,
    free_glyph_column,
    join_label,
    label_alignment,
    label_position,
    line_break,
    paragraph_gap,
    row_gap,
    row_to_value_lines,
    rows_to_bands,
    split_at_column,
    split_repeated_headers,
    starts_label,
    stream_to_headers,
    stretch_split,
    value_column_x,
)
from extract.layout import Line, PageLayout, Segment, Word, drop_furniture, glue_superscripts
from extract.model import Box
from extract.settings import ExtractSettings

SETTINGS = ExtractSettings()
SIZE = 10.0
HEIGHT = 10.0


def word(text: str, x0: float, top: float, width: float | None = None) -> Word:
    return Word(text, x0, top, x0 + (width if width is not None else 5.0 * len(text)), top + HEIGHT, SIZE, False)


def segment(text: str, x0: float, top: float) -> Segment:
    words, x = [], x0
    for part in text.split():
        words.append(word(part, x, top))
        x = words[-1].x1 + 3
    return Segment(words)


def line(page: PageLayout, top: float, *cells: tuple[float, str]) -> StreamLine:
    return StreamLine(Line(page.number, [segment(text, x0, top) for x0, text in cells]), page)


# --- a label printed close to its value -------------------------------------------------------------------

COLUMN = 100.0


@pytest.mark.parametrize(
    "words, expected",
    [
        # « Responsab Pr Aidi … »: a label that fills its narrow cell, 4 pt from its value
        ([("Responsab", 40, 95), ("Pr", 102, 110), ("Aidi", 113, 130)], ["Responsab", "Pr Aidi"]),
        # the label ends well before the value column: nothing to split (line_to_segments did it)
        ([("Budget", 40, 70)], ["Budget"]),
        # a word lying across the column edge: a line of text outside the table, kept whole
        ([("Conclusion", 40, 90), ("générale", 93, 140)], ["Conclusion générale"]),
    ],
)
def test_split_at_column(words, expected) -> None:
    segments = [Segment([Word(text, x0, 0, x1, HEIGHT, SIZE, False) for text, x0, x1 in words])]
    assert [part.text for part in split_at_column(segments, COLUMN)] == expected


# --- header rows repeated on the next page ----------------------------------------------------------------


def header(stream: list[StreamLine], start: int, code: str, title: str, section_at: int | None) -> Header:
    found = Header(start, start + 1, code, title, [stream[start]])
    if section_at is not None:
        found.section_lines, found.section_start = [stream[section_at]], section_at
    return found


def test_a_repeated_header_continues_its_card_and_another_title_is_a_new_card() -> None:
    first, second = PageLayout(1, 595, 842), PageLayout(2, 595, 842)
    stream = [
        line(first, 100, (40, "Hôpital des Spécialités")),
        line(first, 120, (40, "Sous Projet HS-M1-25 : Titre")),
        line(first, 140, (40, "Responsable"), (110, "Pr A")),
        line(second, 60, (40, "Hôpital des Spécialités")),  # the repeated section row
        line(second, 80, (40, "Sous Projet HS-M1-25 : Titre")),  # the repeated header row
        line(second, 100, (40, "Budget"), (110, "10 MDH")),
        line(second, 140, (40, "Hôpital des Spécialités")),
        line(second, 160, (40, "Sous Projet HS-M1-25 : Autre titre")),  # same code, other content
    ]
    headers = [
        header(stream, 1, "HS-M1-25", "Titre", 0),
        header(stream, 4, "HS-M1-25", "Titre", 3),
        header(stream, 7, "HS-M1-25", "Autre titre", 6),
    ]
    openings, repeats = split_repeated_headers(stream, headers)
    assert [item.start for item in openings] == [1, 7]
    assert [item.start for item in repeats] == [4]


@pytest.mark.parametrize(
    "next_page_first, expected_title",
    [
        # the title's last words carried over to the top of the next page, where the header starts
        ((40, "Directeur Informatique et Télécom"), "Elaboration du Schéma Directeur Informatique et Télécom"),
        # the first label of the card opens the next page: the title ended at the page foot
        ((40, "Responsable"), "Elaboration du Schéma"),
        # a value line set beside a label lower down (labels at the middle of their rows): the value column
        ((110, "Directeur des SI"), "Elaboration du Schéma"),
    ],
)
def test_a_title_broken_at_a_page_foot_goes_on_at_the_top_of_the_next_page(next_page_first, expected_title) -> None:
    first, second = PageLayout(1, 595, 842), PageLayout(2, 595, 842)
    stream = [
        line(first, 700, (40, "Budget"), (110, "10 MDH")),
        line(first, 780, (40, "Sous Projet FSI 29 : Elaboration du Schéma")),
        line(second, 60, next_page_first),
        line(second, 80, (40, "Entités concernées"), (110, "CHUIS")),
    ]
    assert [header.title for header in stream_to_headers(stream)] == [expected_title]


# --- bands: which label a value line faces ---------------------------------------------------------------


def band(*marks: tuple[float, int, bool]) -> Band:
    """Marks as (top, row, is_label)."""
    return Band([Mark(top, top + HEIGHT, row, None if is_label else ("line", row)) for top, row, is_label in marks])


@pytest.mark.parametrize(
    "marks, expected",
    [
        ([(100, 0, True), (100, 0, False), (112, 0, False)], "top"),
        ([(100, 0, False), (106, 0, True), (112, 0, False)], "middle"),
        ([(100, 0, False), (112, 0, True), (112, 0, False)], "bottom"),
        ([(100, 0, True), (100, 0, False)], None),  # one value line says nothing
        ([(100, 0, True), (100, 1, True), (112, 0, False)], None),  # two labels in one band
    ],
)
def test_label_position(marks, expected) -> None:
    assert label_position(band(*marks)) == expected


def test_label_alignment_is_the_rows_majority_and_none_on_a_tie() -> None:
    middle = band((100, 0, False), (106, 0, True), (112, 0, False))
    top = band((100, 0, True), (100, 0, False), (112, 0, False))
    assert label_alignment([middle, middle, top]) == "middle"
    assert label_alignment([middle, top]) is None
    assert label_alignment([band((100, 0, True), (100, 0, False))]) is None


# Two labels with two unlabelled bands between them: gaps 9 (after the upper label's band), 4, 9.
STRETCH = [
    band((100, 0, True), (100, 0, False)),  # 100-110
    band((119, 0, False)),  # 119-129
    band((133, 0, False)),  # 133-143
    band((152, 1, True), (152, 1, False)),  # 152-162
]


@pytest.mark.parametrize(
    "alignment, expected_split",
    [
        ("top", 2),  # labels open their rows: everything above the next label is the upper row's
        ("bottom", 0),  # labels close their rows: everything below the upper label is the lower row's
        ("middle", 0),  # the widest gaps tie (9, 9): the one that centres the upper label, right after it
        (None, 2),  # no alignment read: the widest gap, the lower one on a tie
    ],
)
def test_stretch_split(alignment, expected_split) -> None:
    assert stretch_split(STRETCH, 0, 3, alignment, 0, SETTINGS.gap_tie_tolerance) == expected_split


def test_band_owners_split_a_stretch_once_and_give_a_ruled_rows_tail_to_the_next_label() -> None:
    middle_rows = [
        band((100, 0, True), (100, 0, False)),
        band((119, 1, False)),  # gap 9: a row gap, then the lower row's first item
        band((131, 1, False)),  # gap 2: items of one row
        band((143, 1, True), (143, 1, False)),
    ]
    assert band_owners(middle_rows, ruled=False, next_row=None, alignment="middle", tolerance=0.5) == [0, 1, 1, 1]
    # A ruled page whose last band has no label: its label was carried to the next page.
    ruled = [band((100, 0, True), (100, 0, False)), band((130, 0, False))]
    assert band_owners(ruled, ruled=True, next_row=1, alignment=None, tolerance=0.5) == [0, 1]


def test_items_spaced_apart_inside_a_row_are_joined_by_the_cards_row_gap() -> None:
    """Rows 8 pt apart, items 5 pt apart, labels centred: « Objectifs » sits beside its second item, so
    banding by gaps alone leaves its first item on its own, where it looks like the row above's."""
    bands = [
        band((100, 0, True), (100, 0, False)),  # Coordinateur, one line
        band((118, 1, False)),  # gap 8: Objectifs' first item
        band((133, 1, True), (133, 1, False), (145, 1, False)),  # gap 5: its label and second item
        band((163, 2, False)),  # gap 8: Actions
        band((178, 2, True), (178, 2, False)),  # gap 5
    ]
    groups = bands_to_row_groups(bands, 8.0, SETTINGS.gap_tie_tolerance)
    assert [sorted({mark.row for mark in group.marks}) for group in groups] == [[0], [1], [2]]
    assert [label_position(group) for group in groups] == [None, "middle", "bottom"]


def test_row_groups_holding_two_labels_keep_their_bands() -> None:
    """Where rows are no further apart than items, joining would put two labels in one row: left as banded."""
    bands = [band((100, 0, True), (100, 0, False)), band((113, 0, False)), band((126, 1, True), (126, 1, False))]
    assert bands_to_row_groups(bands, 8.0, SETTINGS.gap_tie_tolerance) == bands


def row_lines(page: PageLayout, label: str, label_top: float, values: list[float]) -> RowLines:
    return RowLines(
        label,
        [Box(page.number, 40, label_top, 90, label_top + HEIGHT)],
        [(line(page, top, (110, f"value at {top:g}")), [segment(f"value at {top:g}", 110, top)]) for top in values],
        label_bottom=label_top + HEIGHT,
        label_page=page.number,
    )


def test_rows_to_bands_gives_lines_above_a_centred_label_to_its_row() -> None:
    """Objectifs (2 lines) then Actions (3 lines), labels centred, rows 8 pt apart, lines 2 pt apart; the
    state machine gave the first Actions line to Objectifs (it comes before the Actions label)."""
    page = PageLayout(1, 595, 842)
    objectives = row_lines(page, "Objectifs", 106, [100, 112, 136])  # 136 is Actions' first line
    actions = row_lines(page, "Actions", 148, [148, 160])
    rebanded = rows_to_bands([objectives, actions], SIZE, 2.0, SETTINGS)
    assert [entry.line.top for entry, _ in rebanded[0].lines] == [100, 112]
    assert [entry.line.top for entry, _ in rebanded[1].lines] == [136, 148, 160]


def test_rows_to_bands_keeps_top_aligned_rows_as_read() -> None:
    page = PageLayout(1, 595, 842)
    rows = [row_lines(page, "Objectifs", 100, [100, 112]), row_lines(page, "Actions", 130, [130, 142, 154])]
    rebanded = rows_to_bands(rows, SIZE, 2.0, SETTINGS)
    assert [[entry.line.top for entry, _ in row.lines] for row in rebanded] == [[100, 112], [130, 142, 154]]


def test_a_label_set_above_its_value_line_does_not_narrow_the_row_gap() -> None:
    """Labels at the foot of their rows, rows 10 pt apart, items 5 pt apart. « Actions » was left alone at
    the foot of page 1, its items run on page 2; « Indicateurs » opens at the foot of page 2, its label set
    0.7 pt above its value line by the height left there. Read from the label, the gap before it (9.3 pt)
    is narrower than the card's row gap: the Actions items would join the Indicateurs row."""
    first, second = PageLayout(1, 595, 842), PageLayout(2, 595, 842)
    responsible = row_lines(first, "Responsable", 100, [100])
    objectives = row_lines(first, "Objectifs", 120, [120])  # 10 pt below Responsable
    actions = RowLines("Actions", [Box(1, 40, 800, 90, 810)], [], label_bottom=810, label_page=1)
    actions.lines = [(line(second, top, (110, "Action")), [segment("Action", 110, top)]) for top in (100, 115, 130)]
    value = segment("Taux de conformité", 110, 150)
    indicators = RowLines(
        "Indicateurs",
        [Box(2, 40, 149.3, 90, 159.3)],
        [(StreamLine(Line(2, [segment("Indicateurs", 40, 149.3), value]), second), [value])],
        label_bottom=159.3,
        label_page=2,
    )
    rebanded = rows_to_bands([responsible, objectives, actions, indicators], SIZE, 2.0, SETTINGS, "bottom")
    assert [[(entry.number, entry.line.top) for entry, _ in row.lines] for row in rebanded[2:]] == [
        [(2, 100), (2, 115), (2, 130)],
        [(2, 149.3)],
    ]


def test_two_lines_of_one_wrapped_label_are_one_row() -> None:
    """« Entités / concernées », each line beside an item, items 5 pt apart, rows 10 pt apart: the gap
    between the label's two lines is no gap between rows, and the row's bands join."""
    bands = [
        band((100, 1, False)),
        band((115, 1, True), (115, 1, False)),  # « Entités »
        band((130, 1, True), (130, 1, False)),  # « concernées »
        band((150, 2, True), (150, 2, False)),
    ]
    assert row_gap([PageBands(PageLayout(1, 595, 842), False, None, bands)]) == pytest.approx(10.0)
    groups = bands_to_row_groups(bands, 10.0, SETTINGS.gap_tie_tolerance)
    assert [sorted({mark.row for mark in group.marks}) for group in groups] == [[1], [2]]


def test_a_superscript_keeps_its_word_at_the_height_of_its_line() -> None:
    """« 1er », its « er » raised: the word's box is its body's, so the gap above the line is the leading's."""
    digit = Word("1", 100, 200, 105, 210, SIZE, False)
    raised = Word("er", 105.2, 197, 110, 203.8, 0.68 * SIZE, False)
    glued = glue_superscripts([Word("de", 85, 200, 97, 210, SIZE, False), digit, raised], SETTINGS)
    assert [(item.text, item.top, item.bottom) for item in glued] == [("de", 200, 210), ("1er", 200, 210)]


def test_paragraph_gap_is_the_tight_common_gap() -> None:
    page = PageLayout(1, 595, 842)
    stream = [line(page, top, (40, "texte")) for top in (100, 112, 124, 136, 160, 172, 184, 196, 220, 232, 244)]
    assert paragraph_gap(stream) == pytest.approx(2.0)


# --- bullets in a column of their own ----------------------------------------------------------------------


def value_line(page: PageLayout, top: float, text: str, glyph: str | None = None) -> ValueLine:
    entry = line(page, top, (120, text))
    return ValueLine(entry.line.segments[0].words, entry, glyph)


def test_glyphs_stacked_on_wraps_count_the_items() -> None:
    """Two items, the first wrapping: the second glyph was typed on the second line, a wrap (« de » above)."""
    page = PageLayout(1, 595, 842)
    lines = [
        value_line(page, 100, "Améliorer la prise en charge de", "•"),
        value_line(page, 112, "patients atteints", "•"),
        value_line(page, 124, "Former les équipes"),
    ]
    text_lines, count = free_glyph_column(lines, 300.0, SETTINGS)
    assert count == 2 and all(item.glyph is None for item in text_lines)


def test_glyphs_shifted_past_a_page_break_count_the_items() -> None:
    """A bullet column level with its items on one page, centred in what is left of its cell on the next:
    the glyphs stand on the last line of each item, wraps that their words show (lower case, the line
    above full)."""
    first, second = PageLayout(1, 595, 842), PageLayout(2, 595, 842)
    lines = [
        value_line(first, 700, "Renforcement des procédures de gestion des stocks pour éviter"),
        value_line(second, 60, "les ruptures.", "➢"),
        value_line(second, 72, "Maîtrise du circuit des médicaments onéreux ;", "➢"),
        value_line(second, 84, "Sécurisation du stockage des médicaments sensibles classés comme"),
        value_line(second, 96, "sensibles ou à haut risque.", "➢"),
    ]
    text_lines, count = free_glyph_column(lines, 420.0, SETTINGS)
    assert count == 3 and all(item.glyph is None for item in text_lines)


def test_glyphs_beside_every_item_are_trusted() -> None:
    page = PageLayout(1, 595, 842)
    lines = [
        value_line(page, 100, "Procédures mises en place", "-"),
        value_line(page, 112, "100 % des patients couverts", "-"),
    ]
    assert free_glyph_column(lines, 300.0, SETTINGS) == (lines, None)


def test_a_glyph_alone_on_its_line_marks_a_free_column() -> None:
    page = PageLayout(1, 595, 842)
    lines = [
        value_line(page, 100, "Former les équipes", "•"),
        value_line(page, 110, "•"),
        value_line(page, 124, "Acheter"),
    ]
    text_lines, count = free_glyph_column(lines, 300.0, SETTINGS)
    assert count == 2 and [item.words[0].text for item in text_lines] == ["Former", "Acheter"]


@pytest.mark.parametrize(
    "texts, breaks, count, expected",
    [
        # one break to place among two undecided: the line after a closed one opens the item
        (["Former les équipes;", "Acheter", "le matériel"], [False, None, None], 2, [False, False, True]),
        # the layout already makes the count: undecided lines continue
        (["Former", "Acheter", "suite"], [False, False, None], 2, [False, False, True]),
        # the layout makes more items than glyphs: left as the layout says
        (["A", "B", "C"], [False, False, False], 2, [False, False, False]),
    ],
)
def test_breaks_for_count(texts, breaks, count, expected) -> None:
    page = PageLayout(1, 595, 842)
    lines = [value_line(page, 100 + 12 * index, text) for index, text in enumerate(texts)]
    assert breaks_for_count(lines, breaks, count) == expected


# --- furniture ------------------------------------------------------------------------------------------


def test_running_header_beside_a_changing_chapter_is_furniture_but_a_repeated_bullet_is_not() -> None:
    pages = []
    for number in range(1, 7):
        page = PageLayout(number, 595, 842)
        chapter = "I.1 Activités médicales" if number < 4 else "I.2 PHARMACIE"
        item = [
            "Former les équipes",
            "Acheter le matériel",
            "Réaliser les études",
            "Suivre les indicateurs",
            "Élaborer les procédures",
            "Évaluer les pratiques",
        ][number - 1]
        page.lines = [
            Line(number, [segment(chapter, 40, 20), segment("CHU Ibn Sina — Plan d'actions 2025", 350, 20)]),
            Line(number, [segment("Budget", 40, 400), segment("10 MDH", 110, 400)]),
            # the last row of each page lies in the bottom margin, its bullet at the same height every time
            Line(number, [segment("•", 100, 790), segment(item, 110, 790)]),
            Line(number, [segment(f"Page {number}", 280, 820)]),
        ]
        pages.append(page)
    kept = drop_furniture(pages, SETTINGS)
    assert [[line.text for line in page.lines] for page in kept][:2] == [
        ["Budget 10 MDH", "• Former les équipes"],
        ["Budget 10 MDH", "• Acheter le matériel"],
    ]


def test_a_section_row_repeated_at_the_top_of_pages_is_not_furniture_but_a_header_set_apart_is() -> None:
    """Header rows repeated on each page a card runs onto sit in the top band at the same height on many
    pages, like a running header; they run on into the table below them, a running header stands apart."""
    pages = []
    for number in range(1, 7):
        page = PageLayout(number, 842, 595)
        page.lines = [
            Line(number, [segment("Plan d'actions 2025", 600, 20)]),  # running header, alone in the margin
            Line(number, [segment("Hôpital des Spécialités", 300, 45)]),  # repeated section row
            Line(number, [segment("Sous Projet HS-M1-25 : Titre", 40, 57)]),
            Line(number, [segment("Budget", 40, 69), segment(f"{number}00 000 MAD", 110, 69)]),
        ]
        pages.append(page)
    kept = drop_furniture(pages, SETTINGS)
    assert [line.text for line in kept[0].lines] == [
        "Hôpital des Spécialités",
        "Sous Projet HS-M1-25 : Titre",
        "Budget 100 000 MAD",
    ]


# --- labels broken by a narrow label cell ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Calendrier", True),
        ("Entités", True),  # « Entités / concernées »: the first line of a wrapped label
        ("Calendrie", True),  # « Calendrie / r »: a word broken inside by a cell 2.6 cm wide
        ("Responsa", True),
        ("Entités co", True),
        ("r", False),  # the piece left over says nothing alone
        ("Cal", False),  # too short a piece to say which label it opens
        ("Renforcer les compétences", False),
        ("Action 1 : Février", False),
    ],
)
def test_starts_label(text: str, expected: bool) -> None:
    assert starts_label(text) is expected


# --- dashes: bullets, or the text's own ------------------------------------------------------------------


def value_row(page: PageLayout, texts: list[str]) -> RowLines:
    lines = [
        (line(page, 100 + 12 * index, (120, text)), [segment(text, 120, 100 + 12 * index)])
        for index, text in enumerate(texts)
    ]
    return RowLines("Budget", [Box(page.number, 40, 100, 90, 110)], lines, label_bottom=110, label_page=page.number)


@pytest.mark.parametrize(
    "texts, glyphs, first_words",
    [
        # the row's items open with « • »: the dash opening the wrapped line is the text's (« 3 260 000 – CE 2025 »)
        (
            ["• Budget investissement 10 500 000 DH TTC (CP 2024 : 3 260 000", "– CE 2025 : 7 240 000)."],
            [None, None],
            ["Budget", "–"],
        ),
        # no glyph in the row, but the line above stops inside parentheses: the dash is the text's
        (
            ["Budget investissement : 7 679 376 DH TTC (CP 2024 : 4 079 376", "– CE 2025 : 3 700 000)."],
            [None, None],
            ["Budget", "–"],
        ),
        # the row's items open with dashes: bullets, as the plan prints « - Pr Bouchra MEDDAH »
        (["- Pr Bouchra MEDDAH", "- Dr Rajaa Mamane"], ["-", "-"], ["Pr", "Dr"]),
    ],
)
def test_a_dash_is_a_bullet_only_where_the_rows_items_open_with_dashes(texts, glyphs, first_words) -> None:
    lines = row_to_value_lines(value_row(PageLayout(1, 595, 842), texts))
    assert [item.glyph for item in lines][1:] == glyphs[1:]
    assert [item.words[0].text for item in lines] == first_words


# --- line breaking: does a line go on with the item above? ------------------------------------------------

EDGE = 400.0  # the value cell's right edge less its padding


@pytest.mark.parametrize(
    "above, full, below, expected",
    [
        # « Nombre » would have fit on the line above: that line ended its item
        ("Taux de satisfaction des patients", False, "Nombre de consultations", False),
        # but not after « de », which no item ends on (the cell may be narrower than measured)
        ("Formation continue du personnel de", False, "Médecine", True),
        # the line above is full and this one opens in lower case: a wrap
        ("Améliorer la prise en charge des patients atteints de", True, "sévères", True),
        # full above, a comma at its end: a wrap, whatever the case of the next word
        ("Acquisition des équipements : scanner, IRM,", True, "Mammographe", True),
        # full above, a capital below after a closed phrase: the layout cannot tell
        ("Renforcer la coordination avec les services", True, "Développer la formation", None),
        # a name running on: « Hôpital Moulay » / « Youssef »
        ("Service de pneumologie de l'Hôpital Moulay", True, "Youssef", True),
    ],
)
def test_line_break(above: str, full: bool, below: str, expected: bool | None) -> None:
    page = PageLayout(1, 595, 842)
    previous, line = value_line(page, 100, above), value_line(page, 112, below)
    # a full line ends closer to the cell's edge than the next line's first word is wide
    edge = previous.x1 + (10.0 if full else 200.0)
    assert line_break(previous, line, edge, SETTINGS) is expected


def test_a_glyph_or_a_wide_gap_opens_an_item() -> None:
    page = PageLayout(1, 595, 842)
    above = value_line(page, 100, "Former les équipes de")
    assert line_break(above, value_line(page, 112, "soins", "•"), EDGE, SETTINGS) is False
    # a gap of more than a paragraph's between the lines: a new item, even after « de »
    assert line_break(above, value_line(page, 130, "soins"), EDGE, SETTINGS) is False


# --- labels: joined, continued, and where their values start ---------------------------------------------


@pytest.mark.parametrize(
    "above, below, expected",
    [
        ("Entités", "concernées", "Entités concernées"),
        ("Calendrie", "r", "Calendrier"),  # broken inside the word: glued
        ("Responsa", "ble", "Responsable"),
        ("Indicateur", "s", "Indicateurs"),
        ("Coordinat", "eur", "Coordinateur"),
        ("Budget", "Calendrier", "Budget Calendrier"),  # two labels: kept apart, the caller decides
    ],
)
def test_join_label(above: str, below: str, expected: str) -> None:
    assert join_label(above, below) == expected


@pytest.mark.parametrize(
    "label, below, gap, expected",
    [
        ("Entités", "concernées", 2.0, True),  # the second line of a wrapped label
        ("Indicateur", "s", 2.0, True),  # « Indicateur » is a label, but so is the word it is a piece of
        ("Budget", "Calendrier", 2.0, False),  # two labels, one under the other
        ("Calendrie", "r", 2.0, True),
        ("Entités", "concernées", 14.0, False),  # further below than a wrapped line: another row
    ],
)
def test_continues_label(label: str, below: str, gap: float, expected: bool) -> None:
    page = PageLayout(1, 595, 842)
    row = RowLines(label, [Box(1, 40, 100, 90, 110)], [], label_bottom=110, label_page=1)
    entry = line(page, 110 + gap, (40, below))
    assert continues_label(row, entry, below, SETTINGS) is expected


def test_a_label_carried_to_the_next_page_goes_on_only_to_make_a_label() -> None:
    first, second = PageLayout(1, 595, 842), PageLayout(2, 595, 842)
    row = RowLines("Entités", [Box(1, 40, 800, 90, 810)], [], label_bottom=810, label_page=first.number)
    assert continues_label(row, line(second, 60, (40, "concernées")), "concernées", SETTINGS) is True
    assert continues_label(row, line(second, 60, (40, "Responsable")), "Responsable", SETTINGS) is False


def test_the_value_column_starts_where_values_follow_their_labels() -> None:
    page = PageLayout(1, 595, 842)
    lines = [
        line(page, 100, (40, "Responsable"), (152, "Pr A")),
        line(page, 112, (40, "Coordinateur"), (150, "Pr B")),  # the leftmost value start
        line(page, 124, (150, "suite de la valeur")),  # no label: says nothing
        line(page, 136, (40, "Conclusion"), (120, "générale")),  # not a label
    ]
    assert value_column_x(lines) == 150
    assert value_column_x(lines[2:]) is None


def test_the_header_chain_reads_the_settings_it_is_given() -> None:
    page = PageLayout(1, 595, 842)
    stream = [
        line(page, 100, (40, "Hôpital des Spécialités")),
        line(page, 114, (40, "Sous Projet HS-M1-25 : Mise à niveau du")),
        line(page, 128, (40, "bloc opératoire")),
        line(page, 142, (40, "Responsable"), (110, "Pr A")),
    ]
    (header,) = stream_to_headers(stream)
    assert header.title == "Mise à niveau du bloc opératoire" and header.section_start == 0
    # no wrap allowed: the title stops at its first line, and the section row is not joined either
    (tight,) = stream_to_headers(stream, SETTINGS.model_copy(update={"wrap_gap_ratio": 0.0}))
    assert tight.title == "Mise à niveau du" and tight.section_start == 0


def test_a_list_row_with_a_code_and_no_title_is_kept_for_the_load_step_to_reject() -> None:
    from extract.lists import stream_to_list_rows

    page = PageLayout(1, 595, 842)
    stream = [
        line(page, 60, (40, "Liste des projets")),
        line(page, 100, (40, "HS-01-25"), (110, "Mise à niveau du bloc")),
        line(page, 120, (40, "HS-02-25"), (110, "Équipement de la réanimation")),
        line(page, 140, (40, "HS-03-25")),
    ]
    rows = stream_to_list_rows(stream, set())
    assert [(row.code, row.title) for row in rows] == [
        ("HS-01-25", "Mise à niveau du bloc"),
        ("HS-02-25", "Équipement de la réanimation"),
        ("HS-03-25", ""),
    ]
