"""``python -m load PDF [--out DIR] [-q] [--verify off|uncertain|all] [--reader pdfium|pdfplumber|tesseract] [--force] [--corrections CSV]``

An alias of ``plan-to-data build``: builds the dataset; on bad input prints one line on stderr and exits
non-zero, never a traceback.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from plan_to_data.cli import main as command

    return command(["build", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
