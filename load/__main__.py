"""``python -m load PDF [--out DIR] [-q] [--verify off|uncertain|all] [--force] [--corrections CSV]``

Builds the dataset; on bad input prints one line on stderr and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m load", description="Build the plan's dataset from its PDF.")
    parser.add_argument("pdf", type=Path, help="the plan, as a PDF")
    parser.add_argument("--out", type=Path, default=Path("data/clean"), help="output folder (replaced when complete)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--verify", choices=["off", "uncertain", "all"], default="uncertain",
                        help="second reader (camelot) on: no page, pages where item boundaries were uncertain, every ruled card page")  # fmt: skip
    parser.add_argument("--reader", choices=["pdfium", "pdfplumber"], default="pdfium",
                        help="text-layer reader: pdfium (fast, the default) or pdfplumber; both give the same layouts")  # fmt: skip
    parser.add_argument("--force", action="store_true", help="rebuild even if the PDF and the code are unchanged")
    parser.add_argument("--corrections", type=Path, default=None,
                        help="corrections file (default: data/corrections.csv of the repository; a missing file means no corrections)")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from extract.errors import PlanToDataError
    from load.build import build
    from load.corrections import DEFAULT_PATH

    settings = {"verify": args.verify, "progress": not args.quiet, "reader": args.reader}
    try:
        summary = build(args.pdf, args.out, settings, force=args.force, corrections=args.corrections or DEFAULT_PATH)
    except PlanToDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; the previous dataset is untouched", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, or a PDF no reader copes with: one line, and the old dataset kept
        print(f"error: {args.pdf}: {type(error).__name__}: {error}; the previous dataset is untouched", file=sys.stderr)
        return 3
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
