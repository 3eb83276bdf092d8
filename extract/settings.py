"""One settings model for extraction, with named defaults; accepts None, a dict or a model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ExtractSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Page reader: "pdfium" (pypdfium2) or "pdfplumber" (pdfminer) read the text layer and give the same page
    # layouts (pages without one are read by OCR); "tesseract" reads every page by OCR, text layer or not.
    reader: str = Field(default="pdfium", pattern="^(pdfium|pdfplumber|tesseract)$")
    # Words: characters closer than this (points) belong to the same word.
    x_tolerance: float = 1.5
    # ... and characters whose tops differ by more than this (points) are on different lines.
    y_tolerance: float = 2.0
    # Rules: a horizontal edge longer than this (points) is a rule (shorter ones are glyph-like marks) ...
    ruling_min_width: float = 8.0
    # ... and a vertical edge taller than this (points).
    ruling_min_height: float = 4.0
    # Rule positions are rounded to this step (points), so that the two edges of a hairline rectangle and a
    # line drawn over them count once.
    ruling_position_step: float = 0.1
    # Coordinates are first brought to this resolution (points): finer than any PDF writer's decimals, coarser
    # than the float noise of either reader (float32 in pdfium: 3e-5 pt at page scale).
    coordinate_resolution: float = 1e-4
    # Segments: a horizontal gap wider than this many font sizes separates two cells of a line.
    cell_gap_em: float = 0.8
    # Lines: a gap between two lines of one paragraph is below this many line heights; above it, a new item.
    paragraph_gap: float = 0.55
    # Rows of a table without rules: a gap this many font sizes wider than the usual gap between lines
    # separates two rows.
    row_gap_em: float = 0.25
    # A card's own rows decide how it sets its labels (top, middle, bottom) from this many agreeing votes;
    # below it, the document's vote does.
    alignment_min_votes: int = 2
    # Two gaps between rows differing by no more than this (points) tie.
    gap_tie_tolerance: float = 0.5
    # Rules: a rule within this distance (points) of a gap counts as lying in it …
    rule_position_tolerance: float = 0.5
    # … and it must run across more than this many points of the text it separates.
    rule_min_overlap: float = 4.0
    # A rule opening a row of the table is wider than this (points), not a bullet's underline.
    row_rule_min_width: float = 20.0
    # A title, a section name or a label wraps onto a line no further below than this many line heights.
    wrap_gap_ratio: float = 0.6
    label_wrap_gap_ratio: float = 0.8
    # Text this many times the body size or larger is a heading: it ends the card.
    heading_size_ratio: float = 1.15
    # A chapter number (« II.3 ») printed this many times the body size is the chapter's heading.
    chapter_size_ratio: float = 1.1
    # Text starting within this many points of the value column belongs to it.
    column_tolerance: float = 2.0
    # A lone known label this many points left of the value column opens a card's plain-text part.
    untabled_indent: float = 20.0
    # A cell's padding, read from its text and its left rule, lies between these (points).
    cell_padding_min: float = 1.0
    cell_padding_max: float = 12.0
    # The width of a space, in font sizes (line fill: would the next word have fit?).
    space_width_em: float = 0.28
    # A word fits on the line above when it ends at least this many points inside the edge.
    fit_margin: float = 0.5
    # A line further below the one above than (paragraph_gap + this) line heights opens an item.
    line_gap_allowance: float = 0.6
    # Lines: words smaller than this share of the page's body size are superscripts (« 1er »), glued to the
    # word they touch (closer than touching_gap points) and set on its line.
    superscript_size_ratio: float = 0.8
    touching_gap: float = 0.6
    # A word whose middle lies within this many points of a line's extent is on that line.
    line_overlap_slack: float = 0.5
    # Running headers repeat on at least this many pages (and furniture_share of them).
    furniture_min_pages: int = 3
    # Summary lists: columns are where at least list_column_min_lines lines (and list_column_min_share of the
    # list's lines) start, left edges rounded to list_column_step points; text within list_column_slack points
    # of a column starts in it.
    list_column_step: float = 4.0
    list_column_min_lines: int = 2
    list_column_min_share: float = 0.1
    list_column_slack: float = 6.0
    # Summary lists: a rule between two rows is looked for across this many points from the title column.
    list_rule_probe_width: float = 40.0
    # Running headers and footers: text repeated at the same height on this share of the pages is dropped.
    furniture_share: float = 0.3
    # ... and set apart from the page's body text by more than this many of its line heights.
    furniture_min_gap: float = 1.0
    # ... a repeated piece of text counts from this many letters or digits (a repeated bullet does not).
    furniture_min_letters: int = 3
    # ... at the same height: tops rounded to this many points.
    furniture_height_step: float = 6.0
    # Page margins (share of the page height) where running headers and footers are looked for.
    furniture_band: float = 0.1
    # Page decoration: characters set at more than this angle (degrees) are a watermark, not content.
    decoration_max_angle: float = 2.0
    # ... and upright characters this many times the page's body size, when light or printed over text (a stamp).
    decoration_size_ratio: float = 2.0
    # Luminance (0 black, 1 white) from which large text counts as light.
    decoration_min_luminance: float = 0.35
    # Worker processes for reading pages; 0 means one per core.
    workers: int = Field(default=0, ge=0)
    # Second reader (camelot lattice) on ruled card pages: "off", "uncertain" pages only, or "all".
    verify: str = Field(default="uncertain", pattern="^(off|uncertain|all)$")
    # Progress lines on stderr.
    progress: bool = False
    # A page whose reading takes longer than this (seconds) is left out as ``page_unreadable`` (timeout).
    page_timeout: float = Field(default=20.0, gt=0)
    # A page drawn with a font whose program is damaged (its ToUnicode map whole) keeps its text when the reader
    # finds at most this many characters fewer than a second reader (pdfminer takes characters from the map,
    # not the program); beyond it the page is ``page_unreadable``. A damaged content stream or ToUnicode map
    # makes the page unreadable whatever its text.
    damaged_font_max_lost_chars: int = Field(default=0, ge=0)
    # ... and when the sum of its characters' advances (read from the program) differs from pdfminer's (read from
    # the font's /Widths) by at most this share; sound files agree to float precision.
    damaged_font_max_advance_gap: float = Field(default=0.0005, ge=0.0)
    # A PDF whose first this many pages print neither a card header (« Sous Projet ») nor a mark of the plan
    # (« Plan d'actions », « CHU Ibn Sina », « Liste des projets »…) is refused before the rest is read; 0 reads
    # every page first.
    plan_probe_pages: int = Field(default=12, ge=0)
    # OCR (extract.readers.ocr, tesseract): "auto" reads by OCR the pages without a text layer (and those whose
    # only text is an invisible OCR layer); "off" refuses a PDF with no text layer, as a scan to OCR first.
    ocr: str = Field(default="auto", pattern="^(auto|off)$")
    # Resolution (dots per inch) a page is rendered at for OCR: tesseract reads 8-pt text reliably from 200 dpi.
    ocr_dpi: int = Field(default=200, ge=72, le=600)
    # Tesseract language model(s), as `tesseract -l` takes them (Debian package tesseract-ocr-fra).
    ocr_language: str = "fra"
    # An item read by OCR whose words' mean confidence (0..1) is below this is flagged low_confidence.
    ocr_min_confidence: float = Field(default=0.75, ge=0.0, le=1.0)
    # Page images turned by up to this many degrees are straightened before OCR.
    ocr_max_skew: float = 2.0
    # Folder of the OCR cache (results by page image hash); empty: $XDG_CACHE_HOME/plan-to-data/ocr
    # (~/.cache/plan-to-data/ocr); "off": no cache.
    ocr_cache: str = ""
    # Seconds tesseract may take on one page before the page is given up.
    ocr_page_timeout: float = 120.0
    # OCR tokens of rule-like marks beside a horizontal rule found in the image: no taller than this (points),
    # a token is as flat as a rule's remnant and is dropped as the rule; a taller one (« / », « : », « 1 » as
    # tall as the line of text at the foot of a cell, the rule just under its box) is text, unless the rule
    # crosses its box.
    ocr_rule_debris_max_height: float = Field(default=4.0, gt=0)
    # A one-character OCR token opening a cell whose box is no taller than this many em is a dash, whatever
    # tesseract read it as (« 0 », « : », « = » 1 pt tall: the plan's « - » bullets; a digit or a colon is
    # several points tall).
    ocr_dash_max_height_em: float = Field(default=0.15, gt=0)
    # An OCR token stands on a vertical rule found in the image when the rule passes within this many points of
    # its box (and on a horizontal one within it, when as flat as a rule's remnant).
    ocr_rule_tolerance: float = 2.0
    # A bullet token read by OCR is no wider than this many em.
    ocr_bullet_max_width_em: float = 1.6
    # A bullet glued to its word (« »Assurer ») is split off and set this many em before the word (more than a
    # word gap of the layout).
    ocr_glued_gap_em: float = 0.2
    # A text face's line (ascender top to descender bottom) is about this many em high: an OCR'd page's size is
    # its median line height over this.
    ocr_line_height_em: float = 0.9
    # The em box's bottom lies this many em below the baseline (the font's descent): OCR words get the box a
    # text layer's em box would have.
    ocr_descent_em: float = 0.2

    @classmethod
    def resolve(cls, settings: ExtractSettings | dict[str, Any] | None) -> ExtractSettings:
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            return cls(**settings)
        raise ValueError(f"settings must be None, a dict or ExtractSettings, not {type(settings).__name__}")
