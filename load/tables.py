"""An extraction to the dataset's rows: ``normalize.card.normalize_card`` reads each card's items once, and
every row keeps its page.

Chain: ``extraction_to_rows`` reads each card (``read_card``) and turns the readings into one table's rows per
function; ``validate_rows`` passes every row through its pydantic model and the schema's key checks and moves
failures to ``rejected`` with the reason.
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
from normalize.card import CardReadings, is_placeholder, normalize_card
from normalize.codes import canonical_code
from normalize.links import link_list_rows, title_key
from normalize.people import cluster_people
from schemas.records import (
    TABLES,
    BudgetLineRecord,
    CardEntityRecord,
    CardPersonRecord,
    CardRecord,
    FieldItemRecord,
    FindingRecord,
    IndicatorTargetRecord,
    Keys,
    ListEntryRecord,
    PersonRecord,
    RejectedRecord,
    SchedulePhaseRecord,
    record_row,
)
from vocabulary import fold, french

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "normalize" / "data" / "reference"
Rows = dict[str, list[dict]]
LIST_FIELDS = ("responsibles", "entities", "coordinators", "partners", "objectives", "actions", "indicators")
PEOPLE_FIELDS = {"responsibles": "responsible", "coordinators": "coordinator"}


def texts(card: Card, name: str) -> list[str]:
    """The texts of a card's field as its lists hold them: no placeholder, nothing a correction deleted."""
    return [
        item.text for row in card.rows if row.field == name for item in row.items
        if not is_deleted(item) and not is_placeholder(item.text)
    ]  # fmt: skip


def owner(code_canonical: str) -> str:
    """« HS-M1-25 » → HS, « FCOOP-56 » → FCOOP, « DCHUIS-PM-PH1-25 » → DCHUIS."""
    return re.split(r"[-\s]", code_canonical)[0]


def read_card(card: Card) -> CardReadings:
    """Every item of the card read once (``normalize.card``), the items a correction deleted left out; a
    placeholder (a lone dash) is read where it matters (Budget, Calendrier) and flagged in ``field_items``."""
    items: dict[str, list[Item]] = defaultdict(list)
    for row in card.rows:
        if row.field:
            items[row.field] += [item for item in row.items if not is_deleted(item)]
    return normalize_card(card.code, items, card.pages[0])


def card_to_row(card: Card, readings: CardReadings, printed: PrintedPages, chapters: dict[str, str]) -> dict:
    code, budget, schedule = readings.code, readings.budget, readings.schedule
    pages = card.pages
    chapter = card.chapter
    row = record_row(
        CardRecord,
        code=code,
        code_printed=card.code,
        title=card.title,
        section=card.section,
        chapter=chapter,
        chapter_printed=chapters.get(chapter) if chapter else None,
        owner=owner(code),
        axis=chapter.split(".")[0] if chapter else None,
        page_first=pages[0],
        page_first_label=printed.label(pages[0]),
        page_last=pages[-1],
        page_last_label=printed.label(pages[-1]),
        **{name: texts(card, name) for name in LIST_FIELDS},
        target_values=texts(card, "values"),
        budget_text="; ".join(texts(card, "budget")) or None,
        budget_min_mad=budget.amount_min,
        budget_max_mad=budget.amount_max,
        budget_category=budget.category,
        schedule_text="; ".join(texts(card, "schedule")) or None,
        start_date=schedule.start,
        end_date=schedule.end,
        schedule_category=schedule.category,
    )
    return row


def card_to_field_items(card: Card, code: str, printed: PrintedPages) -> list[dict]:
    rows = []
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
        record_row(
            FieldItemRecord,
            code=code,
            field=name,
            label=label,
            item_index=index,
            part=part,
            text=item.text,
            page=box.page,
            page_label=printed.label(box.page),
            x0=box.x0,
            top=box.top,
            x1=box.x1,
            bottom=box.bottom,
            reader=item.reader,
            ocr_confidence=item.ocr_confidence,
            flag=flag,
            corrected=is_corrected(item),
            extracted_text=extracted_text(item),
        )
        for part, box in enumerate(item.boxes)
    ]


def card_to_budget_lines(readings: CardReadings, printed: PrintedPages) -> list[dict]:
    """Every printed Budget item, a lone dash included (read as text: it is what makes the category « none »)."""
    return [
        record_row(
            BudgetLineRecord,
            code=readings.code,
            line_index=line.index,
            text=line.item.text,
            amount_min_mad=line.value.amount_min,
            amount_max_mad=line.value.amount_max,
            kind=line.value.kind,
            flags=list(line.value.flags),
            rule=line.value.rule,
            page=line.item.page,
            page_label=printed.label(line.item.page),
        )
        for line in readings.budget_lines
    ]


def card_to_schedule_phases(readings: CardReadings, printed: PrintedPages) -> list[dict]:
    return [
        record_row(
            SchedulePhaseRecord,
            code=readings.code,
            phase_index=phase.index,
            text=phase.item.text,
            label=phase.value.label,
            start_date=phase.value.start,
            end_date=phase.value.end,
            rule=phase.value.rule,
            page=phase.item.page,
            page_label=printed.label(phase.item.page),
        )
        for phase in readings.schedule_phases
    ]


def card_to_targets(readings: CardReadings, printed: PrintedPages) -> list[dict]:
    return [
        record_row(
            IndicatorTargetRecord,
            code=readings.code,
            item_index=target.index,
            field=target.field,
            text=target.value.text,
            value=target.value.value,
            min=target.value.min,
            max=target.value.max,
            unit=target.value.unit,
            comparator=target.value.comparator,
            year=target.value.year,
            rule=target.value.rule,
            page=target.item.page,
            page_label=printed.label(target.item.page),
        )
        for target in readings.targets
    ]


def people_rows(cards: list[CardReadings], printed: PrintedPages) -> tuple[list[dict], list[dict]]:
    """The persons the cards name, clustered across spellings, and every mention of a person or a role."""
    mentions = [(readings.code, mention) for readings in cards for mention in readings.mentions]
    persons = [
        (f"{code}/{mention.field}/{mention.index}", mention.value.name)
        for code, mention in mentions
        if mention.value.kind == "person" and mention.value.name
    ]
    registry, matches = cluster_people([name for _, name in persons], cells=[cell for cell, _ in persons])
    match_of = iter(matches)
    card_people = []
    for code, mention in mentions:
        person = mention.value
        match = next(match_of) if person.kind == "person" and person.name else None
        card_people.append(
            record_row(
                CardPersonRecord,
                code=code,
                role=PEOPLE_FIELDS[mention.field],
                printed=person.printed,
                title=person.title,
                kind=person.kind,
                person_id=match.person_id if match else None,
                score=round(match.score, 2) if match else None,
                page=mention.item.page,
                page_label=printed.label(mention.item.page),
            )
        )
    people = [
        record_row(
            PersonRecord,
            person_id=person.person_id,
            display_name=person.display_name,
            names=sorted(set(person.names)),
        )
        for person in registry.values()
    ]
    return sorted(people, key=lambda row: row["person_id"]), card_people


def entity_rows(cards: list[CardReadings], printed: PrintedPages) -> tuple[dict[str, dict], list[dict]]:
    """Entity mentions of the cards, and the registry of the entities they resolve to."""
    card_entities, registry = [], {}
    for readings in cards:
        for entity in readings.entities:
            reading = entity.value
            card_entities.append(
                record_row(
                    CardEntityRecord,
                    code=readings.code,
                    printed=reading.printed,
                    canonical=reading.canonical,
                    kind=reading.kind,
                    rule=reading.rule,
                    page=entity.item.page,
                    page_label=printed.label(entity.item.page),
                )
            )
            if reading.kind != "unresolved" and reading.canonical:
                registry.setdefault(
                    reading.canonical, {"canonical": reading.canonical, "name": reading.name, "kind": reading.kind}
                )
    return registry, card_entities


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
    return record_row(FindingRecord, **dataclasses.asdict(found), page_label=printed.label(found.page))


def list_entry_rows(extraction: Extraction, printed: PrintedPages) -> tuple[list[dict], list[Finding]]:
    rows, findings = [], []
    linked = set()
    titles = {canonical_code(card.code): card.title for card in extraction.cards}
    links = link_list_rows(titles, [(row.code, row.title) for row in extraction.list_rows])
    for index, (row, (card_code, how)) in enumerate(zip(extraction.list_rows, links)):
        code = canonical_code(row.code) if row.code else None
        linked.add(card_code)
        rows.append(
            record_row(
                ListEntryRecord,
                list_heading=row.heading,
                row_index=index,
                code=card_code,
                code_printed=row.code,
                code_printed_canonical=code,
                linked_by=how,
                title=row.title,
                section=row.section,
                page=row.page,
                page_label=printed.label(row.page),
            )
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
    return record_row(
        RejectedRecord,
        table_name=table,
        code=code,
        reason=reason,
        record=json.dumps(record, default=str, ensure_ascii=False),
    )


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


@dataclasses.dataclass
class ReadCard:
    """A card the build can read: its readings and the rows of the tables it alone decides."""

    card: Card
    readings: CardReadings
    field_items: list[dict]
    budget_lines: list[dict]
    schedule_phases: list[dict]
    targets: list[dict]


def read_card_rows(card: Card, printed: PrintedPages) -> ReadCard:
    """Every row the card gives; raises where a rule cannot read it (the card's people and entities are read
    here alone too, so that a card no rule reads is found before the tables across cards are made)."""
    readings = read_card(card)
    card_to_row(card, readings, printed, {})
    people_rows([readings], printed)
    entity_rows([readings], printed)
    return ReadCard(
        card,
        readings,
        card_to_field_items(card, readings.code, printed),
        card_to_budget_lines(readings, printed),
        card_to_schedule_phases(readings, printed),
        card_to_targets(readings, printed),
    )


def readable_cards(cards: list[Card], printed: PrintedPages) -> tuple[list[ReadCard], list[dict], list[Finding]]:
    """The cards whose code and rows can be read, each with its rows, and for each other card a ``rejected``
    row and a finding (``unparseable_card``): one card the build cannot read never ends the build. A card
    whose code an earlier card has (the plan printed twice, a card copied) is rejected whole, with a
    ``duplicate_card`` finding: its rows never reach the tables, where they would count twice."""
    kept, rejected, findings = [], [], []
    first_pages: dict[str, int | None] = {}
    for card in cards:
        page = card_page(card)
        code = readable_code(card.code)
        if code is not None and code in first_pages:
            reason = (
                f"card code « {code} » already read on page {first_pages[code]}: this card and its rows are left out"
            )
            rejected.append(rejected_row("cards", code, reason, card_record(card)))
            findings.append(Finding("duplicate_card", code, None, page, f"page {page}: {reason}"))
            continue
        if code is None:
            reason = f"card code « {card.code} » is not a card code"
        elif not all(item.boxes for item in card.all_items()):
            reason = f"card « {card.code} » has items without a position on the page"
        else:
            try:
                kept.append(read_card_rows(card, printed))
                first_pages[code] = page
                continue
            except Exception as error:  # a card no rule reads: rejected with its reason, the others go on
                reason = f"card « {card.code} » cannot be read: {type(error).__name__}: {error}"
        rejected.append(rejected_row("cards", readable_code(card.code), reason, card_record(card)))
        findings.append(Finding("unparseable_card", None, None, page, f"page {page}: {reason}"))
    return kept, rejected, findings


def readable_list_rows(rows: list) -> tuple[list, list[dict], list[Finding]]:
    """The summary-list rows whose printed code is a card code (or that print none) and that print a title,
    and for each other a ``rejected`` row and a finding (``unparseable_list_row``)."""
    kept, rejected, findings = [], [], []
    for row in rows:
        reason = None
        if row.code and readable_code(row.code) is None:
            reason = f"list row code « {row.code} » is not a card code"
        elif not row.title.strip():
            reason = f"list row « {row.code or row.section} » prints no title"
        if reason:
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
    kept, rejected_cards, card_problems = readable_cards(extraction.cards, printed)
    cards, readings = [read.card for read in kept], [read.readings for read in kept]
    list_rows, rejected_list_rows, list_problems = readable_list_rows(extraction.list_rows)
    extraction = dataclasses.replace(extraction, cards=cards, list_rows=list_rows)
    codes = {card_readings.code for card_readings in readings}
    chapters = printed_chapters(chapter_headings(printed, section_rows(cards)))
    card_rows = [card_to_row(read.card, read.readings, printed, chapters) for read in kept]
    people, card_people = people_rows(readings, printed)
    registry, card_entities = entity_rows(readings, printed)
    aliases = entity_alias_rows()
    owners = owner_rows(card_rows, aliases)
    list_entries, list_findings = list_entry_rows(extraction, printed)
    # an extraction finding names a card by its printed code: the card's canonical code, where it is one
    findings = [dataclasses.replace(item, code=card_code_of(item.code, codes)) for item in extraction.findings]
    findings += card_problems + list_problems
    findings += [found for card_readings in readings for found in card_readings.budget_findings]
    findings += [found for card_readings in readings for found in card_readings.entity_findings] + list_findings
    return {
        "entities": complete_entities(registry, aliases, owners),
        "entity_aliases": aliases,
        "owners": owners,
        "people": people,
        "cards": card_rows,
        "field_items": [row for read in kept for row in read.field_items],
        "budget_lines": [row for read in kept for row in read.budget_lines],
        "schedule_phases": [row for read in kept for row in read.schedule_phases],
        "indicator_targets": [row for read in kept for row in read.targets],
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
