"""Compare the golden cards' expected values with an independent second reading of the same rows.

The second reader derives `expected` from each card's printed rows without seeing the first
reader's values, one JSON file per card (`<code_canonical>.json`, holding only the expected object).
Every field on which the two readings disagree is listed, for a person to settle against the plan.

    .venv/bin/python tools/compare_expected.py SECOND_READING_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from schemas.golden import Expected, load_cards

ROOT = Path(__file__).resolve().parents[1]


def disagreements(first: Expected, second: Expected) -> list[str]:
    found = []
    for name in ("budget_min_mad", "budget_max_mad", "budget_category", "schedule_category", "start_date", "end_date"):
        if getattr(first, name) != getattr(second, name):
            found.append(f"{name}: {getattr(first, name)} | {getattr(second, name)}")
    for name in ("budget_lines", "schedule_phases", "indicator_targets"):
        left, right = getattr(first, name), getattr(second, name)
        for index in range(max(len(left), len(right))):
            one = left[index] if index < len(left) else None
            two = right[index] if index < len(right) else None
            if one != two:
                found.append(f"{name}[{index}]: {one} | {two}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip())
        return 2
    folder = Path(argv[0])
    compared = differing = 0
    for card in load_cards(ROOT / "data/golden/cards"):
        path = folder / f"{card.code_canonical}.json"
        if not path.exists():
            continue
        compared += 1
        found = disagreements(card.expected, Expected.model_validate_json(path.read_text(encoding="utf-8")))
        if found:
            differing += 1
            print(f"{card.code_canonical}:")
            for line in found:
                print(f"  {line}")
    print(f"{compared} cards compared, {compared - differing} agree, {differing} disagree")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
