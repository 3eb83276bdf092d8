"""Progress over a document's pages: a bar on a terminal, plain lines otherwise, nothing when quiet."""

from __future__ import annotations

import sys
from typing import TextIO


class PageProgress:
    """Counts pages as they are read. On a terminal, a tqdm bar (pages, rate, time left); elsewhere (a log,
    a pipe) one line per chunk of pages read, in the order they come; with ``enabled`` false, nothing."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None, label: str = "reading pages") -> None:
        self.total, self.enabled, self.label = total, enabled, label
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.bar = None
        if enabled and self.stream.isatty():
            from tqdm import tqdm

            # chunks of pages come a few times a second at most: draw every one
            self.bar = tqdm(
                total=total, unit="page", desc=label, file=self.stream, leave=False, mininterval=0, miniters=1
            )

    def advance(self, first: int, last: int, count: int) -> None:
        """``count`` pages of ``first``..``last`` read."""
        if not self.enabled:
            return
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        else:
            print(f"{self.label}: {first}-{last} ({self.done}/{self.total})", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
