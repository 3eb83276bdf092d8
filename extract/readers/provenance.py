"""After the card reader: what an OCR'd page adds to provenance, and card codes read against their grammar.

- Every item printed on an OCR'd page carries ``reader = "tesseract"`` and ``ocr_confidence``: the mean
  confidence (0..1) of the OCR words inside its boxes. Below ``ocr_min_confidence`` it is flagged
  ``low_confidence``, with a finding. Items of text-layer pages keep a null confidence.
- Card codes (and the codes of summary-list rows) that do not read as printed, or whose prefix is cut in two,
  are put right by ``normalize.codes.repair_code``; a card code whose prefix is printed neither on the summary
  list nor in its section, and differs from one of the list's prefixes only by look-alike capitals (FAIC, FAJC),
  is read as listed (``normalize.codes.listed_prefix``) — each repair a ``code_repaired`` finding. A code no
  rule reads is left as printed: the load step makes that card a rejected record with a finding.
"""

from __future__ import annotations

from collections import Counter
from statistics import mean

from extract.layout import PageLayout
from extract.model import Box, Extraction, Finding, Item
from extract.readers.select import is_ocr
from extract.readers.tokens import OCR_READER
from extract.settings import ExtractSettings
from normalize.codes import canonical_code, listed_prefix, repair_code

LOW_CONFIDENCE = "low_confidence"
# A word belongs to an item's box when its centre lies within the box widened by this many points.
BOX_SLACK = 1.0
# Digits a confidence is kept to.
CONFIDENCE_DIGITS = 3


def ocr_words(layouts: list[PageLayout]) -> dict[int, list[tuple]]:
    """Page number -> its OCR words (x0, top, x1, bottom, confidence), for the OCR'd pages."""
    return {layout.number: layout.ocr_words for layout in layouts if is_ocr(layout)}


def box_confidences(box: Box, words: list[tuple]) -> list[float]:
    return [
        confidence
        for x0, top, x1, bottom, confidence in words
        if box.x0 - BOX_SLACK <= (x0 + x1) / 2 <= box.x1 + BOX_SLACK
        and box.top - BOX_SLACK <= (top + bottom) / 2 <= box.bottom + BOX_SLACK
    ]


def card_items(card) -> list[tuple[str, Item]]:
    items = [("header", card.header)] + ([("section", card.section_item)] if card.section_item else [])
    return items + [(row.field or "unknown", item) for row in card.rows for item in row.items]


def ocr_provenance(extraction: Extraction, layouts: list[PageLayout], settings: ExtractSettings) -> list[Finding]:
    """Sets reader, confidence and flag on the items of OCR'd pages; returns the low-confidence findings."""
    pages = ocr_words(layouts)
    extraction.ocr_pages = sorted(pages)
    findings = []
    if not pages:
        return findings
    for card in extraction.cards:
        for name, item in card_items(card):
            ocr_boxes = [box for box in item.boxes if box.page in pages]
            if not ocr_boxes:
                continue
            confidences = [value for box in ocr_boxes for value in box_confidences(box, pages[box.page])]
            item.reader = OCR_READER
            item.ocr_confidence = round(mean(confidences), CONFIDENCE_DIGITS) if confidences else 0.0
            if item.ocr_confidence < settings.ocr_min_confidence:
                item.flag = item.flag or LOW_CONFIDENCE
                findings.append(
                    Finding(
                        LOW_CONFIDENCE,
                        card.code,
                        name,
                        ocr_boxes[0].page,
                        f"{card.code} {name}: « {item.text[:80]} » read by OCR with confidence "
                        f"{item.ocr_confidence:.2f} (below {settings.ocr_min_confidence:.2f}); check it on page {ocr_boxes[0].page}",
                    )
                )
    return findings


def code_prefix(code: str) -> str | None:
    try:
        return canonical_code(code).split("-")[0]
    except ValueError:
        return None


def known_prefixes(prefix_counts: Counter[str], leaving_out: str | None = None) -> frozenset[str]:
    """The prefixes of the document's codes that read as printed, ``leaving_out`` one code: the code being
    put right cannot vouch for its own prefix."""
    counts = Counter(prefix_counts)
    if leaving_out is not None and (own := code_prefix(leaving_out)) is not None:
        counts[own] -= 1
    return frozenset(prefix for prefix, count in counts.items() if count >= 1)


def list_prefixes(extraction: Extraction) -> frozenset[str]:
    """The prefixes of the summary list's codes that read against the grammar."""
    return frozenset(prefix for row in extraction.list_rows if (prefix := code_prefix(row.code or "")) is not None)


def repaired(printed: str, prefixes: frozenset[str]) -> tuple[str, str]:
    """(code, rule): the repaired code and its rule; the printed code and '' when it needs none or no rule
    reads it (then the load step rejects it)."""
    try:
        return repair_code(printed, prefixes)
    except ValueError:
        return printed, ""


def repair_codes(extraction: Extraction) -> list[Finding]:
    """Card and summary-list codes put right where ``repair_code`` can; a ``code_repaired`` finding each."""
    counts = Counter(prefix for card in extraction.cards if (prefix := code_prefix(card.code)) is not None)
    listed = list_prefixes(extraction)
    findings = []
    for card in extraction.cards:
        code, rule = repaired(card.code, known_prefixes(counts, leaving_out=card.code))
        try:
            as_listed = listed_prefix(canonical_code(code), listed, card.section_item.text if card.section_item else "")
        except ValueError:
            as_listed = ""
        if as_listed:
            code, rule = as_listed, " + ".join(filter(None, [rule, "prefix as listed"]))
        if rule:
            page = card.header.page if card.header.boxes else None
            findings.append(
                Finding("code_repaired", code, "code", page, f"card code « {card.code} » read as « {code} » ({rule})")
            )
            card.code = code
    for row in extraction.list_rows:
        if not row.code:
            continue
        code, rule = repaired(row.code, known_prefixes(counts))
        if rule:
            findings.append(
                Finding(
                    "code_repaired", code, "code", row.page, f"list row code « {row.code} » read as « {code} » ({rule})"
                )
            )
            row.code = code
    return findings


def after_cards(extraction: Extraction, layouts: list[PageLayout], settings: ExtractSettings) -> list[Finding]:
    """What ``extract.run`` calls once the cards are read: code repairs, then OCR provenance."""
    return repair_codes(extraction) + ocr_provenance(extraction, layouts, settings)


def text_layer_pages(layouts: list[PageLayout]) -> set[int]:
    """The pages read from their text layer (the second reader, on vector rulings, reads only those)."""
    return {layout.number for layout in layouts if not is_ocr(layout)}
