"""The README's Python example runs as written against the emulator and does what its comments say."""

from __future__ import annotations

import re

from toggl_api.testing import Emulator, EmulatorServer

from .conftest import DOCS

README = DOCS.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_example_adds_an_entry_and_reads_it_back_from_the_cache(
    example_env: EmulatorServer, toggl_emulator: Emulator, capsys: object
) -> None:
    blocks = _python_blocks()
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "Writing docs" in printed
    assert toggl_emulator.request_count("POST", "/time_entries") == 1
    assert toggl_emulator.request_count("GET", "/time_entries/current") == 0
