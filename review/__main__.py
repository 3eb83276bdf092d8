"""``python -m review OUT [--pdf PDF] [-q]``: an alias of ``plan-to-data review``.

Writes OUT/review/ from OUT/plan.duckdb and the plan's PDF. Bad input (no dataset, no PDF, another PDF than
the one the dataset was built from) ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from plan_to_data.cli import main as command

    return command(["review", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
