"""The plan's French vocabulary (normalize/data/fr.yaml), loaded once."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

FR_YAML = Path(__file__).with_name("data") / "fr.yaml"
GLOSSARY = Path(__file__).with_name("data") / "reference" / "abbreviations.csv"


@lru_cache(maxsize=1)
def french() -> dict:
    return yaml.safe_load(FR_YAML.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def glossary() -> dict[str, list[str]]:
    """The plan's ABREVIATIONS: acronym -> expansions (HAS has two)."""
    entries: dict[str, list[str]] = {}
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entries.setdefault(row["acronym"], []).append(row["expansion"])
    return entries


def pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.IGNORECASE)


def alternation(words: list[str]) -> str:
    return "(?:" + "|".join(words) + ")"


def fold(text: str) -> str:
    """Lower case without accents: « Décembre » and « decembre », « Hôpital » and « hopital » compare equal."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in text if not unicodedata.combining(char))
