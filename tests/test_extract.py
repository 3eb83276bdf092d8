"""Extraction against the golden cards, on the reconstruction and on every text rendering of the plan."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from extract.cards import bullet_glyphs
from extract.layout import dedupe_chars
from extract.model import Extraction
from extract.run import extract_plan
from extract.settings import ExtractSettings
from extract.verify import compare_cells, get_reader
from normalize.codes import canonical_code
from tools.extraction_vs_golden import compare

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
RENDERINGS = ["reconstruction", "ruled", "borderless", "reflow"]
ITEM_THRESHOLD = 0.99


@pytest.fixture(scope="session")
def rendering_paths(variant_pdfs) -> dict[str, Path]:
    return {"reconstruction": RECONSTRUCTION, **variant_pdfs}


@pytest.fixture(scope="session")
def extractions(rendering_paths) -> dict[str, Extraction]:
    return {}


@pytest.fixture(params=RENDERINGS)
def extracted(request, rendering_paths, extractions) -> tuple[str, Extraction]:
    name = request.param
    if name not in extractions:
        extractions[name] = extract_plan(rendering_paths[name], {"verify": "off"})
    return name, extractions[name]


def test_every_card_found_and_none_invented(extracted, golden_cards) -> None:
    name, extraction = extracted
    comparison = compare(extraction, golden_cards)
    assert comparison.missing == [], f"{name}: cards not found"
    assert comparison.invented == [], f"{name}: cards that are not in the plan"
    assert len(extraction.cards) == len(golden_cards)


def test_items_match_the_golden_cards(extracted, golden_cards) -> None:
    name, extraction = extracted
    comparison = compare(extraction, golden_cards)
    print(f"\n{name}\n{comparison.table()}")
    for line in comparison.differences:
        print(line[:500])
    below = {field: round(score.rate, 4) for field, score in comparison.fields.items() if score.rate < ITEM_THRESHOLD}
    assert not below, f"{name}: fields below {ITEM_THRESHOLD}: {below}"


def page_chars(page) -> list[tuple[float, float, str]]:
    """(x centre, y centre, text) of each printed character; a ligature glyph (« ti », « ff ») counts as
    its letters."""
    return [
        ((char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2, unicodedata.normalize("NFKC", char["text"]))
        for char in dedupe_chars(page).chars
        if not char["text"].isspace()
    ]


def chars_in(chars: list[tuple[float, float, str]], box) -> Counter:
    found = Counter()
    for x, y, text in chars:
        if box.x0 - 0.5 <= x <= box.x1 + 0.5 and box.top - 0.5 <= y <= box.bottom + 0.5:
            found.update(text)
    return found


def test_every_bbox_lies_on_its_page_and_contains_its_text(extracted, rendering_paths) -> None:
    name, extraction = extracted
    glyphs = bullet_glyphs()
    problems = []
    with pdfplumber.open(rendering_paths[name], unicode_norm="NFC") as pdf:
        pages = {}
        for card in extraction.cards:
            for item in card.all_items():
                found = Counter()
                for box in item.boxes:
                    page = pdf.pages[box.page - 1]
                    if not (0 <= box.x0 <= box.x1 <= page.width and 0 <= box.top <= box.bottom <= page.height):
                        problems.append(f"{card.code}: box off page {box}")
                        continue
                    if box.page not in pages:
                        pages[box.page] = page_chars(page)
                    found += chars_in(pages[box.page], box)
                wanted = Counter(char for char in unicodedata.normalize("NFKC", item.text) if not char.isspace())
                missing = wanted - found
                extra = {char for char in found - wanted if char not in glyphs}
                if missing or extra:
                    problems.append(f"{card.code}: {item.text[:60]!r} missing {dict(missing)} extra {sorted(extra)}")
    assert not problems, f"{name}: {len(problems)} items\n" + "\n".join(problems[:20])


def test_every_summary_list_row_is_extracted(extracted) -> None:
    name, extraction = extracted
    lists = json.loads((ROOT / "data/golden/project_lists.json").read_text(encoding="utf-8"))["lists"]
    golden = Counter((row["code"], " ".join(row["title"].split())) for plan_list in lists for row in plan_list["rows"])
    found = Counter((row.code, " ".join(row.title.split())) for row in extraction.list_rows)
    assert golden - found == Counter(), f"{name}: list rows not extracted"
    assert found - golden == Counter(), f"{name}: list rows not in the plan"


def test_list_rows_know_their_section_and_page(extracted) -> None:
    name, extraction = extracted
    assert extraction.list_rows
    assert all(row.section for row in extraction.list_rows)
    card_pages = {canonical_code(card.code): card.pages[0] for card in extraction.cards}
    # A summary list is printed before the cards it announces.
    late = [
        row.code
        for row in extraction.list_rows
        if row.code and canonical_code(row.code) in card_pages and row.page > card_pages[canonical_code(row.code)]
    ]
    assert late == []


def test_cards_know_their_section_chapter_and_pages(extracted, golden_cards) -> None:
    name, extraction = extracted
    chapters = {card.code_canonical: card.chapter for card in golden_cards}
    wrong = [
        (card.code, card.chapter) for card in extraction.cards if card.chapter != chapters[canonical_code(card.code)]
    ]
    assert len(wrong) <= len(golden_cards) // 100, f"{name}: chapters {wrong}"
    assert all(card.pages == sorted(card.pages) and card.pages[-1] - card.pages[0] <= 3 for card in extraction.cards)


@pytest.fixture(scope="session")
def ruled_verified(rendering_paths):
    return extract_plan(rendering_paths["ruled"], {"verify": "all"})


def test_second_reader_reads_every_ruled_card_page_and_agrees(ruled_verified) -> None:
    assert len(ruled_verified.verified_pages) >= 50
    disagreements = [finding.message for finding in ruled_verified.findings if finding.kind == "reader_disagreement"]
    assert disagreements == []
    readers = Counter(item.reader for card in ruled_verified.cards for row in card.rows for item in row.items)
    # the first reader's name (the default, pdfium), then the second's where it reads the same
    assert readers[f"{ExtractSettings().reader}+camelot"] > 0.9 * sum(readers.values())
    assert set(readers) <= {ExtractSettings().reader, f"{ExtractSettings().reader}+camelot"}


def test_second_reader_flags_an_item_it_reads_differently(ruled_verified, rendering_paths) -> None:
    card = next(card for card in ruled_verified.cards if card.rows[0].items)
    item = card.rows[0].items[0]
    page = item.boxes[0].page
    cells = get_reader("camelot").read_cells(rendering_paths["ruled"], [page])
    original = item.text
    item.text = original + " (altéré)"
    try:
        findings = compare_cells(ruled_verified, cells, "camelot")
    finally:
        item.text = original
    assert any(finding.kind == "reader_disagreement" and finding.code == card.code for finding in findings)
    assert item.flag == "reader_disagreement"
    item.flag = None


def test_both_second_readers_see_the_same_cells(rendering_paths) -> None:
    path = rendering_paths["ruled"]
    with pdfplumber.open(path) as pdf:
        page = next(
            number
            for number, page in enumerate(pdf.pages, 1)
            if "Sous Projet" in (page.extract_text() or "") and page.lines
        )
    camelot_cells = get_reader("camelot").read_cells(path, [page])
    plumber_cells = get_reader("pdfplumber-tables").read_cells(path, [page])
    squash = lambda cells: sorted("".join(cell.text.split()) for cell in cells)  # noqa: E731
    assert camelot_cells and squash(camelot_cells) == squash(plumber_cells)
    # camelot's bottom-left boxes arrive in the top-left convention
    page_boxes = {(round(cell.box.x0), round(cell.box.top)) for cell in plumber_cells}
    assert {(round(cell.box.x0), round(cell.box.top)) for cell in camelot_cells} <= {
        (x + dx, y + dy) for x, y in page_boxes for dx in (-1, 0, 1) for dy in (-1, 0, 1)
    }


def test_unknown_reader_is_named_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="camelot, pdfplumber-tables"):
        get_reader("tabula")


@pytest.mark.parametrize("given", [None, {"cell_gap_em": 1.0}, ExtractSettings(workers=1)])
def test_settings_resolve_from_none_dict_or_model(given) -> None:
    settings = ExtractSettings.resolve(given)
    assert isinstance(settings, ExtractSettings)
    assert settings.cell_gap_em == (1.0 if isinstance(given, dict) else 0.8)


def test_settings_reject_unknown_names() -> None:
    with pytest.raises(ValueError):
        ExtractSettings.resolve({"cell_gap": 1.0})
