"""Person clustering compares each distinct spelling once: the same persons as comparing every mention with
every member (the reference below, the algorithm as first written), on the golden mentions and on them
repeated four times (a plan four times as long)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from normalize.people import cluster_people, name_similarity, name_tokens

ROOT = Path(__file__).resolve().parents[1]
# Timer noise allowed on a run of a few tens of milliseconds (other processes share the cores).
NOISE_SECONDS = 0.05
# Quadratic work would take 16 times as long for 4 times the mentions; linear work 4 times.
MAX_GROWTH_FOR_FOUR_TIMES = 8


def golden_mentions(copies: int = 1) -> tuple[list[str], list[str]]:
    with (ROOT / "data/golden/person_mentions.csv").open(encoding="utf-8") as handle:
        persons = [row for row in csv.DictReader(handle) if row["kind"] == "person"]
    names = [row["name"] for _ in range(copies) for row in persons]
    cells = [f"{copy}|{row['card']}|{row['field']}|{row['cell']}" for copy in range(copies) for row in persons]
    return names, cells


def reference_clusters(names: list[str], cells: list[str], threshold: float = 90) -> list[list[int]]:
    """Every mention scored against every member of every person, as cluster_people did at first."""
    mates: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        mates.setdefault(cell, []).append(index)

    def look_alike_mate(index: int) -> bool:
        return any(
            other != index and name_similarity(names[index], names[other]) >= threshold for other in mates[cells[index]]
        )

    order = sorted(
        range(len(names)), key=lambda index: (-len(name_tokens(names[index])), not look_alike_mate(index), names[index])
    )
    people: list[list[int]] = []
    for index in order:
        candidates = []
        for position, members in enumerate(people):
            if any(cells[member] == cells[index] for member in members):
                continue
            score = max(name_similarity(names[index], names[member]) for member in members)
            if score >= threshold:
                candidates.append((score, position))
        best = [candidate for candidate in candidates if candidate[0] == max(candidates)[0]] if candidates else []
        if len(best) == 1:
            people[best[0][1]].append(index)
        else:
            people.append([index])
    return sorted(sorted(members) for members in people)


def clusters(names: list[str], cells: list[str]) -> list[list[int]]:
    _, matches = cluster_people(names, cells=cells)
    groups: dict[str, list[int]] = {}
    for index, match in enumerate(matches):
        groups.setdefault(match.person_id, []).append(index)
    return sorted(sorted(members) for members in groups.values())


@pytest.mark.parametrize("copies", [1, pytest.param(4, marks=pytest.mark.slow)])
def test_clusters_are_those_of_the_all_pairs_reference(copies) -> None:
    names, cells = golden_mentions(copies)
    assert len(names) >= 240 * copies
    assert clusters(names, cells) == reference_clusters(names, cells)


def test_four_times_the_mentions_take_far_less_than_sixteen_times_as_long() -> None:
    timings = {}
    for copies in (1, 4):
        names, cells = golden_mentions(copies)
        start = time.perf_counter()
        cluster_people(names, cells=cells)
        timings[copies] = time.perf_counter() - start
    print(timings)
    assert timings[4] < MAX_GROWTH_FOR_FOUR_TIMES * timings[1] + NOISE_SECONDS
