"""The ``plan-to-data`` command, run in-process through ``plan_to_data.cli.main(argv)`` with its output captured.

Every subcommand answers ``--help``; bad input gives one line on stderr and exit status 2, never a traceback;
the build of the reconstruction gives its 180 cards; the development-only subcommands say in one line what
they need when the packages do not come from a checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import plan_to_data
from plan_to_data import cli

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "data/raw/plan_actions_2025.pdf"
SUBCOMMANDS = ("build", "export", "review", "check", "robustness", "bench")


def run(capsys, *argv: str | Path) -> tuple[int, str, str]:
    status = cli.main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_error_line(status: int, err: str, expected_status: int = cli.EXIT_BAD_INPUT) -> str:
    lines = err.strip().splitlines()
    assert status == expected_status, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_answers_help(capsys, subcommand) -> None:
    status, out, err = run(capsys, subcommand, "--help")
    assert status == 0 and err == ""
    assert out.startswith(f"usage: plan-to-data {subcommand} ")


def test_the_command_lists_its_subcommands(capsys) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for subcommand in SUBCOMMANDS:
        assert subcommand in out


def test_robustness_help_names_every_option_of_the_tool(capsys) -> None:
    _, out, _ = run(capsys, "robustness", "--help")
    for option in cli.ROBUSTNESS_OPTIONS:
        assert f"--{option}" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        ((), "required: COMMAND"),
        (("frob",), "invalid choice: 'frob'"),
        (("build",), "required: pdf"),
        (("build", "plan.pdf", "--verify", "sometimes"), "invalid choice: 'sometimes'"),
        (("build", "plan.pdf", "--nonsense"), "unrecognized arguments: --nonsense"),
        (("robustness", "--seeds", "many"), "invalid int value: 'many'"),
    ],
)
def test_a_usage_error_is_one_line_and_status_2(capsys, argv, words) -> None:
    status, out, err = run(capsys, *argv)
    line = assert_one_error_line(status, err)
    assert words in line and "--help" in line
    assert out == ""


def test_a_missing_pdf_is_one_line_and_status_2(capsys, tmp_path) -> None:
    status, _, err = run(capsys, "build", tmp_path / "nothing.pdf", "--out", tmp_path / "clean", "-q")
    assert "nothing.pdf" in assert_one_error_line(status, err)
    assert not (tmp_path / "clean").exists()


def test_a_file_that_is_not_a_pdf_is_one_line_and_status_2(capsys, tmp_path) -> None:
    text = tmp_path / "plan.pdf"
    text.write_text("Sous Projet HS-M1-25 : not a PDF\n", encoding="utf-8")
    status, _, err = run(capsys, "build", text, "--out", tmp_path / "clean", "-q")
    assert_one_error_line(status, err)
    assert not (tmp_path / "clean").exists()


def test_export_and_review_of_a_folder_without_a_dataset_are_one_line_and_status_2(capsys, tmp_path) -> None:
    for subcommand in ("export", "review"):
        status, _, err = run(capsys, subcommand, tmp_path / "nothing")
        assert_one_error_line(status, err)


def test_an_unexpected_error_is_one_line_and_status_3(capsys, monkeypatch, tmp_path) -> None:
    import load.build

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(load.build, "build", broken)
    status, _, err = run(capsys, "build", PDF, "--out", tmp_path / "clean", "-q")
    line = assert_one_error_line(status, err, cli.EXIT_ERROR)
    assert "RuntimeError: a bug" in line and "untouched" in line


@pytest.mark.parametrize("subcommand", ["check", "robustness", "bench"])
def test_development_subcommands_outside_a_checkout_say_so_in_one_line(capsys, monkeypatch, subcommand) -> None:
    monkeypatch.setattr(cli, "CHECKOUT_MARKERS", ("no-such-file-in-an-installed-package",))
    status, out, err = run(capsys, subcommand)
    assert "needs a development checkout" in assert_one_error_line(status, err)
    assert out == ""


def test_check_runs_the_three_checks_of_the_golden_set(capsys) -> None:
    status, out, err = run(capsys, "check")
    assert status == 0, out + err
    lines = out.strip().splitlines()
    assert lines[-3].endswith("valid, 0 invalid")
    assert lines[-2].endswith("0 with unexplained differences")
    assert lines[-1].endswith("0 disagree")


def test_robustness_forwards_its_options_to_the_tool(capsys, tmp_path) -> None:
    markdown = tmp_path / "robustness.md"
    status, out, err = run(
        capsys, "robustness", "--seed", "3", "--cards", "4", "--workers", "1", "--out", tmp_path, "--markdown", markdown
    )
    # The forwarding is what is tested here, not the extractor: 1 is the tool's status for a seed that fails.
    assert status in (0, 1), err
    assert "1 layouts: cards " in out and "Traceback" not in err
    assert (tmp_path / "layout-3.pdf").is_file()
    assert markdown.read_text(encoding="utf-8").startswith("1 layouts: ")


@pytest.mark.parametrize(
    "argv, forwarded",
    [
        (["robustness"], []),
        (["robustness", "--seeds", "5", "--verbose"], ["--seeds", "5", "--verbose"]),
        (
            ["robustness", "--seed", "3", "--seed", "7", "--reader", "pdfplumber"],
            ["--seed", "3", "--seed", "7", "--reader", "pdfplumber"],
        ),
        (
            ["bench", "--inputs", "ruled", "reflow", "--tools", "ours"],
            ["--inputs", "ruled", "reflow", "--tools", "ours"],
        ),
    ],
)
def test_options_given_are_forwarded_as_the_tool_reads_them(argv, forwarded) -> None:
    args = cli.parser().parse_args(argv)
    names = cli.ROBUSTNESS_OPTIONS if argv[0] == "robustness" else cli.BENCH_OPTIONS
    assert cli.forwarded(args, names) == forwarded


def test_the_library_api_is_documented_in_one_place() -> None:
    assert plan_to_data.__doc__ and "extract_plan" in plan_to_data.__doc__
    for name in ("build", "extract_plan"):
        function = getattr(plan_to_data, name)
        assert function.__doc__ and len(function.__doc__.split()) > 20
    assert issubclass(plan_to_data.InputError, plan_to_data.PlanToDataError)


def test_the_library_raises_named_errors_not_system_exit(tmp_path) -> None:
    with pytest.raises(plan_to_data.InputError):
        plan_to_data.extract_plan(tmp_path / "nothing.pdf")
    with pytest.raises(plan_to_data.InputError):
        plan_to_data.build(tmp_path / "nothing.pdf", tmp_path / "clean")


@pytest.mark.slow
def test_build_of_the_reconstruction_then_up_to_date_then_export(capsys, tmp_path) -> None:
    out = tmp_path / "clean"
    status, stdout, err = run(capsys, "build", PDF, "--out", out, "-q")
    assert status == 0 and err == "", err
    assert stdout.startswith(f"{out}: built — 180 cards, ")
    status, stdout, _ = run(capsys, "build", PDF, "--out", out, "-q")
    assert status == 0 and stdout.startswith(f"{out}: up to date — 180 cards, ")
    status, stdout, err = run(capsys, "export", out)
    assert status == 0, err
    assert (out / "export" / "plan.xlsx").is_file() and (out / "export" / "cards.csv").is_file()
