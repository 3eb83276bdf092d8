"""``python -m review OUT [--pdf PDF] [-q]``: write OUT/review/ from OUT/plan.duckdb and the plan's PDF.

Bad input (no dataset, no PDF, another PDF than the one the dataset was built from) ends with one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m review", description="Write the review site of a built dataset.")
    parser.add_argument("out", type=Path, help="the dataset folder (`make all OUT=…`); the site goes to OUT/review/")
    parser.add_argument("--pdf", type=Path, default=None, help="the plan's PDF (default: the one OUT/build.json names)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from review.site import ReviewError, write_site

    try:
        summary = write_site(args.out, args.pdf)
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; the previous site is untouched", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line, and the previous site kept
        print(f"error: {args.out}: {type(error).__name__}: {error}; the previous site is untouched", file=sys.stderr)
        return 3
    if not args.quiet:
        print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
