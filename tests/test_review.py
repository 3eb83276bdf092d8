"""The review site (``make review``) in a real browser: headless Debian chromium driven by Playwright, with the
system browser (no browser download). The index filters, searches and sorts; a card's items and boxes are
linked both ways and every box lies where field_items says on the rendered page; a corrected item shows its
original. Expected values come from the golden set, the PDF (page sizes, read by pdfplumber) and field_items.
Screenshots go to the test's temporary folder."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import duckdb
import pdfplumber
import pytest
from conftest import run_load
from PIL import Image

from load.corrections import COLUMNS, read_corrections
from schemas.golden import load_card

# Every test here builds the dataset and its site, most drive a browser.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}
# The promises of issue 16: the site in under 30 s, under 60 MB; a box within 2 px of where field_items puts it;
# a 9-pt line at least 18 px high on the page image (legible without zooming).
SITE_SECONDS = 30
SITE_BYTES = 60_000_000
BOX_TOLERANCE_PX = 2
MIN_PIXELS_PER_POINT = 2.0

CORRECTED_CODE = "HS-M1-25"
GOLDEN_M1 = load_card(ROOT / f"data/golden/cards/{CORRECTED_CODE}.json")
BUDGET_M1 = next(row.items for row in GOLDEN_M1.rows if row.label == "Budget")[0]
CORRECTED_BUDGET_M1 = BUDGET_M1.replace("700 000", "750 000")
REASON = "amount confirmed by the finance department"
# A card printed on two pages, one of its items cut by the page break (part 1 on the next page).
TWO_PAGE_CODE = "DCHUIS-PM-PH3-25"


def run_review(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "review", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict:
    """A dataset built with one correction, and its review site, timed."""
    folder = tmp_path_factory.mktemp("review")
    corrections = folder / "corrections.csv"
    with corrections.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerow([CORRECTED_CODE, "budget", 0, BUDGET_M1, CORRECTED_BUDGET_M1, REASON])
    out = folder / "clean"
    built = run_load(RECONSTRUCTION, "--out", out, "-q", "--corrections", corrections)
    assert built.returncode == 0, built.stderr
    started = time.perf_counter()
    result = run_review(out, "--pdf", RECONSTRUCTION)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    print(result.stdout.strip(), f"(wall {seconds:.1f} s)")
    shots = folder / "screenshots"
    shots.mkdir()
    return {"out": out, "root": out / "review", "seconds": seconds, "stdout": result.stdout, "shots": shots}


@pytest.fixture(scope="module")
def db(site):
    connection = duckdb.connect(str(site["out"] / "plan.duckdb"), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: the review site's browser tests drive Debian's chromium; "
            "run `make setup` as root, or `apt-get install -y chromium`",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], "JavaScript errors on the page"


def url(site: dict, path: str) -> str:
    return (site["root"] / path).as_uri()


def fold(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(char) != "Mn")


def owner(code: str) -> str:
    return re.split(r"[-\s]", code)[0]


def visible_codes(page) -> list[str]:
    return page.eval_on_selector_all("#card-table tbody tr:not([hidden])", "rows => rows.map(row => row.dataset.code)")


# --- size, speed, offline -----------------------------------------------------------------------------------


def test_the_site_is_built_fast_and_small(site) -> None:
    size = sum(path.stat().st_size for path in site["root"].rglob("*") if path.is_file())
    print(f"site: {site['seconds']:.1f} s, {size / 1e6:.1f} MB")
    assert site["seconds"] < SITE_SECONDS
    assert size < SITE_BYTES
    assert site["stdout"].startswith(f"{site['root']}: 180 cards, ")


def test_one_page_image_per_pdf_page_legible_at_9_points(site, db) -> None:
    pages = {page for (page,) in db.execute("SELECT DISTINCT page FROM field_items").fetchall()}
    images = sorted((site["root"] / "pages").iterdir())
    assert len(images) == len(pages)
    with pdfplumber.open(RECONSTRUCTION) as pdf:
        for path in images:
            number = int(re.search(r"\d+", path.stem)[0])
            with Image.open(path) as image:
                assert image.width / float(pdf.pages[number - 1].width) >= MIN_PIXELS_PER_POINT, path.name


def test_the_site_works_offline(site) -> None:
    for path in site["root"].rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path.name
    assert len(list((site["root"] / "cards").glob("*.html"))) == 180


def test_a_missing_dataset_or_another_pdf_is_one_line(tmp_path, site) -> None:
    missing = run_review(tmp_path / "nothing")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no plan.duckdb" in missing.stderr
    other = tmp_path / "other.pdf"
    other.write_bytes(RECONSTRUCTION.read_bytes() + b"\n% another revision\n")
    wrong = run_review(site["out"], "--pdf", other)
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "not the PDF" in wrong.stderr
    assert "Traceback" not in missing.stderr + wrong.stderr


# --- the index ----------------------------------------------------------------------------------------------


def test_the_index_lists_every_card_and_filters(site, page, golden_cards, db) -> None:
    page.goto(url(site, "index.html"))
    assert sorted(visible_codes(page)) == sorted(card.code_canonical for card in golden_cards)
    assert page.inner_text("#count") == f"{len(golden_cards)} of {len(golden_cards)} cards"
    page.screenshot(path=str(site["shots"] / "index.png"))

    page.select_option("#f-owner", "HS")
    assert sorted(visible_codes(page)) == sorted(
        card.code_canonical for card in golden_cards if owner(card.code_canonical) == "HS"
    )
    page.select_option("#f-owner", "")
    page.select_option("#f-chapter", "II.1")
    assert sorted(visible_codes(page)) == sorted(card.code_canonical for card in golden_cards if card.chapter == "II.1")
    page.select_option("#f-budget", "amount")
    want = sorted(
        card.code_canonical
        for card in golden_cards
        if card.chapter == "II.1" and card.expected.budget_category == "amount"
    )
    assert want and sorted(visible_codes(page)) == want
    page.select_option("#f-chapter", "")
    page.select_option("#f-budget", "none")
    assert sorted(visible_codes(page)) == sorted(
        card.code_canonical for card in golden_cards if card.expected.budget_category == "none"
    )
    page.select_option("#f-budget", "")
    page.select_option("#f-findings", "yes")
    with_findings = {
        code for (code,) in db.execute("SELECT DISTINCT code FROM findings WHERE code IS NOT NULL").fetchall()
    }
    assert set(visible_codes(page)) == with_findings
    page.select_option("#f-findings", "no")
    assert set(visible_codes(page)) == {card.code_canonical for card in golden_cards} - with_findings


def test_the_index_searches_every_text_of_a_card(site, page, golden_cards) -> None:
    page.goto(url(site, "index.html"))
    page.fill("#f-search", "Glaucome")
    want = sorted(
        card.code_canonical for card in golden_cards
        if "glaucome" in fold(" ".join([card.code, card.title, card.section] + [item for row in card.rows for item in row.items]))
    )  # fmt: skip
    assert want and sorted(visible_codes(page)) == want
    page.fill("#f-search", "THERAPEUTIQUE hs-m1-25")  # every word must match; accents and case folded
    assert visible_codes(page) == [CORRECTED_CODE]
    page.screenshot(path=str(site["shots"] / "index-search.png"))


def test_the_index_sorts_by_budget(site, page, golden_cards) -> None:
    page.goto(url(site, "index.html"))
    budgets = {
        card.code_canonical: card.expected.budget_max_mad
        for card in golden_cards
        if card.expected.budget_max_mad is not None
    }
    budgets[CORRECTED_CODE] = 750_000  # the correction of this test's dataset
    header = page.locator("#card-table th", has_text="budget (MAD)")
    header.click()
    assert visible_codes(page)[0] in {code for code, amount in budgets.items() if amount == min(budgets.values())}
    header.click()
    first = visible_codes(page)[: len(budgets)]
    assert first[0] in {code for code, amount in budgets.items() if amount == max(budgets.values())}
    assert [budgets[code] for code in first] == sorted(budgets.values(), reverse=True)


def test_findings_link_to_their_cards(site, page, db) -> None:
    page.goto(url(site, "index.html"))
    code = db.execute("SELECT code FROM findings WHERE kind = 'total_mismatch'").fetchone()[0]
    page.select_option("#f-kind", "total_mismatch")
    rows = page.locator("table.findings tbody tr:not([hidden])")
    assert rows.count() == db.execute("SELECT count(*) FROM findings WHERE kind = 'total_mismatch'").fetchone()[0]
    rows.first.locator("a").click()
    assert page.url.split("#")[0].endswith(f"/cards/{code}.html")
    assert "total_mismatch" in page.inner_text("#field-budget .findings")


# --- a card -------------------------------------------------------------------------------------------------


def item_rows(db, code: str) -> list[dict]:
    cursor = db.execute("SELECT * FROM field_items WHERE code = ? ORDER BY field, item_index, part", [code])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def test_a_card_opens_from_the_index_with_every_item_and_its_box(site, page, db) -> None:
    page.goto(url(site, "index.html"))
    page.fill("#f-search", TWO_PAGE_CODE)
    page.click(f'#card-table a[href="cards/{TWO_PAGE_CODE}.html"]')
    assert page.url.endswith(f"/cards/{TWO_PAGE_CODE}.html")
    items = item_rows(db, TWO_PAGE_CODE)
    first_parts = {(item["field"], item["item_index"]): item for item in items if item["part"] == 0}
    shown = page.eval_on_selector_all(
        "li.item",
        "items => items.map(item => [item.dataset.field, Number(item.dataset.index), Number(item.dataset.page), item.dataset.bbox])",
    )
    assert len(shown) == len(first_parts)
    for field, index, number, box in shown:
        row = first_parts[(field, index)]
        assert number == row["page"]
        assert [float(value) for value in box.split(",")] == [row["x0"], row["top"], row["x1"], row["bottom"]]
    assert page.locator(".box").count() == len(items)  # one box per part: an item cut by the page break has two


def box_on_image(page, selector: str) -> tuple[dict, dict]:
    """The rectangle of the first element matching ``selector`` and of the page image it is drawn on, CSS px."""
    return page.eval_on_selector(
        selector,
        """box => {
            const image = box.closest('.sheet').querySelector('img').getBoundingClientRect();
            const rect = box.getBoundingClientRect();
            return [{x: rect.x, y: rect.y, width: rect.width, height: rect.height},
                    {x: image.x, y: image.y, width: image.width, height: image.height}];
        }""",
    )


def in_view(page, selector: str, pane: str) -> bool:
    return page.eval_on_selector(
        selector,
        f"""element => {{
            const rect = element.getBoundingClientRect(), view = document.querySelector('{pane}').getBoundingClientRect();
            return rect.top >= view.top - 1 && rect.bottom <= view.bottom + 1;
        }}""",
    )


def test_selecting_an_item_highlights_its_box_where_field_items_says(site, page, db) -> None:
    page.goto(url(site, f"cards/{TWO_PAGE_CODE}.html"))
    items = item_rows(db, TWO_PAGE_CODE)
    with pdfplumber.open(RECONSTRUCTION) as pdf:
        sizes = {
            item["page"]: (float(pdf.pages[item["page"] - 1].width), float(pdf.pages[item["page"] - 1].height))
            for item in items
        }
    checked = 0
    for item in items:
        if item["part"] != 0:
            continue
        element = f"#i-{item['field']}-{item['item_index']}"
        page.click(element)
        assert page.get_attribute(element, "class").split().count("selected") == 1
        selected = f'.box.selected[data-item="i-{item["field"]}-{item["item_index"]}"]'
        assert page.locator(selected).count() == sum(
            1 for other in items if (other["field"], other["item_index"]) == (item["field"], item["item_index"])
        )
        box, image = box_on_image(page, selected)
        width, height = sizes[item["page"]]
        scale_x, scale_y = image["width"] / width, image["height"] / height
        expected = {
            "x": image["x"] + item["x0"] * scale_x, "y": image["y"] + item["top"] * scale_y,
            "width": (item["x1"] - item["x0"]) * scale_x, "height": (item["bottom"] - item["top"]) * scale_y,
        }  # fmt: skip
        for side in expected:
            assert abs(box[side] - expected[side]) <= BOX_TOLERANCE_PX, (element, side, box, expected)
        assert in_view(page, selected, "#pages"), f"{element}: the page was not scrolled to its box"
        checked += 1
        if checked == 1:
            page.screenshot(path=str(site["shots"] / "card-selected.png"))
    assert checked >= 10


def test_a_box_selects_its_item_and_an_item_lights_its_box(site, page, db) -> None:
    page.goto(url(site, f"cards/{TWO_PAGE_CODE}.html"))
    cut = next(item for item in item_rows(db, TWO_PAGE_CODE) if item["part"] == 1)
    item_id = f"i-{cut['field']}-{cut['item_index']}"
    # the second part, on the next page: a click on it selects the item and scrolls the values to it
    page.locator(f'.box[data-item="{item_id}"]').nth(1).click()
    assert "selected" in page.get_attribute(f"#{item_id}", "class").split()
    assert in_view(page, f"#{item_id}", "#values")
    assert page.locator(".box.selected").count() == 2
    # hovering another item lights its box
    other = page.locator("li.item").first
    other.hover()
    other_id = other.get_attribute("id")
    assert "hover" in page.get_attribute(f'.box[data-item="{other_id}"]', "class").split()


def test_a_corrected_item_shows_its_original_and_its_reason(site, page, db) -> None:
    page.goto(url(site, f"cards/{CORRECTED_CODE}.html"))
    item = page.locator("#i-budget-0")
    assert "corrected" in item.get_attribute("class").split()
    assert item.locator(".text").inner_text() == CORRECTED_BUDGET_M1
    assert item.locator(".original del").inner_text() == BUDGET_M1
    assert REASON in item.locator(".original").inner_text()
    item.click()
    page.screenshot(path=str(site["shots"] / "card-corrected.png"))
    # the card's amount is the corrected one, and the page image still shows what is printed
    assert page.inner_text("#value-budget_min_mad .value") == "750000.00"


def test_each_item_carries_its_correction_key_ready_to_paste(site, page, db, tmp_path) -> None:
    page.goto(url(site, f"cards/{CORRECTED_CODE}.html"))
    keys = page.eval_on_selector_all("li.item button.copy", "buttons => buttons.map(button => button.dataset.copy)")
    assert (
        len(keys)
        == db.execute("SELECT count(*) FROM field_items WHERE code = ? AND part = 0", [CORRECTED_CODE]).fetchone()[0]
    )
    path = tmp_path / "corrections.csv"
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(keys) + "\n", encoding="utf-8")
    read = {(row.field, row.item_index): row.extracted for row in read_corrections(path)}
    want = {
        (row[0], row[1]): " ".join(row[2].split())
        for row in db.execute(
            "SELECT field, item_index, extracted_text FROM field_items WHERE code = ? AND part = 0", [CORRECTED_CODE]
        ).fetchall()
    }
    assert read == want  # the anchor of the corrected item is its extracted text
    button = page.locator("#i-budget-0 button.copy")
    page.click("#i-budget-0")
    button.click()
    assert button.inner_text() == "copied"


def test_every_card_page_has_its_items(site, db) -> None:
    counts = Counter(code for (code,) in db.execute("SELECT code FROM field_items WHERE part = 0").fetchall())
    for code, count in counts.items():
        text = (site["root"] / "cards" / f"{code}.html").read_text(encoding="utf-8")
        assert text.count('<li class="item') == count, code
