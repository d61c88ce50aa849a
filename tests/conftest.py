"""Shared fixtures. The emulator fixtures (``toggl_emulator``, ``toggl_auth``, ``toggl_workspace_id``,
``toggl_transport``, ``toggl_server``, ``fake_clock``) come from the ``toggl_api.testing`` pytest plugin."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolate_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the user's environment or home folder."""
    for name in ("TOGGL_API_TOKEN", "TOGGL_PASSWORD", "TOGGL_WORKSPACE_ID", "TOGGL_API_BASE_URL",
                 "TOGGL_API_CACHE_DIR", "TOGGL_API_FAKE_CACHE_DIR", "TOGGL_API_CONFIG",
                 "TOGGL_API_PACING"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    # The platform cache folder (the CLI's default caches) lives under the fake home too.
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # the CLI's config file too


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A fresh directory for a cache."""
    path = tmp_path / "cache"
    path.mkdir()
    return path
