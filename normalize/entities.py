"""Entities in the « Entités concernées » cells: establishments, divisions, services and clinical units.

    >>> [(e.canonical, e.kind) for e in split_entities("DAF/DCHUIS / EH / SCG")]
    [('DAF', 'division'), ('DCHUIS', 'establishment'), ('EH', 'establishment'), ('SCG', 'service')]

A cell is split on « / », « , », « ; » and spaced dashes; acronyms resolve through
normalize/data/reference/entity_aliases.csv (the plan's spellings: HSR and HS, HAR and HAS, SAJS and SAJC) and the
plan's glossary; an establishment written out (« Hôpital des spécialités ») resolves by its glossary
name; a clinical unit (« Neurologie A », « Pédiatrie I », « P1 », « Service de Neurochirurgie ») is kept as
a unit with the establishment it names, if any. Anything else is returned unresolved, to be reported.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from normalize.reference import glossary
from vocabulary import escaped_alternation, fold, french

ALIASES = Path(__file__).with_name("data") / "reference" / "entity_aliases.csv"


@dataclass(frozen=True)
class EntityReading:
    printed: str
    canonical: str | None
    name: str | None
    kind: str  # establishment | division | service | unit | unresolved
    rule: str


@lru_cache(maxsize=1)
def aliases() -> dict[str, dict[str, str]]:
    with ALIASES.open(encoding="utf-8", newline="") as handle:
        return {row["alias"]: row for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _establishment_names() -> dict[str, str]:
    """Folded glossary names of establishments (« hopital des specialites ») -> canonical acronym."""
    names = {}
    for row in aliases().values():
        if row["kind"] == "establishment" and row["name"]:
            names[_squash(row["name"])] = row["canonical"]
    return names


def _squash(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


def _split(cell: str) -> list[str]:
    inside_out = re.sub(r"\(([^)]*)\)", lambda match: "(" + match.group(1).replace("/", "\u2044") + ")", cell)
    parts = re.split(r"\s*[/,;–]\s*|\s+-\s+|(?<=[a-z])\s*-\s*(?=[A-Z]{2,}\b)|(?<=[A-Z])-(?=[A-Z]{2,}\b)", inside_out)
    fragments = []
    for part in parts:
        part = part.replace("\u2044", "/").strip(" .;,-–")
        if not part:
            continue
        # « Neurologie B et Neurologie A », « Services de Neurologie A et B »
        pieces = re.split(rf"\s+{escaped_alternation(french()['entities']['joiners'])}\s+", part)
        if len(pieces) > 1 and all(piece in aliases() for piece in pieces):
            fragments.extend(pieces)  # « DIVISIONS et EH »
        elif len(pieces) > 1 and all(
            _looks_like_unit(piece) or re.fullmatch(r"[A-Z]|I{1,3}|\d", piece) for piece in pieces
        ):
            stem = re.sub(r"\s+(?:[A-Z]|I{1,3}|\d)$", "", pieces[0])
            fragments.extend(piece if _looks_like_unit(piece) else f"{stem} {piece}" for piece in pieces)
        else:
            fragments.append(part)
    return fragments


def _looks_like_unit(text: str) -> bool:
    words = re.findall(r"[a-z]+", fold(text))
    return bool(words) and words[0] in french()["entities"]["unit_words"]


def resolve_entity(printed: str) -> EntityReading:
    text = re.sub(r"\s*\([^)]*\)", "", printed).strip()  # « SSITS (HMSRO/CCTD) »: the parenthesis is read apart
    table = aliases()
    if text in table:
        row = table[text]
        return EntityReading(printed, row["canonical"], row["name"] or None, row["kind"], "alias")
    if text in glossary():
        return EntityReading(printed, text, glossary()[text][0], "service", "glossary")
    squashed = _squash(re.sub(r"^[Ll][\'’]", "", text))
    if squashed in _establishment_names():
        canonical = _establishment_names()[squashed]
        return EntityReading(printed, canonical, table[canonical]["name"], "establishment", "establishment name")
    if re.fullmatch(french()["entities"]["unit_code"], text) or _looks_like_unit(text):
        return EntityReading(printed, text, None, "unit", "unit")
    return EntityReading(printed, None, None, "unresolved", "no rule")


def split_entities(cell: str) -> list[EntityReading]:
    """One Entités concernées item to its entities, resolved where the plan lets us, in printed order."""
    readings = []
    for fragment in _split(cell):
        readings.append(resolve_entity(fragment))
        # « Unité de communication (HMSRO/CCTD) »: the establishments in a parenthesis are entities too
        for inside in re.findall(r"\(([^)]*)\)", fragment):
            for acronym in re.split(r"\s*[/,]\s*", inside):
                if acronym.strip() in aliases():
                    readings.append(resolve_entity(acronym.strip()))
    return readings
