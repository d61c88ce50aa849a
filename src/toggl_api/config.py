"""Credentials and the default workspace from the environment or a toggl-cli style ``.togglrc``.

Environment: ``TOGGL_API_TOKEN`` (a token, or an email when ``TOGGL_PASSWORD`` is set), ``TOGGL_PASSWORD``,
``TOGGL_WORKSPACE_ID``. ``.togglrc`` (INI): ``[auth] api_token = ...`` or ``email``/``password``;
``[options] default_wid = ...``. Nothing here logs or repeats a secret.
"""

from __future__ import annotations

import logging
import os
from configparser import ConfigParser
from configparser import Error as ConfigError
from pathlib import Path

from httpx import BasicAuth

from ._core.errors import AuthenticationError, WorkspaceMissingError

__all__ = [
    "AuthenticationError",
    "WorkspaceMissingError",
    "generate_authentication",
    "retrieve_togglrc_workspace_id",
    "retrieve_workspace_id",
    "use_togglrc",
]

log = logging.getLogger("toggl_api.config")

TOKEN_PASSWORD = "api_token"


def generate_authentication() -> BasicAuth:
    """Credentials from ``TOGGL_API_TOKEN`` (and ``TOGGL_PASSWORD`` for email logins).

    Raises:
        AuthenticationError: ``TOGGL_API_TOKEN`` is not set or empty.
    """
    user = os.environ.get("TOGGL_API_TOKEN", "").strip()
    if not user:
        msg = "Email or API Key not set. Export TOGGL_API_TOKEN (and TOGGL_PASSWORD when it is an email)."
        raise AuthenticationError(msg)
    password = os.environ.get("TOGGL_PASSWORD") or TOKEN_PASSWORD
    log.debug("Detected %s authentication.", "token" if password == TOKEN_PASSWORD else "email/password")
    return BasicAuth(user, password)


def _get_togglrc(config_path: Path | None = None) -> ConfigParser:
    folder = Path(config_path) if config_path is not None else Path.home()
    path = folder / ".togglrc" if folder.is_dir() or folder.suffix != ".togglrc" else folder
    if not path.exists():
        msg = f"Config file not found at: {path}"
        raise FileNotFoundError(msg)
    config = ConfigParser(interpolation=None)
    try:
        config.read(path, encoding="utf-8")
    except ConfigError as exc:
        msg = f"{path} is not a valid INI file: {exc.__class__.__name__}"
        raise AuthenticationError(msg) from None
    return config


def use_togglrc(config_path: Path | None = None) -> BasicAuth:
    """Credentials from ``.togglrc`` in ``config_path`` (a folder; the home folder by default).

    Raises:
        FileNotFoundError: no ``.togglrc`` there.
        AuthenticationError: no ``[auth]`` section, or neither a token nor email and password.
    """
    config = _get_togglrc(config_path)
    if not config.has_section("auth"):
        msg = "No auth section in config file"
        raise AuthenticationError(msg)
    token = config.get("auth", "api_token", fallback="").strip()
    if token:
        return BasicAuth(token, TOKEN_PASSWORD)
    email = config.get("auth", "email", fallback="").strip()
    if not email:
        msg = "No email in config file"
        raise AuthenticationError(msg)
    password = config.get("auth", "password", fallback="")
    if not password:
        msg = "No password set in config file"
        raise AuthenticationError(msg)
    return BasicAuth(email, password)


def retrieve_workspace_id(default: int | None = None) -> int:
    """The default workspace id from ``TOGGL_WORKSPACE_ID`` (else ``default``).

    Raises:
        WorkspaceMissingError: neither is set, or the value is not an integer.
    """
    raw = os.environ.get("TOGGL_WORKSPACE_ID")
    if raw is None or not raw.strip():
        if default is None:
            msg = "Default workspace has not been set in the environment variables."
            raise WorkspaceMissingError(msg)
        return int(default)
    try:
        return int(raw)
    except ValueError:
        msg = f"TOGGL_WORKSPACE_ID must be an integer workspace id, got {raw!r}"
        raise WorkspaceMissingError(msg) from None


def retrieve_togglrc_workspace_id(config_path: Path | None = None) -> int:
    """``[options] default_wid`` from ``.togglrc``.

    Raises:
        WorkspaceMissingError: missing or not an integer.
    """
    config = _get_togglrc(config_path)
    try:
        return int(config["options"]["default_wid"])
    except (KeyError, ValueError):
        msg = "No integer [options] default_wid in the .togglrc file"
        raise WorkspaceMissingError(msg) from None
