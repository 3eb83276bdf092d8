"""The plan's reference tables (normalize/data/reference/), loaded once."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

GLOSSARY = Path(__file__).with_name("data") / "reference" / "abbreviations.csv"


@lru_cache(maxsize=1)
def glossary() -> dict[str, list[str]]:
    """The plan's ABREVIATIONS: acronym -> expansions (HAS has two)."""
    entries: dict[str, list[str]] = {}
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entries.setdefault(row["acronym"], []).append(row["expansion"])
    return entries
