"""The CLI page documents exactly the commands and options ``toggl-api`` has."""

from __future__ import annotations

import re

import click
import pytest

from .conftest import DOCS

cli_app = pytest.importorskip("toggl_api.cli.app")

PAGE = (DOCS / "cli.md").read_text(encoding="utf-8")
OPTION = re.compile(r"^\| `(-[-\w]+)[^`]*`(?:, `(--[-\w]+)[^`]*`)?", re.MULTILINE)


def _sections() -> dict[str, str]:
    """``{"sync": "<text of its section>", ...}``; ``""`` is the global options section."""
    parts = re.split(r"^#{2,3} (.+)$", PAGE, flags=re.MULTILINE)
    out: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        if heading == "Global options":
            out[""] = body
        elif heading.startswith("`toggl-api "):
            for name in re.findall(r"`?(?:toggl-api )?([a-z][\w -]*?)`", heading):
                out[name] = body
    return out


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out.update(_commands(command, f"{prefix}{name} "))
        else:
            out[f"{prefix}{name}"] = command
    return out


def _documented(section: str) -> set[str]:
    return {opt for pair in OPTION.findall(section) for opt in pair if opt}


def _actual(command: click.Command) -> set[str]:
    return {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts} - {"--help"}


def test_every_command_has_a_section() -> None:
    assert set(_commands(cli_app.cli)) == set(_sections()) - {""}


@pytest.mark.parametrize("name", sorted(_commands(cli_app.cli)))
def test_command_options_are_documented_exactly(name: str) -> None:
    assert _documented(_sections()[name]) == _actual(_commands(cli_app.cli)[name])


def test_global_options_are_documented_exactly() -> None:
    assert _documented(_sections()[""]) - {"-h", "--help"} == _actual(cli_app.cli)
