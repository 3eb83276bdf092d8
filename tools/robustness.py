"""Draw seeded layouts of the plan, extract each, and compare it with the golden cards it prints.

    python tools/robustness.py --seeds 40            # seeds 1..40
    python tools/robustness.py --seed 17 --verbose   # one seed, with every difference

Each seed is drawn by ``reconstruct.layouts`` (its choices beside the PDF as JSON), read by the extractor
as ``make all`` reads a PDF, and scored: card recall and invented cards, item exact match per field, and
the card's budget (minimum, maximum) and dates (start, end) as the normalizers read them against the
golden values. A layout passes when every card is found and none invented, items are exact at
``ITEM_THRESHOLD`` or better, and budget and dates equal the golden values on every card.

The table gives, for each option of each layout feature, the share of the seeds drawn with that option
that pass each criterion. The exit status is 1 when any seed fails, with the command that reproduces it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEM_THRESHOLD = 0.99
CRITERIA = ("cards", "items", "items_exact", "budget", "dates")


@dataclass
class SeedResult:
    seed: int
    options: dict[str, str]
    pages: int = 0
    seconds: float = 0.0
    cards: int = 0
    found: int = 0
    invented: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    matched: int = 0
    total: int = 0
    fields: dict[str, float] = field(default_factory=dict)
    budget_wrong: list[str] = field(default_factory=list)
    dates_wrong: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def items(self) -> float:
        return self.matched / self.total if self.total else 1.0

    def passes(self) -> dict[str, bool]:
        return {
            "cards": not self.error and self.found == self.cards and not self.invented,
            "items": not self.error and self.items >= ITEM_THRESHOLD,
            "items_exact": not self.error and self.matched == self.total,
            "budget": not self.error and not self.budget_wrong and self.found == self.cards,
            "dates": not self.error and not self.dates_wrong and self.found == self.cards,
        }

    @property
    def ok(self) -> bool:
        passes = self.passes()
        return all(passes[name] for name in ("cards", "items", "budget", "dates"))


def run_seed(seed: int, folder: str, card_count: int, reader: str = "pdfium") -> SeedResult:
    from extract.run import extract_plan
    from reconstruct.layouts import Layout, drawn_cards, render_layout
    from tools.extraction_vs_golden import card_values, cards_by_code, compare, golden_values

    layout = Layout.draw(seed, card_count)
    result = SeedResult(seed, layout.options(), cards=len(layout.cards))
    path = render_layout(layout, Path(folder) / f"layout-{seed}.pdf")
    started = time.perf_counter()
    try:
        extraction = extract_plan(path, {"verify": "off", "workers": 1, "reader": reader})
    except Exception as error:  # a seed whose reading fails is a failure to report, not to stop on
        result.error = f"{type(error).__name__}: {error}"
        return result
    result.seconds = time.perf_counter() - started
    result.pages = extraction.page_count
    golden = drawn_cards(layout)
    comparison = compare(extraction, golden)
    result.found, result.missing, result.invented = len(comparison.found), comparison.missing, comparison.invented
    result.matched = sum(score.matched for score in comparison.fields.values())
    result.total = sum(score.total for score in comparison.fields.values())
    result.fields = {name: score.rate for name, score in comparison.fields.items()}
    result.differences = comparison.differences
    by_code = cards_by_code(extraction.cards)
    for card in golden:
        extracted = by_code.get(card.code_canonical)
        if extracted is None:
            continue
        read, expected = card_values(extracted), golden_values(card)
        if read.budget != expected.budget:
            result.budget_wrong.append(f"{card.code_canonical}: {read.budget}, golden {expected.budget}")
        if read.dates != expected.dates:
            result.dates_wrong.append(f"{card.code_canonical}: {read.dates}, golden {expected.dates}")
    return result


def run_seeds(
    seeds: list[int], folder: Path, card_count: int, workers: int, reader: str = "pdfium"
) -> list[SeedResult]:
    folder.mkdir(parents=True, exist_ok=True)
    if workers <= 1:
        return [run_seed(seed, str(folder), card_count, reader) for seed in seeds]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(
            pool.map(
                run_seed,
                seeds,
                [str(folder)] * len(seeds),
                [card_count] * len(seeds),
                [reader] * len(seeds),
                chunksize=1,
            )
        )


def feature_table(results: list[SeedResult]) -> str:
    """For each feature option: seeds drawn with it, and the share of them passing each criterion."""
    groups: dict[tuple[str, str], list[SeedResult]] = defaultdict(list)
    for result in results:
        for name, option in result.options.items():
            groups[(name, option)].append(result)
    lines = ["| feature | option | seeds | " + " | ".join(CRITERIA) + " |", "|---|---|---|" + "---|" * len(CRITERIA)]
    for (name, option), members in sorted(groups.items()):
        shares = [sum(member.passes()[criterion] for member in members) / len(members) for criterion in CRITERIA]
        lines.append(f"| {name} | {option} | {len(members)} | " + " | ".join(f"{share:.2f}" for share in shares) + " |")
    return "\n".join(lines)


def field_table(results: list[SeedResult]) -> str:
    """Per field: the share of seeds where it is exact, and its mean item rate."""
    rates: dict[str, list[float]] = defaultdict(list)
    for result in results:
        for name, rate in result.fields.items():
            rates[name].append(rate)
    lines = ["| field | seeds exact | mean rate |", "|---|---|---|"]
    for name, values in sorted(rates.items()):
        lines.append(
            f"| {name} | {sum(value == 1.0 for value in values) / len(values):.2f} | {sum(values) / len(values):.4f} |"
        )
    return "\n".join(lines)


def summary(results: list[SeedResult]) -> str:
    count = len(results)
    totals = {criterion: sum(result.passes()[criterion] for result in results) for criterion in CRITERIA}
    matched, total = sum(r.matched for r in results), sum(r.total for r in results)
    slowest = max(results, key=lambda result: result.seconds)
    return (
        f"{count} layouts: "
        + ", ".join(f"{name} {value}/{count}" for name, value in totals.items())
        + f"; items exact overall {matched}/{total} = {matched / total if total else 1:.4f}"
        + f"; slowest extraction seed {slowest.seed}: {slowest.seconds:.1f} s ({slowest.pages} pages)"
    )


def describe_failure(result: SeedResult, limit: int) -> list[str]:
    lines = [
        f"seed {result.seed} fails: reproduce with  .venv/bin/python tools/robustness.py --seed {result.seed} --verbose"
    ]
    if result.error:
        return lines + [f"  error: {result.error}"]
    lines.append(
        f"  cards {result.found}/{result.cards}, invented {result.invented}, missing {result.missing}; items {result.items:.4f}"
    )
    lines += [f"  budget {line}" for line in result.budget_wrong[:limit]]
    lines += [f"  dates {line}" for line in result.dates_wrong[:limit]]
    lines += [f"  {line[:300]}" for line in result.differences[:limit]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/robustness.py", description=__doc__.strip().splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40, help="how many seeds (from --first on)")
    parser.add_argument("--first", type=int, default=1, help="first seed")
    parser.add_argument("--seed", type=int, action="append", help="one seed (repeatable); overrides --seeds")
    parser.add_argument("--cards", type=int, default=30, help="cards drawn per layout")
    parser.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "robustness", help="where the layouts are drawn")
    parser.add_argument("--verbose", action="store_true", help="print every difference of failing seeds")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--reader", choices=["pdfium", "pdfplumber"], default="pdfium", help="text-layer reader")
    args = parser.parse_args(argv)
    seeds = args.seed or list(range(args.first, args.first + args.seeds))
    started = time.perf_counter()
    results = run_seeds(seeds, args.out, args.cards, args.workers or os.cpu_count() or 1, args.reader)
    elapsed = time.perf_counter() - started
    tables = f"{feature_table(results)}\n\n{field_table(results)}\n"
    print(tables)
    print(summary(results) + f"; {elapsed:.0f} s in all")
    if args.markdown:
        args.markdown.write_text(f"{summary(results)}\n\n{tables}", encoding="utf-8")
    failures = [result for result in results if not result.ok]
    for result in failures:
        print("\n".join(describe_failure(result, 10_000 if args.verbose else 6)), file=sys.stderr)
    if failures:
        print(
            f"{len(failures)} of {len(results)} layouts fail: seeds {' '.join(str(result.seed) for result in failures)}",
            file=sys.stderr,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
