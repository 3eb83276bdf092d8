"""The review site of a built dataset: ``index.html`` (every card, sortable and filtered; the findings; the
corrections) and ``cards/<code>.html`` (the card's values and items beside its page images, every item's box
drawn), from ``plan.duckdb`` and the PDF only. Static files that open from the file system, offline.

The site is written into a temporary folder beside ``OUT/review`` and replaces it only once complete.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from extract.errors import PlanToDataError
from load.corrections import COLUMNS as CORRECTION_COLUMNS
from load.corrections import value_text
from review.pages import PageImage, render_pages

ASSETS = Path(__file__).resolve().parent / "assets"
SITE = "review"
DATABASE = "plan.duckdb"
BUILD_INFO = "build.json"
# The card values shown (and overridable) above the items, in this order.
CARD_VALUES = (
    "title", "section", "chapter", "chapter_printed", "budget_text", "budget_min_mad", "budget_max_mad",
    "budget_category", "schedule_text", "start_date", "end_date", "schedule_category",
)  # fmt: skip
FIELD_NAMES = {
    "header": "Sous Projet", "section": "Section", "responsibles": "Responsable(s)", "entities": "Entités concernées",
    "coordinators": "Coordinateur", "partners": "Partenaire", "objectives": "Objectifs", "actions": "Actions",
    "indicators": "Indicateurs", "values": "Valeurs", "budget": "Budget", "schedule": "Calendrier", "unknown": "Label not in the vocabulary",
}  # fmt: skip


class ReviewError(PlanToDataError):
    """The dataset or the PDF cannot make a review site."""


@dataclass
class SiteSummary:
    folder: Path
    cards: int
    images: int
    size_bytes: int
    seconds: float

    def line(self) -> str:
        return f"{self.folder}: {self.cards} cards, {self.images} page images, {self.size_bytes / 1e6:.1f} MB, {self.seconds:.1f} s"


# --- reading the dataset ------------------------------------------------------------------------------------


@dataclass
class Dataset:
    cards: list[dict]
    items: dict[str, list[dict]]  # by card code, in the order printed
    findings: list[dict]
    corrections: list[dict]
    owners: dict[str, str]  # code -> name


def rows(connection, sql: str) -> list[dict]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def read_dataset(out: Path) -> Dataset:
    import duckdb

    database = out / DATABASE
    if not database.is_file():
        raise ReviewError(f"{out}: no {DATABASE}; build the dataset first (make all OUT={out})")
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = {name for (name,) in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "corrections" not in tables:
            raise ReviewError(
                f"{database}: built by an older version (no corrections table); rebuild it (make all OUT={out})"
            )
        cards = rows(
            connection,
            "SELECT c.*, o.name AS owner_name FROM cards c JOIN owners o ON o.code = c.owner ORDER BY c.page_first, c.code",
        )
        items: dict[str, list[dict]] = defaultdict(list)
        for item in rows(connection, "SELECT * FROM field_items ORDER BY code, page, top, x0, part"):
            items[item["code"]].append(item)
        findings = rows(connection, "SELECT * FROM findings ORDER BY code NULLS FIRST, page, kind")
        corrections = rows(connection, "SELECT * FROM corrections ORDER BY line")
        owners = dict(connection.execute("SELECT code, name FROM owners").fetchall())
    return Dataset(cards, dict(items), findings, corrections, owners)


def source_pdf(out: Path, pdf: Path | None) -> Path:
    """The PDF the dataset was built from: ``pdf`` if given, else the one build.json names; its SHA-256 must be
    the one recorded, or the boxes would be drawn on another document."""
    info_path = out / BUILD_INFO
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    path = pdf or (Path(info["pdf"]) if info.get("pdf") else None)
    if path is None:
        raise ReviewError(f"{out}: no {BUILD_INFO} naming the PDF; give it with --pdf")
    if not path.is_file():
        raise ReviewError(f"{path}: no such file (the PDF {out} was built from)")
    recorded = info.get("pdf_sha256")
    if recorded and file_hash(path) != recorded:
        raise ReviewError(f"{path}: not the PDF {out} was built from (another SHA-256); rebuild with make all")
    return path


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- small helpers ------------------------------------------------------------------------------------------


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page_name(code: str) -> str:
    """The card page's file name: the canonical code, any other character than letters, digits and « -_. » as « _ »."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", code) + ".html"


def csv_line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(["" if value is None else value for value in values])
    return buffer.getvalue()


def item_key(item: dict) -> str:
    """The item's row of the corrections file, `corrected` and `reason` left to fill in."""
    return csv_line([item["code"], item["field"], item["item_index"], item["extracted_text"], "", ""])


def value_key(code: str, column: str, value: str) -> str:
    return csv_line([code, column, "", value, "", ""])


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    whole, _, cents = f"{value:,.2f}".partition(".")
    return whole.replace(",", "\u202f") + ("" if cents == "00" else f",{cents}")


def budget_cell(card: dict) -> str:
    low, high = card["budget_min_mad"], card["budget_max_mad"]
    if low is None:
        return ""
    return money(low) if low == high else f"{money(low)} – {money(high)}"


def fold(text: str) -> str:
    import unicodedata

    return "".join(char for char in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(char) != "Mn")


def bbox(item: dict) -> str:
    """« x0,top,x1,bottom », each the value of field_items to the last digit."""
    return ",".join(repr(float(item[side])) for side in ("x0", "top", "x1", "bottom"))


def page_shell(title: str, body: str, view: str, root: str) -> str:
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="{root}assets/review.css">
</head>
<body data-view="{view}">
{body}
<script src="{root}assets/review.js"></script>
</body>
</html>
"""


# --- the index ----------------------------------------------------------------------------------------------


def index_html(data: Dataset, stats: dict) -> str:
    findings_of: dict[str, int] = defaultdict(int)
    for finding in data.findings:
        if finding["code"]:
            findings_of[finding["code"]] += 1
    corrected_of: dict[str, int] = defaultdict(int)
    for correction in data.corrections:
        if correction["status"] == "applied":
            corrected_of[correction["code"]] += 1
    owners = sorted({(card["owner"], card["owner_name"]) for card in data.cards})
    chapters = sorted({card["chapter"] for card in data.cards if card["chapter"]}, key=chapter_order)
    categories = sorted({card["budget_category"] for card in data.cards})
    body_rows = []
    for card in data.cards:
        code = card["code"]
        texts = " ".join(item["text"] + " " + item["extracted_text"] for item in data.items.get(code, []))
        search = fold(" ".join([code, card["code_printed"], card["title"], card["owner"], card["owner_name"], texts]))
        budget_sort = "" if card["budget_max_mad"] is None else f"{card['budget_max_mad']}"
        body_rows.append(
            f'<tr data-code="{esc(code)}" data-owner="{esc(card["owner"])}" data-chapter="{esc(card["chapter"] or "")}" '
            f'data-budget="{esc(card["budget_category"])}" data-findings="{findings_of[code]}" data-search="{esc(search)}">'
            f'<td class="nowrap" data-v="{esc(code)}"><a href="cards/{page_name(code)}">{esc(code)}</a></td>'
            f'<td data-v="{esc(fold(card["title"]))}">{esc(card["title"])}</td>'
            f'<td data-v="{esc(fold(card["owner_name"]))}">{esc(card["owner_name"])} <span class="muted">{esc(card["owner"])}</span></td>'
            f'<td data-v="{chapter_order(card["chapter"] or "")}">{esc(card["chapter"] or "")}</td>'
            f'<td class="num" data-v="{budget_sort}">{esc(budget_cell(card))}</td>'
            f'<td data-v="{esc(card["budget_category"])}">{esc(card["budget_category"])}</td>'
            f'<td class="nowrap" data-v="{card["start_date"] or ""}">{card["start_date"] or ""}</td>'
            f'<td class="nowrap" data-v="{card["end_date"] or ""}">{card["end_date"] or ""}</td>'
            f'<td class="num" data-v="{findings_of[code]}">{findings_of[code] or ""}</td>'
            f'<td class="num" data-v="{corrected_of[code]}">{corrected_of[code] or ""}</td>'
            f'<td class="num" data-v="{card["page_first"]}">{card["page_first"]}</td>'
            "</tr>"
        )
    finding_kinds = sorted({finding["kind"] for finding in data.findings})
    finding_rows = "".join(
        f'<tr data-kind="{esc(finding["kind"])}"><td>{esc(finding["kind"])}</td>'
        f"<td>{card_link(finding['code'], finding['field'])}</td><td>{esc(finding['field'] or '')}</td>"
        f'<td class="num">{esc(finding["page"] or "")}</td><td>{esc(finding["message"])}</td></tr>'
        for finding in data.findings
    )
    correction_rows = "".join(
        f'<tr class="status-{esc(row["status"])}"><td class="num">{row["line"]}</td><td>{card_link(row["code"], row["field"]) if row["code"] in stats["codes"] else esc(row["code"])}</td>'
        f'<td>{esc(row["field"])}</td><td class="num">{esc("" if row["item_index"] is None else row["item_index"])}</td>'
        f"<td>{esc(row['extracted'])}</td><td>{esc(row['corrected']) or '<em>(none)</em>'}</td><td>{esc(row['reason'])}</td>"
        f'<td><span class="status">{esc(row["status"])}</span> {esc(row["message"] or "")}</td></tr>'
        for row in data.corrections
    )
    headers = [("code", "text"), ("title", "text"), ("owner", "text"), ("chapter", "num"), ("budget (MAD)", "num"),
               ("budget category", "text"), ("start", "text"), ("end", "text"), ("findings", "num"), ("corrected", "num"),
               ("page", "num")]  # fmt: skip
    head = "".join(f'<th data-type="{kind}" tabindex="0">{esc(name)}</th>' for name, kind in headers)
    body = f"""<header class="top"><h1>Plan d'actions 2025 — review</h1>
<p class="muted">{len(data.cards)} cards, {stats["items"]} items, {len(data.findings)} findings, {len(data.corrections)} corrections —
built from <code>{esc(stats["pdf"])}</code>. Select a card to see its values on its pages.</p></header>
<main class="index">
<section id="cards">
<form class="filters" onsubmit="return false">
<label>owner <select id="f-owner"><option value="">all</option>{options((code, f"{name} ({code})") for code, name in owners)}</select></label>
<label>chapter <select id="f-chapter"><option value="">all</option>{options((chapter, chapter) for chapter in chapters)}</select></label>
<label>budget <select id="f-budget"><option value="">all</option>{options((category, category) for category in categories)}</select></label>
<label>findings <select id="f-findings"><option value="">all</option><option value="yes">with findings</option><option value="no">without</option></select></label>
<label class="grow">search <input id="f-search" type="search" placeholder="code, title, owner, any item text"></label>
<span id="count" class="muted"></span>
</form>
<table id="card-table" class="cards"><thead><tr>{head}</tr></thead><tbody>{"".join(body_rows)}</tbody></table>
</section>
<section id="findings"><h2>Findings</h2>
<label>kind <select id="f-kind"><option value="">all</option>{options((kind, kind) for kind in finding_kinds)}</select></label>
<table class="findings"><thead><tr><th>kind</th><th>card</th><th>field</th><th>page</th><th>message</th></tr></thead><tbody>{finding_rows}</tbody></table>
</section>
<section id="corrections"><h2>Corrections</h2>
<p class="muted">Rows of the corrections file ({esc(",".join(CORRECTION_COLUMNS))}) and what the build did with them.</p>
<table class="corrections"><thead><tr><th>line</th><th>card</th><th>field</th><th>item</th><th>extracted</th><th>corrected</th><th>reason</th><th>status</th></tr></thead><tbody>{correction_rows or '<tr><td colspan="8" class="muted">no corrections</td></tr>'}</tbody></table>
</section>
</main>"""
    return page_shell("Plan d'actions 2025 — review", body, "index", "")


def options(values) -> str:
    return "".join(f'<option value="{esc(value)}">{esc(label)}</option>' for value, label in values)


def chapter_order(chapter: str) -> str:
    """« I.2 » < « I.10 » < « II.1 »: a sortable key."""
    match = re.match(r"^(I+|IV)\.(\d+)", chapter or "")
    return f"{len(match[1]):02d}.{int(match[2]):03d}" if match else ""


def card_link(code: str | None, field: str | None = None) -> str:
    if not code:
        return ""
    anchor = f"#field-{esc(field)}" if field else ""
    return f'<a href="cards/{page_name(code)}{anchor}">{esc(code)}</a>'


# --- a card -------------------------------------------------------------------------------------------------


def card_html(
    card: dict, data: Dataset, images: dict[int, PageImage], neighbours: tuple[str | None, str | None]
) -> str:
    code = card["code"]
    items = data.items.get(code, [])
    findings = [finding for finding in data.findings if finding["code"] == code]
    corrections = [row for row in data.corrections if row["code"] == code]
    applied = {(row["field"], row["item_index"]): row for row in corrections if row["status"] == "applied"}
    item_fields = {item["field"] for item in items}
    # the items grouped by field, in the order their first item is printed
    groups: dict[str, list[list[dict]]] = {}
    parts: dict[tuple[str, int], list[dict]] = {}
    for item in items:
        parts.setdefault((item["field"], item["item_index"]), []).append(item)
    for (field, _), item_parts in parts.items():
        groups.setdefault(field, []).append(item_parts)
    sections = []
    placed: set[int] = set()
    for field, field_items in groups.items():
        field_findings = [finding for finding in findings if finding["field"] == field]
        placed.update(id(finding) for finding in field_findings)
        label = field_items[0][0]["label"] or FIELD_NAMES.get(field, field)
        entries = "".join(
            item_html(item_parts, applied.get((field, item_parts[0]["item_index"])))
            for item_parts in sorted(field_items, key=lambda p: p[0]["item_index"])
        )
        sections.append(
            f'<section class="field" id="field-{esc(field)}"><h3>{esc(label)} <span class="muted">{esc(field)}</span></h3>'
            f'{findings_html(field_findings)}<ol class="items">{entries}</ol></section>'
        )
    value_rows = []
    for column in CARD_VALUES:
        override = applied.get((column, None))
        column_findings = [finding for finding in findings if finding["field"] == column and column not in item_fields]
        placed.update(id(finding) for finding in column_findings)
        value = value_text(card[column])
        anchor = override["current"] if override else value
        shown = f'<span class="value">{esc(value) or "<em>null</em>"}</span>'
        if override:
            shown = f'<span class="value corrected-value">{esc(value) or "<em>null</em>"}</span>{original_html(override["current"], override["reason"])}'
        value_rows.append(
            f'<tr class="card-value{" corrected" if override else ""}" id="value-{column}" data-column="{column}"><th>{esc(column)}</th>'
            f"<td>{shown}{findings_html(column_findings)}{key_html(value_key(code, column, anchor))}</td></tr>"
        )
    others = [finding for finding in findings if id(finding) not in placed]
    pages = sorted({item["page"] for item in items})
    figures = "".join(
        figure_html(images[page], [item for item in items if item["page"] == page]) for page in pages if page in images
    )
    previous, following = neighbours
    nav = " ".join(
        part for part in (
            '<a href="../index.html">← all cards</a>',
            f'<a rel="prev" href="{page_name(previous)}">‹ {esc(previous)}</a>' if previous else "",
            f'<a rel="next" href="{page_name(following)}">{esc(following)} ›</a>' if following else "",
        ) if part
    )  # fmt: skip
    printed = f" (printed {esc(card['page_first_label'])})" if card["page_first_label"] else ""
    body = f"""<header class="top"><nav>{nav}</nav>
<h1><span class="code">{esc(code)}</span> {esc(card["title"])}</h1>
<p class="muted">{esc(card["owner_name"])} ({esc(card["owner"])}) · chapter {esc(card["chapter"] or "–")} · PDF pages {card["page_first"]}–{card["page_last"]}{printed} · {len(findings)} findings · {len(applied)} corrections applied</p></header>
<main class="card">
<div class="values" id="values">
{findings_html(others, "Findings")}
<section class="card-values"><h2>Card values</h2><table>{"".join(value_rows)}</table></section>
<h2>Items</h2>
{"".join(sections)}
</div>
<div class="pages" id="pages">{figures}</div>
</main>"""
    return page_shell(f"{code} — review", body, "card", "../")


def item_id(item: dict) -> str:
    return f"i-{item['field']}-{item['item_index']}"


def item_html(item_parts: list[dict], correction: dict | None) -> str:
    first = item_parts[0]
    boxes = ";".join(f"{part['page']}:{bbox(part)}" for part in item_parts)
    classes = (
        ["item"] + (["corrected"] if first["corrected"] else []) + ([f"flag-{first['flag']}"] if first["flag"] else [])
    )
    text = esc(first["text"]) if first["text"] else "<em>(deleted)</em>"
    flag = f' <span class="flag">{esc(first["flag"])}</span>' if first["flag"] else ""
    original = (
        original_html(first["extracted_text"], correction["reason"] if correction else "") if first["corrected"] else ""
    )
    pages = " ".join(f"p.{part['page']}" for part in item_parts)
    return (
        f'<li class="{" ".join(classes)}" id="{item_id(first)}" tabindex="0" data-page="{first["page"]}" data-bbox="{bbox(first)}" '
        f'data-boxes="{boxes}" data-field="{esc(first["field"])}" data-index="{first["item_index"]}">'
        f'<span class="text">{text}</span>{flag} <span class="where muted">{pages}</span>{original}{key_html(item_key(first))}</li>'
    )


def original_html(original: str | None, reason: str) -> str:
    because = f' — <span class="reason">{esc(reason)}</span>' if reason else ""
    return f'<div class="original">corrected; extracted: <del>{esc(original) or "<em>null</em>"}</del>{because}</div>'


def key_html(key: str) -> str:
    return f'<div class="key"><code>{esc(key)}</code><button type="button" class="copy" data-copy="{esc(key)}" title="copy this row for the corrections file">copy</button></div>'


def page_note(page: int | None) -> str:
    return f' <span class="muted">(p.{page})</span>' if page else ""


def findings_html(findings: list[dict], title: str | None = None) -> str:
    if not findings:
        return ""
    entries = "".join(
        f'<li class="finding kind-{esc(finding["kind"])}"><span class="kind">{esc(finding["kind"])}</span> {esc(finding["message"])}'
        f"{page_note(finding['page'])}</li>"
        for finding in findings
    )
    heading = f"<h2>{esc(title)}</h2>" if title else ""
    return f'<div class="findings">{heading}<ul>{entries}</ul></div>'


def figure_html(image: PageImage, items: list[dict]) -> str:
    boxes = "".join(
        f'<div class="box{" corrected" if item["corrected"] else ""}" data-item="{item_id(item)}" title="{esc(item["field"])} {item["item_index"]}: {esc(item["text"][:80])}" '
        f'style="left:{100 * item["x0"] / image.width_pt:.4f}%;top:{100 * item["top"] / image.height_pt:.4f}%;'
        f'width:{100 * (item["x1"] - item["x0"]) / image.width_pt:.4f}%;height:{100 * (item["bottom"] - item["top"]) / image.height_pt:.4f}%"></div>'
        for item in items
    )
    return (
        f'<figure class="page" id="page-{image.page}" data-page="{image.page}" data-width="{image.width_pt!r}" data-height="{image.height_pt!r}">'
        f'<div class="sheet"><img src="../pages/{image.name}" width="{image.width_px}" height="{image.height_px}" alt="PDF page {image.page}" loading="lazy">{boxes}</div>'
        f"<figcaption>PDF page {image.page}</figcaption></figure>"
    )


# --- the site -----------------------------------------------------------------------------------------------


def write_site(out: Path, pdf: Path | None = None) -> SiteSummary:
    started = time.perf_counter()
    data = read_dataset(out)
    pdf = source_pdf(out, pdf)
    target = out / SITE
    staging = out / f".{SITE}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    try:
        (staging / "cards").mkdir(parents=True)
        shutil.copytree(ASSETS, staging / "assets")
        pages = sorted({item["page"] for items in data.items.values() for item in items})
        images = {image.page: image for image in render_pages(pdf, pages, staging / "pages")}
        codes = [card["code"] for card in data.cards]
        stats = {"items": sum(len(items) for items in data.items.values()), "pdf": pdf.name, "codes": set(codes)}
        (staging / "index.html").write_text(index_html(data, stats), encoding="utf-8")
        for position, card in enumerate(data.cards):
            neighbours = (
                codes[position - 1] if position else None,
                codes[position + 1] if position + 1 < len(codes) else None,
            )
            (staging / "cards" / page_name(card["code"])).write_text(
                card_html(card, data, images, neighbours), encoding="utf-8"
            )
        old = out / f".{SITE}.old-{os.getpid()}"
        if target.exists():
            os.rename(target, old)
        os.rename(staging, target)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    size = sum(path.stat().st_size for path in target.rglob("*") if path.is_file())
    return SiteSummary(target, len(data.cards), len(images), size, time.perf_counter() - started)
