"""The second reader started ahead of its pages (extract.verify.SecondReading): it reads what the reader reads in
this process, the work handed over by ``while_second_reads`` is done once while it reads, and it can be stopped
while its library is still loading. camelot is loaded without matplotlib, which stays importable."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from extract.settings import ExtractSettings
from extract.verify import SecondReading, get_reader, start_second_reading, verify, while_second_reads

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
PAGES = [20, 21]  # ruled card pages of the reconstruction


def test_the_worker_reads_the_cells_this_process_reads() -> None:
    second = SecondReading("camelot", RECONSTRUCTION)
    try:
        cells = second.submit(PAGES).result(timeout=300)
    finally:
        second.close()
    assert cells and cells == get_reader("camelot").read_cells(RECONSTRUCTION, PAGES)


def test_the_work_handed_over_is_done_once_while_the_worker_reads(monkeypatch) -> None:
    from extract import verify as verify_module
    from extract.model import Extraction

    monkeypatch.setattr(verify_module, "ruled_card_pages", lambda extraction, ruled: PAGES)
    done = []
    second = SecondReading("camelot", RECONSTRUCTION)
    try:
        with while_second_reads(lambda: done.append("work")):
            verify(Extraction(str(RECONSTRUCTION), 135, [], [], []), RECONSTRUCTION, set(PAGES), set(PAGES),
                   ExtractSettings(), second=second)  # fmt: skip
    finally:
        second.close()
    assert done == ["work"]


def test_no_worker_no_work_handed_over() -> None:
    from extract.model import Extraction

    done = []
    with while_second_reads(lambda: done.append("work")):
        verify(Extraction(str(RECONSTRUCTION), 135, [], [], []), RECONSTRUCTION, set(), set(), ExtractSettings())
    assert done == []  # the caller does it after


def test_started_only_where_the_default_check_will_read() -> None:
    assert start_second_reading(RECONSTRUCTION, set(), ExtractSettings()) is None  # no ruled page
    assert start_second_reading(RECONSTRUCTION, {20}, ExtractSettings(verify="off")) is None
    assert start_second_reading(RECONSTRUCTION, {20}, ExtractSettings(verify="all")) is None  # many pages: a pool
    assert start_second_reading(RECONSTRUCTION, {20}, ExtractSettings(workers=1)) is None  # one process asked
    second = start_second_reading(RECONSTRUCTION, {20}, ExtractSettings(workers=2))
    assert second is not None
    second.close()


def test_a_worker_still_loading_is_stopped_at_once() -> None:
    second = SecondReading("camelot", RECONSTRUCTION)
    start = time.perf_counter()
    second.close()
    assert time.perf_counter() - start < 5.0


def test_camelot_loads_without_matplotlib_which_stays_importable() -> None:
    script = (
        "import sys; from extract.verify import import_camelot; camelot = import_camelot(); "
        "assert 'matplotlib' not in sys.modules and not camelot.plotting._HAS_MPL; "
        "import matplotlib; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip() == "ok", result.stderr


def test_the_work_beside_is_done_in_the_worker_while_it_waits_for_its_pages() -> None:
    import os
    from functools import partial

    from load.printed import read_printed

    with while_second_reads(lambda: None, beside=partial(read_printed, RECONSTRUCTION)) as meanwhile:
        second = start_second_reading(RECONSTRUCTION, {20}, ExtractSettings(workers=2))
    assert second is not None and meanwhile.beside_result is second.beside_task
    try:
        printed = meanwhile.beside_result.result(timeout=300)
        worker = second.pool.submit(os.getpid).result(timeout=300)
    finally:
        second.close()
    assert worker != os.getpid()  # read in the worker, not here
    assert printed == read_printed(RECONSTRUCTION) and printed.labels


def test_without_a_worker_nothing_is_done_beside() -> None:
    with while_second_reads(lambda: None, beside=lambda: 1 / 0) as meanwhile:
        assert start_second_reading(RECONSTRUCTION, set(), ExtractSettings()) is None
    assert meanwhile.beside_result is None
