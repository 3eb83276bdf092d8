"""The two text-layer readers (pdfium, the default, and pdfplumber) give the same page layouts: the same lines
cut into the same cells, the same words, rules and dropped decoration, on every page of the reconstruction,
of the test renderings and of seeded layouts (watermarks and stamps among them). Differences are printed.

Tolerance on word boxes, and why: both readers place a character on its font's em square set on the
descriptor's descent, so boxes agree to float noise (``FLOAT_NOISE``: pdfium computes in single precision,
3e-5 pt at page scale); but pdfium keeps glyph widths as whole thousandths of an em (truncated), so where a
font's widths have decimals (reportlab's renderings; the reconstruction's LibreOffice fonts have whole
widths) each glyph of a run may sit up to 1/1000 em further left than pdfminer puts it. A word may thus
drift by at most ``size / 1000`` per character before it on its line, plus float noise — a bound well under
every layout threshold (the smallest: 0.5 pt), which is why lines, cells and words come out the same.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from extract.errors import InputError
from extract.layout import PageLayout, unique_chars
from extract.pdf import read_layouts
from extract.readers import open_reader, reader_class
from extract.settings import ExtractSettings

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
# Seeds of the layout generator: 2 has a watermark above the text and a stamp, 3 a light stamp, 4 a
# watermark behind the text, 6 neither.
LAYOUT_SEEDS = (2, 3, 4, 6)
FLOAT_NOISE = 0.01  # points
WIDTH_TRUNCATION = 1 / 1000  # of the font size, per character


@pytest.fixture(scope="session")
def documents(variant_pdfs, tmp_path_factory) -> dict[str, Path]:
    from reconstruct.layouts import Layout, render_layout

    folder = tmp_path_factory.mktemp("layouts")
    seeds = {f"layout-{seed}": render_layout(Layout.draw(seed), folder / f"layout-{seed}.pdf") for seed in LAYOUT_SEEDS}
    return {"reconstruction": RECONSTRUCTION, **variant_pdfs, **seeds}


def layout_differences(name: str, ours: PageLayout, theirs: PageLayout) -> list[str]:
    """Every difference between two layouts of one page, as lines to print."""
    where = f"{name} p{ours.number}"
    found = []
    our_lines = [[segment.text for segment in line.segments] for line in ours.lines]
    their_lines = [[segment.text for segment in line.segments] for line in theirs.lines]
    if our_lines != their_lines:
        extra = [" | ".join(line) for line in our_lines if line not in their_lines]
        missing = [" | ".join(line) for line in their_lines if line not in our_lines]
        found.append(f"{where}: lines differ: pdfium only {extra[:3]}, pdfplumber only {missing[:3]}")
    else:
        for our_line, their_line in zip(ours.lines, theirs.lines):
            letters = 0
            for word, other in zip(our_line.words, their_line.words):
                letters += len(word.text)
                bound = FLOAT_NOISE + WIDTH_TRUNCATION * word.size * letters
                drift = max(
                    abs(a - b)
                    for a, b in zip(
                        (word.x0, word.top, word.x1, word.bottom), (other.x0, other.top, other.x1, other.bottom)
                    )
                )
                if (
                    word.text != other.text
                    or word.bold != other.bold
                    or word.size != pytest.approx(other.size, abs=FLOAT_NOISE)
                    or drift > bound
                ):
                    found.append(f"{where}: word {word} vs {other} (drift {drift:.3f} > {bound:.3f} pt)")
    for kind in ("h_rulings", "v_rulings"):
        # a rule's position (rounded to a tenth of a point) the same; its two ends to float noise
        our_rules, their_rules = getattr(ours, kind), getattr(theirs, kind)
        same = len(our_rules) == len(their_rules) and all(
            a[0] == b[0] and a[1:] == pytest.approx(b[1:], abs=FLOAT_NOISE) for a, b in zip(our_rules, their_rules)
        )
        if not same:
            difference = sorted(set(our_rules) ^ set(their_rules))
            found.append(f"{where}: {kind} differ: {difference[:4]}")
    if ours.decoration != theirs.decoration:
        found.append(f"{where}: decoration {ours.decoration[:60]!r} vs {theirs.decoration[:60]!r}")
    if (ours.width, ours.height) != pytest.approx((theirs.width, theirs.height), abs=FLOAT_NOISE):
        found.append(f"{where}: page size {ours.width}×{ours.height} vs {theirs.width}×{theirs.height}")
    return found


@pytest.mark.parametrize(
    "name", ["reconstruction", "ruled", "borderless", "reflow", *(f"layout-{seed}" for seed in LAYOUT_SEEDS)]
)
def test_both_readers_give_the_same_layouts(name, documents) -> None:
    path = documents[name]
    pdfium = read_layouts(path, {"reader": "pdfium"})
    plumber = read_layouts(path, {"reader": "pdfplumber"})
    assert len(pdfium) == len(plumber)
    differences = [line for ours, theirs in zip(pdfium, plumber) for line in layout_differences(name, ours, theirs)]
    for line in differences:
        print(line[:400])
    assert differences == [], f"{name}: {len(differences)} differences between the readers (printed above)"
    assert sum(len(layout.lines) for layout in pdfium) > 10 * len(pdfium)  # pages with text were compared


@pytest.mark.parametrize("name", ["reconstruction", "layout-2"])
def test_both_readers_give_the_same_characters(name, documents) -> None:
    """Every printed character, ligatures (« ti » as one), private-use bullets (U+F0D8…) and decoration
    included: the same multiset per page; spaces are left out (pdfium drops a space after a line-end hyphen)."""
    differences = []
    with open_reader("pdfium", documents[name]) as pdfium, open_reader("pdfplumber", documents[name]) as plumber:
        for number in range(1, pdfium.page_count() + 1):
            ours = Counter(
                char.text for char in unique_chars(pdfium.read_page(number).chars) if not char.text.isspace()
            )
            theirs = Counter(
                char.text for char in unique_chars(plumber.read_page(number).chars) if not char.text.isspace()
            )
            if ours != theirs:
                differences.append(
                    f"{name} p{number}: pdfium only {dict(ours - theirs)}, pdfplumber only {dict(theirs - ours)}"
                )
    print("\n".join(differences))
    assert differences == []


def test_private_use_bullets_come_through_as_printed() -> None:
    """The reconstruction's Wingdings arrows are U+F0D8 in its text layer, as pdfplumber reads them."""
    with open_reader("pdfium", RECONSTRUCTION) as reader:
        texts = Counter(
            char.text for number in range(1, reader.page_count() + 1) for char in reader.read_page(number).chars
        )
    assert texts["\uf0d8"] > 0
    assert texts["ti"] > 0 and texts["ﬁ"] == 0  # a ligature glyph is one character of its letters


def test_unknown_reader_is_named_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="pdfium, pdfplumber"):
        reader_class("mupdf")
    with pytest.raises(ValueError):
        ExtractSettings(reader="mupdf")


def test_the_default_reader_is_pdfium() -> None:
    assert ExtractSettings().reader == "pdfium"


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_a_pdf_with_missing_objects_is_refused_by_both_readers(reader, tmp_path) -> None:
    """pdfium repairs such a file silently and would read on without the missing pages' objects."""
    damaged = bytearray(RECONSTRUCTION.read_bytes())
    damaged[2000:20_000] = b"\0" * 18_000
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(damaged))
    with pytest.raises(InputError, match="damaged"):
        read_layouts(path, {"reader": reader})
