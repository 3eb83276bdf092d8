"""Summary-list rows to the cards they announce: the plan's « Liste des projets » and its cards disagree in
places (a code missing, shifted by one — the FERS list — or misprinted — « QGR 62 » —, a title swapped), so a
row is tied by its code and its title, with rapidfuzz on folded titles.

    >>> link_list_rows({"FF-01": "Digitaliser la paie"}, [("FF 01", "Digitaliser la paie"), ("FF 02", "Autre")])
    [('FF-01', 'code_and_title'), (None, 'none')]
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from normalize.codes import canonical_code
from vocabulary import fold

# Two titles this similar (rapidfuzz ratio on folded text) name the same project.
SAME_TITLE = 90.0


def title_key(text: str) -> str:
    """Folded words without punctuation: the form two printed titles or names are compared in."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def link_list_rows(titles: dict[str, str], rows: list[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """(card code, how: code_and_title, title, code or none) for each list row, given the cards' titles by
    canonical code and each row's printed code (None where it prints none) and title. A row goes to the card
    with its code and a similar title; else to a card not yet claimed whose title it prints; else to the card
    with its code; else to none."""
    keys = {code: title_key(title) for code, title in titles.items()}
    codes = [canonical_code(code) if code else None for code, _ in rows]
    links: list[tuple[str | None, str] | None] = [None] * len(rows)
    claimed: set[str] = set()
    for index, (_, title) in enumerate(rows):
        code = codes[index]
        if code in keys and fuzz.ratio(title_key(title), keys[code]) >= SAME_TITLE:
            links[index] = (code, "code_and_title")
            claimed.add(code)
    for index, (_, title) in enumerate(rows):
        if links[index] is None:
            free = {code: key for code, key in keys.items() if code not in claimed}
            best = process.extractOne(title_key(title), free, scorer=fuzz.ratio, score_cutoff=SAME_TITLE)
            if best:
                links[index] = (best[2], "title")
                claimed.add(best[2])
    for index in range(len(rows)):
        code = codes[index]
        if links[index] is None:
            links[index] = (code, "code") if code in keys else (None, "none")
    return links  # type: ignore[return-value]
