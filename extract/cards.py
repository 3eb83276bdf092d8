"""Cards out of page layouts: find the « Sous Projet » headers, then read each card's label rows and items.

Chain: ``layouts_to_stream → stream_to_headers → header_to_card_lines → card_lines_to_rows → rows_to_items``.
The reader uses geometry first (where labels and values sit, whether a line was full when it wrapped) and
rulings when the table has them, so ruled and borderless cards, bullet columns and inline bullets, and
cards running over several pages are read the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from statistics import median

from extract.layout import Line, PageLayout, Segment, Word
from extract.model import Box, Card, Finding, Item, Row
from extract.settings import ExtractSettings
from vocabulary import fold, labels

DEFAULTS = ExtractSettings()
CODE_PATTERN = re.compile(r"\d")
# Longer than this, the text before « : » is a sentence, not a card code.
MAX_CODE_LENGTH = 40
# The first piece of a label broken inside a word holds at least this many letters (« Resp » / « onsable »
# would be a cell too narrow for any label).
MIN_LABEL_PIECE = 4
# Punctuation that goes on with what comes before it: a line opening on it is a wrap, never an item.
WRAP_OPENING_PUNCTUATION = frozenset("(),;:.!?")
# Dashes open items as bullets, and stand in the text between two of its parts.
DASH_GLYPHS = frozenset("-–—")
CHAPTER_PATTERN = re.compile(r"^\s*(I{1,3}|IV)\s*\.\s*0?(\d{1,2})\b")


@lru_cache(maxsize=1)
def label_variants() -> dict[str, str]:
    """Folded printed label -> field."""
    return {variant: name for name, variants in labels()["fields"].items() for variant in variants}


def bullet_glyphs() -> set[str]:
    return set(labels()["bullets"])


@lru_cache(maxsize=1)
def flush_glyphs() -> frozenset[str]:
    """Glyphs that open an item even when printed against its first word; a dash there is a word's own."""
    return frozenset(glyph for glyph in bullet_glyphs() if len(glyph) == 1 and not glyph.isascii() and glyph != "–")


@lru_cache(maxsize=1 << 14)
def label_key(text: str) -> str:
    """« - Entités / concernées » -> « entites concernees »."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def label_field(text: str) -> str | None:
    key = label_key(text)
    return label_variants().get(key) or compact_label_variants().get(key.replace(" ", ""))


@lru_cache(maxsize=1)
def compact_label_variants() -> dict[str, str]:
    """The variants without spaces: a narrow label cell may break a word anywhere (« Coordonnateu / r »)."""
    return {variant.replace(" ", ""): name for variant, name in label_variants().items()}


def join_label(above: str, below: str) -> str:
    """Two lines of one label cell: glued where only the glued form is a label, else one space between."""
    spaced = f"{above} {below}"
    if label_variants().get(label_key(spaced)) is None and label_variants().get(label_key(above + below)):
        return above + below
    return spaced


@lru_cache(maxsize=1 << 14)
def starts_label(text: str) -> bool:
    """Is this text a label or the first line of a wrapped one? A narrow label cell breaks a word anywhere
    (« Calendrie / r », « Responsa / ble »): a piece long enough to say which label it opens counts."""
    key = label_key(text)
    if not key:
        return False
    if any(variant == key or variant.startswith(key + " ") for variant in label_variants()):
        return True
    compact = key.replace(" ", "")
    return len(compact) >= MIN_LABEL_PIECE and any(variant.startswith(compact) for variant in compact_label_variants())


# --- the line stream ---------------------------------------------------------------------------------------


@dataclass
class StreamLine:
    """A line with the page it is on and the rulings of that page."""

    line: Line
    page: PageLayout

    @property
    def number(self) -> int:
        return self.page.number


def layouts_to_stream(pages: list[PageLayout]) -> list[StreamLine]:
    return [StreamLine(line, page) for page in pages for line in page.lines]


def body_size(stream: list[StreamLine]) -> float:
    return median(word.size for entry in stream for word in entry.line.words)


def ruling_between(
    entry: StreamLine, upper: float, lower: float, x0: float, x1: float, settings: ExtractSettings = DEFAULTS
) -> bool:
    """A horizontal rule between two heights, across some of x0..x1, on the entry's page."""
    slack, overlap = settings.rule_position_tolerance, settings.rule_min_overlap
    return any(
        upper - slack <= y <= lower + slack and min(x1, rx1) - max(x0, rx0) > overlap
        for y, rx0, rx1 in entry.page.h_rulings
    )


# --- headers ---------------------------------------------------------------------------------------------


@dataclass
class Header:
    start: int  # stream index of the « Sous Projet » line
    end: int  # stream index after the header's last line
    code: str
    title: str
    lines: list[StreamLine]
    section_lines: list[StreamLine] = field(default_factory=list)
    section_start: int | None = None


_LIST_HEADING = re.compile(labels()["list_heading"])
_HEADER = re.compile(labels()["card_header"], re.IGNORECASE)


def stream_to_headers(stream: list[StreamLine], settings: ExtractSettings = DEFAULTS) -> list[Header]:
    headers: list[Header] = []
    for index, entry in enumerate(stream):
        match = _HEADER.match(entry.line.text)
        if not match:
            continue
        lines = [entry]
        end = index + 1
        while end < len(stream) and ":" not in " ".join(line.line.text for line in lines) and len(lines) < 3:
            lines.append(stream[end])
            end += 1
        while end < len(stream) and continues_header(lines[-1], stream[end], settings):
            lines.append(stream[end])
            end += 1
        if title_carried_over(lines, stream, end, settings):
            # the header row broke at the page foot after « CODE : »: its title opens the next page
            lines.append(stream[end])
            end += 1
            while end < len(stream) and continues_header(lines[-1], stream[end], settings):
                lines.append(stream[end])
                end += 1
        text = " ".join(line.line.text for line in lines)
        text = _HEADER.sub("", text, count=1)
        code, colon, title = text.partition(":")
        if not colon or not CODE_PATTERN.search(code) or len(code) > MAX_CODE_LENGTH:
            continue
        headers.append(Header(index, end, " ".join(code.split()), " ".join(title.split()), lines))
    return [
        with_section(header, header_section(stream, header, previous, settings))
        for previous, header in zip([None, *headers], headers)
    ]


def title_carried_over(
    lines: list[StreamLine], stream: list[StreamLine], end: int, settings: ExtractSettings = DEFAULTS
) -> bool:
    """A header at the foot of its page, with the first line of the next page a single piece of text that
    is no label: the title (or the rest of it) was carried over to the next page. The header ends on « : »,
    or that line starts where the header does (a value line starts in the value column) and is not a
    section row repeated above the header it opens."""
    if end >= len(stream):
        return False
    following, last = stream[end], lines[-1]
    if not (
        following.number == last.number + 1
        and len(following.line.segments) == 1
        and not starts_label(following.line.segments[0].text)
        and not _HEADER.match(following.line.text)
    ):
        return False
    text = " ".join(line.line.text for line in lines)
    if text.rstrip().endswith(":"):
        return True
    opens_header = end + 1 < len(stream) and bool(_HEADER.match(stream[end + 1].line.text))
    aligned = abs(following.line.x0 - lines[0].line.x0) <= settings.column_tolerance
    return ":" in text and aligned and not opens_header


def continues_header(last: StreamLine, entry: StreamLine, settings: ExtractSettings = DEFAULTS) -> bool:
    """The title wraps onto lines of its own: same page, close below, no rule between, not a label row."""
    line = entry.line
    if entry.number != last.number or len(line.segments) > 1 or starts_label(line.segments[0].text):
        return False
    gap = line.top - last.line.bottom
    if gap > settings.wrap_gap_ratio * (last.line.bottom - last.line.top):
        return False
    return not ruling_between(entry, last.line.bottom, line.top, line.x0, line.x1, settings)


def header_section(
    stream: list[StreamLine], header: Header, previous: Header | None, settings: ExtractSettings = DEFAULTS
) -> tuple[list[StreamLine], int] | None:
    """The section row's lines and the stream index of the first, or None: the line just above the header
    (on the page before, if the header opens a page), with the lines just above it where the name wraps."""
    index = header.start - 1
    floor = previous.end if previous else 0
    if index < floor:
        return None
    candidate = stream[index]
    if starts_label(candidate.line.segments[0].text) and len(candidate.line.segments) > 1:
        return None
    lines = [candidate]
    # A section name may wrap: take the lines just above it that sit as close as a paragraph's lines.
    while index - 1 >= floor and len(lines) < 3:
        upper = stream[index - 1]
        if upper.number != candidate.number or len(upper.line.segments) > 1:
            break
        gap = lines[0].line.top - upper.line.bottom
        if gap > settings.wrap_gap_ratio * (upper.line.bottom - upper.line.top) or ruling_between(
            upper, upper.line.bottom, lines[0].line.top, upper.line.x0, upper.line.x1, settings
        ):
            break
        lines.insert(0, upper)
        index -= 1
    return lines, index


def with_section(header: Header, section: tuple[list[StreamLine], int] | None) -> Header:
    if section is None:
        return header
    lines, start = section
    return replace(header, section_lines=lines, section_start=start)


# --- rows ------------------------------------------------------------------------------------------------


@dataclass
class RowLines:
    label: str
    label_boxes: list[Box]
    lines: list[tuple[StreamLine, list[Segment]]] = field(default_factory=list)
    label_bottom: float = 0.0
    label_page: int = 0
    untabled: bool = False


def segment_box(page: int, segment: Segment) -> Box:
    return Box(page, round(segment.x0, 2), round(segment.top, 2), round(segment.x1, 2), round(segment.bottom, 2))


def value_column_x(lines: list[StreamLine]) -> float | None:
    """Where the value column starts: the left edge of what follows a label on its line."""
    starts = [
        entry.line.segments[1].x0
        for entry in lines
        if len(entry.line.segments) > 1 and starts_label(entry.line.segments[0].text)
    ]
    return min(starts) if starts else None


def card_lines_to_rows(lines: list[StreamLine], size: float, settings: ExtractSettings) -> list[RowLines]:
    rows: list[RowLines] = []
    before_first_label: list[tuple[StreamLine, list[Segment]]] = []
    value_x: dict[int, float] = {}
    fallback_x = value_column_x(lines)
    label_x = min(
        (entry.line.segments[0].x0 for entry in lines if starts_label(entry.line.segments[0].text)), default=None
    )
    for entry in lines:
        page_lines = [other for other in lines if other.number == entry.number]
        if entry.number not in value_x:
            # one table, one value column: the card's leftmost, where a page shows only wrapped lines
            found = [x for x in (value_column_x(page_lines), fallback_x) if x is not None]
            value_x[entry.number] = min(found) if found else entry.line.x0
        column = value_x[entry.number]
        line = entry.line
        if line.size > settings.heading_size_ratio * size or _LIST_HEADING.match(fold(line.text)):
            # a heading or a summary list: the card is over
            if rows:
                break
            continue
        segments = split_at_column(line.segments, column)
        first = segments[0]
        slack = settings.column_tolerance
        # a bullet alone in its cell, well right of where labels start, is a value's (a bullet column)
        bullet_cell = all(word.text in bullet_glyphs() for word in first.words) and (
            label_x is not None and first.x0 > label_x + settings.untabled_indent
        )
        in_label_zone = first.x0 < column - slack and not bullet_cell
        untabled = bool(rows) and rows[-1].untabled and not starts_label(first.text)
        if in_label_zone and first.x1 <= column + slack and not untabled:
            label_text = first.text
            values = segments[1:]
            current = rows[-1] if rows else None
            if current and continues_label(current, entry, label_text, settings):
                current.label = join_label(current.label, label_text)
                current.label_boxes.append(segment_box(entry.number, first))
                current.label_bottom = line.bottom
                if values:
                    current.lines.append((entry, values))
                continue
            row = RowLines(
                label_text, [segment_box(entry.number, first)], label_bottom=line.bottom, label_page=entry.number
            )
            if current:
                move_lines_below_rule(current, row, entry, settings)
            # A lone known label at the left, with the card's rows already begun, may open untabled text.
            row.untabled = (
                not values
                and bool(rows)
                and label_field(label_text) is not None
                and first.x0 < column - settings.untabled_indent
            )
            if values:
                row.lines.append((entry, values))
            if not rows:
                row.lines[:0] = before_first_label
            rows.append(row)
        elif in_label_zone:
            if rows and rows[-1].untabled:
                rows[-1].lines.append((entry, segments))
            elif rows:
                if not rows[-1].lines and label_field(rows[-1].label) is None and len(rows) > 1:
                    rows.pop()  # the heading of the prose that follows the card (« Conclusion »)
                break
        elif not rows:
            before_first_label.append((entry, segments))  # a value set beside the middle or foot of its label
        else:
            if rows:
                if rows[-1].untabled and all(segments_[0].x0 >= column - slack for _, segments_ in rows[-1].lines):
                    rows[-1].untabled = False  # a label alone on its line, its value in the value column
                rows[-1].lines.append((entry, segments))
    for row in rows:
        if row.untabled and not row.lines:
            row.untabled = False  # a lone label with no text after it: its value was elsewhere in the table
    return rows


def unknown_label_findings(rows: list[RowLines], card_code: str) -> list[Finding]:
    """A finding for each row whose label is not in the vocabulary (the row is kept as printed)."""
    return [
        Finding(
            "unknown_label",
            card_code,
            None,
            row.label_boxes[0].page,
            f"{card_code}: label {row.label!r} is not in the vocabulary; kept as printed",
        )
        for row in rows
        if label_field(row.label) is None
    ]


def split_at_column(segments: list[Segment], column: float) -> list[Segment]:
    """A label that fills its cell can print closer to its value than a cell gap: where the first segment's
    words jump across the value column's edge, they are two cells. A word lying across the edge means the
    line is not in two columns (text outside the table), and it stays whole."""
    first = segments[0]
    if not (first.x0 < column - 2 < column + 2 < first.x1) or any(
        word.x0 < column - 1 < word.x1 for word in first.words
    ):
        return segments
    left = [word for word in first.words if word.x1 <= column - 1]
    right = [word for word in first.words if word.x0 >= column - 1]
    if not left or not right:
        return segments
    return [Segment(left), Segment(right), *segments[1:]]


def continues_label(current: RowLines, entry: StreamLine, text: str, settings: ExtractSettings = DEFAULTS) -> bool:
    """« Entités » then « concernées » below it: one wrapped label, not two rows."""
    if entry.number != current.label_page:
        # a row broken across pages can carry the end of its label to the next page
        return label_field(current.label) is None and label_field(join_label(current.label, text)) is not None
    line = entry.line
    if line.top - current.label_bottom > settings.label_wrap_gap_ratio * (line.bottom - line.top):
        return False
    if ruling_between(entry, current.label_bottom, line.top, line.segments[0].x0, line.segments[0].x1, settings):
        return False
    if label_field(current.label) is not None:
        # « Indicateur » is a label, but « Indicateur » / « s » is a word broken by a narrow cell
        if label_field(current.label + text) is not None:
            return True
        return starts_label(f"{current.label} {text}") and not starts_label(text)
    return starts_label(f"{current.label} {text}") or not starts_label(text)


def move_lines_below_rule(
    previous: RowLines, row: RowLines, entry: StreamLine, settings: ExtractSettings = DEFAULTS
) -> None:
    """A value centred in a ruled row can start above its label: lines below the rule that opens the new
    row belong to it, not to the row above."""
    rules = [
        y
        for y, x0, x1 in entry.page.h_rulings
        if previous.label_bottom <= y <= entry.line.top + settings.rule_position_tolerance
        and x1 - x0 > settings.row_rule_min_width
        and previous.label_page == entry.number
    ]
    if not rules:
        return
    rule = max(rules)
    moved = [pair for pair in previous.lines if pair[0].number == entry.number and pair[0].line.top >= rule]
    if moved:
        previous.lines = [pair for pair in previous.lines if pair not in moved]
        row.lines = moved + row.lines


# --- bands: which label a value line faces -----------------------------------------------------------


@dataclass
class Mark:
    """A value line or a label line of a card on one page, with the row that holds it."""

    top: float
    bottom: float
    row: int
    pair: tuple[StreamLine, list[Segment]] | None = None  # None for a label line


@dataclass
class Band:
    marks: list[Mark]

    @property
    def top(self) -> float:
        return min(mark.top for mark in self.marks)

    @property
    def bottom(self) -> float:
        return max(mark.bottom for mark in self.marks)

    @property
    def label_rows(self) -> set[int]:
        return {mark.row for mark in self.marks if mark.pair is None}

    @property
    def text_marks(self) -> list[Mark]:
        """Its value lines, or its labels where it has none."""
        return [mark for mark in self.marks if mark.pair is not None] or self.marks


def band_gap(upper: Band, lower: Band) -> float:
    """The space between two bands, read between their value lines (their labels where a band has none). A
    label sits in its cell where its alignment and the cell's height put it — level with a value line, half
    a line off beside an even count of them, at the foot of what is left of a row broken by a page — so
    its edges say less of where a row starts than the value lines, which every row sets alike."""
    return min(mark.top for mark in lower.text_marks) - max(mark.bottom for mark in upper.text_marks)


def page_marks(rows: list[RowLines], page: int) -> list[Mark]:
    """The label lines and value lines of the card's rows on a page; a value line's mark spans its value
    cells only, not the label printed on the same line (see ``band_gap``)."""
    marks = []
    for index, row in enumerate(rows):
        marks += [Mark(box.top, box.bottom, index) for box in row.label_boxes if box.page == page]
        if not row.untabled:
            marks += [value_mark(pair, index) for pair in row.lines if pair[0].number == page]
    return sorted(marks, key=lambda mark: (mark.top, mark.pair is not None))


def value_mark(pair: tuple[StreamLine, list[Segment]], row: int) -> Mark:
    segments = pair[1]
    return Mark(min(segment.top for segment in segments), max(segment.bottom for segment in segments), row, pair)


def marks_to_blocks(marks: list[Mark]) -> list[Band]:
    """Marks that share a height (a label and the value line beside it) form one block."""
    blocks: list[Band] = []
    for mark in marks:
        if blocks and mark.top < blocks[-1].bottom - 0.5:
            blocks[-1].marks.append(mark)
        else:
            blocks.append(Band([mark]))
    return blocks


def rule_between(page: PageLayout, upper: Band, lower: Band) -> bool:
    """A horizontal rule between two bands, read between the middles of their facing lines: a line's box
    can reach over a rule drawn close to it."""
    last = max(upper.marks, key=lambda mark: mark.bottom)
    first = min(lower.marks, key=lambda mark: mark.top)
    return any((last.top + last.bottom) / 2 < y < (first.top + first.bottom) / 2 for y, x0, x1 in page.h_rulings)


def block_gaps(blocks: list[Band]) -> list[float]:
    return [band_gap(upper, lower) for upper, lower in zip(blocks, blocks[1:])]


def blocks_to_bands(
    blocks: list[Band], page: PageLayout, size: float, settings: ExtractSettings, ruled: bool, usual: float
) -> list[Band]:
    """Blocks grouped into the table's row bands. In a table with rules between its rows only the rules
    separate rows; without them, a gap clearly wider than ``usual``, the gap between two lines of a
    paragraph, does (or separates two spaced items: see ``band_owners``)."""
    if not blocks:
        return []
    gaps = block_gaps(blocks)
    bands = [Band(list(blocks[0].marks))]
    for upper, lower, gap in zip(blocks, blocks[1:], gaps):
        if rule_between(page, upper, lower) or (not ruled and gap > usual + settings.row_gap_em * size):
            bands.append(Band(list(lower.marks)))
        else:
            bands[-1].marks += lower.marks
    return bands


def label_position(band: Band) -> str | None:
    """Where the label of a one-row band of several value lines sits: "top", "middle" or "bottom" of them."""
    if len(band.label_rows) != 1 or sum(mark.pair is not None for mark in band.marks) < 2:
        return None
    label = min((mark for mark in band.marks if mark.pair is None), key=lambda mark: mark.top)
    slack = 0.5 * (label.bottom - label.top)
    above = any(mark.pair is not None and mark.top < label.top - slack for mark in band.marks)
    below = any(mark.pair is not None and mark.bottom > label.bottom + slack for mark in band.marks)
    return "middle" if above and below else "bottom" if above else "top" if below else None


def label_alignment(bands: list[Band], minimum: int = 1) -> str | None:
    """How labels are set against their rows, by a vote of the rows of several lines: one row that looks
    otherwise is more likely two rows printed without a gap between them. None where fewer than ``minimum``
    rows say it, or where the vote ties."""
    votes = Counter(position for band in bands if (position := label_position(band)))
    if not votes:
        return None
    (first, count), *rest = votes.most_common()
    return first if count >= minimum and (not rest or count > rest[0][1]) else None


def centring_error(bands: list[Band], first: int, last: int, label_band: int) -> float:
    """How far a label is from the middle of the rows ``first..last`` (band indices) given to it."""
    label = min((mark for mark in bands[label_band].marks if mark.pair is None), key=lambda mark: mark.top)
    return abs((label.top + label.bottom) / 2 - (bands[first].top + bands[last].bottom) / 2)


def stretch_split(
    bands: list[Band], upper: int, lower: int, alignment: str | None, upper_first: int, tolerance: float
) -> int:
    """Between the labelled bands ``upper`` and ``lower``, the last band index that still belongs to the
    upper label: labels at the top of their rows keep everything above the next label, labels at the
    bottom take everything below the previous one, and elsewhere the widest gap separates the rows (where
    gaps tie, the one that sets the upper label nearest the middle of its rows)."""
    if alignment == "top":
        return lower - 1
    if alignment == "bottom":
        return upper
    gaps = {index: band_gap(bands[index], bands[index + 1]) for index in range(upper, lower)}
    widest = max(gaps.values())
    candidates = [index for index, gap in gaps.items() if gap >= widest - tolerance]
    if alignment == "middle" and len(candidates) > 1:
        return min(candidates, key=lambda index: centring_error(bands, upper_first, index, upper))
    return candidates[0] if alignment == "middle" else candidates[-1]


def page_top_split(bands: list[Band], label_band: int, last: int) -> int:
    """Of the bands above the page's first label, the last one that goes on from the page before (-1: none),
    so that the label stands in the middle of the rows left to it (``label_band``..``last`` below it)."""
    return min(range(-1, label_band), key=lambda split: centring_error(bands, split + 1, last, label_band))


def clear_row_gap(bands: list[Band], first: int, last: int, tolerance: float) -> int | None:
    """The band after which the widest gap between bands ``first..last`` stands, where it is wider than every
    other gap there by more than ``tolerance`` (a row gap among item gaps); None where no gap stands out."""
    gaps = sorted(((band_gap(bands[index], bands[index + 1]), index) for index in range(first, last)), reverse=True)
    if len(gaps) < 2 or gaps[0][0] - gaps[1][0] <= tolerance:
        return None
    return gaps[0][1]


def row_gap(banded: list[PageBands]) -> float | None:
    """The gap between two rows of the card: the narrowest between two neighbouring bands labelled by
    different rows (two lines of one wrapped label, each beside an item, are one row)."""
    gaps = [
        band_gap(upper, lower)
        for page in banded
        for upper, lower in zip(page.bands, page.bands[1:])
        if upper.label_rows and lower.label_rows and upper.label_rows != lower.label_rows
    ]
    return min(gaps) if gaps else None


def band_owners(
    bands: list[Band],
    ruled: bool,
    next_row: int | None,
    alignment: str | None,
    tolerance: float,
    rows_gap: float | None = None,
) -> list[int | None]:
    """The row each band belongs to. A labelled band: its one label (None for several). In a ruled table an
    unlabelled band after the page's labels is a row whose label was carried to the next page (a row split by
    the page break). Without rules the unlabelled bands between two labels are split once, by
    ``stretch_split``; those before the page's first label go on from the page before unless the card sets
    its labels at the bottom of their rows, those after its last label belong to it up to a gap as wide as
    the card's gap between rows, after which they open the row whose label was carried to the next page."""
    owners: list[int | None] = [next(iter(band.label_rows)) if len(band.label_rows) == 1 else None for band in bands]
    labelled = [index for index, band in enumerate(bands) if band.label_rows]
    resolved = list(owners)
    if not labelled:
        return resolved
    if ruled:
        for index in range(labelled[-1] + 1, len(bands)):
            resolved[index] = next_row
        return resolved
    if alignment in ("bottom", "middle") and labelled[0] > 0:
        # the rows above the page's first label: its own (a row opening the page), or the last row of the page
        # before going on: where a row gap stands out among them, there; else by where the label sits
        following = labelled[1] if len(labelled) > 1 else None
        last = (
            stretch_split(bands, labelled[0], following, alignment, labelled[0], tolerance)
            if following
            else len(bands) - 1
        )
        split = clear_row_gap(bands, 0, labelled[0], tolerance)
        before_label = band_gap(bands[labelled[0] - 1], bands[labelled[0]])
        if split is None and rows_gap is not None and before_label >= rows_gap - tolerance:
            split = labelled[0] - 1  # as wide as the gap between two rows: the row above goes on to here
        if split is None:
            split = page_top_split(bands, labelled[0], last) if alignment == "middle" else -1
        for index in range(split + 1, labelled[0]):
            resolved[index] = owners[labelled[0]]
    first = labelled[0]
    for upper, lower in zip(labelled, labelled[1:]):
        split = stretch_split(bands, upper, lower, alignment, first, tolerance)
        for index in range(upper + 1, lower):
            resolved[index] = owners[upper] if index <= split else owners[lower]
        first = split + 1
    tail = owners[labelled[-1]]
    for index in range(labelled[-1] + 1, len(bands)):
        gap = band_gap(bands[index - 1], bands[index])
        if next_row is not None and rows_gap is not None and alignment != "top" and gap >= rows_gap - tolerance:
            tail = next_row  # a row gap, then a row whose label was carried to the next page
        resolved[index] = tail
    return resolved


def ruled_rows(page: PageLayout, marks: list[Mark]) -> bool:
    """Does a rule run between the card's rows on this page (a table ruled between its rows), not only
    around them (a frame, or a frame's edge where the table broke)? With two labels or more on the page, a
    rule must lie between most neighbouring labels; with one, between any two of its lines."""
    labels: dict[int, Mark] = {}
    for mark in sorted(marks, key=lambda mark: mark.top):
        if mark.pair is None:
            labels.setdefault(mark.row, mark)
    middles = [(mark.top + mark.bottom) / 2 for mark in labels.values()]
    if len(middles) >= 2:
        separated = sum(
            any(upper < y < lower for y, x0, x1 in page.h_rulings) for upper, lower in zip(middles, middles[1:])
        )
        return 2 * separated > len(middles) - 1
    ordered = sorted((mark.top + mark.bottom) / 2 for mark in marks)
    return any(upper < y < lower for upper, lower in zip(ordered, ordered[1:]) for y, x0, x1 in page.h_rulings)


def paragraph_gap(stream: list[StreamLine]) -> float:
    """The gap between two lines of one paragraph, the tightest common gap between lines of the document
    (its tenth percentile: a few lines touch, superscripts and stacked labels)."""
    gaps = sorted(
        lower.line.top - upper.line.bottom
        for upper, lower in zip(stream, stream[1:])
        if upper.number == lower.number and lower.line.top - upper.line.bottom > 0
    )
    return gaps[len(gaps) // 10] if gaps else 0.0


@dataclass
class PageBands:
    page: PageLayout
    ruled: bool
    next_row: int | None  # the row whose label comes on a later page, where it follows the page's labels
    bands: list[Band]


def rows_to_page_bands(rows: list[RowLines], size: float, usual: float, settings: ExtractSettings) -> list[PageBands]:
    """The bands of a card's rows on each of its pages."""
    pages = sorted({entry.number for row in rows for entry, _ in row.lines})
    banded = []
    for number in pages:
        blocks = marks_to_blocks(page_marks(rows, number))
        marks = [mark for block in blocks for mark in block.marks]
        page = next(entry.page for row in rows for entry, _ in row.lines if entry.number == number)
        # the table's own lines: a card going on as plain text below its frame is not ruled by it
        ruled = ruled_rows(page, [mark for mark in marks if not rows[mark.row].untabled])
        label_rows = [mark.row for mark in marks if mark.pair is None]
        later = [
            index
            for index, row in enumerate(rows)
            if any(box.page > number for box in row.label_boxes) and not row.untabled
        ]
        next_row = min(later) if later and (not label_rows or min(later) > max(label_rows)) else None
        banded.append(PageBands(page, ruled, next_row, blocks_to_bands(blocks, page, size, settings, ruled, usual)))
    return banded


def bands_to_row_groups(bands: list[Band], rows_gap: float, tolerance: float) -> list[Band]:
    """Bands joined where the gap between them is narrower than the card's gap between rows: items spaced
    apart inside one row. A group would hold two labels only where the card's gaps do not tell rows from
    items; its bands are then kept as they were."""
    groups: list[list[Band]] = []
    for index, band in enumerate(bands):
        if groups and band_gap(bands[index - 1], band) < rows_gap - tolerance:
            groups[-1].append(band)
        else:
            groups.append([band])
    joined: list[Band] = []
    for group in groups:
        if len(set().union(*(band.label_rows for band in group))) > 1:
            joined += group
        else:
            joined.append(Band([mark for band in group for mark in band.marks]))
    return joined


def page_bands_to_row_groups(banded: list[PageBands], settings: ExtractSettings) -> list[PageBands]:
    """A card's pages without rules with its bands joined into rows by its gap between rows (see
    ``bands_to_row_groups``); the alignment of labels is read from whole rows, not from single items."""
    rows_gap = row_gap(banded)
    if rows_gap is None:
        return banded
    return [
        page
        if page.ruled
        else PageBands(
            page.page, page.ruled, page.next_row, bands_to_row_groups(page.bands, rows_gap, settings.gap_tie_tolerance)
        )
        for page in banded
    ]


def card_alignment(banded: list[PageBands], document: str | None, settings: ExtractSettings) -> str | None:
    """The card's own label alignment where enough of its rows say it, else the document's."""
    own = label_alignment([band for page in banded for band in page.bands], settings.alignment_min_votes)
    return own or document


def bands_to_rows(
    rows: list[RowLines], banded: list[PageBands], alignment: str | None, settings: ExtractSettings
) -> list[RowLines]:
    """The rows with each value line given to the label its band faces."""
    owner: dict[int, int] = {}
    rows_gap = row_gap(banded)
    for page in banded:
        owners = band_owners(page.bands, page.ruled, page.next_row, alignment, settings.gap_tie_tolerance, rows_gap)
        for band, row in zip(page.bands, owners):
            if row is None:
                continue
            # where labels open their rows, a line above the label is the row above's
            label_top = min((mark.top for mark in band.marks if mark.pair is None), default=float("-inf"))
            for mark in band.marks:
                above_label = mark.bottom <= label_top + settings.gap_tie_tolerance
                if mark.pair is not None and not (alignment in ("top", None) and not page.ruled and above_label):
                    owner[id(mark.pair)] = row
    regrouped = [
        RowLines(row.label, row.label_boxes, [], row.label_bottom, row.label_page, row.untabled) for row in rows
    ]
    for index, row in enumerate(rows):
        for pair in row.lines:
            regrouped[owner.get(id(pair), index)].lines.append(pair)
    return regrouped


def rows_to_bands(
    rows: list[RowLines], size: float, usual: float, settings: ExtractSettings, document_alignment: str | None = None
) -> list[RowLines]:
    """Give each value line to the label it faces, whatever the label's vertical alignment: a label sits
    somewhere beside the block of value lines of its row (at its top, middle or bottom), so value lines
    above a label may be its own. Tables with rules were banded by their rules already; this reads the
    gaps between rows where there are none."""
    banded = page_bands_to_row_groups(rows_to_page_bands(rows, size, usual, settings), settings)
    return bands_to_rows(rows, banded, card_alignment(banded, document_alignment, settings), settings)


# --- items -----------------------------------------------------------------------------------------------


@dataclass
class ValueLine(Segment):
    """The words of a value line, its bullet glyph taken off, with the stream line they came from."""

    entry: StreamLine
    glyph: str | None


def to_value_line(entry: StreamLine, segments: list[Segment]) -> ValueLine:
    words = [word for segment in segments for word in segment.words]
    glyph = None
    if len(words) > 1 and words[0].text in bullet_glyphs():
        glyph = words[0].text
        words = words[1:]
    elif len(words) > 1 and len(words[0].text) > 1 and words[0].text[0] in flush_glyphs():
        # a glyph printed flush against its text: « •Item »
        glyph = words[0].text[0]
        first = words[0]
        words = [Word(first.text[1:], first.x0, first.top, first.x1, first.bottom, first.size, first.bold), *words[1:]]
    return ValueLine(words, entry, glyph)


def right_edge(lines: list[ValueLine], card_edge: float, settings: ExtractSettings = DEFAULTS) -> float:
    """The value cell's right edge: its rule less the cell padding, or the card's widest value line."""
    first = lines[0]
    page = first.entry.page
    middle = (first.top + first.bottom) / 2
    rules_right = [x for x, top, bottom in page.v_rulings if x > first.x1 - 1 and top <= middle <= bottom]
    rules_left = [x for x, top, bottom in page.v_rulings if x < first.x0 + 1 and top <= middle <= bottom]
    if rules_right and rules_left:
        padding = min(
            max(min(line.x0 for line in lines) - max(rules_left), settings.cell_padding_min), settings.cell_padding_max
        )
        return min(rules_right) - padding
    return card_edge


def space_width(word: Word, settings: ExtractSettings = DEFAULTS) -> float:
    return settings.space_width_em * word.size


def line_break(previous: ValueLine, line: ValueLine, edge: float, settings: ExtractSettings) -> bool | None:
    """Does ``line`` continue the item above? True or False when the layout says so, None when it cannot:
    a line continues its item only if the first word here could not have fit on the line above."""
    if line.glyph is not None:
        return False
    if line.entry.number == previous.entry.number:
        height = previous.bottom - previous.top
        if line.top - previous.bottom > (settings.paragraph_gap + settings.line_gap_allowance) * height:
            return False
    word = line.words[0]
    last = previous.words[-1]
    needed = word.x1 - word.x0 + (0 if last.text.endswith("-") and len(last.text) > 1 else space_width(word, settings))
    text_above = " ".join(word.text for word in previous.words)
    if previous.x1 + needed <= edge - settings.fit_margin:
        # The word would have fit above, so the line above ended its item, unless it ends on « de »
        # or inside parentheses, which no item does (the value cell may be narrower than measured).
        return ends_on_article(text_above, last.text)
    if ends_open(text_above, last.text):
        return True  # an item does not end on « de », a comma or inside parentheses
    if not opens_item(word.text) and not (is_acronym(word.text) and ends_closed(previous)):
        return True  # nor open in lower case; an acronym after a closed line may open one (« HER : … »)
    name = re.split(r"['’]", last.text)[-1]
    if opens_item(name) and name.isalpha():
        return True  # « Hôpital Moulay » / « Youssef »: a name running on
    return None


def ends_closed(line: ValueLine) -> bool:
    return line.words[-1].text[-1:] in ".;!?"


def sure_ends(lines: list[ValueLine], breaks: list[bool | None]) -> list[ValueLine]:
    """The lines that surely end an item: before a sure break, and the row's last."""
    if not lines:
        return []
    return [lines[index] for index, value in enumerate([*breaks[1:], False]) if value is False]


def punctuation_habit(ends: list[ValueLine]) -> bool | None:
    """True where the items that surely end all end on « . » or « ; », False where some do not, None
    where too few items say."""
    if len(ends) < 2:
        return None
    return all(ends_closed(line) for line in ends)


def resolve_breaks(lines: list[ValueLine], breaks: list[bool | None], card_habit: bool | None = None) -> list[bool]:
    """Settle the undecided breaks from the row's own habit (the card's where the row has too few items):
    where items end on « . » or « ; », an undecided line continues unless the line above closes;
    otherwise a capitalised word opens a new item."""
    habit = punctuation_habit(sure_ends(lines, breaks))
    punctuated = bool(card_habit if habit is None else habit)
    resolved = []
    for index, value in enumerate(breaks):
        if value is None:
            value = not ends_closed(lines[index - 1]) if punctuated else False
        resolved.append(value)
    return resolved


def ends_open(text_above: str, last_word: str) -> bool:
    return last_word[-1:] in ",-–:/&" or ends_on_article(text_above, last_word)


def ends_on_article(text_above: str, last_word: str) -> bool:
    if text_above.count("(") > text_above.count(")"):
        return True
    tail = re.split(r"[\s']", fold(last_word))[-1]
    return tail in continuation_words()


@lru_cache(maxsize=1)
def continuation_words() -> frozenset[str]:
    return frozenset(labels()["continuation_words"])


def is_acronym(text: str) -> bool:
    letters = re.sub(r"[^\w]", "", text)
    return len(letters) > 1 and letters.isalpha() and letters.isupper()


def opens_item(text: str) -> bool:
    """« Nombre », « Élaborer », « Améliorer »: a capital then lower case, as items begin."""
    letters = text.lstrip("«\"'(")
    return len(letters) > 1 and letters[0].isupper() and letters[1].islower()


def glues_at_hyphen(text: str, part: str) -> bool:
    """A line ending on « médico- » and the next on « techniques »: one word broken at its hyphen. A capital
    after the hyphen starts a new phrase (« Hôpital des Spécialités- / Hôpital d'Enfants »)."""
    return bool(re.search(r"[^\W\d_]-$", text)) and part[:1].isalpha() and part[:1].islower()


def join_lines(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        text += part if glues_at_hyphen(text, part) else " " + part
    return text


def lines_to_breaks(lines: list[ValueLine], card_edge: float, settings: ExtractSettings) -> list[bool | None]:
    """For each line of a row: does it continue the item above (None: the layout cannot tell)?"""
    if not lines:
        return []
    edge = right_edge(lines, card_edge, settings)
    breaks = [False] + [line_break(above, line, edge, settings) for above, line in zip(lines, lines[1:])]
    if lines[0].glyph is not None:
        # where the row's items carry glyphs, an undecided line without one goes on with the item above
        breaks = [True if value is None and line.glyph is None else value for value, line in zip(breaks, lines)]
    return breaks


def uncertain_pages(lines: list[ValueLine], breaks: list[bool | None]) -> set[int]:
    """The pages of the lines whose item boundary the layout could not decide (words decided it)."""
    return {line.entry.number for line, value in zip(lines, breaks) if value is None}


def lines_to_items(
    lines: list[ValueLine], breaks: list[bool | None], card_habit: bool | None, reader: str
) -> list[Item]:
    groups: list[list[ValueLine]] = []
    for line, continues in zip(lines, resolve_breaks(lines, breaks, card_habit)):
        if groups and continues:
            groups[-1].append(line)
        else:
            groups.append([line])
    items = []
    for group in groups:
        text = join_lines([" ".join(word.text for word in line.words) for line in group])
        boxes: dict[int, list[float]] = {}
        for line in group:
            number = line.entry.number
            x0, top, x1, bottom = line.x0, line.top, line.x1, line.bottom
            if number in boxes:
                box = boxes[number]
                boxes[number] = [min(box[0], x0), min(box[1], top), max(box[2], x1), max(box[3], bottom)]
            else:
                boxes[number] = [x0, top, x1, bottom]
        items.append(
            Item(text, [Box(page, *(round(value, 2) for value in box)) for page, box in boxes.items()], reader)
        )
    return items


def line_as_printed(entry: StreamLine, segments: list[Segment]) -> ValueLine:
    """The line with every word, its first too (a glyph alone on its line, a dash that is the text's)."""
    words = [word for segment in segments for word in segment.words]
    return ValueLine(words, entry, None)


def row_to_value_lines(row: RowLines, settings: ExtractSettings = DEFAULTS) -> list[ValueLine]:
    """The row's value lines, glyphs taken off. A dash opening a line is the text's own where the row's items
    open with another glyph, or where the line above stops inside a phrase (« … (CP 2024 : 4 079 376 » /
    « – CE 2025 : 3 700 000) ») and the dash stands where the row's lines start."""
    lines = [
        to_value_line(entry, segments) if sum(len(s.words) for s in segments) > 1 else line_as_printed(entry, segments)
        for entry, segments in row.lines
    ]
    other_glyphs = any(line.glyph is not None and line.glyph not in DASH_GLYPHS for line in lines)
    text_starts = [line.words[0].x0 for line in lines if line.glyph is None and line.words and not is_glyph_only(line)]
    return [
        line_as_printed(line.entry, segments)
        if line.glyph in DASH_GLYPHS
        and (
            other_glyphs
            or (index and inside_a_phrase(lines[index - 1]) and in_text_column(segments, text_starts, settings))
        )
        else line
        for index, (line, (_, segments)) in enumerate(zip(lines, row.lines))
    ]


def in_text_column(segments: list[Segment], text_starts: list[float], settings: ExtractSettings = DEFAULTS) -> bool:
    """Does a line's dash stand where the row's lines without a glyph start (a dash of the text), not left of
    them (a bullet column, or a bullet hanging before its item)?"""
    dash = segments[0].words[0]
    return bool(text_starts) and dash.x0 >= min(text_starts) - settings.column_tolerance


def inside_a_phrase(line: ValueLine) -> bool:
    """Does the line stop inside a phrase (in parentheses, on « de »), where no item ends?"""
    return ends_on_article(" ".join(word.text for word in line.words), line.words[-1].text)


def is_glyph_only(line: ValueLine) -> bool:
    return all(word.text in bullet_glyphs() for word in line.words)


def without_glyph(line: ValueLine) -> ValueLine:
    return ValueLine(line.words, line.entry, None)


def free_glyph_column(
    lines: list[ValueLine], edge: float, settings: ExtractSettings
) -> tuple[list[ValueLine], int | None]:
    """Bullets typed in a column of their own, one a line, do not stand beside the items they open once an
    item wraps: a glyph alone on its line, or a glyph on a line that its words say is a wrap (« de » above,
    lower case here), tells so. Then the glyphs only count the items: the text lines without glyphs, and
    that count. Elsewhere (glyphs beside the first line of their items): the lines as they are, and None."""
    glyph_only = [line for line in lines if is_glyph_only(line)]
    text = [line for line in lines if not is_glyph_only(line)]
    on_wraps = [
        line
        for above, line in zip(text, text[1:])
        if line.glyph is not None and line_break(above, without_glyph(line), edge, settings) is True
    ]
    bulleted = [line.glyph is not None for line in text]
    # stacked one a line from the top of the cell (glyphs on the first lines, none below), one of them on a
    # wrap; or set level with the items but shifted where the column broke across a page at another line
    # than the text, a glyph on a line that only a wrap opens
    stacked = 0 < sum(bulleted) < len(text) and bulleted == sorted(bulleted, reverse=True)
    misplaced = bool(on_wraps) and (stacked or any(opens_as_a_wrap(line) for line in on_wraps))
    if not text or not (glyph_only or misplaced):
        return lines, None
    count = len(glyph_only) + sum(line.glyph is not None for line in text)
    return [without_glyph(line) for line in text], count


def opens_as_a_wrap(line: ValueLine) -> bool:
    """A line opening on a lower-case word or on punctuation (« ; », « (1) »): no item begins so, a wrap
    does. A capital after a line ending on « , » may open an item (« …qualité, » / « Création de postes… »),
    and so may a number (« 100 % des patients couverts »)."""
    first = line.words[0].text
    return first[:1].islower() or first[:1] in WRAP_OPENING_PUNCTUATION


def item_start_score(lines: list[ValueLine], index: int) -> int:
    """How strongly the words say that line ``index`` opens an item: the line above closes on « . » or
    « ; », and this one opens with a capital or an acronym."""
    first = lines[index].words[0].text
    return 2 * ends_closed(lines[index - 1]) + (opens_item(first) or is_acronym(first))


def breaks_for_count(lines: list[ValueLine], breaks: list[bool | None], count: int) -> list[bool | None]:
    """Breaks that make exactly ``count`` items: the undecided lines most likely to open an item do. Where
    the layout's sure breaks already make more items, or too few lines are undecided, the count and the
    layout disagree: the breaks stay as the layout says and the row stays uncertain."""
    opened = sum(1 for index, value in enumerate(breaks) if index and value is False)
    undecided = [index for index, value in enumerate(breaks) if index and value is None]
    need = count - 1 - opened
    if need < 0 or need > len(undecided):
        return breaks
    ranked = sorted(undecided, key=lambda index: -item_start_score(lines, index))
    chosen = set(ranked[:need])
    return [False if index in chosen else (True if value is None else value) for index, value in enumerate(breaks)]


def rows_to_items(
    rows: list[RowLines], card_edge: float, settings: ExtractSettings
) -> tuple[list[list[Item]], set[int]]:
    """Each row's items, and the pages where an item boundary was decided by words, not by layout; a row
    with too few items to show a punctuation habit follows its card's."""
    row_lines = [row_to_value_lines(row, settings) for row in rows]
    # Untabled text is set in the page's text frame, not in the card's value column: its own lines say
    # where it wraps.
    row_edges = [
        max((line.x1 for line in lines), default=card_edge) if row.untabled else card_edge
        for row, lines in zip(rows, row_lines)
    ]
    counted = [free_glyph_column(lines, edge, settings) for lines, edge in zip(row_lines, row_edges)]
    row_lines = [lines for lines, _ in counted]
    row_breaks = [lines_to_breaks(lines, edge, settings) for lines, edge in zip(row_lines, row_edges)]
    row_breaks = [
        breaks if count is None else breaks_for_count(lines, breaks, count)
        for lines, breaks, (_, count) in zip(row_lines, row_breaks, counted)
    ]
    card_habit = punctuation_habit(
        [end for lines, breaks in zip(row_lines, row_breaks) for end in sure_ends(lines, breaks)]
    )
    items = [
        lines_to_items(lines, breaks, card_habit, settings.reader) if lines else []
        for lines, breaks in zip(row_lines, row_breaks)
    ]
    undecided = {page for lines, breaks in zip(row_lines, row_breaks) for page in uncertain_pages(lines, breaks)}
    return items, undecided


# --- cards -----------------------------------------------------------------------------------------------


def stream_to_chapters(
    stream: list[StreamLine], card_rows: set[int], size: float, settings: ExtractSettings = DEFAULTS
) -> list[tuple[int, str]]:
    """(stream index, chapter) of each chapter heading, numbered by its rank within its axis as the Sommaire
    numbers them: the printed headings skip a number (« II.12 » then « II.14 ») that the Sommaire does not.
    A card's own section row may carry a chapter number too (« II.08 Fonction Audit Interne (FCG) ») and is
    not a heading; headings are told from list rows by their larger type where the plan sets them so."""
    candidates = [
        (position, match)
        for position, entry in enumerate(stream)
        if position not in card_rows and (match := CHAPTER_PATTERN.match(entry.line.text))
    ]
    headings = [
        (position, match)
        for position, match in candidates
        if stream[position].line.size > settings.chapter_size_ratio * size
    ]
    ranks: dict[tuple[str, int], int] = {}
    chapters = []
    for position, match in headings or candidates:
        axis, number = match.group(1), int(match.group(2))
        if (axis, number) not in ranks:
            ranks[(axis, number)] = 1 + sum(1 for key in ranks if key[0] == axis)
        chapters.append((position, f"{axis}.{ranks[(axis, number)]}"))
    return chapters


def chapter_before(chapters: list[tuple[int, str]], index: int) -> str | None:
    before = [chapter for position, chapter in chapters if position < index]
    return before[-1] if before else None


def lines_to_item(lines: list[StreamLine], text: str, reader: str) -> Item:
    boxes: dict[int, list[float]] = {}
    for entry in lines:
        line = entry.line
        box = boxes.get(entry.number)
        coords = [line.x0, line.top, line.x1, line.bottom]
        boxes[entry.number] = (
            coords
            if box is None
            else [min(box[0], coords[0]), min(box[1], coords[1]), max(box[2], coords[2]), max(box[3], coords[3])]
        )
    return Item(text, [Box(page, *(round(value, 2) for value in box)) for page, box in boxes.items()], reader)


def header_first(header: Header) -> int:
    """The stream index of the header's first line: its section row, or « Sous Projet » where it has none."""
    return header.start if header.section_start is None else header.section_start


def header_identity(header: Header) -> tuple[str, str, str]:
    section = " ".join(entry.line.text for entry in header.section_lines)
    return (" ".join(header.code.split()), " ".join(header.title.split()), " ".join(section.split()))


def split_repeated_headers(stream: list[StreamLine], headers: list[Header]) -> tuple[list[Header], list[Header]]:
    """(card openings, repeats): a header that prints again the card being read — same code, title and
    section, as a table's « repeat header rows » does at the top of each page, and some tools also where they
    split a row — continues that card; it says nothing new."""
    openings: list[Header] = []
    repeats: list[Header] = []
    for header in headers:
        if openings and header_identity(header) == header_identity(openings[-1]):
            repeats.append(header)
        else:
            openings.append(header)
    return openings, repeats


def card_starts(headers: list[Header]) -> set[int]:
    """Stream indices where a card begins: its section row, or its header where it has none."""
    return {header.start if header.section_start is None else header.section_start for header in headers}


@dataclass
class CardReading:
    """The cards in printed order, what reading them found, and the pages where an item boundary was
    decided by words, not by layout, for the second reader to look at."""

    cards: list[Card]
    findings: list[Finding]
    uncertain: set[int]
    starts: set[int]  # stream indices where a card begins (``card_starts``), which end a summary list


def stream_to_cards(stream: list[StreamLine], settings: ExtractSettings) -> CardReading:
    headers = stream_to_headers(stream, settings)
    if not stream:
        return CardReading([], [], set(), set())
    size = body_size(stream)
    line_gap = paragraph_gap(stream)
    card_rows = {
        position
        for header in headers
        for position in range(header.section_start if header.section_start is not None else header.start, header.end)
    }
    chapters = stream_to_chapters(stream, card_rows, size, settings)
    openings, repeats = split_repeated_headers(stream, headers)
    repeated = {position for header in repeats for position in range(header_first(header), header.end)}
    read_rows = []
    for position, header in enumerate(openings):
        following = openings[position + 1] if position + 1 < len(openings) else None
        stop = header_first(following) if following else len(stream)
        card_lines = [
            entry for index, entry in enumerate(stream[header.end : stop], header.end) if index not in repeated
        ]
        read_rows.append(card_lines_to_rows(card_lines, size, settings))
    findings = [
        finding for header, rows in zip(openings, read_rows) for finding in unknown_label_findings(rows, header.code)
    ]
    banded = [
        page_bands_to_row_groups(rows_to_page_bands(rows, size, line_gap, settings), settings) for rows in read_rows
    ]
    # A document sets its labels one way; a card too short to say is read the document's way.
    document = label_alignment([band for card in banded for page in card for band in page.bands])
    cards: list[Card] = []
    uncertain: set[int] = set()
    for header, read, card_bands in zip(openings, read_rows, banded):
        rows = bands_to_rows(read, card_bands, card_alignment(card_bands, document, settings), settings)
        value_lines = [segment for row in rows for entry, segments in row.lines for segment in segments]
        card_edge = max((segment.x1 for segment in value_lines), default=0.0)
        section_text = " ".join(entry.line.text for entry in header.section_lines)
        card = Card(
            code=header.code,
            title=header.title,
            section=section_text,
            chapter=chapter_before(chapters, header.start),
            header=lines_to_item(
                header.lines, join_lines([entry.line.text for entry in header.lines]), settings.reader
            ),
            section_item=lines_to_item(header.section_lines, section_text, settings.reader)
            if header.section_lines
            else None,
        )
        row_items, undecided = rows_to_items(rows, card_edge, settings)
        card.rows = [
            Row(row.label, label_field(row.label), row.label_boxes, items) for row, items in zip(rows, row_items)
        ]
        uncertain |= undecided
        cards.append(card)
    return CardReading(cards, findings, uncertain, card_starts(headers))
