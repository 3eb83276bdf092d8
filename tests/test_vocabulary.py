"""The vocabulary files: every key has a reader, an unknown key fails loudly, the readers see the files' words."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vocabulary
from vocabulary import VocabularyError, french, labels

ROOT = Path(__file__).resolve().parents[1]

# One call of each reader of the vocabulary, on a text that makes it read its keys, in a fresh interpreter (the
# readers cache what they compile, so keys read earlier in the test session would not be read again).
READERS = textwrap.dedent(
    """
    import json

    import vocabulary
    from extract.cards import continuation_words, flush_glyphs, label_field, stream_to_headers
    from extract.layout import PAGE_NUMBER
    from extract.pdf import plan_marks
    from extract.lists import stream_to_list_regions
    from load.printed import PrintedPages
    from load.tables import owner_rows
    from normalize.amounts import budget_category, parse_budget_line
    from normalize.codes import canonical_code
    from normalize.dates import parse_schedule_item
    from normalize.entities import split_entities
    from normalize.people import name_tokens, split_mentions
    from normalize.targets import parse_targets
    from schemas.golden import GoldenRow

    label_field("Entités concernées")
    flush_glyphs()
    continuation_words()
    stream_to_headers([])
    stream_to_list_regions([], set())
    PAGE_NUMBER.fullmatch("page # sur #")
    plan_marks()
    PrintedPages()
    owner_rows([{"owner": "HIS", "section": "Hôpital Ibn Sina", "axis": "I"}], [])
    parse_budget_line("Total : 100 000 à 150 000 MAD TTC (2 unités) estimation")
    parse_budget_line("1,5 MDH HT par unité")
    budget_category("Non indiqué")
    budget_category("Voir annexe")  # no category: every category is tried
    canonical_code("Managérial FQGR 62")
    parse_schedule_item("1er janvier 2025")
    parse_targets("Taux (au moins 90 % dont 10 à 20 patients)")
    split_mentions("Pr El Hafidi et Dr Saadi / Chef de service")
    name_tokens("Lalla El Hafidi")
    split_entities("Neurologie A et B / P1 / DAF")
    GoldenRow(label="Actions", items=["Former"])
    print(json.dumps(sorted(vocabulary.read_keys())))
    """
)


def test_every_key_of_the_vocabulary_is_read():
    result = subprocess.run(
        [sys.executable, "-c", READERS], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    read = set(json.loads(result.stdout))
    keys = labels().leaves() | french().leaves()
    assert keys - read == set(), "keys no reader reads: drop them or read them"


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda: labels()["bulets"], "labels.yaml has no key 'bulets'"),
        (lambda: french()["dates"]["month"], "fr.yaml has no key 'dates.month'"),
        (lambda: french()["targets"]["comparators"]["=>"], "fr.yaml has no key 'targets.comparators.=>'"),
    ],
)
def test_an_unknown_key_fails_naming_the_file_and_the_path(read, message):
    with pytest.raises(VocabularyError, match=message.replace(".", r"\.")):
        read()


def test_an_unknown_key_is_not_read_as_a_default():
    """``get`` on a key the files do not hold raises too: a misspelt key never reads as « absent »."""
    with pytest.raises(VocabularyError):
        french()["people"].get("title")


def test_the_files_are_read_only_through_the_loader():
    with pytest.raises(TypeError):
        labels()["bullets"] = []  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        # accents and case
        ("Entités concernées", "entites concernees"),
        ("HÔPITAL", "hopital"),
        ("Février", "fevrier"),
        ("Ç", "c"),
        # compatibility forms: a ligature, an exponent, a no-break space
        ("ﬁn", "fin"),
        ("m²", "m2"),
        ("11\u00a0MDH", "11 mdh"),
        # plain ASCII, as most of the plan's text is
        ("Sous Projet HIS-01", "sous projet his-01"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert vocabulary.fold(text) == folded
