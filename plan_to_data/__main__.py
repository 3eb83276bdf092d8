"""``python -m plan_to_data``: the ``plan-to-data`` command."""

import sys

from plan_to_data.cli import main

if __name__ == "__main__":
    sys.exit(main())
