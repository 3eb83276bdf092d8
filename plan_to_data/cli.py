"""The ``plan-to-data`` command: one subcommand per job, each a thin layer over a library function.

    plan-to-data build PDF [--out DIR] [-q] [--verify off|uncertain|all] [--reader pdfium|pdfplumber|tesseract] [--force] [--corrections CSV]
    plan-to-data export [OUT]
    plan-to-data review OUT [--pdf PDF] [-q]
    plan-to-data check                      # the golden set: valid, equal to the text export, agreeing with its second reading
    plan-to-data robustness [--seeds N] …   # seeded layouts of the plan, extracted and scored (tools/robustness.py)
    plan-to-data bench [--out MD] …         # the pipeline against pdfplumber, camelot, tabula, unstructured (bench/)

Bad input — a usage error, a missing or damaged PDF, a dataset folder without a dataset — ends with one line
on stderr and exit status 2, never a traceback; a dataset written with pages that could not be read
(``page_unreadable`` findings) exits 3; an unexpected error ends with one line and status 4, the previous
dataset or site untouched; a build that waited ``--lock-timeout`` seconds for another build of the same folder
ends with one line and status 5. ``check``, ``robustness`` and ``bench`` read the golden set and draw the
plan again: they need a development checkout (``git clone`` + ``make setup``) and say so in one line elsewhere.

argparse rather than click: every module of the project already parses its options with it, the robustness
and bench options are forwarded to the argparse ``main`` of those tools unchanged, and the installed package
needs no dependency for its command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from extract.errors import BuildLocked, PlanToDataError

PROG = "plan-to-data"
# Exit statuses: bad input (usage, a PDF or dataset that cannot be used); a dataset written with pages that
# could not be read (page_unreadable findings); an unexpected error; another build of the folder still running.
EXIT_BAD_INPUT = 2
EXIT_UNREADABLE_PAGES = 3
EXIT_ERROR = 4
EXIT_LOCKED = 5
EXIT_INTERRUPTED = 130
DEFAULT_OUT = Path("data/clean")
LOCK_TIMEOUT = 3600.0  # seconds (load.build.LOCK_TIMEOUT; not imported, to keep --help fast)
VERIFY_CHOICES = ("off", "uncertain", "all")
# Text-layer readers (the seeded layouts are read with one of them) and, for a build, tesseract: every page by OCR.
READER_CHOICES = ("pdfium", "pdfplumber")
BUILD_READER_CHOICES = (*READER_CHOICES, "tesseract")
# What a development checkout has that the installed package does not: the measuring tools, the golden set.
CHECKOUT_MARKERS = (
    "pyproject.toml",
    "tools/robustness.py",
    "bench/__main__.py",
    "reconstruct/layouts.py",
    "data/golden/cards",
)
SECOND_READING = Path("data/golden/second_reading")


class UsageError(PlanToDataError):
    """The command line itself is wrong: an unknown option, a missing argument."""


class CheckoutRequired(PlanToDataError):
    """A subcommand that reads the golden set or draws the plan, run from an installed package."""


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error raised as :class:`UsageError` (one line) instead of usage + exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def checkout_root() -> Path:
    """The development checkout the stage packages were installed from (editable install), put on the import path.

    ``tools``, ``bench`` and ``reconstruct`` are not part of the installed package (they measure the pipeline
    against the golden set, which the wheel does not carry); from a checkout they are imported from its root.
    Raises :class:`CheckoutRequired` when the packages run from an installed wheel.
    """
    import load

    root = Path(load.__file__).resolve().parents[1]
    missing = [marker for marker in CHECKOUT_MARKERS if not (root / marker).exists()]
    if missing:
        raise CheckoutRequired(
            f"needs a development checkout of plan-to-data (git clone, then make setup): {root} has no {missing[0]}"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return root


# --- subcommands: each takes the parsed options and returns an exit status ---------------------------------


def run_build(args: argparse.Namespace) -> int:
    from load.build import build
    from load.corrections import DEFAULT_PATH

    settings = {"verify": args.verify, "progress": not args.quiet, "reader": args.reader}
    summary = build(args.pdf, args.out, settings, force=args.force, corrections=args.corrections or DEFAULT_PATH,
                    lock_timeout=args.lock_timeout)  # fmt: skip
    print(summary.line())
    return 0 if summary.complete else EXIT_UNREADABLE_PAGES


def run_export(args: argparse.Namespace) -> int:
    from load.export import WORKBOOK, export, names

    target = export(args.out)
    print(f"{target}: {len(names())} CSV files and {WORKBOOK}")
    return 0


def run_review(args: argparse.Namespace) -> int:
    from review.site import write_site

    summary = write_site(args.out, args.pdf)
    if not args.quiet:
        print(summary.line())
    return 0


def run_check(args: argparse.Namespace) -> int:
    """The three checks of the golden set, all run; status 1 when any finds a difference."""
    root = checkout_root()
    from schemas.golden import _main as validate_golden
    from tools.compare_expected import main as compare_expected
    from tools.golden_vs_export import main as golden_vs_export

    cards = sorted(str(path) for path in (root / "data/golden/cards").glob("*.json"))
    statuses = [
        validate_golden(cards),
        golden_vs_export([]),
        compare_expected([str(args.second_reading or root / SECOND_READING)]),
    ]
    return max(statuses)


def forwarded(args: argparse.Namespace, names: tuple[str, ...]) -> list[str]:
    """The options given on the command line, as an argv for the tool's own parser (its defaults apply to the rest)."""
    argv: list[str] = []
    for name in names:
        if not hasattr(args, name):
            continue
        value = getattr(args, name)
        option = "--" + name.replace("_", "-")
        if value is True:
            argv.append(option)
        elif isinstance(value, list):
            argv += (
                [option] + [str(item) for item in value]
                if name in LIST_OPTIONS
                else [part for item in value for part in (option, str(item))]
            )
        elif value is not False:
            argv += [option, str(value)]
    return argv


ROBUSTNESS_OPTIONS = ("seeds", "first", "seed", "cards", "workers", "out", "verbose", "markdown", "reader")
BENCH_OPTIONS = ("out", "inputs", "tools")
# Options that take several values after one flag (nargs="+"); the others repeat the flag.
LIST_OPTIONS = ("inputs", "tools")


def run_robustness(args: argparse.Namespace) -> int:
    checkout_root()
    from tools.robustness import main

    return main(forwarded(args, ROBUSTNESS_OPTIONS))


def run_bench(args: argparse.Namespace) -> int:
    checkout_root()
    from bench.__main__ import main

    return main(forwarded(args, BENCH_OPTIONS))


# --- the parser -------------------------------------------------------------------------------------------


def parser() -> Parser:
    top = Parser(
        prog=PROG, description="The CHU Ibn Sina « Plan d'actions 2025 » PDF as a typed dataset with page provenance."
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    build = commands.add_parser("build", help="build the dataset (plan.duckdb, *.parquet) from the plan's PDF",
                                description="Build the plan's dataset from its PDF: OUT/plan.duckdb and OUT/<table>.parquet, replaced when complete.")  # fmt: skip
    build.add_argument("pdf", type=Path, help="the plan, as a PDF")
    build.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder, replaced when complete (default: {DEFAULT_OUT})"
    )
    build.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    build.add_argument("--verify", choices=VERIFY_CHOICES, default="uncertain",
                       help="second reader (camelot) on: no page, pages where item boundaries were uncertain (default), every ruled card page")  # fmt: skip
    build.add_argument("--reader", choices=BUILD_READER_CHOICES, default="pdfium",
                       help="page reader: pdfium (fast, the default) or pdfplumber read the text layer, the same layouts, and OCR the pages without one; tesseract reads every page by OCR, text layer or not")  # fmt: skip
    build.add_argument(
        "--force", action="store_true", help="rebuild even if the PDF, the code and the settings are unchanged"
    )
    build.add_argument("--corrections", type=Path, default=None,
                       help="corrections file (default: data/corrections.csv of the checkout; a missing file means no corrections)")  # fmt: skip
    build.add_argument("--lock-timeout", type=float, default=LOCK_TIMEOUT, metavar="SECONDS",
                       help=f"how long to wait for another build of the same OUT (default: {LOCK_TIMEOUT:g})")  # fmt: skip
    build.set_defaults(run=run_build)

    export = commands.add_parser("export", help="write OUT/export/<table>.csv and OUT/export/plan.xlsx from a built dataset",
                                 description="CSV files (one per table and view) and an Excel workbook of a built dataset, in OUT/export/.")  # fmt: skip
    export.add_argument(
        "out",
        type=Path,
        nargs="?",
        default=DEFAULT_OUT,
        help=f"the dataset folder (build's --out; default: {DEFAULT_OUT})",
    )
    export.set_defaults(run=run_export)

    review = commands.add_parser("review", help="write the static review site OUT/review/ of a built dataset",
                                 description="Write OUT/review/: every card beside its PDF pages, every item's box, findings and corrections.")  # fmt: skip
    review.add_argument("out", type=Path, help="the dataset folder (build's --out); the site goes to OUT/review/")
    review.add_argument("--pdf", type=Path, default=None, help="the plan's PDF (default: the one OUT/build.json names)")
    review.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    review.set_defaults(run=run_review)

    check = commands.add_parser("check", help="check the golden set (development checkout)",
                                description="Validate every golden card, compare it with the plan's text export word for word, and its expected values with their second reading. Exit status 1 on any difference.")  # fmt: skip
    check.add_argument(
        "--second-reading", type=Path, default=None, help=f"folder of the second reading (default: {SECOND_READING})"
    )
    check.set_defaults(run=run_check)

    robustness = commands.add_parser("robustness", help="extract seeded layouts of the plan and score them (development checkout)",
                                     description="Draw seeded layouts of the plan, extract each and compare it with the golden cards it prints (tools/robustness.py). Exit status 1 when any seed fails.",
                                     argument_default=argparse.SUPPRESS)  # fmt: skip
    robustness.add_argument("--seeds", type=int, help="how many seeds, from --first on (default: 40)")
    robustness.add_argument("--first", type=int, help="first seed (default: 1)")
    robustness.add_argument("--seed", type=int, action="append", help="one seed (repeatable); overrides --seeds")
    robustness.add_argument("--cards", type=int, help="cards drawn per layout (default: 30)")
    robustness.add_argument("--workers", type=int, help="processes (default 0: one per core)")
    robustness.add_argument("--out", type=Path, help="where the layouts are drawn (default: build/robustness)")
    robustness.add_argument("--verbose", action="store_true", help="print every difference of failing seeds")
    robustness.add_argument("--markdown", type=Path, help="also write the tables to this file")
    robustness.add_argument("--reader", choices=READER_CHOICES, help="text-layer reader (default: pdfium)")
    robustness.set_defaults(run=run_robustness)

    bench = commands.add_parser("bench", help="compare the pipeline with pdfplumber, camelot, tabula, unstructured (development checkout)",
                                description="The pipeline against the tools a user would pick instead, on the reconstruction and its renderings; writes bench/RESULTS.md (needs the bench extra and Java).",
                                argument_default=argparse.SUPPRESS)  # fmt: skip
    bench.add_argument("--out", type=Path, help="the results file (default: bench/RESULTS.md)")
    bench.add_argument("--inputs", nargs="+", help="inputs: reconstruction, ruled, borderless, reflow (default: all)")
    bench.add_argument("--tools", nargs="+", help="tools to run (default: all)")
    bench.set_defaults(run=run_bench)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns its exit status (``--help`` returns 0 after printing)."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parser().parse_args(argv)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return guarded(args.run, args)


def guarded(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """``run(args)``, every error turned into one line on stderr and an exit status."""
    try:
        return run(args)
    except BuildLocked as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_LOCKED
    except PlanToDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted; the previous dataset is untouched", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug, or a PDF no reader copes with: one line, and the previous output kept
        subject = getattr(args, "pdf", None) or getattr(args, "out", None) or args.command
        print(f"error: {subject}: {type(error).__name__}: {error}; the previous output is untouched", file=sys.stderr)
        return EXIT_ERROR


def entry_point() -> None:
    """The console script."""
    sys.exit(main())
