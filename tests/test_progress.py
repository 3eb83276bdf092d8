"""Progress over pages: a bar on a terminal, plain lines in a log, nothing when quiet."""

from __future__ import annotations

import io

from extract.progress import PageProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_where_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = PageProgress(30, True, stream)
    progress.advance(13, 24, 12)
    progress.advance(1, 12, 12)
    progress.advance(25, 30, 6)
    progress.close()
    assert stream.getvalue().splitlines() == [
        "reading pages: 13-24 (12/30)",
        "reading pages: 1-12 (24/30)",
        "reading pages: 25-30 (30/30)",
    ]


def test_a_bar_on_a_terminal() -> None:
    stream = Terminal()
    progress = PageProgress(30, True, stream)
    progress.advance(1, 12, 12)
    shown = stream.getvalue()
    progress.close()
    assert "reading pages" in shown and "12/30" in shown and "page" in shown
    assert "\n" not in shown.strip("\n")  # one line redrawn in place, not a line per chunk


def test_nothing_when_quiet() -> None:
    stream = Terminal()
    progress = PageProgress(30, False, stream)
    progress.advance(1, 30, 30)
    progress.close()
    assert stream.getvalue() == ""
