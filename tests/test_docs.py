"""The README documents every make target."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):.*##", makefile, flags=re.MULTILINE))


def test_every_make_target_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = make_targets()
    assert {"setup", "test"} <= targets
    assert not {target for target in targets if f"make {target}" not in readme}


def test_ci_runs_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip().startswith("make ")]
    assert commands == ["make setup", "make lint", "make test"]
    # the README's « Set up and test » block, in the same order
    assert "\n".join(f"    {command}" for command in commands) + "\n" in readme


def test_every_table_and_column_is_documented() -> None:
    from load.write import VIEWS
    from schemas.records import TABLES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dataset = readme[readme.index("## The dataset") :]
    sections = re.split(r"^### ", dataset, flags=re.MULTILINE)[1:]
    undocumented = []
    for table, model in TABLES.items():
        section = next((text for text in sections if f"`{table}`" in text.splitlines()[0]), "")
        undocumented += [f"{table}.{column}" for column in model.model_fields if f"`{column}`" not in section]
        if not section:
            undocumented.append(table)
    assert undocumented == []
    assert all(f"`{view}`" in dataset for view in VIEWS)


def test_the_readme_tables_are_the_descriptions_of_the_models() -> None:
    """One source: the README's table docs are generated from the pydantic descriptions (``python -m load.docs``)
    that DuckDB's comments and the workbook's first sheet also carry."""
    from load.docs import readme_with_tables
    from schemas.records import TABLES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_tables(readme) == readme, "README.md is out of date: run .venv/bin/python -m load.docs"
    for table, model in TABLES.items():
        for name, field in model.model_fields.items():
            assert f"| `{name}` |" in readme and field.description in readme, f"{table}.{name}"
