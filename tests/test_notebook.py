"""The analyst notebook runs from top to bottom on a fresh build, so it cannot rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def test_the_analyst_notebook_runs_and_answers(dataset, monkeypatch) -> None:
    notebook = nbformat.read(ROOT / "notebooks/analyst.ipynb", as_version=4)
    monkeypatch.setenv("PLAN_DB", str(dataset / "plan.duckdb"))
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [output for cell in code_cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert errors == []
    tables = [cell for cell in code_cells if any("text/html" in output.get("data", {}) for output in cell.outputs)]
    assert len(tables) >= 6  # the five questions and the findings, each a table
    figures = [output for cell in code_cells for output in cell.outputs if "image/png" in output.get("data", {})]
    assert len(figures) == 2
