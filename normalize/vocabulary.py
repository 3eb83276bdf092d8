"""The plan's French vocabulary (normalize/data/fr.yaml), loaded once."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

FR_YAML = Path(__file__).with_name("data") / "fr.yaml"


@lru_cache(maxsize=1)
def french() -> dict:
    return yaml.safe_load(FR_YAML.read_text(encoding="utf-8"))


def pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.IGNORECASE)


def alternation(words: list[str]) -> str:
    return "(?:" + "|".join(words) + ")"
