"""Scans of the reconstruction read by OCR and scored against the golden set.

    python -m tools.scan_score [--dpi 200] [--pages 20-25] [--rotate 1.0] [--noise 8] [--jpeg 75] [--workers N]
                               [--cache DIR] [--out DIR] [--differences N]

The reconstruction's pages are rendered as images (``--dpi``; turned by ``--rotate`` degrees, with gaussian
noise of ``--noise`` gray levels, saved as JPEG of ``--jpeg`` quality), put together as a PDF with no text
layer, read by the pipeline (``extract_plan``: its pages have no text layer, so every page goes through
OCR) and compared with the golden cards: card recall and invented cards, item exact match per field
(``tools.extraction_vs_golden.compare``), token F1 of the fields (the words of every item of each field of a
card, as multisets), and the budget (min, max) and dates (start, end) the normalizers read against the golden
values. ``--pages`` scores the golden cards printed entirely within those pages (where a card is printed is
read from the reconstruction's text layer). OCR time per page and in total, and the time of a second read
from the cache, are printed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
GOLDEN_CARDS = ROOT / "data/golden/cards"
POINTS_PER_INCH = 72


def scan(
    source: Path,
    out: Path,
    dpi: int,
    pages: tuple[int, int] | None,
    rotate: float,
    noise: float,
    jpeg: int,
    seed: int = 0,
) -> Path:
    """A PDF of page images of ``source`` as a scanner gives them."""
    import numpy as np
    import pypdfium2
    from PIL import Image

    pdf = pypdfium2.PdfDocument(str(source))
    first, last = pages or (1, len(pdf))
    generator = np.random.default_rng(seed)
    images = []
    for index in range(first - 1, last):
        image = pdf[index].render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil().convert("L")
        if rotate:
            image = image.rotate(rotate, resample=Image.BILINEAR, fillcolor=255)
        if noise:
            pixels = np.asarray(image, dtype=np.float32) + generator.normal(0, noise, (image.height, image.width))
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg)
        images.append(Image.open(io.BytesIO(buffer.getvalue())))
    pdf.close()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out


def tokens(texts: list[str]) -> Counter:
    return Counter(word for text in texts for word in text.split())


def token_f1(pairs: list[tuple[list[str], list[str]]]) -> float:
    """Micro-averaged F1 of the words of (golden, extracted) item lists."""
    common = golden_total = extracted_total = 0
    for golden, extracted in pairs:
        a, b = tokens(golden), tokens(extracted)
        common += sum((a & b).values())
        golden_total += sum(a.values())
        extracted_total += sum(b.values())
    if not golden_total or not extracted_total:
        return 0.0
    precision, recall = common / extracted_total, common / golden_total
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def cards_within(pages: tuple[int, int] | None) -> set[str] | None:
    """The canonical codes of the cards printed entirely within ``pages`` of the reconstruction."""
    if pages is None:
        return None
    from extract.run import extract_plan
    from normalize.codes import canonical_code

    extraction = extract_plan(RECONSTRUCTION, {"verify": "off"})
    first, last = pages
    return {canonical_code(card.code) for card in extraction.cards if all(first <= page <= last for page in card.pages)}


def score(extraction, golden_cards, all_codes: set[str] | None = None) -> dict:
    from extract.cards import label_key
    from tools.extraction_vs_golden import card_values, cards_by_code, compare, golden_values

    comparison = compare(extraction, golden_cards)
    by_code = cards_by_code(extraction.cards)
    pairs, budget_ok, dates_ok = [], 0, 0
    for golden in golden_cards:
        card = by_code.get(golden.code_canonical)
        pairs.append(([golden.title], [card.title] if card else []))
        for row in golden.rows:
            match = (
                next((other for other in card.rows if label_key(other.label) == label_key(row.label)), None)
                if card
                else None
            )
            pairs.append((row.items, [item.text for item in match.items] if match else []))
        if card is None:
            continue
        read, expected = card_values(card), golden_values(golden)
        budget_ok += read.budget == expected.budget
        dates_ok += read.dates == expected.dates
    matched = sum(value.matched for value in comparison.fields.values())
    total = sum(value.total for value in comparison.fields.values())
    golden_codes = all_codes or {card.code_canonical for card in golden_cards}
    invented = [code for code in comparison.invented if code not in golden_codes]
    count = len(golden_cards)
    return {
        "cards": count,
        "recall": len(comparison.found) / count if count else 1.0,
        "invented": invented,
        "token_f1": token_f1(pairs),
        "items_exact": matched / total if total else 1.0,
        "budget": budget_ok / count if count else 1.0,
        "dates": dates_ok / count if count else 1.0,
        "fields": {name: value.rate for name, value in sorted(comparison.fields.items())},
        "differences": comparison.differences,
    }


def parse_pages(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--pages", help="FIRST-LAST of the reconstruction (default: all)")
    parser.add_argument("--rotate", type=float, default=0.0)
    parser.add_argument("--noise", type=float, default=0.0)
    parser.add_argument("--jpeg", type=int, default=75)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--cache", help="OCR cache folder (default: a new temporary folder, so the OCR runs)")
    parser.add_argument("--out", help="where to keep the scan (default: a temporary folder)")
    parser.add_argument("--differences", type=int, default=0)
    args = parser.parse_args(argv)

    from extract.run import extract_plan
    from schemas.golden import load_cards

    pages = parse_pages(args.pages)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.out or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        cache = args.cache or str(Path(temporary) / "ocr-cache")
        name = (
            f"scan-{args.dpi}dpi"
            + (f"-rot{args.rotate:g}" if args.rotate else "")
            + (f"-noise{args.noise:g}" if args.noise else "")
        )
        path = scan(RECONSTRUCTION, folder / f"{name}.pdf", args.dpi, pages, args.rotate, args.noise, args.jpeg)
        settings = {"verify": "off", "workers": args.workers, "ocr_cache": cache, "ocr_dpi": max(args.dpi, 200)}
        started = time.perf_counter()
        extraction = extract_plan(path, {**settings, "progress": True})
        first_read = time.perf_counter() - started
        started = time.perf_counter()
        extract_plan(path, settings)
        cached_read = time.perf_counter() - started
    wanted = cards_within(pages)
    every = load_cards(GOLDEN_CARDS)
    golden = [card for card in every if wanted is None or card.code_canonical in wanted]
    # a card cut by the page range is not invented: it is scored only where it is printed whole
    result = score(extraction, golden, {card.code_canonical for card in every})
    ocr_count = len(extraction.ocr_pages)
    print(f"{name}.pdf: {extraction.page_count} pages, {ocr_count} read by OCR")
    print(
        f"time: {first_read:.1f} s in all ({first_read / max(1, ocr_count):.2f} s a page, {args.workers or 'all'} workers); from the cache {cached_read:.1f} s"
    )
    print(
        f"cards {len(golden)}: recall {result['recall']:.2f}, {len(result['invented'])} invented {result['invented'][:5]}; "
        f"token F1 {result['token_f1']:.4f}; items exact {result['items_exact']:.4f}; budget {result['budget']:.2f}; dates {result['dates']:.2f}"
    )
    print("fields: " + ", ".join(f"{name} {rate:.3f}" for name, rate in result["fields"].items()))
    for line in result["differences"][: args.differences]:
        print("  " + line[:300])
    return 0


if __name__ == "__main__":
    sys.exit(main())
