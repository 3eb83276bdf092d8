"""The plan's vocabulary, as data, for every stage: what a card prints (``labels.yaml``: labels, bullets, the card
header, the list heading, the words an item never ends on) and the French words the values are written with
(``fr.yaml``: currencies, months, comparators, titles, unit names, joining words).

    >>> labels()["fields"]["budget"]
    ['budget']
    >>> fold("Entités concernées")
    'entites concernees'

Both files are read once, with :mod:`importlib.resources` (they travel in the wheel). A key the files do not
hold raises :class:`VocabularyError` naming the file and the path, and every key read is recorded
(:func:`read_keys`), so that a test can show each key of the files has a reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LABELS = "labels.yaml"
FRENCH = "fr.yaml"
_READ: set[str] = set()


class VocabularyError(LookupError):
    """A key the vocabulary files do not hold."""


class Entries(Mapping[str, Any]):
    """A read-only level of a vocabulary file: its keys as the file names them, each read recorded."""

    def __init__(self, source: str, path: str, data: dict[str, Any]) -> None:
        self._source, self._path, self._data = source, path, data

    def _key_path(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else str(key)

    def __getitem__(self, key: str) -> Any:
        if key not in self._data:
            known = ", ".join(str(name) for name in self._data)
            raise VocabularyError(f"{self._source} has no key {self._key_path(key)!r} (known here: {known})")
        _READ.add(f"{self._source}:{self._key_path(key)}")
        value = self._data[key]
        return Entries(self._source, self._key_path(key), value) if isinstance(value, dict) else value

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def leaves(self) -> set[str]:
        """The paths of every value that is not itself a level (« fr.yaml:dates.months »)."""
        paths = set()
        for key, value in self._data.items():
            if isinstance(value, dict):
                paths |= Entries(self._source, self._key_path(key), value).leaves()
            else:
                paths.add(f"{self._source}:{self._key_path(key)}")
        return paths


def _load(name: str) -> Entries:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return Entries(name, "", yaml.safe_load(text))


@lru_cache(maxsize=1)
def labels() -> Entries:
    """``labels.yaml``: what a card and a summary list print."""
    return _load(LABELS)


@lru_cache(maxsize=1)
def french() -> Entries:
    """``fr.yaml``: the French words of the values, read by the normalizers and the load step."""
    return _load(FRENCH)


def read_keys() -> frozenset[str]:
    """Every key read so far in this process, as « file:path.to.key »."""
    return frozenset(_READ)


def pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.IGNORECASE)


def alternation(words: list[str]) -> str:
    return "(?:" + "|".join(words) + ")"


def escaped_alternation(words: list[str]) -> str:
    """The words as a group of literal alternatives (« - » and « . » mean themselves)."""
    return alternation([re.escape(word) for word in words])


def fold(text: str) -> str:
    """Lower case without accents: « Décembre » and « decembre », « Hôpital » and « hopital » compare equal."""
    lowered = text.lower()
    return lowered if lowered.isascii() else _without_accents(lowered)


@lru_cache(maxsize=1 << 16)
def _without_accents(text: str) -> str:
    # cached: the card reader folds the same line texts and labels many times over
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
