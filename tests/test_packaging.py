"""The built wheel: what it carries, and that it works installed in a fresh virtual environment outside the checkout.

The wheel is built with ``pip wheel --no-deps``, installed with the exact versions of constraints.txt into a new
virtual environment in a temporary folder (pip takes the dependencies from its cache, or from the package index),
and its ``plan-to-data build`` reads the reconstruction from a working folder that is not the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "data/raw/plan_actions_2025.pdf"
CONSTRAINTS = ROOT / "constraints.txt"
# The packages the wheel installs, and the data files they read at run time.
PACKAGES = {"vocabulary", "extract", "normalize", "schemas", "load", "review", "plan_to_data"}
DATA_FILES = {
    "vocabulary/labels.yaml",
    "vocabulary/fr.yaml",
    "normalize/data/reference/abbreviations.csv",
    "normalize/data/reference/entity_aliases.csv",
    "review/assets/review.css",
    "review/assets/review.js",
}
# Building the wheel and installing it with its dependencies (from pip's cache) takes a minute or two.
INSTALL_TIMEOUT = 900
BUILD_TIMEOUT = 600

pytestmark = pytest.mark.slow


def run(command: list[str | Path], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--wheel-dir", folder, ROOT],
        cwd=folder,
        timeout=BUILD_TIMEOUT,
    )
    (path,) = folder.glob("plan_to_data-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin folder of a new virtual environment holding the wheel and its pinned dependencies."""
    environment = tmp_path_factory.mktemp("venv") / "env"
    venv.create(environment, with_pip=True)
    bin_folder = environment / "bin"
    run(
        [bin_folder / "python", "-m", "pip", "install", "-q", "-c", CONSTRAINTS, wheel],
        cwd=environment,
        timeout=INSTALL_TIMEOUT,
    )
    return bin_folder


def test_the_wheel_carries_its_packages_and_data_and_nothing_else(wheel) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {name.split("/")[0] for name in names if not name.startswith("plan_to_data-")}
    assert top == PACKAGES
    assert DATA_FILES <= names
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "plan-to-data = plan_to_data.cli:entry_point" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_command_builds_the_reconstruction_outside_the_checkout(installed, tmp_path) -> None:
    result = run(
        [installed / "plan-to-data", "build", PDF, "--out", tmp_path / "clean", "-q"],
        cwd=tmp_path,
        timeout=BUILD_TIMEOUT,
    )
    assert result.stdout.startswith(f"{tmp_path / 'clean'}: built — 180 cards, "), result.stdout
    assert result.stderr == ""
    located = run([installed / "python", "-c", "import normalize; print(normalize.__file__)"], cwd=tmp_path, timeout=60)
    assert not Path(located.stdout.strip()).is_relative_to(ROOT)


def test_the_installed_command_says_what_needs_a_checkout(installed, tmp_path) -> None:
    result = subprocess.run(
        [str(installed / "plan-to-data"), "robustness", "--seeds", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a development checkout" in lines[0]
