"""Render the plan the way the original was made: a Word document (python-docx) converted to PDF by LibreOffice.

    python -m reconstruct.docx_render [OUT.pdf] [--docx OUT.docx]

Every card is one Word table: a shaded section row and the « Sous Projet CODE : title » row, both merged
across the full width, then one row per printed row (bold label cell, value cell). ``card_layout.csv`` says
how each card was laid out: ruled or borderless table, bullets inline (« - item ») or in a column of their
own, which glyph, labels sharing one cell, the card going on as plain text after a page break. Rows may
break across pages and nothing is repeated on the continuation, as in Word's defaults.

The Sommaire gets its page numbers from a first rendering: the heading pages are looked up in that PDF and
the document is rendered again with them. LibreOffice (``soffice``) is needed here and nowhere else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from extract.errors import PlanToDataError
from reconstruct.document import (
    BulletList,
    Card,
    Heading,
    ListTable,
    PageBreak,
    Paragraph,
    PlanDocument,
    Sommaire,
    plan_document,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDF = ROOT / "data" / "raw" / "plan_actions_2025.pdf"

FONT = "Carlito"  # metric-compatible with Calibri, the font of the original
FONT_FILES = ("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",)
BODY_PT = 11
CELL_PT = 11
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = Cm(2.0), Cm(2.5), Cm(2.5)
TEXT_W = PAGE_W - 2 * MARGIN_X
LABEL_W = Cm(2.8)  # narrow enough that « Entités concernées » wraps, as in the original
GLYPH_W = Cm(0.55)
CELL_MARGIN = Cm(0.19)  # Word's default left/right cell margin
HANGING = Cm(0.5)
ITEM_AFTER = 3.0  # points after each paragraph in a card cell
LINE_EM = 1.22  # single line height of the body font, in ems (ascent + descent + gap of Carlito/Calibri)
CODE_W = Cm(3.4)
SECTION_FILL = "D9E2F3"
HEADER_FILL = "F2F2F2"
LIST_HEAD_FILL = "BDD6EE"
RULE = {"val": "single", "sz": "4", "space": "0", "color": "000000"}
NO_RULE = {"val": "nil"}
TITLE_COLOR = RGBColor(0x1F, 0x38, 0x64)
FIXED_DATE = dt.datetime(2025, 1, 15, 9, 0, 0)

# An ordinal suffix right after a digit is printed as a superscript: 1er, 1ère, 2ème, 9éme, 1ER.
ORDINAL = re.compile(r"(?<=\d)(ère|ème|éme|eme|er|ER|e)(?![^\W\d_])")
NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
# Word inserts its Wingdings arrow as a symbol (w:sym); LibreOffice draws it with OpenSymbol and keeps the
# private-use code point U+F0D8 in the PDF text layer, as Word does.
SYMBOLS = {"\uf0d8": ("Wingdings", "F0D8")}


# --------------------------------------------------------------------------------------------- low-level XML


def _set_fonts(rpr_parent, name: str) -> None:
    """Set all four font slots explicitly (no theme fonts), on a run or a style."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), name)


def _borders(parent, tag: str, edges: dict[str, dict[str, str]]) -> None:
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if edge not in edges:
            continue
        old = element.find(qn(f"w:{edge}"))
        if old is not None:
            element.remove(old)
        node = OxmlElement(f"w:{edge}")
        for key, value in edges[edge].items():
            node.set(qn(f"w:{key}"), value)
        element.append(node)
    # schema order: top, left, bottom, right, insideH, insideV
    order = {qn(f"w:{edge}"): i for i, edge in enumerate(("top", "left", "bottom", "right", "insideH", "insideV"))}
    for child in sorted(element, key=lambda node: order.get(node.tag, 9)):
        element.append(child)


def _table_borders(table, ruled: bool) -> None:
    rule = RULE if ruled else NO_RULE
    tblPr = table._tbl.tblPr
    _borders(tblPr, "w:tblBorders", {edge: rule for edge in ("top", "left", "bottom", "right", "insideH", "insideV")})


def _stacked_edges(side: str, position: int, count: int) -> dict:
    """No rule on ``side`` (between glyph and text) nor between the stacked rows of one item list."""
    edges = {side: NO_RULE}
    if position > 0:
        edges["top"] = NO_RULE
    if position < count - 1:
        edges["bottom"] = NO_RULE
    return edges


def _cell_borders(cell, **edges: dict[str, str]) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    _borders(tcPr, "w:tcBorders", edges)


def _shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr.append(shd)


def _fixed_layout(table, widths: list[Emu]) -> None:
    """Fixed column widths: the grid, the table width and every cell's width (a merged cell spans its columns)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblPr = table._tbl.tblPr
    if tblPr.find(qn("w:tblLayout")) is None:
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblPr.append(layout)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(round(sum(widths) / 635)))
    for column, width in zip(table.columns, widths):
        column.width = width
    for tr in table._tbl.tr_lst:
        offset = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Emu(sum(widths[offset : offset + span]))
            offset += span


def _cant_split(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:tblHeader"))


def _page_field(paragraph) -> None:
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _set_fonts(run._r, FONT)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


# --------------------------------------------------------------------------------------------- text


def add_text(paragraph, text: str, *, bold: bool = False, size: float | None = None, color: RGBColor | None = None):
    """Add runs for `text`, ordinal suffixes after a digit as superscripts, glyphs in their own font."""
    position = 0
    pieces: list[tuple[str, bool]] = []
    for match in ORDINAL.finditer(text):
        pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    pieces.append((text[position:], False))
    for piece, superscript in pieces:
        for chunk in re.split(f"([{''.join(SYMBOLS)}])", piece):
            if not chunk:
                continue
            run = paragraph.add_run()
            if chunk in SYMBOLS:
                font, code = SYMBOLS[chunk]
                symbol = OxmlElement("w:sym")
                symbol.set(qn("w:font"), font)
                symbol.set(qn("w:char"), code)
                run._r.append(symbol)
            else:
                run.text = chunk
                _set_fonts(run._r, FONT)
            run.bold = bold or None
            if superscript:
                run.font.superscript = True
            if size:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
    return paragraph


def _compact(paragraph, *, after: float = 0, before: float = 0, keep: bool = False):
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if keep:
        fmt.keep_with_next = True
    return paragraph


def _cell_paragraph(cell, first: list[bool]):
    """The cell's own empty first paragraph the first time, a new one after."""
    if first[0]:
        first[0] = False
        return cell.paragraphs[0]
    return cell.add_paragraph()


def _item_paragraph(cell, first: list[bool], item: str, glyph: str, *, bold: bool = False) -> None:
    paragraph = _compact(_cell_paragraph(cell, first), after=ITEM_AFTER)
    if glyph and item != "-":
        fmt = paragraph.paragraph_format
        fmt.left_indent = HANGING
        fmt.first_line_indent = -HANGING
        fmt.tab_stops.add_tab_stop(HANGING)
        add_text(paragraph, f"{glyph}\t{item}", bold=bold, size=CELL_PT)
    else:
        add_text(paragraph, item, bold=bold, size=CELL_PT)


@cache
def _measure():
    """A text-width function in points for the body font, or None when the font file is not at hand."""
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - the estimate below is used instead
        return None
    for path in FONT_FILES:
        if Path(path).exists():
            font = ImageFont.truetype(path, 1000)
            return lambda text, size: font.getlength(text) * size / 1000
    return None


def wrapped_lines(text: str, width_pt: float, size: float = CELL_PT) -> int:
    """How many lines `text` takes in a column `width_pt` wide (greedy word wrap, as Word does)."""
    measure = _measure() or (lambda t, s: len(t) * s * 0.48)
    lines, current = 1, ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if measure(candidate, size) <= width_pt or not current:
            current = candidate
        else:
            lines += 1
            current = word
    return lines


# --------------------------------------------------------------------------------------------- blocks


@dataclass
class Renderer:
    document: Document
    page_numbers: dict[str, int]
    cover: bool = True  # inside the first page
    front: bool = True  # before the Sommaire's following page break
    pending_break: bool = False
    next_is_break: bool = False

    # ---------------------------------------------------------------- narrative

    def heading(self, block: Heading, back_cover: bool) -> None:
        if self.cover or back_cover:
            paragraph = self._para()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _compact(paragraph, before=150 if not self.document.paragraphs[:-1] else 12, after=12)
            add_text(paragraph, block.text, bold=True, size=44 if block.level == 1 else 28, color=TITLE_COLOR)
            return
        style = f"Heading {min(block.level, 4)}"
        paragraph = self._para(style)
        add_text(paragraph, block.text)
        paragraph.paragraph_format.keep_with_next = True

    def paragraph(self, block: Paragraph, back_cover: bool) -> None:
        if "\t" in block.text:  # glossary line: ACRONYM<tab>expansion
            term, _, expansion = block.text.partition("\t")
            paragraph = _compact(self._para(), after=1.5)
            fmt = paragraph.paragraph_format
            fmt.left_indent = Cm(2.4)
            fmt.first_line_indent = -Cm(2.4)
            fmt.tab_stops.add_tab_stop(Cm(2.4))
            add_text(paragraph, term, bold=True)
            add_text(paragraph, "\t" + expansion)
            return
        paragraph = self._para()
        if self.cover or back_cover:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _compact(paragraph, before=300 if back_cover else 24, after=6)
            add_text(paragraph, block.text, bold=back_cover, size=20 if back_cover else 14, color=TITLE_COLOR)
            return
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        add_text(paragraph, block.text)

    def bullets(self, block: BulletList) -> None:
        for item in block.items:
            paragraph = self._para()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt = paragraph.paragraph_format
            fmt.space_after = Pt(3)
            numbered = NUMBERED.match(item)
            indent = Cm(1.25)
            fmt.left_indent = indent
            fmt.first_line_indent = -Cm(0.6)
            fmt.tab_stops.add_tab_stop(indent)
            if numbered:
                add_text(paragraph, f"{numbered.group(1)}.\t{numbered.group(2)}")
            else:
                add_text(paragraph, f"•\t{item}")

    def page_break(self, new_section: bool = False, back_cover: bool = False) -> None:
        if new_section or back_cover:
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            section.footer.is_linked_to_previous = False
            if not back_cover:
                self._numbered_footer(section)
            return
        self.pending_break = True

    def _numbered_footer(self, section) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(paragraph)
        sectPr = section._sectPr
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:start"), "1")
        following = sectPr.find(qn("w:cols"))
        if following is not None:
            following.addprevious(numbering)
        else:
            sectPr.append(numbering)

    def sommaire(self, block: Sommaire) -> None:
        title = self._para("Title")
        add_text(title, "Sommaire")
        for level, text in block.entries:
            paragraph = self._para()
            fmt = paragraph.paragraph_format
            fmt.space_after = Pt(4 if level == 1 else 2)
            fmt.space_before = Pt(6 if level == 1 else 0)
            indent = Cm(0.8) if level == 1 else Cm(2.2)
            fmt.left_indent = indent
            fmt.first_line_indent = -Cm(0.8) if level == 1 else -Cm(1.0)
            fmt.tab_stops.add_tab_stop(indent)
            fmt.tab_stops.add_tab_stop(TEXT_W, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            number = self.page_numbers.get(text)
            tail = f"\t{number}" if number else "\t"
            if level == 1:
                add_text(paragraph, f"•\t{text}{tail}", bold=True)
            else:
                code, _, rest = text.partition(" ")
                add_text(paragraph, f"{code}\t{rest}{tail}")

    # ---------------------------------------------------------------- tables

    def list_table(self, block: ListTable) -> None:
        rows = block.project_list.rows
        table = self._table(rows=1, cols=2)
        _table_borders(table, ruled=True)
        head = table.rows[0]
        _repeat_header(head)
        for cell, text in zip(head.cells, ("Code", "Intitulé du projet")):
            _shade(cell, LIST_HEAD_FILL)
            add_text(_compact(cell.paragraphs[0], before=1, after=1), text, bold=True)
        section = None
        for entry in rows:
            if entry.section != section:
                section = entry.section
                row = table.add_row()
                _cant_split(row)
                merged = row.cells[0].merge(row.cells[1])
                _shade(merged, SECTION_FILL)
                add_text(_compact(merged.paragraphs[0], before=1, after=1, keep=True), section, bold=True)
            row = table.add_row()
            _cant_split(row)
            code_cell, title_cell = row.cells
            code_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            add_text(_compact(code_cell.paragraphs[0], before=1, after=1), entry.code or "")
            add_text(_compact(title_cell.paragraphs[0], before=1, after=1), entry.title)
        _fixed_layout(table, [CODE_W, TEXT_W - CODE_W])
        self._break_before(table)
        self._spacer()

    def _para(self, style: str | None = None):
        """A new body paragraph; it opens the next page when a page break is pending."""
        paragraph = self.document.add_paragraph(style=style)
        if self.pending_break:
            paragraph.paragraph_format.page_break_before = True
            self.pending_break = False
        return paragraph

    def _table(self, rows: int, cols: int):
        """A new table; a pending page break goes on its first paragraph, as Word does for a table."""
        pending, self.pending_break = self.pending_break, False
        table = self.document.add_table(rows=rows, cols=cols)
        table._pending_break = pending
        return table

    @staticmethod
    def _break_before(table) -> None:
        if getattr(table, "_pending_break", False):
            table.rows[0].cells[0].paragraphs[0].paragraph_format.page_break_before = True

    def _spacer(self) -> None:
        """The paragraph that keeps two tables apart; next to a page break it is one point high."""
        paragraph = _compact(self.document.add_paragraph(), after=0 if self.next_is_break else 10)
        paragraph.paragraph_format.line_spacing = Pt(1 if self.next_is_break else 6)

    def card(self, block: Card) -> None:
        card, layout = block.card, block.layout
        glyph = layout.bullet
        column = layout.grid == "bullet_column" and bool(glyph)
        widths = [LABEL_W, GLYPH_W, TEXT_W - LABEL_W - GLYPH_W] if column else [LABEL_W, TEXT_W - LABEL_W]
        ruled = layout.table == "ruled"

        rows = list(card.rows)
        untabled: list = []
        if layout.untabled_from:
            cut = next(i for i, row in enumerate(rows) if row.label == layout.untabled_from)
            rows, untabled = rows[:cut], rows[cut:]

        table = self._table(rows=0, cols=len(widths))
        _table_borders(table, ruled)

        # header rows: the section, then « Sous Projet CODE : title », each merged across the full width
        for text, fill in ((card.section, SECTION_FILL), (block.header, HEADER_FILL)):
            row = table.add_row()
            _cant_split(row)
            merged = row.cells[0].merge(row.cells[-1])
            if ruled:
                _shade(merged, fill)
            add_text(_compact(merged.paragraphs[0], before=2, after=2, keep=True), text, bold=True)
        if not ruled:
            for cell in table.rows[1].cells:
                _cell_borders(cell, bottom=RULE)

        merged_labels = layout.merged_labels
        index = 0
        while index < len(rows):
            row = rows[index]
            if (
                merged_labels
                and row.label == merged_labels[0]
                and index + 1 < len(rows)
                and rows[index + 1].label == merged_labels[1]
            ):
                self._merged_label_row(table, row, rows[index + 1], glyph, widths, column)
                index += 2
                continue
            if column:
                self._column_rows(table, row.label, row.items, glyph, ruled)
            else:
                cells = table.add_row().cells
                first = [True]
                add_text(_compact(cells[0].paragraphs[0], after=ITEM_AFTER), row.label, bold=True, size=CELL_PT)
                for item in row.items:
                    _item_paragraph(cells[1], first, item, glyph)
            index += 1
        _fixed_layout(table, widths)
        self._break_before(table)

        if untabled:
            self.pending_break = True
            for row in untabled:
                label = _compact(self._para(), before=6, after=2, keep=True)
                add_text(label, row.label, bold=True)
                for item in row.items:
                    paragraph = _compact(self._para(), after=2)
                    if glyph and item != "-":
                        paragraph.paragraph_format.left_indent = HANGING
                        paragraph.paragraph_format.first_line_indent = -HANGING
                        paragraph.paragraph_format.tab_stops.add_tab_stop(HANGING)
                        add_text(paragraph, f"{glyph}\t{item}")
                    else:
                        add_text(paragraph, item)
        self._spacer()

    def _column_rows(self, table, label: str, items, glyph: str, ruled: bool) -> None:
        """Bullet-column layout: one table row per item (glyph cell, text cell); the label cell spans them."""
        count = max(1, len(items))
        start = len(table.rows)
        for position in range(count):
            row = table.add_row()
            glyph_cell, text_cell = row.cells[1], row.cells[2]
            if position < len(items):
                item = items[position]
                add_text(
                    _compact(glyph_cell.paragraphs[0], after=ITEM_AFTER), "" if item == "-" else glyph, size=CELL_PT
                )
                add_text(_compact(text_cell.paragraphs[0], after=ITEM_AFTER), item, size=CELL_PT)
            _cell_borders(glyph_cell, **_stacked_edges("right", position, count))
            _cell_borders(text_cell, **_stacked_edges("left", position, count))
        label_cell = table.cell(start, 0)
        if count > 1:
            label_cell = label_cell.merge(table.cell(start + count - 1, 0))
        add_text(_compact(label_cell.paragraphs[0], after=ITEM_AFTER), label, bold=True, size=CELL_PT)

    def _merged_label_row(self, table, first_row, second_row, glyph: str, widths, column: bool) -> None:
        """Two labels in one cell (« Indicateurs » … « Budget »), the second level with its first item."""
        cells = table.add_row().cells
        value_cell = cells[1] if not column else cells[1].merge(cells[2])
        value_w = (sum(widths[1:]) - 2 * CELL_MARGIN) / 12700  # points
        indent = HANGING / 12700 if glyph else 0
        first = [True]
        lines = 0
        for item in first_row.items:
            _item_paragraph(value_cell, first, item, glyph)
            lines += wrapped_lines(item, value_w - indent)
        for item in second_row.items:
            _item_paragraph(value_cell, first, item, glyph)
        # « Budget » goes down by the height of the indicator items, less the « Indicateurs » line itself
        line = LINE_EM * CELL_PT
        drop = (lines - 1) * line + (len(first_row.items) - 1) * ITEM_AFTER
        label = _compact(cells[0].paragraphs[0], after=ITEM_AFTER)
        add_text(label, first_row.label, bold=True, size=CELL_PT)
        add_text(
            _compact(cells[0].add_paragraph(), before=max(0.0, drop), after=ITEM_AFTER),
            second_row.label,
            bold=True,
            size=CELL_PT,
        )

    # ---------------------------------------------------------------- driver

    def render(self, blocks: list) -> None:
        breaks = [i for i, block in enumerate(blocks) if isinstance(block, PageBreak)]
        first_break, last_break = breaks[0], breaks[-1]
        sommaire_at = next((i for i, block in enumerate(blocks) if isinstance(block, Sommaire)), None)
        numbered_from = next((i for i in breaks if sommaire_at is not None and i > sommaire_at), None)
        for index, block in enumerate(blocks):
            self.next_is_break = index + 1 < len(blocks) and isinstance(blocks[index + 1], PageBreak)
            self.cover = index < first_break
            back_cover = index > last_break
            if isinstance(block, Heading):
                self.heading(block, back_cover)
            elif isinstance(block, Paragraph):
                self.paragraph(block, back_cover)
            elif isinstance(block, BulletList):
                self.bullets(block)
            elif isinstance(block, PageBreak):
                self.page_break(new_section=index == numbered_from, back_cover=index == last_break)
            elif isinstance(block, Sommaire):
                self.sommaire(block)
            elif isinstance(block, ListTable):
                self.list_table(block)
            elif isinstance(block, Card):
                self.card(block)
            else:  # pragma: no cover
                raise TypeError(f"unknown block {block!r}")


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_fonts(normal.element, FONT)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.4
    for name, size, color, before, after in (
        ("Title", 22, TITLE_COLOR, 0, 18),
        ("Heading 1", 16, TITLE_COLOR, 12, 10),
        ("Heading 2", 13.5, RGBColor(0x2E, 0x74, 0xB5), 10, 8),
        ("Heading 3", 11.5, RGBColor(0x1F, 0x4E, 0x79), 10, 6),
        ("Heading 4", 10.5, RGBColor(0x1F, 0x4E, 0x79), 8, 4),
    ):
        style = styles[name]
        _set_fonts(style.element, FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = name == "Heading 4"
        style.font.color.rgb = color
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
        # the default template draws a rule under « Title »; keep it plain
        pPr = style.element.get_or_add_pPr()
        border = pPr.find(qn("w:pBdr"))
        if border is not None:
            pPr.remove(border)


def build_docx(plan: PlanDocument, path: Path, page_numbers: dict[str, int] | None = None) -> Path:
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN_X
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.footer_distance = Cm(1.0)
    properties = document.core_properties
    properties.title = "Plan d'actions 2025"
    properties.subject = "Centre Hospitalo-Universitaire Ibn Sina"
    properties.author = "CHU Ibn Sina"
    properties.last_modified_by = "CHU Ibn Sina"
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = properties.last_printed = FIXED_DATE
    Renderer(document, page_numbers or {}).render(plan.blocks)
    # the document's first paragraph is python-docx's template one, if any: none here
    document.save(str(path))
    return path


# --------------------------------------------------------------------------------------------- PDF


class RenderError(PlanToDataError):
    """LibreOffice is missing, or produced no PDF."""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise RenderError(
            "LibreOffice (soffice) not found: apt-get install -y libreoffice-writer-nogui fonts-crosextra-carlito"
        )
    return found


def convert(docx: Path, outdir: Path) -> Path:
    """docx → PDF with LibreOffice headless, in a throw-away user profile so runs do not depend on each other."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(outdir),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise RenderError(f"LibreOffice produced no PDF for {docx}")
    return pdf


def make_reproducible(pdf: Path) -> None:
    """Fix what LibreOffice stamps from the clock (dates, document ID, checksum) so a rebuild is byte-identical.

    Every replacement keeps the byte length, so the cross-reference offsets stay valid."""
    data = pdf.read_bytes()
    stamp = FIXED_DATE.strftime("%Y%m%d%H%M%S").encode()
    data = re.sub(rb"/(CreationDate|ModDate)\(D:\d{14}", lambda m: b"/" + m.group(1) + b"(D:" + stamp, data)
    blank = re.sub(
        rb"(/ID\s*\[\s*<)[0-9A-Fa-f]{32}(>\s*<)[0-9A-Fa-f]{32}(>)",
        rb"\g<1>" + b"0" * 32 + rb"\g<2>" + b"0" * 32 + rb"\g<3>",
        data,
    )
    blank = re.sub(rb"(/DocChecksum\s*/)[0-9A-Fa-f]{32}", rb"\g<1>" + b"0" * 32, blank)
    digest = hashlib.md5(blank).hexdigest().upper().encode()
    data = re.sub(
        rb"(/ID\s*\[\s*<)[0-9A-Fa-f]{32}(>\s*<)[0-9A-Fa-f]{32}(>)",
        rb"\g<1>" + digest + rb"\g<2>" + digest + rb"\g<3>",
        blank,
    )
    data = re.sub(rb"(/DocChecksum\s*/)[0-9A-Fa-f]{32}", rb"\g<1>" + digest, data)
    pdf.write_bytes(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def heading_pages(pdf: Path, plan: PlanDocument) -> dict[str, int]:
    """Page number (as printed in the footer) of each Sommaire entry, found in a rendered PDF."""
    import pdfplumber

    entries = next(block.entries for block in plan.blocks if isinstance(block, Sommaire))
    with pdfplumber.open(pdf) as document:
        pages = [[_squash(line) for line in (page.extract_text() or "").splitlines()] for page in document.pages]
    found: dict[str, int] = {}
    start = next(i for i, lines in enumerate(pages) if "Sommaire" in lines) + 1
    offset = None
    for _, text in entries:
        needle = _squash(text)
        for index in range(start, len(pages)):
            if any(line == needle or (len(line) > 12 and needle.startswith(line)) for line in pages[index]):
                if offset is None:
                    offset = index  # the first entry opens the numbered part, page 1
                found[text] = index - offset + 1
                start = index
                break
    return found


def render_pdf(out: Path = DEFAULT_PDF, docx_out: Path | None = None) -> Path:
    plan = plan_document()
    with tempfile.TemporaryDirectory(prefix="plan-docx-") as work:
        work_dir = Path(work)
        docx = build_docx(plan, work_dir / "plan_actions_2025.docx")
        numbers = heading_pages(convert(docx, work_dir), plan)
        docx = build_docx(plan, work_dir / "plan_actions_2025.docx", numbers)
        pdf = convert(docx, work_dir)
        if numbers != heading_pages(pdf, plan):  # the numbers moved the pages: one more pass settles them
            numbers = heading_pages(pdf, plan)
            docx = build_docx(plan, work_dir / "plan_actions_2025.docx", numbers)
            pdf = convert(docx, work_dir)
        make_reproducible(pdf)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
        if docx_out:
            shutil.copyfile(docx, docx_out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_PDF, help="PDF to write")
    parser.add_argument("--docx", type=Path, help="also keep the .docx here")
    args = parser.parse_args(argv)
    try:
        pdf = render_pdf(args.out, args.docx)
    except RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        print(f"{pdf}: {len(document.pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
