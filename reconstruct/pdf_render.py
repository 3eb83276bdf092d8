"""Render the plan to PDF in pure Python (reportlab platypus), in several layout variants.

The tests need renderings of the plan without LibreOffice, and more than one, so that the extractor
is never tuned to a single layout. Every variant prints the same content, the blocks of
``reconstruct.document.plan_document()`` character for character; only the layout changes:

- ``ruled``: Word-like ruled tables, each card's layout as in the original (ruled or borderless
  table, bullets inline or in their own column, glyph, labels sharing one cell, end of card as text).
- ``borderless``: every card without cell borders, one rule under the header rows.
- ``reflow``: another font family and size, column widths, margins and page size (US Letter), so cards
  break across pages at other places.
- ``scanned``: pages of ``ruled`` rasterized and put back together as images, with no text layer.

    python -m reconstruct.pdf_render OUTDIR [NAMES...]   # write OUTDIR/NAME.pdf, all variants by default
"""

from __future__ import annotations

import io
import re
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak as PageBreakFlowable
from reportlab.platypus import Paragraph as ParagraphFlowable
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

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

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# family → (regular, bold, italic, bold italic) files shipped with matplotlib
FAMILIES = {
    "DejaVuSans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    "DejaVuSerif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}
# Bullet glyphs are always drawn with DejaVu Sans (DejaVu Serif has no ➢), as Word draws them with a symbol font.
BULLET_FAMILY = "DejaVuSans"
# The original's Wingdings arrow (U+F0D8, private use) is printed as the nearest Unicode arrow.
GLYPHS = {"-": "-", "•": "•", "➢": "➢", "\uf0d8": "➢", "": ""}
# Ordinals printed with a superscript suffix: « 1er », « 9éme », « 1ER ».
ORDINAL = re.compile(r"(?<=\d)(er|ER|ère|ème|éme)(?![^\W\d_])")
SHADE = colors.HexColor("#D9D9D9")


@dataclass(frozen=True)
class Settings:
    page_size: tuple[float, float] = A4
    margins: tuple[float, float, float, float] = (2 * cm, 2 * cm, 2 * cm, 2 * cm)  # left, right, top, bottom
    family: str = "DejaVuSans"
    font_size: float = 10
    leading: float = 12.5
    label_width: float = (
        3.4 * cm
    )  # narrow enough that « Entités concernées » wraps in bold 10 pt, wide enough for « Coordonnateur »
    glyph_width: float = 0.55 * cm  # the bullet column of "bullet_column" cards
    padding: float = 4
    all_borderless: bool = False
    card_gap: float = 14  # space between two cards
    raster_of: str = ""  # a variant to rasterize instead of drawing text
    raster_dpi: int = 110
    raster_pages: int = 0  # first N pages only; 0 = all


VARIANTS: dict[str, Settings] = {
    "ruled": Settings(),
    "borderless": Settings(all_borderless=True),
    "reflow": Settings(
        page_size=LETTER,
        margins=(1.5 * cm, 2.6 * cm, 1.4 * cm, 2.2 * cm),
        family="DejaVuSerif",
        font_size=9,
        leading=11,
        label_width=4.3 * cm,
        glyph_width=0.7 * cm,
        padding=3,
        card_gap=20,
    ),
    "scanned": Settings(raster_of="ruled", raster_dpi=110, raster_pages=24),
}


# --- fonts ---------------------------------------------------------------------------------------------


@cache
def register_family(family: str) -> tuple[str, str]:
    """Register a DejaVu family with reportlab; returns the names of its regular and bold faces."""
    regular, bold, italic, bold_italic = (f"{family}{suffix}" for suffix in ("", "-Bold", "-Italic", "-BoldItalic"))
    for name, filename in zip((regular, bold, italic, bold_italic), FAMILIES[family], strict=True):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(family, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic)
    return regular, bold


def missing_glyphs(family: str, text: str) -> set[str]:
    """Characters of `text` that the regular or bold face of `family` cannot draw."""
    from fontTools.ttLib import TTFont as FontFile

    missing: set[str] = set()
    for filename in FAMILIES[family][:2]:
        cmap = FontFile(str(FONT_DIR / filename)).getBestCmap()
        missing |= {char for char in set(text) if not char.isspace() and ord(char) not in cmap}
    return missing


# --- text ----------------------------------------------------------------------------------------------


def markup(text: str, size: float) -> str:
    """Paragraph markup of plain text: escaped, ordinal suffixes as superscript."""
    rise, small = round(size * 0.33, 1), round(size * 0.68, 1)
    return ORDINAL.sub(rf'<super rise="{rise}" size="{small}">\1</super>', escape(text))


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bold: ParagraphStyle
    label: ParagraphStyle
    item: ParagraphStyle
    bulleted: ParagraphStyle
    glyph: ParagraphStyle
    section: ParagraphStyle
    header: ParagraphStyle
    headings: tuple[ParagraphStyle, ...]
    footer: ParagraphStyle


def heading_styles(
    body: ParagraphStyle, bold: str, size: float, scales: tuple[float, float, float]
) -> tuple[ParagraphStyle, ...]:
    """Bold headings of three levels, each ``scales[level]`` times the body size, spaced in proportion."""
    shapes = ((2.2, 1.0, 1.0), (1.8, 0.8, 0.6), (1.5, 0.6, 0.4))  # leading, space before, space after (× size)
    return tuple(
        ParagraphStyle(
            f"h{level + 1}",
            body,
            fontName=bold,
            fontSize=size * scale,
            leading=size * leading,
            spaceBefore=size * before,
            spaceAfter=size * after,
        )
        for level, (scale, (leading, before, after)) in enumerate(zip(scales, shapes, strict=True))
    )


def make_styles(s: Settings) -> Styles:
    regular, bold = register_family(s.family)
    bullet_regular, _ = register_family(BULLET_FAMILY)
    size, leading = s.font_size, s.leading
    body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=leading, spaceAfter=0, spaceBefore=0)
    indent = size * 1.3
    return Styles(
        body=body,
        bold=ParagraphStyle("bold", body, fontName=bold, spaceBefore=leading * 0.5),
        label=ParagraphStyle("label", body, fontName=bold),
        item=body,
        bulleted=ParagraphStyle(
            "bulleted", body, leftIndent=indent, bulletIndent=0, bulletFontName=bullet_regular, bulletFontSize=size
        ),
        glyph=ParagraphStyle("glyph", body, fontName=bullet_regular),
        section=ParagraphStyle("section", body, fontName=bold, alignment=TA_CENTER),
        header=ParagraphStyle("header", body, fontName=bold),
        headings=heading_styles(body, bold, size, (1.8, 1.4, 1.15)),
        footer=ParagraphStyle("footer", body, fontSize=size * 0.85),
    )


def para(text: str, style: ParagraphStyle) -> ParagraphFlowable:
    return ParagraphFlowable(markup(text, style.fontSize), style)


def item_flowable(item: str, glyph: str, st: Styles) -> ParagraphFlowable:
    """One item as its own paragraph, the glyph hanging before it; an item « - » prints alone."""
    if not glyph or item == "-":
        return para(item, st.item)
    return ParagraphFlowable(markup(item, st.bulleted.fontSize), st.bulleted, bulletText=glyph)


# --- cards ---------------------------------------------------------------------------------------------


def item_groups(
    label: str, items: list[str], widths: list[float], in_column: bool, glyph: str, s: Settings, st: Styles
):
    """(label cell, items) per table row: the first row takes as many items as the label has lines, so
    that a label wrapping on two lines leaves no gap between the items beside it; then one item a row."""
    label_cell = para(label, st.label)
    label_height = label_cell.wrap(widths[0] - 2 * s.padding, 1e6)[1]
    text_width = widths[-1] - 2 * s.padding
    height, count = 0.0, 0
    while count < len(items) and height < label_height - 0.1:
        probe = para(items[count], st.item) if in_column else item_flowable(items[count], glyph, st)
        height += probe.wrap(text_width, 1e6)[1]
        count += 1
    count = max(count, 1)
    yield label_cell, items[:count]
    for item in items[count:]:
        yield "", [item]


def glyph_cell(bullets: list[str], texts: list[ParagraphFlowable], text_width: float, st: Styles) -> list:
    """The bullet column of a row: each glyph level with the first line of its item."""
    cell = []
    for bullet, text in zip(bullets, texts, strict=True):
        extra = text.wrap(text_width, 1e6)[1] - st.glyph.leading
        cell.append(ParagraphFlowable(bullet, ParagraphStyle("g", st.glyph, spaceAfter=max(extra, 0))))
    return cell


def card_flowables(block: Card, s: Settings, st: Styles) -> list:
    layout, card = block.layout, block.card
    borderless = s.all_borderless or layout.table == "borderless"
    in_column = layout.grid == "bullet_column"
    glyph = GLYPHS[layout.bullet]
    labels = [row.label for row in card.rows]
    cut = labels.index(layout.untabled_from) if layout.untabled_from in labels else len(labels)
    joined = set(layout.merged_labels[1:])  # labels printed in the cell of the label before them

    width = s.page_size[0] - s.margins[0] - s.margins[1]
    widths = (
        [s.label_width, s.glyph_width, width - s.label_width - s.glyph_width]
        if in_column
        else [s.label_width, width - s.label_width]
    )
    blank = [""] * (len(widths) - 1)
    data: list[list] = [[para(card.section, st.section), *blank], [para(block.header, st.header), *blank]]
    commands: list[tuple] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, 1), (-1, 1)),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), s.padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), s.padding),
        ("TOPPADDING", (0, 0), (-1, -1), s.padding * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), s.padding * 0.9),
    ]
    if in_column:
        commands += [("LEFTPADDING", (1, 2), (1, -1), 2), ("RIGHTPADDING", (1, 2), (1, -1), 0)]
    rule_above: list[int] = []
    for row in card.rows[:cut]:
        first = len(data)
        for label, items in item_groups(row.label, row.items or [""], widths, in_column, glyph, s, st):
            if in_column:
                bullets = [glyph if glyph and item not in ("", "-") else "" for item in items]
                texts = [para(item, st.item) for item in items]
                data.append([label, glyph_cell(bullets, texts, widths[2] - 2 * s.padding, st), texts])
            else:
                data.append([label, [item_flowable(item, glyph, st) for item in items if item]])
        last = len(data) - 1
        # One table row per item, so that a long row can break across pages between its items; the rows
        # of one label are printed as one cell: no padding nor rule between them.
        if last > first:
            commands += [
                ("TOPPADDING", (0, first + 1), (-1, last), 0),
                ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
            ]
        if row.label not in joined:
            rule_above.append(first)
    if borderless:
        commands.append(("LINEBELOW", (0, 1), (-1, 1), 0.75, colors.black))
    else:
        commands += [("BOX", (0, 0), (-1, -1), 0.5, colors.black), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]
        commands += [("LINEABOVE", (0, r), (-1, r), 0.5, colors.black) for r in rule_above]
        commands += [("LINEBEFORE", (c, 2), (c, -1), 0.5, colors.black) for c in range(1, len(widths))]
    table = Table(data, colWidths=widths, repeatRows=0, splitByRow=1, style=TableStyle(commands), hAlign="LEFT")
    flowables: list = [table]
    # From `untabled_from` on, the card goes on as plain paragraphs outside the table.
    for row in card.rows[cut:]:
        flowables.append(para(row.label, st.bold))
        flowables += [item_flowable(item, glyph, st) for item in row.items]
    flowables.append(Spacer(1, s.card_gap))
    return flowables


# --- narrative -----------------------------------------------------------------------------------------


def list_table(block: ListTable, s: Settings, st: Styles) -> Table:
    width = s.page_size[0] - s.margins[0] - s.margins[1]
    widths = [3.3 * cm, width - 3.3 * cm - 4.2 * cm, 4.2 * cm]
    data = [
        [para(row.code or "", st.body), para(row.title, st.body), para(row.section, st.body)]
        for row in block.project_list.rows
    ]
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), s.padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), s.padding),
        ]
    )
    return Table(data, colWidths=widths, repeatRows=0, splitByRow=1, style=style, hAlign="LEFT")


def flowables(document: PlanDocument, s: Settings) -> list:
    st = make_styles(s)
    story: list = []
    for block in document.blocks:
        if isinstance(block, Card):
            story += card_flowables(block, s, st)
        elif isinstance(block, Heading):
            story.append(para(block.text, st.headings[min(block.level, 3) - 1]))
        elif isinstance(block, Paragraph):
            story.append(para(block.text, ParagraphStyle("p", st.body, spaceAfter=s.leading * 0.5)))
        elif isinstance(block, BulletList):
            story += [item_flowable(item, "•", st) for item in block.items]
            story.append(Spacer(1, s.leading * 0.5))
        elif isinstance(block, PageBreak):
            story.append(PageBreakFlowable())
        elif isinstance(block, Sommaire):
            story += [
                para(text, ParagraphStyle(f"toc{level}", st.body, leftIndent=(level - 1) * 1.2 * cm, spaceBefore=2))
                for level, text in block.entries
            ]
        elif isinstance(block, ListTable):
            story += [list_table(block, s, st), Spacer(1, s.leading)]
        else:
            raise TypeError(f"no rendering for block {type(block).__name__}")
    return story


# --- documents -----------------------------------------------------------------------------------------


def render_text(s: Settings, out: Path | io.BytesIO, document: PlanDocument | None = None) -> None:
    document = document or plan_document()
    regular, _ = register_family(s.family)
    left, right, top, bottom = s.margins

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, s.font_size * 0.85)
        canvas.drawCentredString(s.page_size[0] / 2, bottom / 2, str(canvas.getPageNumber()))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out if isinstance(out, io.BytesIO) else str(out),
        pagesize=s.page_size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title="Plan d'actions 2025",
        author="CHU Ibn Sina",
        creator="plan-to-data",
        invariant=1,
    )
    doc.build(flowables(document, s), onFirstPage=footer, onLaterPages=footer)


def rasterize(source: bytes | Path, out: Path, dpi: int, pages: int = 0) -> None:
    """A PDF of page images (grayscale JPEG) of `source`, with no text layer."""
    import pypdfium2
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    pdf = pypdfium2.PdfDocument(source if isinstance(source, bytes) else str(source))
    count = len(pdf) if not pages else min(pages, len(pdf))
    canvas = Canvas(str(out), invariant=1)
    for index in range(count):
        page = pdf[index]
        width, height = page.get_size()
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=75)
        buffer.seek(0)
        canvas.setPageSize((width, height))
        canvas.drawImage(ImageReader(buffer), 0, 0, width=width, height=height)
        canvas.showPage()
    canvas.save()
    pdf.close()


def render(variant: str, out: Path, document: PlanDocument | None = None) -> Path:
    """Write the plan (by default ``plan_document()``) in `variant`, a key of VARIANTS, to `out`; returns `out`."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid: {', '.join(VARIANTS)}")
    settings = VARIANTS[variant]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if settings.raster_of:
        buffer = io.BytesIO()
        render_text(VARIANTS[settings.raster_of], buffer, document)
        rasterize(buffer.getvalue(), out, settings.raster_dpi, settings.raster_pages)
    else:
        render_text(settings, out, document)
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[-1].strip())
        return 2
    outdir, names = Path(argv[0]), argv[1:] or list(VARIANTS)
    for name in names:
        started = time.perf_counter()
        path = render(name, outdir / f"{name}.pdf")
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(str(path)))
        print(f"{path}: {pages} pages in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
