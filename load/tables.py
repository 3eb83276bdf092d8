"""An extraction to the dataset's rows: the normalizers read the printed items, every row keeps its page.

Chain: ``extraction_to_rows`` calls one ``x_to_rows`` function per table; ``validate_rows`` passes every
row through its pydantic model and moves failures to ``rejected`` with the reason.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from pydantic import ValidationError

from extract.model import Card, Extraction, Finding, Item
from load.corrections import (
    Correction,
    Outcome,
    correction_findings,
    correction_rows,
    extracted_text,
    is_corrected,
    is_deleted,
    override_cards,
)
from load.printed import PrintedPages, chapter_headings, printed_chapters
from normalize.amounts import card_budget, parse_budget_line
from normalize.codes import canonical_code
from normalize.dates import card_schedule, parse_schedule_item
from normalize.entities import split_entities
from normalize.links import link_list_rows, title_key
from normalize.people import cluster_people, split_mentions
from normalize.targets import parse_targets
from schemas.records import TABLES, Keys
from vocabulary import fold, french

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "normalize" / "data" / "reference"
Rows = dict[str, list[dict]]
# A cell that prints only a dash, or nothing, states no value: it is kept in field_items, flagged, and is not an
# item of the card's lists.
PLACEHOLDERS = {"", "-", "–", "—"}
LIST_FIELDS = ("responsibles", "entities", "coordinators", "partners", "objectives", "actions", "indicators")
PEOPLE_FIELDS = {"responsibles": "responsible", "coordinators": "coordinator"}


def is_placeholder(text: str) -> bool:
    return text.strip() in PLACEHOLDERS


def field_items(card: Card, name: str, placeholders: bool = False) -> list[Item]:
    """The items of a card's field, without the placeholders unless asked for, never those a correction deleted."""
    return [
        item for row in card.rows if row.field == name for item in row.items
        if not is_deleted(item) and (placeholders or not is_placeholder(item.text))
    ]  # fmt: skip


def texts(card: Card, name: str, placeholders: bool = False) -> list[str]:
    return [item.text for item in field_items(card, name, placeholders)]


def owner(code_canonical: str) -> str:
    """« HS-M1-25 » → HS, « FCOOP-56 » → FCOOP, « DCHUIS-PM-PH1-25 » → DCHUIS."""
    return re.split(r"[-\s]", code_canonical)[0]


def card_to_row(card: Card, printed: PrintedPages, chapters: dict[str, str]) -> dict:
    code = canonical_code(card.code)
    # The category of a Budget or Calendrier cell comes from everything it prints, a lone dash included (« none »).
    budget_readings = [parse_budget_line(text) for text in texts(card, "budget", placeholders=True)]
    budget = card_budget(budget_readings)
    schedule = card_schedule([parse_schedule_item(text) for text in texts(card, "schedule", placeholders=True)])
    pages = card.pages
    chapter = card.chapter
    row = {
        "code": code,
        "code_printed": card.code,
        "title": card.title,
        "section": card.section,
        "chapter": chapter,
        "chapter_printed": chapters.get(chapter) if chapter else None,
        "owner": owner(code),
        "axis": chapter.split(".")[0] if chapter else None,
        "page_first": pages[0],
        "page_first_label": printed.label(pages[0]),
        "page_last": pages[-1],
        "page_last_label": printed.label(pages[-1]),
        **{name: texts(card, name) for name in LIST_FIELDS},
        "target_values": texts(card, "values"),
        "budget_text": "; ".join(texts(card, "budget")) or None,
        "budget_min_mad": budget.amount_min,
        "budget_max_mad": budget.amount_max,
        "budget_category": budget.category,
        "schedule_text": "; ".join(texts(card, "schedule")) or None,
        "start_date": schedule.start,
        "end_date": schedule.end,
        "schedule_category": schedule.category,
    }
    return row


def card_to_field_items(card: Card, printed: PrintedPages) -> list[dict]:
    rows = []
    code = canonical_code(card.code)
    own = [("header", "Sous Projet", card.header)] + ([("section", "", card.section_item)] if card.section_item else [])
    for name, label, item in own:
        rows += item_rows(code, name, label, 0, item, printed)
    for row in card.rows:
        for index, item in enumerate(row.items):
            rows += item_rows(code, row.field or "unknown", row.label, index, item, printed)
    return rows


def item_rows(code: str, name: str, label: str, index: int, item: Item, printed: PrintedPages) -> list[dict]:
    flag = item.flag or ("placeholder" if is_placeholder(item.text) and name not in ("header", "section") else None)
    return [
        {
            "code": code,
            "field": name,
            "label": label,
            "item_index": index,
            "part": part,
            "text": item.text,
            "page": box.page,
            "page_label": printed.label(box.page),
            "x0": box.x0,
            "top": box.top,
            "x1": box.x1,
            "bottom": box.bottom,
            "reader": item.reader,
            "ocr_confidence": item.ocr_confidence,
            "flag": flag,
            "corrected": is_corrected(item),
            "extracted_text": extracted_text(item),
        }  # fmt: skip
        for part, box in enumerate(item.boxes)
    ]


def card_to_budget_lines(card: Card, printed: PrintedPages) -> list[dict]:
    """Every printed Budget item, a lone dash included (read as text: it is what makes the category « none »)."""
    code = canonical_code(card.code)
    rows = []
    for index, item in enumerate(field_items(card, "budget", placeholders=True)):
        reading = parse_budget_line(item.text)
        rows.append(
            {
                "code": code,
                "line_index": index,
                "text": item.text,
                "amount_min_mad": reading.amount_min,
                "amount_max_mad": reading.amount_max,
                "kind": reading.kind,
                "flags": list(reading.flags),
                "rule": reading.rule,
                "page": item.page,
                "page_label": printed.label(item.page),
            }  # fmt: skip
        )
    return rows


def card_to_schedule_phases(card: Card, printed: PrintedPages) -> list[dict]:
    code = canonical_code(card.code)
    rows = []
    for index, item in enumerate(field_items(card, "schedule", placeholders=True)):
        reading = parse_schedule_item(item.text)
        rows.append(
            {
                "code": code,
                "phase_index": index,
                "text": item.text,
                "label": reading.label,
                "start_date": reading.start,
                "end_date": reading.end,
                "rule": reading.rule,
                "page": item.page,
                "page_label": printed.label(item.page),
            }  # fmt: skip
        )
    return rows


def card_to_targets(card: Card, printed: PrintedPages) -> list[dict]:
    code = canonical_code(card.code)
    rows = []
    for name in ("indicators", "values"):
        for index, item in enumerate(field_items(card, name)):
            for reading in parse_targets(item.text):
                rows.append(
                    {
                        "code": code,
                        "item_index": index,
                        "field": name,
                        "text": reading.text,
                        "value": reading.value,
                        "min": reading.min,
                        "max": reading.max,
                        "unit": reading.unit,
                        "comparator": reading.comparator,
                        "year": reading.year,
                        "rule": reading.rule,
                        "page": item.page,
                        "page_label": printed.label(item.page),
                    }  # fmt: skip
                )
    return rows


def people_rows(cards: list[Card], printed: PrintedPages) -> tuple[list[dict], list[dict]]:
    mentions = []
    for card in cards:
        code = canonical_code(card.code)
        for name, role in PEOPLE_FIELDS.items():
            for index, item in enumerate(field_items(card, name)):
                for mention in split_mentions(item.text):
                    mentions.append((code, role, f"{code}/{name}/{index}", item.page, mention))
    persons = [(cell, mention.name) for _, _, cell, _, mention in mentions if mention.kind == "person" and mention.name]
    registry, matches = cluster_people([name for _, name in persons], cells=[cell for cell, _ in persons])
    match_of = iter(matches)
    card_people = []
    for code, role, _, page, mention in mentions:
        match = next(match_of) if mention.kind == "person" and mention.name else None
        card_people.append(
            {
                "code": code,
                "role": role,
                "printed": mention.printed,
                "title": mention.title,
                "kind": mention.kind,
                "person_id": match.person_id if match else None,
                "score": round(match.score, 2) if match else None,
                "page": page,
                "page_label": printed.label(page),
            }  # fmt: skip
        )
    people = [
        {"person_id": person.person_id, "display_name": person.display_name, "names": sorted(set(person.names))}
        for person in registry.values()
    ]
    return sorted(people, key=lambda row: row["person_id"]), card_people


def entity_rows(cards: list[Card], printed: PrintedPages) -> tuple[dict[str, dict], list[dict], list[Finding]]:
    """Entity mentions of the cards, the registry of the entities they resolve to, and the unresolved ones as
    findings."""
    card_entities, registry, findings = [], {}, []
    for card in cards:
        code = canonical_code(card.code)
        for item in field_items(card, "entities"):
            for reading in split_entities(item.text):
                card_entities.append(
                    {
                        "code": code,
                        "printed": reading.printed,
                        "canonical": reading.canonical,
                        "kind": reading.kind,
                        "rule": reading.rule,
                        "page": item.page,
                        "page_label": printed.label(item.page),
                    }  # fmt: skip
                )
                if reading.kind == "unresolved":
                    findings.append(
                        Finding(
                            "unresolved_entity",
                            code,
                            "entities",
                            item.page,
                            f"{code}: entity « {reading.printed} » not found in the glossary or the plan's names",
                        )
                    )
                elif reading.canonical:
                    registry.setdefault(
                        reading.canonical, {"canonical": reading.canonical, "name": reading.name, "kind": reading.kind}
                    )
    return registry, card_entities, findings


def reference_rows(name: str) -> list[dict]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def entity_alias_rows() -> list[dict]:
    return [
        {"alias": row["alias"], "canonical": row["canonical"], "name": row["name"] or None, "kind": row["kind"]}
        for row in reference_rows("entity_aliases.csv")
    ]


_CHAPTER_NUMBER = re.compile(r"^\s*(I{1,3}|IV)\s*\.\s*\d{1,2}\.?\s*")


def owner_name(section: str, code: str) -> str:
    """« II.1. Fonction Financière (FF) » -> « Fonction Financière »; « Hôpital des Spécialités » as printed."""
    name = _CHAPTER_NUMBER.sub("", section).strip()
    name = re.sub(r"\s*\(\s*[\w.]+\s*\)\s*$", "", name)  # the abbreviation in brackets
    name = re.sub(rf"\s+{re.escape(code)}$", "", name, flags=re.IGNORECASE)  # or after a space (« … Contentieux FAJC »)
    return name.strip() or section


def owner_rows(cards: list[dict], aliases: list[dict]) -> list[dict]:
    """One row per owner in the cards: its name is the form its cards' section headers print most (folded
    forms counted together, the most printed spelling kept); its glossary expansions beside it."""
    glossary: dict[str, list[str]] = defaultdict(list)
    for row in reference_rows("abbreviations.csv"):
        glossary[row["acronym"].replace(".", "").upper()].append(row["expansion"])
    alias_of = {row["alias"]: row["canonical"] for row in aliases}
    by_owner: dict[str, list[dict]] = defaultdict(list)
    for card in cards:
        by_owner[card["owner"]].append(card)
    rows = []
    for code, owned in sorted(by_owner.items()):
        names = [owner_name(card["section"], code) for card in owned]
        groups = Counter(title_key(name) for name in names)
        best = max(
            groups,
            key=lambda folded: (groups[folded], -next(i for i, name in enumerate(names) if title_key(name) == folded)),
        )
        spellings = Counter(name for name in names if title_key(name) == best)
        name = spellings.most_common(1)[0][0]
        axis = Counter(card["axis"] for card in owned).most_common(1)[0][0]
        folded = fold(name)
        if axis == "II":
            kind = "function"
        elif folded.startswith(tuple(french()["owners"]["establishment_words"])):
            kind = "establishment"
        else:
            kind = "directorate"
        rows.append(
            {
                "code": code,
                "name": name,
                "axis": axis,
                "kind": kind,
                "entity": alias_of.get(code, code),
                "glossary_names": glossary.get(code, []),
            }
        )
    return rows


def complete_entities(registry: dict[str, dict], aliases: list[dict], owners: list[dict]) -> list[dict]:
    """The entities mentioned, then every entity of the alias table and every owner, so that each code the
    dataset uses has a row and a name where the plan gives one."""
    entities = dict(registry)
    for row in aliases:
        entities.setdefault(row["canonical"], {"canonical": row["canonical"], "name": row["name"], "kind": row["kind"]})
        if entities[row["canonical"]]["name"] is None and row["name"]:
            entities[row["canonical"]]["name"] = row["name"]
    for row in owners:
        entities.setdefault(row["entity"], {"canonical": row["entity"], "name": row["name"], "kind": row["kind"]})
    return sorted(entities.values(), key=lambda row: row["canonical"])


def finding_row(found: Finding, printed: PrintedPages) -> dict:
    """A finding as its ``findings`` row: its fields and the page number printed on its page."""
    return {**dataclasses.asdict(found), "page_label": printed.label(found.page)}


def list_entry_rows(extraction: Extraction, printed: PrintedPages) -> tuple[list[dict], list[Finding]]:
    rows, findings = [], []
    linked = set()
    titles = {canonical_code(card.code): card.title for card in extraction.cards}
    links = link_list_rows(titles, [(row.code, row.title) for row in extraction.list_rows])
    for index, (row, (card_code, how)) in enumerate(zip(extraction.list_rows, links)):
        code = canonical_code(row.code) if row.code else None
        linked.add(card_code)
        rows.append(
            {
                "list_heading": row.heading,
                "row_index": index,
                "code": card_code,
                "code_printed": row.code,
                "code_printed_canonical": code,
                "linked_by": how,
                "title": row.title,
                "section": row.section,
                "page": row.page,
                "page_label": printed.label(row.page),
            }  # fmt: skip
        )
        shown = row.code or "(no code)"
        if how == "none":
            findings.append(
                Finding(
                    "list_without_card",
                    None,
                    None,
                    row.page,
                    f"list row {shown} « {row.title} » has no card of that code or title",
                )
            )
        elif how == "title" and code != card_code:
            findings.append(
                Finding(
                    "list_code_differs",
                    card_code,
                    None,
                    row.page,
                    f"list row {shown} « {row.title} » is card {card_code} « {titles[card_code]} » by its title",
                )
            )
        elif how == "code":
            findings.append(
                Finding(
                    "list_title_differs",
                    card_code,
                    None,
                    row.page,
                    f"list row {shown} titles card {card_code} « {row.title} »; the card titles it « {titles[card_code]} »",
                )
            )
    for card in extraction.cards:
        code = canonical_code(card.code)
        if code not in linked and extraction.list_rows:
            findings.append(
                Finding(
                    "card_not_listed", code, None, card.pages[0], f"{code}: card not announced by any summary list row"
                )
            )
    return rows, findings


def card_findings(card: Card) -> list[Finding]:
    code = canonical_code(card.code)
    found = []
    readings = [parse_budget_line(text) for text in texts(card, "budget", placeholders=True)]
    for reading in readings:
        for warning in reading.warnings:
            found.append(Finding("malformed_amount", code, "budget", card.pages[0], f"{code}: {warning}"))
    totals = [reading for reading in readings if reading.kind == "total"]
    parts = [reading for reading in readings if reading.kind in ("amount", "estimate")]
    if totals and parts:
        summed = sum(reading.amount_min for reading in parts)
        if summed != totals[-1].amount_min:
            found.append(
                Finding(
                    "total_mismatch",
                    code,
                    "budget",
                    card.pages[0],
                    f"{code}: Total {totals[-1].amount_min} but lines sum to {summed}",
                )
            )
    return found


def card_code_of(printed: str | None, codes: set[str]) -> str | None:
    """The canonical code of a card an extraction finding names; None if it names no card (the message keeps
    the printed code)."""
    try:
        code = canonical_code(printed) if printed else None
    except ValueError:
        return None
    return code if code in codes else None


def section_rows(cards: list[Card]) -> dict[int, list[str]]:
    rows: dict[int, list[str]] = defaultdict(list)
    for card in cards:
        if card.section_item:
            rows[card.section_item.page].append(card.section)
    return rows


def readable_code(printed: str | None) -> str | None:
    """The canonical code of a printed card code; None when it has no card code's shape (« FF O1 »)."""
    try:
        return canonical_code(printed) if printed else None
    except ValueError:
        return None


def rejected_row(table: str, code: str | None, reason: str, record: dict) -> dict:
    return {
        "table_name": table,
        "code": code,
        "reason": reason,
        "record": json.dumps(record, default=str, ensure_ascii=False),
    }


def card_record(card: Card) -> dict:
    """What a rejected card keeps of itself: its code and title as printed, its pages and its items' texts."""
    return {
        "code_printed": card.code,
        "title": card.title,
        "section": card.section,
        "pages": card.pages,
        "rows": [{"label": row.label, "items": [item.text for item in row.items]} for row in card.rows],
    }


def card_page(card: Card) -> int | None:
    boxes = [box for item in card.all_items() for box in item.boxes]
    return min(box.page for box in boxes) if boxes else None


def readable_cards(cards: list[Card], printed: PrintedPages) -> tuple[list[Card], list[dict], list[Finding]]:
    """The cards whose code and rows can be read, and for each other card a ``rejected`` row and a finding
    (``unparseable_card``): one card the build cannot read never ends the build."""
    kept, rejected, findings = [], [], []
    for card in cards:
        page = card_page(card)
        if readable_code(card.code) is None:
            reason = f"card code « {card.code} » is not a card code"
        elif not all(item.boxes for item in card.all_items()):
            reason = f"card « {card.code} » has items without a position on the page"
        else:
            try:
                card_to_row(card, printed, {})
                card_to_field_items(card, printed)
                card_to_budget_lines(card, printed)
                card_to_schedule_phases(card, printed)
                card_to_targets(card, printed)
                card_findings(card)
                people_rows([card], printed)
                entity_rows([card], printed)
                kept.append(card)
                continue
            except Exception as error:  # a card no rule reads: rejected with its reason, the others go on
                reason = f"card « {card.code} » cannot be read: {type(error).__name__}: {error}"
        rejected.append(rejected_row("cards", readable_code(card.code), reason, card_record(card)))
        findings.append(Finding("unparseable_card", None, None, page, f"page {page}: {reason}"))
    return kept, rejected, findings


def readable_list_rows(rows: list) -> tuple[list, list[dict], list[Finding]]:
    """The summary-list rows whose printed code is a card code (or that print none), and for each other a
    ``rejected`` row and a finding (``unparseable_list_row``)."""
    kept, rejected, findings = [], [], []
    for row in rows:
        if row.code and readable_code(row.code) is None:
            reason = f"list row code « {row.code} » is not a card code"
            record = {"list_heading": row.heading, "code_printed": row.code, "title": row.title, "page": row.page}
            rejected.append(rejected_row("list_entries", None, reason, record))
            message = f"page {row.page}: {reason} (« {row.title} »)"
            findings.append(Finding("unparseable_list_row", None, None, row.page, message))
        else:
            kept.append(row)
    return kept, rejected, findings


def extraction_to_rows(extraction: Extraction, printed: PrintedPages | None = None) -> Rows:
    """``printed``: the page numbers and chapter headings as printed (``load.printed.read_printed``); without
    it, the printed page numbers and chapter numbers are null. A card or summary-list row that cannot be read
    becomes a ``rejected`` row and a finding, never an error."""
    printed = printed or PrintedPages()
    cards, rejected_cards, card_problems = readable_cards(extraction.cards, printed)
    list_rows, rejected_list_rows, list_problems = readable_list_rows(extraction.list_rows)
    extraction = dataclasses.replace(extraction, cards=cards, list_rows=list_rows)
    codes = {canonical_code(card.code) for card in cards}
    chapters = printed_chapters(chapter_headings(printed, section_rows(cards)))
    card_rows = [card_to_row(card, printed, chapters) for card in cards]
    people, card_people = people_rows(cards, printed)
    registry, card_entities, entity_findings = entity_rows(cards, printed)
    aliases = entity_alias_rows()
    owners = owner_rows(card_rows, aliases)
    list_entries, list_findings = list_entry_rows(extraction, printed)
    # an extraction finding names a card by its printed code: the card's canonical code, where it is one
    findings = [dataclasses.replace(item, code=card_code_of(item.code, codes)) for item in extraction.findings]
    findings += card_problems + list_problems
    findings += [found for card in cards for found in card_findings(card)] + entity_findings + list_findings
    return {
        "entities": complete_entities(registry, aliases, owners),
        "entity_aliases": aliases,
        "owners": owners,
        "people": people,
        "cards": card_rows,
        "field_items": [row for card in cards for row in card_to_field_items(card, printed)],
        "budget_lines": [row for card in cards for row in card_to_budget_lines(card, printed)],
        "schedule_phases": [row for card in cards for row in card_to_schedule_phases(card, printed)],
        "indicator_targets": [row for card in cards for row in card_to_targets(card, printed)],
        "card_people": card_people,
        "card_entities": card_entities,
        "list_entries": list_entries,
        "findings": [finding_row(found, printed) for found in findings],
        "rejected": rejected_cards + rejected_list_rows,
    }


def with_corrections(
    rows: Rows, corrections: list[Correction], item_outcomes: list[Outcome], printed: PrintedPages | None = None
) -> Rows:
    """The rows with the card-value overrides applied, the ``corrections`` table (every row of the file and its
    status) and a finding for every correction not applied (``load.corrections``)."""
    printed = printed or PrintedPages()
    cards, card_outcomes = override_cards(rows["cards"], corrections)
    outcomes = item_outcomes + card_outcomes
    codes = {card["code"] for card in cards}
    findings = [finding_row(found, printed) for found in correction_findings(outcomes, codes)]
    return {
        **rows,
        "cards": cards,
        "findings": rows["findings"] + findings,
        "corrections": correction_rows(outcomes, printed),
    }


def validate_rows(rows: Rows) -> Rows:
    """Every row through its model, in the order of ``TABLES`` (a table after those its keys point to); a row
    goes to ``rejected`` with its reason when its model refuses it, when it repeats a primary key (a duplicate
    card code), or when a foreign key names a row that is not there (a record of a rejected card)."""
    valid: Rows = defaultdict(list)
    rejected = list(rows.get("rejected", []))
    keys = Keys()
    for table in TABLES:
        if table == "rejected":
            continue
        model = TABLES[table]
        for row in rows.get(table, []):
            reason = None
            try:
                record = model.model_validate(row)
            except ValidationError as error:
                reason = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in error.errors())
            if reason is None:
                reason = keys.problem(table, row)
            if reason:
                rejected.append(rejected_row(table, row.get("code"), reason, row))
            else:
                valid[table].append(record.model_dump())
                keys.keep(table, row)
    valid["rejected"] = [TABLES["rejected"].model_validate(row).model_dump() for row in rejected]
    return {table: valid.get(table, []) for table in TABLES}
