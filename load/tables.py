"""An extraction to the dataset's rows: the normalizers read the printed items, every row keeps its page.

Chain: ``extraction_to_rows`` calls one ``x_to_rows`` function per table; ``validate_rows`` passes every
row through its pydantic model and moves failures to ``rejected`` with the reason.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from extract.model import Card, Extraction, Item
from normalize.amounts import card_budget, parse_budget_line
from normalize.codes import canonical_code
from normalize.dates import card_schedule, parse_schedule_item
from normalize.entities import split_entities
from normalize.people import cluster_people, split_mentions
from normalize.targets import parse_targets
from normalize.vocabulary import fold
from schemas.records import TABLES

Rows = dict[str, list[dict]]
LIST_FIELDS = ("responsibles", "entities", "coordinators", "partners", "objectives", "actions", "indicators")
PEOPLE_FIELDS = {"responsibles": "responsible", "coordinators": "coordinator"}


def field_items(card: Card, name: str) -> list[Item]:
    return [item for row in card.rows if row.field == name for item in row.items]


def texts(card: Card, name: str) -> list[str]:
    return [item.text for item in field_items(card, name)]


def owner(code_canonical: str) -> str:
    """« HS-M1-25 » → HS, « FCOOP-56 » → FCOOP, « DCHUIS-PM-PH1-25 » → DCHUIS."""
    return re.split(r"[-\s]", code_canonical)[0]


def card_to_row(card: Card) -> dict:
    code = canonical_code(card.code)
    budget_readings = [parse_budget_line(text) for text in texts(card, "budget")]
    budget = card_budget(budget_readings)
    schedule = card_schedule([parse_schedule_item(text) for text in texts(card, "schedule")])
    pages = card.pages
    chapter = card.chapter
    row = {
        "code": card.code,
        "code_canonical": code,
        "title": card.title,
        "section": card.section,
        "chapter": chapter,
        "owner": owner(code),
        "axis": chapter.split(".")[0] if chapter else None,
        "page_first": pages[0],
        "page_last": pages[-1],
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


def card_to_field_items(card: Card) -> list[dict]:
    rows = []
    code = canonical_code(card.code)
    own = [("header", "Sous Projet", card.header)] + ([("section", "", card.section_item)] if card.section_item else [])
    for name, label, item in own:
        rows += item_rows(code, name, label, 0, item)
    for row in card.rows:
        for index, item in enumerate(row.items):
            rows += item_rows(code, row.field or "unknown", row.label, index, item)
    return rows


def item_rows(code: str, name: str, label: str, index: int, item: Item) -> list[dict]:
    return [
        {
            "code": code, "field": name, "label": label, "item_index": index, "part": part, "text": item.text,
            "page": box.page, "x0": box.x0, "top": box.top, "x1": box.x1, "bottom": box.bottom,
            "reader": item.reader, "flag": item.flag,
        }  # fmt: skip
        for part, box in enumerate(item.boxes)
    ]


def card_to_budget_lines(card: Card) -> list[dict]:
    code = canonical_code(card.code)
    rows = []
    for index, item in enumerate(field_items(card, "budget")):
        reading = parse_budget_line(item.text)
        rows.append(
            {
                "code": code, "line_index": index, "text": item.text, "amount_min_mad": reading.amount_min,
                "amount_max_mad": reading.amount_max, "kind": reading.kind, "flags": list(reading.flags),
                "rule": reading.rule, "page": item.page,
            }  # fmt: skip
        )
    return rows


def card_to_schedule_phases(card: Card) -> list[dict]:
    code = canonical_code(card.code)
    rows = []
    for index, item in enumerate(field_items(card, "schedule")):
        reading = parse_schedule_item(item.text)
        rows.append(
            {
                "code": code, "phase_index": index, "text": item.text, "label": reading.label,
                "start_date": reading.start, "end_date": reading.end, "rule": reading.rule, "page": item.page,
            }  # fmt: skip
        )
    return rows


def card_to_targets(card: Card) -> list[dict]:
    code = canonical_code(card.code)
    rows = []
    for name in ("indicators", "values"):
        for index, item in enumerate(field_items(card, name)):
            for reading in parse_targets(item.text):
                rows.append(
                    {
                        "code": code, "item_index": index, "field": name, "text": reading.text, "value": reading.value,
                        "min": reading.min, "max": reading.max, "unit": reading.unit, "comparator": reading.comparator,
                        "year": reading.year, "rule": reading.rule, "page": item.page,
                    }  # fmt: skip
                )
    return rows


def people_rows(cards: list[Card]) -> tuple[list[dict], list[dict]]:
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
                "code": code, "role": role, "printed": mention.printed, "title": mention.title, "kind": mention.kind,
                "person_id": match.person_id if match else None, "score": round(match.score, 2) if match else None,
                "page": page,
            }  # fmt: skip
        )
    people = [
        {"person_id": person.person_id, "display_name": person.display_name, "names": sorted(set(person.names))}
        for person in registry.values()
    ]
    return sorted(people, key=lambda row: row["person_id"]), card_people


def entity_rows(cards: list[Card]) -> tuple[list[dict], list[dict], list[dict]]:
    card_entities, registry, findings = [], {}, []
    for card in cards:
        code = canonical_code(card.code)
        for item in field_items(card, "entities"):
            for reading in split_entities(item.text):
                card_entities.append(
                    {
                        "code": code, "printed": reading.printed, "canonical": reading.canonical, "kind": reading.kind,
                        "rule": reading.rule, "page": item.page,
                    }  # fmt: skip
                )
                if reading.kind == "unresolved":
                    findings.append(finding("unresolved_entity", code, "entities", item.page, f"{code}: entity « {reading.printed} » not found in the glossary or the plan's names"))
                elif reading.canonical:
                    registry.setdefault(reading.canonical, {"canonical": reading.canonical, "name": reading.name, "kind": reading.kind})
    return sorted(registry.values(), key=lambda row: row["canonical"]), card_entities, findings


def finding(kind: str, code: str | None, field: str | None, page: int | None, message: str) -> dict:
    return {"kind": kind, "code": code, "field": field, "page": page, "message": message}


# Two titles this similar (rapidfuzz ratio on folded text) name the same project.
SAME_TITLE = 90.0


def title_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def link_list_rows(extraction: Extraction) -> list[tuple[str | None, str]]:
    """(card code, how) for each summary-list row. The plan's lists and cards disagree in places: a code
    missing, shifted by one (the FERS list) or misprinted (« QGR 62 »), a title swapped. A row goes to the card
    with its code and a similar title; else to a card not yet claimed whose title it prints; else to the card
    with its code; else to none."""
    titles = {canonical_code(card.code): title_key(card.title) for card in extraction.cards}
    rows = extraction.list_rows
    links: list[tuple[str | None, str] | None] = [None] * len(rows)
    claimed: set[str] = set()
    for index, row in enumerate(rows):
        code = canonical_code(row.code) if row.code else None
        if code in titles and fuzz.ratio(title_key(row.title), titles[code]) >= SAME_TITLE:
            links[index] = (code, "code")
            claimed.add(code)
    for index, row in enumerate(rows):
        if links[index] is None:
            free = {code: title for code, title in titles.items() if code not in claimed}
            best = process.extractOne(title_key(row.title), free, scorer=fuzz.ratio, score_cutoff=SAME_TITLE)
            if best:
                links[index] = (best[2], "title")
                claimed.add(best[2])
    for index, row in enumerate(rows):
        code = canonical_code(row.code) if row.code else None
        if links[index] is None:
            links[index] = (code, "code_only") if code in titles else (None, "none")
    return links  # type: ignore[return-value]


def list_entry_rows(extraction: Extraction) -> tuple[list[dict], list[dict]]:
    rows, findings = [], []
    linked = set()
    for index, (row, (card_code, how)) in enumerate(zip(extraction.list_rows, link_list_rows(extraction))):
        code = canonical_code(row.code) if row.code else None
        linked.add(card_code)
        rows.append(
            {
                "list_heading": row.heading, "row_index": index, "code": row.code, "code_canonical": code,
                "title": row.title, "section": row.section, "page": row.page, "card_code": card_code,
            }  # fmt: skip
        )
        printed = row.code or "(no code)"
        if how == "none":
            findings.append(finding("list_without_card", code, None, row.page, f"list row {printed} « {row.title[:60]} » has no card of that code or title"))
        elif how == "title" and code != card_code:
            findings.append(finding("list_code_differs", card_code, None, row.page, f"list row {printed} « {row.title[:60]} » is card {card_code} by its title"))
        elif how == "code_only":
            findings.append(finding("list_title_differs", card_code, None, row.page, f"list row {printed} titles card {card_code} « {row.title[:60]} », not as the card does"))
    for card in extraction.cards:
        code = canonical_code(card.code)
        if code not in linked and extraction.list_rows:
            findings.append(finding("card_not_listed", code, None, card.pages[0], f"{code}: card not announced by any summary list row"))
    return rows, findings


def card_findings(card: Card) -> list[dict]:
    code = canonical_code(card.code)
    found = []
    readings = [parse_budget_line(text) for text in texts(card, "budget")]
    for reading in readings:
        for warning in reading.warnings:
            found.append(finding("malformed_amount", code, "budget", card.pages[0], f"{code}: {warning}"))
    totals = [reading for reading in readings if reading.kind == "total"]
    parts = [reading for reading in readings if reading.kind in ("amount", "estimate")]
    if totals and parts:
        summed = sum(reading.amount_min for reading in parts)
        if summed != totals[-1].amount_min:
            found.append(finding("total_mismatch", code, "budget", card.pages[0], f"{code}: Total {totals[-1].amount_min} but lines sum to {summed}"))
    return found


def extraction_to_rows(extraction: Extraction) -> Rows:
    cards = extraction.cards
    people, card_people = people_rows(cards)
    entities, card_entities, entity_findings = entity_rows(cards)
    list_entries, list_findings = list_entry_rows(extraction)
    findings = [
        finding(item.kind, canonical_code(item.code) if item.code else None, item.field, item.page, item.message)
        for item in extraction.findings
    ]
    findings += [row for card in cards for row in card_findings(card)] + entity_findings + list_findings
    return {
        "cards": [card_to_row(card) for card in cards],
        "field_items": [row for card in cards for row in card_to_field_items(card)],
        "budget_lines": [row for card in cards for row in card_to_budget_lines(card)],
        "schedule_phases": [row for card in cards for row in card_to_schedule_phases(card)],
        "indicator_targets": [row for card in cards for row in card_to_targets(card)],
        "people": people,
        "card_people": card_people,
        "entities": entities,
        "card_entities": card_entities,
        "list_entries": list_entries,
        "findings": findings,
        "rejected": [],
    }


def validate_rows(rows: Rows) -> Rows:
    """Every row through its model; a failing row goes to ``rejected`` with its reason, and a duplicate card
    code is rejected too (the dataset's key)."""
    valid: Rows = defaultdict(list)
    rejected = list(rows.get("rejected", []))
    seen_codes: set[str] = set()
    for table, table_rows in rows.items():
        if table == "rejected":
            continue
        model = TABLES[table]
        for row in table_rows:
            reason = None
            if table == "cards":
                if row["code_canonical"] in seen_codes:
                    reason = f"duplicate card code {row['code_canonical']}"
                seen_codes.add(row["code_canonical"])
            try:
                record = model.model_validate(row)
            except ValidationError as error:
                reason = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in error.errors())
            if reason:
                rejected.append({"table_name": table, "code": row.get("code"), "reason": reason, "record": json.dumps(row, default=str, ensure_ascii=False)})
            else:
                valid[table].append(record.model_dump())
    valid["rejected"] = [TABLES["rejected"].model_validate(row).model_dump() for row in rejected]
    return {table: valid.get(table, []) for table in TABLES}
