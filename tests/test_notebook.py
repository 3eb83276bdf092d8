"""The analyst notebook is committed with its outputs and runs from top to bottom on a fresh build, so it
cannot rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks/analyst.ipynb"


def outputs(notebook, kind: str) -> list:
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if kind in output.get("data", {})
    ]


def test_the_notebook_is_committed_with_its_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells and all(cell.execution_count and cell.outputs for cell in code_cells)
    assert len(outputs(notebook, "image/png")) == 3


def test_the_analyst_notebook_runs_and_answers(dataset, monkeypatch) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("PLAN_DB", str(dataset / "plan.duckdb"))
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [output for cell in code_cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert errors == []
    tables = [cell for cell in code_cells if any("text/html" in output.get("data", {}) for output in cell.outputs)]
    assert len(tables) >= 7  # the summary, the five questions and the findings, each a table
    # three plots: budget by owner, schedule per owner, findings by kind
    assert len(outputs(notebook, "image/png")) == 3
    # the budget table names the owners as the plan's section headers do
    budget = next(
        output["data"]["text/html"]
        for output in outputs(notebook, "text/html")
        if "budget_max_mad" in output["data"]["text/html"] and "kind" in output["data"]["text/html"]
    )
    assert "Hôpital des Spécialités" in budget and "Fonction Ingénierie et Maintenance" in budget
