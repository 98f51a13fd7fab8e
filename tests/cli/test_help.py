"""Every command and sub-command answers ``--help`` with a usage line and exit status 0."""

from __future__ import annotations

import argparse

import pytest

from gendexhand.cli.main import build_parser, main


def _command_paths(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """``path`` and every command path below it, walking the sub-parsers recursively."""
    paths = [path]
    if parser._subparsers is not None:
        choices = parser._subparsers._group_actions[0].choices
        assert isinstance(choices, dict)
        for name, sub in choices.items():
            paths += _command_paths(sub, (*path, name))
    return paths


COMMANDS = _command_paths(build_parser())


def test_the_walk_finds_the_nested_commands() -> None:
    for expected in (("demo",), ("scene", "render"), ("assets", "import"), ("collect",)):
        assert expected in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "<root>")
def test_help_exits_zero_with_usage(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*path, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(" ".join(("usage: gendexhand", *path)))


def test_building_the_cli_imports_no_simulator() -> None:
    """The GL backend must be chosen before mujoco is imported, so building the parser (every
    command's options) must not import it. Budget: ~2 s."""
    import subprocess
    import sys

    code = "import sys; from gendexhand.cli.main import build_parser; build_parser(); "
    code += "print('mujoco' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
