"""The console script's entry point works without the CLI extra installed: one line says what to install."""

from __future__ import annotations

import builtins
import sys
from typing import Any

import pytest

import toggl_api.cli


def test_missing_click_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def no_click(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "click" or name.startswith("click."):
            raise ModuleNotFoundError("No module named 'click'", name="click")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "toggl_api.cli.app", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_click)
    with pytest.raises(SystemExit) as info:
        toggl_api.cli.main([])
    assert info.value.code == 2
    assert capsys.readouterr().err.strip() == "toggl-api needs 'click': pip install 'toggl-track-sdk[cli]'"
