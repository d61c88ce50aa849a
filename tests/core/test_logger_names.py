"""Every logger the package creates hangs under ``toggl_api`` (no ``toggl-api-wrapper.*`` tree of its own)."""

from __future__ import annotations

import importlib
import logging
import pkgutil

import toggl_api


def test_every_logger_of_the_package_is_under_toggl_api() -> None:
    for module in pkgutil.walk_packages(toggl_api.__path__, "toggl_api."):
        try:
            importlib.import_module(module.name)
        except ImportError:  # an optional extra that is not installed
            continue
    names = [name for name in logging.Logger.manager.loggerDict if name.startswith("toggl")]
    assert names, "no logger found: the import walk did not run"
    assert [name for name in names if name != "toggl_api" and not name.startswith("toggl_api.")] == []
