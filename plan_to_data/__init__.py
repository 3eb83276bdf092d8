"""plan-to-data as a library: the plan's PDF to cards, and to the validated DuckDB + Parquet dataset.

The public API is what this module names; the stage packages (``extract``, ``normalize``, ``schemas``,
``load``, ``review``) are its implementation::

    from plan_to_data import build, extract_plan

    extraction = extract_plan("data/raw/plan_actions_2025.pdf")   # cards, items, findings; nothing written
    summary = build("data/raw/plan_actions_2025.pdf", "data/clean")  # the dataset, written atomically
    print(summary.line())

Both raise a subclass of :class:`PlanToDataError` on bad input (missing, empty, encrypted or damaged PDF,
a scan without text, a PDF that is not the plan, a bad corrections file); the ``plan-to-data`` command turns
it into one line on stderr and exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.errors import InputError, NotThePlanError, PlanToDataError, ScannedPdfError

if TYPE_CHECKING:
    from extract.model import Extraction
    from extract.settings import ExtractSettings
    from load.build import Summary

__all__ = ["InputError", "NotThePlanError", "PlanToDataError", "ScannedPdfError", "build", "extract_plan"]


def extract_plan(pdf: Path | str, settings: ExtractSettings | dict[str, Any] | None = None) -> Extraction:
    """Read the plan's PDF into an :class:`extract.model.Extraction`, without writing anything.

    ``settings``: None (the defaults), a dict of :class:`extract.settings.ExtractSettings` fields
    (``{"reader": "pdfplumber", "verify": "off", "progress": True}``…) or a settings object.
    Returns the cards (each item with its page and bounding box), the « Liste des projets » rows, the
    findings, and the page count. Raises :class:`InputError`, :class:`ScannedPdfError` or
    :class:`NotThePlanError` on bad input.
    """
    from extract.run import extract_plan as run

    return run(pdf, settings)


def build(
    pdf: Path | str,
    out: Path | str,
    settings: dict[str, Any] | None = None,
    *,
    force: bool = False,
    corrections: Path | str | None = None,
) -> Summary:
    """Build the dataset of ``pdf`` into the folder ``out``: ``plan.duckdb`` and one Parquet file per table.

    ``settings``: extraction settings as for :func:`extract_plan` (``verify``, ``reader``, ``progress``…);
    they are part of the build key. ``corrections``: a corrections CSV (see the README's « Corrections »);
    None or a missing file means no corrections. ``out`` is replaced only when the build is complete; a PDF,
    code, settings and corrections file all unchanged since the last build return at once (``force=True``
    rebuilds anyway). Returns the :class:`load.build.Summary` (cards, items, findings, rejected rows,
    corrections by status; ``summary.line()`` is the command's output line). Raises a
    :class:`PlanToDataError` on bad input, leaving ``out`` as it was.
    """
    from load.build import build as run

    return run(
        Path(pdf),
        Path(out),
        dict(settings or {}),
        force=force,
        corrections=None if corrections is None else Path(corrections),
    )
