"""A seeded layout generator: the golden cards drawn in layouts the project has never been tuned to.

Each seed picks, at random, one option of every layout feature (``Layout``): how the table is ruled and
shaded, the label column and where labels sit in their row, how items are bulleted and punctuated, whether
the header rows repeat after a page break, page furniture (running header, footer, logo, watermark, stamp),
font, size, page and spacing, and which cards are drawn. The choices are written beside the PDF as a JSON
sidecar, so any failure is reproduced from its seed alone:

    python -m reconstruct.layouts OUTDIR SEED [SEED...]   # OUTDIR/layout-SEED.pdf and .json

What a card prints is the golden card's text; the only change a layout makes to the text is the item
punctuation it chooses (« ; » between items, « . » at the end), and ``drawn_cards`` gives the cards as drawn,
so a rendering is compared with exactly what it prints.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table, TableStyle
from reportlab.platypus import PageBreak as PageBreakFlowable
from reportlab.platypus import Paragraph as ParagraphFlowable

from reconstruct.document import Card, Heading, plan_document
from reconstruct.pdf_render import FAMILIES, FONT_DIR, heading_styles, markup
from schemas.golden import GoldenCard, GoldenRow

SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
# family option → (directory, regular, bold); the condensed faces come with Debian's fonts-dejavu-extra.
FONT_FILES = {
    "sans": (FONT_DIR, *FAMILIES["DejaVuSans"][:2]),
    "serif": (FONT_DIR, *FAMILIES["DejaVuSerif"][:2]),
    "condensed": (SYSTEM_FONTS, "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
}
# Bullet glyphs; the private-use ones are how Word's Symbol and Wingdings bullets reach a PDF.
GLYPHS = ("-", "•", "➢", "▪", "✓", "\uf0b7", "\uf0d8", "\uf0a7")
PRIVATE_USE = {"\uf0b7": "•", "\uf0d8": "➢", "\uf0a7": "▪"}  # code point → the glyph it is drawn as
WATERMARKS = ("DOCUMENT DE TRAVAIL", "PROJET", "VERSION PROVISOIRE")
STAMPS = ("BROUILLON", "CONFIDENTIEL")
PLAN_TITLE = "CHU Ibn Sina — Plan d'actions 2025"
SHADES = (colors.HexColor("#D9D9D9"), colors.HexColor("#DEEAF6"), colors.HexColor("#E2EFD9"))


@dataclass(frozen=True)
class Layout:
    """One option of every feature; ``Layout.draw(seed)`` picks them."""

    seed: int
    rules: str  # grid | horizontal | frame | none
    shaded_headers: bool
    label_width_cm: float  # 2.5 – 5
    label_valign: str  # TOP | MIDDLE | BOTTOM
    bullets: str  # inline | column_aligned | column_free | none
    glyph: str  # one of GLYPHS (unused where bullets is none)
    item_end: str  # as_printed | semicolon | period
    item_spacing: float  # points between two items
    repeat_header: bool  # section and « Sous Projet » rows repeated on each page a card runs onto
    untabled_share: float  # share of long cards that go on as plain text after their table
    running_header: str  # none | title | title_chapter
    footer: str  # none | page_n | n_of_m | dash_n | bare
    logo: bool
    watermark: str  # none | behind | above
    watermark_angle: float  # 30 – 60 degrees
    stamp: str  # none | BROUILLON | CONFIDENTIEL
    family: str  # sans | serif | condensed
    font_size: float  # 8 – 11
    orientation: str  # portrait | landscape
    margin_cm: float  # 1.2 – 3
    leading_ratio: float  # line height over font size
    card_on_new_page: bool
    cards: tuple[str, ...]  # canonical codes, in printed order

    @classmethod
    def draw(cls, seed: int, card_count: int = 30) -> Layout:
        rng = random.Random(seed)
        order = [block.card.code_canonical for block in plan_blocks() if isinstance(block, Card)]
        chosen = set(rng.sample(order, min(card_count, len(order))))
        return cls(
            seed=seed,
            rules=rng.choice(["grid", "horizontal", "frame", "none"]),
            shaded_headers=rng.random() < 0.5,
            label_width_cm=round(rng.uniform(2.5, 5.0), 2),
            label_valign=rng.choice(["TOP", "MIDDLE", "BOTTOM"]),
            bullets=rng.choice(["inline", "column_aligned", "column_free", "none"]),
            glyph=rng.choice(GLYPHS),
            item_end=rng.choice(["as_printed", "semicolon", "period"]),
            item_spacing=rng.choice([0.0, 0.0, 2.0, 4.0]),
            repeat_header=rng.random() < 0.5,
            untabled_share=rng.choice([0.0, 0.0, 0.15]),
            running_header=rng.choice(["none", "title", "title_chapter"]),
            footer=rng.choice(["none", "page_n", "n_of_m", "dash_n", "bare"]),
            logo=rng.random() < 0.4,
            watermark=rng.choice(["none", "none", "behind", "above"]),
            watermark_angle=round(rng.uniform(30, 60), 1),
            stamp=rng.choice(["none", "none", "none", *STAMPS]),
            family=rng.choice(list(FONT_FILES)),
            font_size=rng.choice([8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0]),
            orientation=rng.choice(["portrait", "portrait", "landscape"]),
            margin_cm=round(rng.uniform(1.2, 3.0), 2),
            leading_ratio=round(rng.uniform(1.15, 1.4), 2),
            card_on_new_page=rng.random() < 0.3,
            cards=tuple(code for code in order if code in chosen),
        )

    def options(self) -> dict[str, str]:
        """Each feature's option as a table cell: continuous ones in bands."""
        values = {
            field.name: getattr(self, field.name) for field in fields(self) if field.name not in ("seed", "cards")
        }
        values["label_width_cm"] = (
            "2.5–3.3" if self.label_width_cm < 3.3 else "3.3–4.2" if self.label_width_cm < 4.2 else "4.2–5"
        )
        values["font_size"] = "8–9" if self.font_size <= 9 else "9.5–10" if self.font_size <= 10 else "10.5–11"
        values["margin_cm"] = "1.2–2" if self.margin_cm < 2 else "2–3"
        values["leading_ratio"] = "<1.25" if self.leading_ratio < 1.25 else "≥1.25"
        values["watermark_angle"] = "30–45" if self.watermark_angle < 45 else "45–60"
        values["glyph"] = {"\uf0b7": "U+F0B7", "\uf0d8": "U+F0D8", "\uf0a7": "U+F0A7"}.get(self.glyph, self.glyph)
        return {name: str(value) for name, value in values.items()}

    def sidecar(self) -> dict:
        return {**asdict(self), "cards": list(self.cards)}

    @classmethod
    def from_sidecar(cls, data: dict) -> Layout:
        return cls(**{**data, "cards": tuple(data["cards"])})


@cache
def plan_blocks() -> tuple:
    return tuple(plan_document().blocks)


# --- what a card prints --------------------------------------------------------------------------------


def punctuate(items: list[str], item_end: str) -> list[str]:
    """Items as the layout prints them: « ; » after each but the last and « . » after the last
    (semicolon), or « . » after each (period); an item that already ends on punctuation, or the
    placeholder « - », is left as it is."""
    if item_end == "as_printed" or len(items) < 2:
        return list(items)
    printed = []
    for index, item in enumerate(items):
        if item in ("-", "–") or item[-1:] in ".;:,!?":
            printed.append(item)
        elif item_end == "semicolon":
            printed.append(item + (" ;" if index < len(items) - 1 else "."))
        else:
            printed.append(item + ".")
    return printed


def drawn_card(card: GoldenCard, layout: Layout) -> GoldenCard:
    rows = [
        GoldenRow.model_construct(label=row.label, items=punctuate(row.items, layout.item_end)) for row in card.rows
    ]
    return card.model_copy(update={"rows": rows})


def drawn_cards(layout: Layout) -> list[GoldenCard]:
    """The golden cards the layout draws, with the text it prints."""
    cards = {block.card.code_canonical: block.card for block in plan_blocks() if isinstance(block, Card)}
    return [drawn_card(cards[code], layout) for code in layout.cards]


# --- fonts ---------------------------------------------------------------------------------------------


@cache
def register_fonts(family: str) -> tuple[str, str, str]:
    """Regular, bold and bullet font names of a family option, registered with reportlab."""
    folder, regular_file, bold_file = FONT_FILES[family]
    regular, bold = f"layout-{family}", f"layout-{family}-bold"
    for name, filename in ((regular, regular_file), (bold, bold_file)):
        path = folder / filename
        if not path.exists():
            raise FileNotFoundError(f"{path}: font missing (install Debian's fonts-dejavu-extra: make setup)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    return regular, bold, register_symbol_font()


@cache
def register_symbol_font() -> str:
    """A bullet font that maps the private-use code points of Word's Symbol and Wingdings bullets to their
    glyphs, as the fonts Word embeds do; built once from DejaVu Sans with fontTools."""
    from fontTools.ttLib import TTFont as FontFile

    target = Path(__file__).resolve().parent.parent / "build" / "fonts" / "layout-bullets.ttf"
    if not target.exists():
        font = FontFile(str(FONT_DIR / FAMILIES["DejaVuSans"][0]))
        best = font.getBestCmap()
        for table in font["cmap"].tables:
            if table.isUnicode():
                for code_point, drawn_as in PRIVATE_USE.items():
                    table.cmap[ord(code_point)] = best[ord(drawn_as)]
        # A name of its own: a PDF embedding it beside DejaVu Sans must not take one for the other.
        for record in font["name"].names:
            if record.nameID in (1, 3, 4, 6, 16):
                record.string = "LayoutBullets"
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{time.time_ns()}.tmp")
        font.save(str(temporary))
        temporary.replace(target)
    pdfmetrics.registerFont(TTFont("layout-symbol", str(target)))
    return "layout-symbol"


# --- styles --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    label: ParagraphStyle
    item: ParagraphStyle
    bulleted: ParagraphStyle
    glyph: ParagraphStyle
    section: ParagraphStyle
    header: ParagraphStyle
    untabled_label: ParagraphStyle
    headings: tuple[ParagraphStyle, ...]


def make_styles(layout: Layout) -> Styles:
    regular, bold, symbol = register_fonts(layout.family)
    size = layout.font_size
    leading = round(size * layout.leading_ratio, 2)
    body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=leading, splitLongWords=1)
    item = ParagraphStyle("item", body, spaceAfter=layout.item_spacing)
    indent = size * 1.4
    return Styles(
        body=body,
        label=ParagraphStyle("label", body, fontName=bold),
        item=item,
        bulleted=ParagraphStyle(
            "bulleted", item, leftIndent=indent, bulletIndent=0, bulletFontName=symbol, bulletFontSize=size
        ),
        glyph=ParagraphStyle("glyph", body, fontName=symbol),
        section=ParagraphStyle("section", body, fontName=bold, alignment=TA_CENTER),
        header=ParagraphStyle("header", body, fontName=bold),
        untabled_label=ParagraphStyle("untabled", body, fontName=bold, spaceBefore=leading * 0.5),
        headings=heading_styles(body, bold, size, (1.8, 1.45, 1.2)),
    )


def para(text: str, style: ParagraphStyle) -> ParagraphFlowable:
    return ParagraphFlowable(markup(text, style.fontSize), style)


# --- cards ---------------------------------------------------------------------------------------------


def value_cell(items: list[str], layout: Layout, st: Styles, text_width: float) -> tuple[list, list | None]:
    """The value cell of a row and, where bullets stand in a column of their own, that column's cell."""
    placeholder = ("-", "–", "")
    if layout.bullets == "inline":
        cell = [
            para(item, st.item)
            if item in placeholder
            else ParagraphFlowable(markup(item, st.bulleted.fontSize), st.bulleted, bulletText=layout.glyph)
            for item in items
        ]
        return cell, None
    texts = [para(item, st.item) for item in items]
    if layout.bullets == "none":
        return texts, None
    if layout.bullets == "column_aligned":
        glyphs = []
        for item, text in zip(items, texts, strict=True):
            extra = text.wrap(text_width, 1e6)[1] + layout.item_spacing - st.glyph.leading
            glyphs.append(
                para(
                    "" if item in placeholder else layout.glyph, ParagraphStyle("g", st.glyph, spaceAfter=max(extra, 0))
                )
            )
        return texts, glyphs
    # column_free: one glyph a line, as typed in a column of its own, level with the text's lines only
    # where no item wraps
    return texts, [para(layout.glyph, st.glyph) for item in items if item not in placeholder]


def card_table(block: Card, layout: Layout, st: Styles, width: float, rows: list[GoldenRow]) -> Table:
    in_column = layout.bullets in ("column_aligned", "column_free")
    label_width = layout.label_width_cm * cm
    glyph_width = layout.font_size * 1.6
    padding = 4
    widths = (
        [label_width, glyph_width, width - label_width - glyph_width]
        if in_column
        else [label_width, width - label_width]
    )
    blank = [""] * (len(widths) - 1)
    data: list[list] = [[para(block.card.section, st.section), *blank], [para(block.header, st.header), *blank]]
    for row in rows:
        texts, glyphs = value_cell(row.items or [""], layout, st, widths[-1] - 2 * padding)
        label = para(row.label, st.label)
        data.append([label, glyphs, texts] if in_column else [label, texts])
    commands: list[tuple] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, 1), (-1, 1)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 2), (0, -1), layout.label_valign),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]
    if in_column:
        commands += [
            ("LEFTPADDING", (1, 2), (1, -1), 2),
            ("RIGHTPADDING", (1, 2), (1, -1), 0),
            ("LEFTPADDING", (2, 2), (2, -1), 1),
        ]
    if layout.shaded_headers:
        shade = SHADES[layout.seed % len(SHADES)]
        commands += [("BACKGROUND", (0, 0), (-1, 1), shade)]
    if layout.rules == "grid":
        # every row ruled, and the label column; the bullet column has no rule of its own between glyph and text
        commands += [
            ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
            ("LINEBELOW", (0, 0), (-1, -2), 0.5, colors.black),
            ("LINEBEFORE", (1, 2), (1, -1), 0.5, colors.black),
        ]
    elif layout.rules == "horizontal":
        commands += [
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black),
        ]
    elif layout.rules == "frame":
        commands += [("BOX", (0, 0), (-1, -1), 0.75, colors.black)]
    else:
        commands += (
            [("LINEBELOW", (0, 1), (-1, 1), 0.75, colors.black)]
            if layout.shaded_headers is False and layout.seed % 2
            else []
        )
    return Table(
        data,
        colWidths=widths,
        repeatRows=2 if layout.repeat_header else 0,
        splitByRow=1,
        splitInRow=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def card_flowables(block: Card, layout: Layout, st: Styles, width: float, rng: random.Random) -> list:
    rows = drawn_card(block.card, layout).rows
    cut = len(rows)
    if len(rows) >= 6 and rng.random() < layout.untabled_share:
        cut = rng.randrange(3, len(rows))
    story: list = [card_table(block, layout, st, width, rows[:cut])]
    # From `cut` on the card goes on as plain paragraphs below its table.
    for row in rows[cut:]:
        story.append(para(row.label, st.untabled_label))
        for item in row.items:
            if layout.bullets == "none" or item in ("-", "–"):
                story.append(para(item, st.item))
            else:
                story.append(
                    ParagraphFlowable(markup(item, st.bulleted.fontSize), st.bulleted, bulletText=layout.glyph)
                )
    story.append(Spacer(1, layout.font_size * 1.6))
    return story


def layout_blocks(layout: Layout) -> list:
    """The chapter headings and the drawn cards, in printed order: each heading kept where a card of its
    chapter is drawn."""
    chosen = set(layout.cards)
    blocks, pending = [], []
    for block in plan_blocks():
        if isinstance(block, Heading) and block.level <= 2:
            pending = [heading for heading in pending if heading.level < block.level] + [block]
        elif isinstance(block, Card) and block.card.code_canonical in chosen:
            blocks += pending
            pending = []
            blocks.append(block)
    return blocks


def story(layout: Layout, width: float) -> list:
    st = make_styles(layout)
    rng = random.Random(layout.seed * 7919 + 1)
    flow: list = []
    for block in layout_blocks(layout):
        if isinstance(block, Heading):
            flow.append(ChapterMark(block.text))
            flow.append(para(block.text, st.headings[min(block.level, 3) - 1]))
        else:
            if layout.card_on_new_page and flow:
                flow.append(PageBreakFlowable())
            flow += card_flowables(block, layout, st, width, rng)
    return flow


class ChapterMark(Spacer):
    """Zero-height marker: tells the page decorations which chapter the page is in."""

    def __init__(self, text: str) -> None:
        super().__init__(0, 0)
        self.chapter = text


# --- pages ---------------------------------------------------------------------------------------------


def page_size(layout: Layout) -> tuple[float, float]:
    return landscape(A4) if layout.orientation == "landscape" else A4


def footer_text(layout: Layout, number: int, total: int) -> str:
    return {
        "page_n": f"Page {number}",
        "n_of_m": f"{number} / {total}",
        "dash_n": f"- {number} -",
        "bare": str(number),
    }[layout.footer]


def numbered_canvas(layout: Layout, fonts: tuple[str, str, str]):
    """A canvas that draws the page furniture once the page count is known (« N / M » needs it)."""
    regular, bold, _ = fonts
    width, height = page_size(layout)
    margin = layout.margin_cm * cm

    class FurnishedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.pages: list[dict] = []
            self.chapter = ""

        def showPage(self):
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self.pages)
            for state in self.pages:
                self.__dict__.update(state)
                self.furnish(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def furnish(self, total: int) -> None:
            number = self._pageNumber
            self.saveState()
            if layout.running_header != "none":
                self.setFont(regular, layout.font_size * 0.85)
                self.setFillColor(colors.HexColor("#404040"))
                self.drawRightString(width - margin, height - margin * 0.55, PLAN_TITLE)
                if layout.running_header == "title_chapter" and self.chapter:
                    self.drawString(
                        margin + (3.2 * cm if layout.logo else 0), height - margin * 0.55, self.chapter[:70]
                    )
                self.setStrokeColor(colors.HexColor("#808080"))
                self.setLineWidth(0.4)
                self.line(margin, height - margin * 0.55 - 4, width - margin, height - margin * 0.55 - 4)
            if layout.logo:
                self.setFillColor(colors.HexColor("#1F4E79"))
                self.rect(margin, height - margin * 0.55 - 2, 0.5 * cm, 0.5 * cm, stroke=0, fill=1)
                self.setFont(bold, 7)
                self.drawString(margin + 0.6 * cm, height - margin * 0.55 + 6, "CHU IBN SINA")
                self.setFont(regular, 6)
                self.drawString(margin + 0.6 * cm, height - margin * 0.55 - 1, "Rabat")
            if layout.footer != "none":
                self.setFillColor(colors.black)
                self.setFont(regular, layout.font_size * 0.85)
                self.drawCentredString(width / 2, margin * 0.45, footer_text(layout, number, total))
            self.restoreState()

    return FurnishedCanvas


def draw_watermark(canvas: Canvas, layout: Layout, fonts: tuple[str, str, str]) -> None:
    width, height = page_size(layout)
    text = WATERMARKS[layout.seed % len(WATERMARKS)]
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0.8, 0.8, alpha=1 if layout.watermark == "behind" else 0.4))
    canvas.setFont(fonts[1], 54 if len(text) > 10 else 80)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(layout.watermark_angle)
    canvas.drawCentredString(0, 0, text)
    canvas.restoreState()


def draw_stamp(canvas: Canvas, layout: Layout, fonts: tuple[str, str, str]) -> None:
    width, height = page_size(layout)
    rng = random.Random(layout.seed * 31 + canvas.getPageNumber())
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.85, 0.25, 0.25, alpha=0.35))
    canvas.setFont(fonts[1], 40)
    canvas.drawCentredString(width * rng.uniform(0.35, 0.65), height * rng.uniform(0.25, 0.75), layout.stamp)
    canvas.restoreState()


def render_layout(layout: Layout, out: Path) -> Path:
    """Draw the layout to `out` and write its sidecar `out`.json; returns `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fonts = register_fonts(layout.family)
    width, height = page_size(layout)
    margin = layout.margin_cm * cm
    top_margin = margin + (0.6 * cm if layout.running_header != "none" or layout.logo else 0)
    frame = Frame(
        margin,
        margin,
        width - 2 * margin,
        height - margin - top_margin,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def before(canvas, doc) -> None:
        canvas.chapter = doc.chapter
        if layout.watermark == "behind":
            draw_watermark(canvas, layout, fonts)

    def after(canvas, doc) -> None:
        if layout.watermark == "above":
            draw_watermark(canvas, layout, fonts)
        if layout.stamp != "none":
            draw_stamp(canvas, layout, fonts)

    class Document(BaseDocTemplate):
        chapter = ""

        def afterFlowable(self, flowable) -> None:
            if isinstance(flowable, ChapterMark):
                self.chapter = flowable.chapter

    doc = Document(
        str(out),
        pagesize=(width, height),
        title="Plan d'actions 2025",
        author="CHU Ibn Sina",
        creator="plan-to-data layouts",
        invariant=1,
    )
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=before, onPageEnd=after)])
    doc.build(story(layout, width - 2 * margin), canvasmaker=numbered_canvas(layout, fonts))
    out.with_suffix(".json").write_text(json.dumps(layout.sidecar(), ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0].startswith("-"):
        print("usage: python -m reconstruct.layouts OUTDIR SEED [SEED...]", file=sys.stderr)
        return 2
    outdir = Path(argv[0])
    for seed in map(int, argv[1:]):
        started = time.perf_counter()
        path = render_layout(Layout.draw(seed), outdir / f"layout-{seed}.pdf")
        print(f"{path}: drawn in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
