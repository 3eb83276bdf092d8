"""The summary « Liste des projets » tables: code, title, section and page of each row.

Chain: ``stream_to_list_regions → region_columns → region_to_rows``. A region runs from a list heading to the
next heading, list or card. Columns are where the region's cells start; a row opens where the code column
has text or a rule crosses the title column; a lone cell spanning the code and title columns is a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.cards import (
    _HEADER,
    _LIST_HEADING,
    DEFAULTS,
    StreamLine,
    body_size,
    glues_at_hyphen,
    opens_item,
    ruling_between,
)
from extract.layout import Segment
from extract.model import Box, ListRow
from extract.settings import ExtractSettings
from vocabulary import fold

# A first cell without a digit and shorter than this is the list's own header row (« Code »), not a code.
MAX_HEADER_CELL_LENGTH = 30


@dataclass
class Region:
    heading: str
    lines: list[StreamLine] = field(default_factory=list)


def stream_to_list_regions(
    stream: list[StreamLine], stops: set[int], settings: ExtractSettings = DEFAULTS
) -> list[Region]:
    """``stops``: stream indices where a card begins (its section row), which ends any list."""
    if not stream:
        return []
    size = body_size(stream)
    regions: list[Region] = []
    current: Region | None = None
    for index, entry in enumerate(stream):
        text = entry.line.text
        if index in stops:
            current = None
        elif _LIST_HEADING.match(fold(text)):
            current = Region(" ".join(text.split()))
            regions.append(current)
        elif current is not None:
            if _HEADER.match(text) or entry.line.size > settings.heading_size_ratio * size:
                current = None
            else:
                current.lines.append(entry)
    return regions


def region_columns(region: Region, settings: ExtractSettings = DEFAULTS) -> list[float]:
    """Left edges of the table's columns: x positions where at least a tenth of the lines start a cell."""
    starts: dict[int, int] = {}
    for entry in region.lines:
        for segment in entry.line.segments:
            key = round(segment.x0 / settings.list_column_step)
            starts[key] = starts.get(key, 0) + 1
    threshold = max(settings.list_column_min_lines, len(region.lines) * settings.list_column_min_share)
    columns = sorted(key * settings.list_column_step for key, count in starts.items() if count >= threshold)
    merged: list[float] = []
    for x in columns:
        if not merged or x - merged[-1] > 12:
            merged.append(x)
    return merged


def column_of(segment: Segment, columns: list[float], settings: ExtractSettings = DEFAULTS) -> int:
    return max((index for index, x in enumerate(columns) if segment.x0 >= x - settings.list_column_slack), default=0)


def join_cell(parts: list[tuple[str, bool]]) -> str:
    """Join a cell's lines; ``cut`` marks a line cut inside a word (« HAS-HEY-PM-PH » « 6-25 »)."""
    text = ""
    for part, cut in parts:
        glued = glues_at_hyphen(text, part) or (cut and (text[-1:].isalnum() or text.endswith("-")))
        text = text + part if glued or not text else f"{text} {part}"
    return text


@dataclass
class Draft:
    cells: dict[int, list[tuple[str, bool]]]
    boxes: list[Box]
    page: int


def column_rule_crosses(entry: StreamLine, code_x: float, title_x: float, settings: ExtractSettings = DEFAULTS) -> bool:
    """Is there a vertical rule between the code and title columns beside this line?"""
    middle = (entry.line.top + entry.line.bottom) / 2
    return any(
        code_x + settings.list_column_slack < x < title_x and top <= middle <= bottom
        for x, top, bottom in entry.page.v_rulings
    )


def is_ruled(region: Region, title_x: float, settings: ExtractSettings = DEFAULTS) -> bool:
    """Rows drawn with rules: some pair of lines of the region has a rule between them across the titles."""
    return any(
        ruling_between(
            below, above.line.bottom, below.line.top, title_x, title_x + settings.list_rule_probe_width, settings
        )
        for above, below in zip(region.lines, region.lines[1:])
        if above.number == below.number
    )


def is_section_row(entry: StreamLine, columns: list[float], ruled: bool, settings: ExtractSettings = DEFAULTS) -> bool:
    """A merged row naming the section: one cell across the code and title columns."""
    segments = entry.line.segments
    first = segments[0]
    if len(segments) != 1 or first.x0 >= columns[1] - settings.list_column_slack:
        return False
    if first.x1 > columns[1] + settings.list_column_slack:
        return True
    return ruled and any(entry.page.v_rulings) and not column_rule_crosses(entry, columns[0], columns[1], settings)


def region_to_rows(region: Region, settings: ExtractSettings = DEFAULTS) -> list[ListRow]:
    columns = region_columns(region, settings)
    if len(columns) < 2:
        return []
    title_x = columns[1]
    ruled = is_ruled(region, title_x, settings)
    section: str | None = None
    drafts: list[tuple[Draft, str | None]] = []
    previous: StreamLine | None = None
    for entry in region.lines:
        segments = entry.line.segments
        if is_section_row(entry, columns, ruled, settings):
            section = segments[0].text
            previous = None
            continue
        by_column: dict[int, list[Segment]] = {}
        for segment in segments:
            by_column.setdefault(column_of(segment, columns, settings), []).append(segment)
        # Codes end on a number (« -25 », « 58 »): one ending on a hyphen or a letter wrapped in its cell.
        code_runs_on = bool(drafts) and not join_cell(drafts[-1][0].cells.get(0, [("0", False)]))[-1:].isdigit()
        if ruled and previous is not None and previous.number == entry.number:
            # the rules say where rows begin; a code centred in its cell may sit on the title's second line
            opens = ruling_between(
                entry, previous.line.bottom, entry.line.top, title_x, title_x + settings.list_rule_probe_width, settings
            )
        elif ruled and previous is not None:
            # the first line of a page: a new row where a cell beside the title has text or the title
            # starts as titles do; otherwise the row above broke across the page
            title = by_column.get(1, [])
            opens = any(column != 1 for column in by_column) or bool(title and opens_item(title[0].text))
        else:
            opens = (0 in by_column and not code_runs_on) or previous is None
            if not opens and previous is not None and previous.number == entry.number:
                opens = ruling_between(
                    entry,
                    previous.line.bottom,
                    entry.line.top,
                    title_x,
                    title_x + settings.list_rule_probe_width,
                    settings,
                )
        box = Box(
            entry.number,
            round(entry.line.x0, 2),
            round(entry.line.top, 2),
            round(entry.line.x1, 2),
            round(entry.line.bottom, 2),
        )
        if opens or not drafts:
            drafts.append((Draft({}, [], entry.number), section))
        draft = drafts[-1][0]
        for column, cells in by_column.items():
            # Codes are single words: a code on two lines was cut inside the word.
            draft.cells.setdefault(column, []).extend((cell.text, column == 0) for cell in cells)
        draft.boxes.append(box)
        previous = entry
    rows = []
    for draft, row_section in drafts:
        code = join_cell(draft.cells.get(0, [])) or None
        title = join_cell(draft.cells.get(1, []))
        extra = join_cell(draft.cells.get(2, [])) if len(columns) > 2 else ""
        if code and not re.search(r"\d", code) and len(code) < MAX_HEADER_CELL_LENGTH:
            continue  # the table's own header row (« Code », « Intitulé »)
        if not (title or code or extra):
            continue  # nothing printed in the row's cells
        # a row with a code and no title is kept (title empty): the load step says it cannot be read
        rows.append(ListRow(region.heading, code, title, extra or row_section, draft.page, merge_boxes(draft.boxes)))
    return rows


def merge_boxes(boxes: list[Box]) -> list[Box]:
    merged: dict[int, Box] = {}
    for box in boxes:
        other = merged.get(box.page)
        merged[box.page] = (
            box
            if other is None
            else Box(
                box.page,
                min(box.x0, other.x0),
                min(box.top, other.top),
                max(box.x1, other.x1),
                max(box.bottom, other.bottom),
            )
        )
    return list(merged.values())


def stream_to_list_rows(
    stream: list[StreamLine], stops: set[int], settings: ExtractSettings = DEFAULTS
) -> list[ListRow]:
    return [
        row for region in stream_to_list_regions(stream, stops, settings) for row in region_to_rows(region, settings)
    ]
