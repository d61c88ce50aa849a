"""Credentials and workspace from the environment and .togglrc (never the real $HOME)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toggl_api.config import (
    AuthenticationError,
    WorkspaceMissingError,
    generate_authentication,
    retrieve_togglrc_workspace_id,
    retrieve_workspace_id,
    use_togglrc,
)


def _auth_pair(auth: object) -> str:
    import base64

    header = auth._auth_header  # type: ignore[attr-defined]
    return base64.b64decode(header.split()[1]).decode()


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOGGL_API_TOKEN", "tok")
    assert _auth_pair(generate_authentication()) == "tok:api_token"


def test_email_and_password_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOGGL_API_TOKEN", "me@example.com")
    monkeypatch.setenv("TOGGL_PASSWORD", "pw")
    assert _auth_pair(generate_authentication()) == "me@example.com:pw"


def test_missing_token_says_which_variable() -> None:
    with pytest.raises(AuthenticationError, match="TOGGL_API_TOKEN"):
        generate_authentication()


def test_togglrc_token(tmp_path: Path) -> None:
    (tmp_path / ".togglrc").write_text("[auth]\napi_token = abc\n[options]\ndefault_wid = 42\n")
    assert _auth_pair(use_togglrc(tmp_path)) == "abc:api_token"
    assert retrieve_togglrc_workspace_id(tmp_path) == 42


def test_togglrc_email_password(tmp_path: Path) -> None:
    (tmp_path / ".togglrc").write_text("[auth]\nemail = a@b.c\npassword = pw\n")
    assert _auth_pair(use_togglrc(tmp_path)) == "a@b.c:pw"


def test_togglrc_email_without_password(tmp_path: Path) -> None:
    (tmp_path / ".togglrc").write_text("[auth]\nemail = a@b.c\n")
    with pytest.raises(AuthenticationError, match="No password"):
        use_togglrc(tmp_path)


def test_togglrc_without_auth_section(tmp_path: Path) -> None:
    (tmp_path / ".togglrc").write_text("[options]\ndefault_wid = 1\n")
    with pytest.raises(AuthenticationError, match="No auth section"):
        use_togglrc(tmp_path)


def test_missing_togglrc_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        use_togglrc(tmp_path)


def test_workspace_id_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOGGL_WORKSPACE_ID", "77")
    assert retrieve_workspace_id() == 77


def test_workspace_id_default_and_missing() -> None:
    assert retrieve_workspace_id(5) == 5
    with pytest.raises(WorkspaceMissingError):
        retrieve_workspace_id()


def test_non_numeric_workspace_id_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOGGL_WORKSPACE_ID", "abc")
    with pytest.raises(WorkspaceMissingError, match="integer"):
        retrieve_workspace_id()
