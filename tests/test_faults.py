"""Faults: a build stopped at every file-system step (by an injected failure and by SIGKILL) leaves the output
folder holding the old or the new dataset, whole; three builds of one folder at once run one after the other;
unreadable cards and list rows become rejected rows; the build key ignores how a build runs; damaged copies
of the plan end with named unreadable pages or one line; a foreign PDF of 2 000 pages is refused early."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from extract.model import Box, Card, Extraction, Item, ListRow, Row
from load import build as build_module
from load import write as write_module
from load.build import build, build_key
from load.tables import extraction_to_rows, validate_rows
from schemas.records import TABLES

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTION = ROOT / "data/raw/plan_actions_2025.pdf"
# Cards of the two datasets the consistency tests swap: the old holds the first ones, the new the next ones.
OLD_CARDS, NEW_CARDS = slice(0, 6), slice(6, 14)


def item(text: str, page: int = 1) -> Item:
    return Item(text, [Box(page, 10, 10, 100, 20)])


def card(code: str, title: str = "Un projet", page: int = 1) -> Card:
    return Card(code, title, "Hôpital des Spécialités", "I.1", item(f"Sous Projet {code} : {title}", page), None,
                [Row("Budget", "budget", [], [item("100 000 DH", page)])])  # fmt: skip


def test_a_list_row_or_card_with_an_unreadable_code_is_rejected_not_fatal() -> None:
    extraction = Extraction(
        "plan.pdf",
        3,
        [card("FF 02", page=2), card("?? ??", "Illisible", page=3)],
        [
            ListRow("Liste", "FF O1", "Un projet illisible", None, 1, [Box(1, 0, 0, 1, 1)]),
            ListRow("Liste", "FF 02", "Un projet", None, 1, [Box(1, 0, 0, 1, 1)]),
        ],  # fmt: skip
        [],
    )
    rows = validate_rows(extraction_to_rows(extraction))
    assert [row["code"] for row in rows["cards"]] == ["FF-02"]
    rejected = {(row["table_name"], row["reason"]) for row in rows["rejected"]}
    assert ("list_entries", "list row code « FF O1 » is not a card code") in rejected
    assert ("cards", "card code « ?? ?? » is not a card code") in rejected
    kinds = {(row["kind"], row["page"]) for row in rows["findings"]}
    assert {("unparseable_list_row", 1), ("unparseable_card", 3)} <= kinds
    assert [row["code_printed"] for row in rows["list_entries"]] == ["FF 02"]


def test_the_build_key_ignores_progress_and_workers_but_not_extraction_settings() -> None:
    base = build_key(RECONSTRUCTION, {"verify": "off"})
    assert build_key(RECONSTRUCTION, {"verify": "off", "progress": True, "workers": 1}) == base
    assert build_key(RECONSTRUCTION, {"verify": "off", "reader": "pdfium"}) == base  # the default, given
    assert build_key(RECONSTRUCTION, {"verify": "all"}) != base
    assert build_key(RECONSTRUCTION, {"verify": "off", "paragraph_gap": 0.6}) != base


# --- crash consistency ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    from extract.run import extract_plan

    return extract_plan(RECONSTRUCTION, {"verify": "off"})


def with_cards(extraction: Extraction, cards: slice) -> Extraction:
    return Extraction(extraction.source, extraction.page_count, extraction.cards[cards], [], [])


def fingerprint(out: Path) -> dict[str, str]:
    """Every file of the dataset and its SHA-256 (the database's content, whose bytes differ from one write to
    the next; build.json without its key, which follows the code), the database opened and its tables there."""
    connection = duckdb.connect(str(out / "plan.duckdb"), read_only=True)
    try:
        tables = {name for (name,) in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(TABLES) <= tables
        cards = connection.execute("SELECT count(*) FROM cards").fetchone()[0]
        content = [connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in TABLES]
    finally:
        connection.close()
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    info.pop("key")
    files = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.iterdir())
        if path.name not in ("build.json", "plan.duckdb")
    }
    database = hashlib.sha256(repr(content).encode()).hexdigest()
    return {"cards": str(cards), "build.json": json.dumps(info, sort_keys=True), "plan.duckdb": database, **files}


def build_with(extraction: Extraction, out: Path, monkeypatch) -> None:
    monkeypatch.setattr("extract.run.extract_plan", lambda pdf, settings: extraction)
    build(RECONSTRUCTION, out, {"verify": "off"}, force=True)


@pytest.mark.slow
def test_a_build_failing_at_any_file_system_step_leaves_the_old_or_the_new_dataset(
    extraction, tmp_path, monkeypatch
) -> None:
    out = tmp_path / "clean"
    old, new = with_cards(extraction, OLD_CARDS), with_cards(extraction, NEW_CARDS)
    build_with(old, out, monkeypatch)
    old_print = fingerprint(out)
    steps: list[str] = []
    monkeypatch.setattr(write_module, "filesystem_step", steps.append)
    build_with(new, out, monkeypatch)
    monkeypatch.setattr(write_module, "filesystem_step", lambda what: None)
    new_print = fingerprint(out)
    assert old_print != new_print
    assert any(step.startswith("swap") for step in steps) and any(step.startswith("remove") for step in steps)
    assert sum(step.startswith("write") for step in steps) >= len(TABLES) + 3  # tables, database, build.json, log
    outcomes = []
    for stop in range(len(steps)):
        build_with(old, out, monkeypatch)  # back to the old dataset
        monkeypatch.setattr(write_module, "filesystem_step", failing_at(stop))
        failed = False
        try:
            build_with(new, out, monkeypatch)
        except InjectedFault:
            failed = True
        now = fingerprint(out)
        assert now in (old_print, new_print), steps[stop]
        outcomes.append((steps[stop], failed, now == new_print))
        monkeypatch.setattr(write_module, "filesystem_step", lambda what: None)
    # up to the swap the old dataset stays; from the swap on the new one is there (a failed removal after it
    # leaves a leftover, not a failed build)
    swap = next(index for index, step in enumerate(steps) if step.startswith("swap"))
    assert [is_new for _, _, is_new in outcomes] == [False] * (swap + 1) + [True] * (len(steps) - swap - 1)
    build_with(new, out, monkeypatch)
    assert write_module.leftovers(out) == []


class InjectedFault(OSError):
    pass


def failing_at(stop: int):
    count = iter(range(10**6))

    def step(what: str) -> None:
        if next(count) == stop:
            raise InjectedFault(f"injected at {what}")

    return step


DRIVER = textwrap.dedent(
    """
    import os, pickle, signal, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    import load.write
    from load.build import build
    extraction = pickle.loads(Path(sys.argv[1]).read_bytes())
    out, kill_at, pause = Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    journal = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    count = [0]
    def step(what):
        if journal:
            with journal.open("a") as handle:
                handle.write(f"{{os.getpid()}} {{what}}\\n")
        time.sleep(pause)
        if count[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        count[0] += 1
    load.write.filesystem_step = step
    import extract.run
    extract.run.extract_plan = lambda pdf, settings: extraction
    print(build(Path({pdf!r}), out, {{"verify": "off"}}, force=True).line())
    """
).format(root=str(ROOT), pdf=str(RECONSTRUCTION))


def driver(tmp_path: Path, extraction: Extraction, out: Path, kill_at: int, pause: float = 0.0,
           journal: Path | None = None) -> subprocess.Popen:  # fmt: skip
    script, data = tmp_path / "driver.py", tmp_path / f"extraction-{len(extraction.cards)}.pickle"
    script.write_text(DRIVER, encoding="utf-8")
    data.write_bytes(pickle.dumps(extraction))
    argv = [sys.executable, str(script), str(data), str(out), str(kill_at), str(pause)] + (
        [str(journal)] if journal else []
    )
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_build_killed_at_any_file_system_step_leaves_a_whole_dataset_and_its_leftovers_go(
    extraction, tmp_path, monkeypatch
) -> None:
    out = tmp_path / "clean"
    old, new = with_cards(extraction, OLD_CARDS), with_cards(extraction, NEW_CARDS)
    build_with(old, out, monkeypatch)
    old_print = fingerprint(out)
    steps: list[str] = []
    monkeypatch.setattr(write_module, "filesystem_step", steps.append)
    build_with(new, out, monkeypatch)
    new_print = fingerprint(out)
    monkeypatch.setattr(write_module, "filesystem_step", lambda what: None)
    seen = []
    for kill_at in range(len(steps)):
        build_with(old, out, monkeypatch)
        process = driver(tmp_path, new, out, kill_at)
        process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL
        now = fingerprint(out)
        assert now in (old_print, new_print), steps[kill_at]
        seen.append(now == new_print)
        if 0 < kill_at < len(steps) - 1:  # killed after the staging folder was made, before its removal
            assert write_module.leftovers(out), steps[kill_at]  # the killed build's staging folder is there
    assert seen.count(False) >= 1 and seen.count(True) >= 1
    build_with(new, out, monkeypatch)  # the next build starts by removing what the killed ones left
    assert write_module.leftovers(out) == []
    assert fingerprint(out) == new_print


@pytest.mark.slow
def test_a_real_build_killed_at_random_moments_leaves_a_whole_dataset(tmp_path) -> None:
    out = tmp_path / "clean"
    first = subprocess.run([sys.executable, "-m", "load", str(RECONSTRUCTION), "--out", str(out), "-q", "--verify", "off"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = fingerprint(out)
    for delay in (0.5, 3.0, 6.0):
        process = subprocess.Popen([sys.executable, "-m", "load", str(RECONSTRUCTION), "--out", str(out), "-q", "--verify", "off", "--force"],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        now = fingerprint(out)
        assert {name for name in now if name.endswith(".parquet")} == {
            name for name in before if name.endswith(".parquet")
        }
        assert now["cards"] == before["cards"] == "180"


def test_a_reader_holding_the_old_database_keeps_reading_it(extraction, tmp_path, monkeypatch) -> None:
    out = tmp_path / "clean"
    build_with(with_cards(extraction, OLD_CARDS), out, monkeypatch)
    reader = duckdb.connect(str(out / "plan.duckdb"), read_only=True)
    try:
        build_with(with_cards(extraction, NEW_CARDS), out, monkeypatch)
        assert reader.execute("SELECT count(*) FROM cards").fetchone()[0] == OLD_CARDS.stop - OLD_CARDS.start
    finally:
        reader.close()
    fresh = duckdb.connect(str(out / "plan.duckdb"), read_only=True)
    assert fresh.execute("SELECT count(*) FROM cards").fetchone()[0] == NEW_CARDS.stop - NEW_CARDS.start
    fresh.close()


# --- the lock -------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_three_builds_of_one_folder_at_once_run_one_after_the_other(extraction, tmp_path) -> None:
    out = tmp_path / "clean"
    journal = tmp_path / "journal"
    sizes = (4, 5, 6)
    processes = [driver(tmp_path, with_cards(extraction, slice(0, size)), out, -1, 0.05, journal) for size in sizes]
    results = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], results
    waiting = [stderr for _, stderr in results if "waiting for another build" in stderr]
    assert len(waiting) >= 2
    # the journal of file-system steps: each build's steps in one block, never interleaved with another's
    pids = [line.split()[0] for line in journal.read_text().splitlines()]
    blocks = [pid for index, pid in enumerate(pids) if index == 0 or pids[index - 1] != pid]
    assert len(blocks) == len(set(blocks)) == 3
    cards = int(fingerprint(out)["cards"])
    assert cards in sizes
    assert write_module.leftovers(out) == []


def test_a_build_waiting_longer_than_its_lock_timeout_ends_with_one_line(tmp_path) -> None:
    from filelock import FileLock

    out = tmp_path / "clean"
    with FileLock(str(build_module.lock_path(out))):
        result = subprocess.run([sys.executable, "-m", "load", str(RECONSTRUCTION), "--out", str(out), "-q", "--lock-timeout", "1"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 5
    assert lines[0].startswith("waiting for another build of")
    assert len(lines) == 2 and lines[1].startswith("error: ") and "try again later" in lines[1]
    assert not out.exists()


# --- unreadable pages, foreign PDFs ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_page_with_a_damaged_content_stream_is_named_and_the_build_exits_3(tmp_path) -> None:
    from tools.fuzz_damaged import subset

    source = subset(RECONSTRUCTION, 24, tmp_path / "source.pdf")
    data = bytearray(source.read_bytes())
    # the compressed content stream of page 20 (the first card page of the subset), damaged in its middle
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    text = document[19].get_textpage().get_text_range()
    document.close()
    assert "Sous Projet" in text
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with source.open("rb") as handle:
        page = list(PDFPage.create_pages(PDFDocument(PDFParser(handle))))[19]
        raw = resolve1(page.contents[0]).rawdata
    start = bytes(data).index(raw) + len(raw) // 2
    data[start : start + 8] = bytes(byte ^ 0x55 for byte in data[start : start + 8])
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(bytes(data))
    out = tmp_path / "clean"
    result = subprocess.run([sys.executable, "-m", "load", str(damaged), "--out", str(out), "-q", "--verify", "off"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "1 pages unreadable" in result.stdout
    connection = duckdb.connect(str(out / "plan.duckdb"), read_only=True)
    findings = connection.execute("SELECT page, message FROM findings WHERE kind = 'page_unreadable'").fetchall()
    connection.close()
    assert [page for page, _ in findings] == [20]
    assert "content stream damaged" in findings[0][1]
    again = subprocess.run([sys.executable, "-m", "load", str(damaged), "--out", str(out), "--verify", "off"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert again.returncode == 3 and "up to date" in again.stdout  # -q then no -q: not rebuilt, still incomplete


@pytest.mark.slow
def test_a_foreign_pdf_of_2000_pages_is_refused_after_its_first_pages(tmp_path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "minutes.pdf"
    drawing = canvas.Canvas(str(pdf), pagesize=A4)
    for number in range(1, 2001):
        drawing.drawString(72, 760, f"Compte rendu de la réunion du conseil, page {number}")
        drawing.drawString(72, 740, "Ordre du jour : budget annuel, travaux, questions diverses.")
        drawing.showPage()
    drawing.save()
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "load", str(pdf), "--out", str(tmp_path / "clean"), "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    seconds = time.perf_counter() - start
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not the plan" in result.stderr
    assert seconds < 15


# --- damaged objects: content streams cut short, page dictionaries, the page tree -------------------------------


def three_pages(path: Path) -> Path:
    """A PDF of three pages of text, content streams compressed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    for number in range(1, 4):
        for line in range(30):
            drawing.drawString(72, 760 - 18 * line, f"Sous Projet HS-M{number}-25 : ligne {line} de la page {number}")
        drawing.showPage()
    drawing.save()
    return path


def content_stream(pdf: Path, number: int) -> bytes:
    """The compressed bytes of page ``number``'s content stream, as they stand in the file."""
    from extract.streams import ContentStreams

    streams = ContentStreams(str(pdf), 3)
    try:
        return streams.pages[number - 1].page["Contents"].resolve().rawdata
    finally:
        streams.close()


def damages(pdf: Path) -> dict[int, str]:
    from extract.streams import ContentStreams

    streams = ContentStreams(str(pdf), 3)
    try:
        return {number: damage.cause for number in (1, 2, 3) if (damage := streams.damage(number))}
    finally:
        streams.close()


def test_a_sound_pdf_has_no_damaged_page(tmp_path) -> None:
    from extract.pdf import page_count
    from extract.streams import ContentStreams

    assert damages(three_pages(tmp_path / "sound.pdf")) == {}
    streams = ContentStreams(str(RECONSTRUCTION), page_count(RECONSTRUCTION))
    try:
        assert streams.agrees
        assert [number for number in range(1, len(streams.pages) + 1) if streams.damage(number)] == []
    finally:
        streams.close()


@pytest.mark.parametrize(
    "damage, cause",
    [
        (lambda raw: raw[: len(raw) // 2] + bytes(len(raw) - len(raw) // 2), "content stream damaged: "),
        (lambda raw: raw[: len(raw) // 2] + bytes(b ^ 0x55 for b in raw[len(raw) // 2 :]), "content stream damaged: "),
    ],
    ids=["zeroed second half", "flipped second half"],
)
def test_a_content_stream_damaged_past_its_start_is_named(tmp_path, damage, cause) -> None:
    pdf = three_pages(tmp_path / "sound.pdf")
    data, raw = pdf.read_bytes(), content_stream(pdf, 3)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data.replace(raw, damage(raw)))
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(damaged))
    read = len(document[2].get_textpage().get_text_range())
    document.close()
    assert read < 30 * 40  # the reader reads the page short, and says nothing
    found = damages(damaged)
    assert list(found) == [3] and found[3].startswith(cause)


def test_a_last_page_whose_contents_key_is_damaged_is_named(tmp_path) -> None:
    pdf = three_pages(tmp_path / "sound.pdf")
    data = pdf.read_bytes()
    last = data.rindex(b"/Contents")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[:last] + b"/Contdnts" + data[last + len(b"/Contents") :])
    assert damages(damaged) == {3: "page object damaged (no /Contents, and an unknown key /Contdnts)"}


def test_pages_the_page_tree_mixes_up_are_named_and_a_tree_that_loses_a_page_is_refused(tmp_path) -> None:
    import re

    from extract.errors import InputError
    from extract.pdf import read_document

    pdf = three_pages(tmp_path / "sound.pdf")
    data = pdf.read_bytes()
    kids = re.search(rb"/Kids\s*\[\s*(\d+) 0 R\s+(\d+) 0 R\s+(\d+) 0 R\s*\]", data)
    # the second page's reference turned into the third's: the reader shows the third page twice
    twice = tmp_path / "twice.pdf"
    twice.write_bytes(data[: kids.start(2)] + kids.group(3).rjust(len(kids.group(2))) + data[kids.end(2) :])
    found = damages(twice)
    assert sorted(found) == [2, 3] and "page 2 is the same page object as page 3" in found[2]
    # the first page's reference turned into a font's: a page with no content, before the pages with text
    font = re.search(rb"(\d+) 0 obj\s*<<[^>]*/Type /Font", data).group(1)
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(data[: kids.start(1)] + font.rjust(len(kids.group(1))) + data[kids.end(1) :])
    assert list(damages(elsewhere)) == [1] and "no /Contents" in damages(elsewhere)[1]
    # /Count cut to 2: pdfium reads two pages and the third is gone without a word, unless the tree is walked
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(re.sub(rb"/Count 3\b", b"/Count 2", data))
    with pytest.raises(InputError, match="damaged PDF .the page tree lists 3 pages where the reader finds 2"):
        read_document(cut, {"workers": 1, "verify": "off"})


@pytest.mark.slow
def test_a_damaged_copy_that_once_lost_cards_silently_names_the_page_and_loses_no_card_without_it(tmp_path) -> None:
    """Damaged copy 28 of the fuzz run (seed 1, 24 pages): 27 flipped bits, one of them in page 24's content
    stream; pdfium read 418 of the page's 1 786 characters without a word, and HS-CH3-25 and HS-CH4-25 were
    gone from an exit-0 dataset."""
    import random

    import pypdfium2 as pdfium

    from tools.fuzz_damaged import BUILT_WITH_UNREADABLE_PAGES, build, damage, judge, reference_build, subset

    source = subset(RECONSTRUCTION, 24, tmp_path / "source.pdf")
    damaged, description = damage(source.read_bytes(), random.Random("1-28"))
    assert description == "flip 27 bits"
    pdf = tmp_path / "damaged-0028.pdf"
    pdf.write_bytes(damaged)
    read = []
    for path in (source, pdf):
        document = pdfium.PdfDocument(str(path))
        read.append(len(document[23].get_textpage().get_text_range()))
        document.close()
    assert read[1] < read[0] // 2  # the reader reads page 24 short, and raises nothing
    reference = reference_build(source, tmp_path, 120)
    assert {"HS-CH3-25", "HS-CH4-25"} <= set(reference)
    out = tmp_path / "out"
    status, _, stdout, stderr = build(pdf, out, 120)
    assert status == BUILT_WITH_UNREADABLE_PAGES, stderr
    problem, unreadable = judge(status, stdout, stderr, out, reference)
    assert problem is None  # every card gone from the dataset touches a page named unreadable
    assert 24 in unreadable
    connection = duckdb.connect(str(out / "plan.duckdb"), read_only=True)
    (message,) = connection.execute(
        "SELECT message FROM findings WHERE kind = 'page_unreadable' AND page = 24"
    ).fetchone()
    cards = {code for (code,) in connection.execute("SELECT code FROM cards").fetchall()}
    connection.close()
    assert message.startswith("page 24 unreadable: content stream damaged: ")
    assert not {"HS-CH3-25", "HS-CH4-25"} & cards


def test_a_card_printed_twice_is_kept_once_and_its_copy_adds_no_row() -> None:
    extraction = Extraction(
        "plan.pdf", 4, [card("FF 02", page=2), card("FF 03", page=3), card("FF-02", page=4)], [], []
    )
    rows = validate_rows(extraction_to_rows(extraction))
    assert [row["code"] for row in rows["cards"]] == ["FF-02", "FF-03"]
    # the copy's items and budget lines are not there: one card's rows each
    assert Counter(row["code"] for row in rows["field_items"]) == {"FF-02": 2, "FF-03": 2}
    assert Counter(row["code"] for row in rows["budget_lines"]) == {"FF-02": 1, "FF-03": 1}
    assert [(row["table_name"], row["code"]) for row in rows["rejected"]] == [("cards", "FF-02")]
    assert "already read on page 2" in rows["rejected"][0]["reason"]
    assert [(row["kind"], row["code"], row["page"]) for row in rows["findings"]] == [("duplicate_card", "FF-02", 4)]


def test_a_list_row_without_a_title_is_rejected_with_a_finding() -> None:
    extraction = Extraction(
        "plan.pdf",
        2,
        [card("FF 02", page=2)],
        [
            ListRow("Liste", "FF 02", "Un projet", None, 1, [Box(1, 0, 0, 1, 1)]),
            ListRow("Liste", "FF 03", "", None, 1, [Box(1, 0, 2, 1, 3)]),
        ],
        [],
    )
    rows = validate_rows(extraction_to_rows(extraction))
    assert [row["code_printed"] for row in rows["list_entries"]] == ["FF 02"]
    assert [(row["table_name"], row["reason"]) for row in rows["rejected"]] == [
        ("list_entries", "list row « FF 03 » prints no title")
    ]
    assert ("unparseable_list_row", 1) in {(row["kind"], row["page"]) for row in rows["findings"]}
