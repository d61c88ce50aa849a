"""The config file of ``toggl-api``: defaults for its options, and ``toggl-api config path|show``.

The file is TOML at ``<user config dir>/toggl-api/config.toml`` (``~/.config/toggl-api/config.toml`` on Linux), or
wherever ``TOGGL_API_CONFIG`` points. Options given on the command line (or by their environment variables) win
over the file, and the file wins over the built-in defaults::

    cache = "~/toggl/cache.sqlite"   # any global option: cache, cache-type, ...
    workspace = "Acme"                # --workspace of every command that has one
    project = "Website"               # --project of `toggl-api start`

    [report]                          # a table per command: its options
    by = "client"

    ["cache export"]                  # a command of a group: its words, quoted
    format = "csv"

The file never holds credentials (keep the token in ``TOGGL_API_TOKEN`` or ``~/.togglrc``), and ``--fake`` ignores
it, so the demo account never writes into the cache the file names. A file that is not valid TOML, an unknown key
or a value the option refuses is one line naming the file, the line and the key, with exit code 1.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from ..__about__ import __title__

__all__ = ["CONFIG_ENV", "ConfigFileError", "config_path", "defaults_for", "load"]

#: Environment variable naming the config file (instead of the per-user default).
CONFIG_ENV = "TOGGL_API_CONFIG"
#: Top-level keys that set an option of several commands (besides the global options).
SHARED_KEYS = {"workspace": None, "project": ("start",)}
#: Global options the file cannot set: ``--fake`` would redirect every command to the demo account.
NOT_FROM_FILE = frozenset({"fake"})
_SECRETS = frozenset({"token", "api_token", "api-token", "password", "email"})


class ConfigFileError(ValueError):
    """The config file cannot be used; the message names the file, the line and the key."""


def config_path() -> Path:
    """``$TOGGL_API_CONFIG``, else ``config.toml`` in the platform's per-user config folder for toggl-api."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("toggl-api", appauthor=False)) / "config.toml"


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:  # pragma: no cover - Python 3.10
        import importlib

        try:
            toml = importlib.import_module("tomli")
        except ImportError:
            msg = f"reading the config file on Python 3.10 needs tomli: pip install '{__title__}[cli]'"
            raise ConfigFileError(msg) from None
    return toml


def load(path: Path) -> dict[str, Any] | None:
    """The parsed file, ``None`` when there is none.

    Raises:
        ConfigFileError: unreadable, or not valid TOML (with the line TOML names).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigFileError(f"config file {path}: cannot read it ({exc.strerror or exc})") from None
    toml = _toml()
    try:
        data: dict[str, Any] = toml.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigFileError(f"config file {path}: not UTF-8 text") from None
    except toml.TOMLDecodeError as exc:
        raise ConfigFileError(f"config file {path}: not valid TOML: {exc}") from None
    return data


def _line_of(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line (1-based) where ``key`` is set in ``table`` (``()``: the top level), if it can be found."""
    current: tuple[str, ...] = ()
    header = re.compile(r"\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    assignment = re.compile(r"\s*(\"?)([A-Za-z0-9_.\-]+)\1\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        found = header.match(line)
        if found:
            current = tuple(part.strip().strip('"') for part in found.group(1).split("."))
            if current == (*table, key):
                return number
            continue
        found = assignment.match(line)
        if found:
            dotted = tuple(found.group(2).split("."))
            if (*current, *dotted[:-1]) == table and dotted[-1] == key:
                return number
            if (*current, *dotted)[: len(table) + 1] == (*table, key):
                return number
    return None


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, table: tuple[str, ...], key: str, reason: str) -> ConfigFileError:
        line = _line_of(self.text, table, key)
        where = f"{self.path}, line {line}" if line else str(self.path)
        name = ".".join((*table, key))
        return ConfigFileError(f"config file {where}: {name!r} {reason}")

    def value(self, table: tuple[str, ...], key: str, param: click.Parameter, value: Any) -> Any:
        """The value for ``param``, checked as the command line would check it."""
        if isinstance(value, dict):
            raise self.fail(table, key, f"must be a value for {_flag(param)}, not a table")
        if isinstance(value, list) and not param.multiple:
            raise self.fail(table, key, f"must be one value for {_flag(param)}, not a list")
        if key == "cache" and isinstance(value, str) and "://" not in value:
            value = str(Path(value).expanduser())
        try:
            param.type_cast_value(None, value)  # type: ignore[arg-type]
        except click.BadParameter as exc:
            raise self.fail(table, key, f"is not a value for {_flag(param)}: {exc.message}") from None
        return value


def _key(param: click.Parameter) -> str:
    """The key of an option in the file: its long flag without dashes."""
    return _flag(param).lstrip("-")


def _flag(param: click.Parameter) -> str:
    opts = getattr(param, "opts", None) or [param.name or "?"]
    return str(max(opts, key=len))


def _options(command: click.Command) -> dict[str, click.Parameter]:
    """The options a file may set for ``command``, by key (``cache-type`` and ``cache_type`` alike)."""
    found: dict[str, click.Parameter] = {}
    for param in command.params:
        if not isinstance(param, click.Option) or not param.expose_value or param.name is None:
            continue
        if param.name in NOT_FROM_FILE:
            continue
        found[param.name] = param
        found[param.name.replace("_", "-")] = param
        for opt in param.opts:  # --format (stored as ``fmt``) is ``format`` in the file
            if opt.startswith("--"):
                found[opt[2:]] = param
    return found


def _commands_with(group: click.Group, name: str, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for sub_name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += _commands_with(command, name, (*path, sub_name))
        elif name in _options(command):
            out.append(((*path, sub_name), _options(command)[name]))
    return out


def _set(tree: dict[str, Any], path: tuple[str, ...], name: str, value: Any) -> None:
    for part in path:
        tree = tree.setdefault(part, {})
    tree.setdefault(name, value)


def defaults_for(group: click.Group, data: dict[str, Any], path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The defaults a parsed config file sets (checked key by key): ``(global options, default_map)``.

    The global options of ``group`` (by parameter name) come apart from click's ``default_map`` of its commands,
    since an option and a command may share a name (``--cache`` and ``cache``).

    Raises:
        ConfigFileError: an unknown key, credentials, or a value the option refuses (naming file, line, key).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    check = _Checker(path, text)
    tree: dict[str, Any] = {}
    globals_: dict[str, Any] = {}
    top = _options(group)
    tables: dict[str, Any] = {}
    for key, value in data.items():
        if key.lower() in _SECRETS:
            raise check.fail((), key, "is not read: keep credentials in TOGGL_API_TOKEN or ~/.togglrc")
        if isinstance(value, dict) and key in group.commands:
            tables[key] = value
            continue
        words = key.split()
        if isinstance(value, dict) and len(words) > 1:  # ["cache export"]: a command of a group
            command: click.Command | None = group
            for word in words:
                command = command.commands.get(word) if isinstance(command, click.Group) else None
            if command is None:
                raise check.fail((), key, "names no command (a table per command: [report], [\"cache export\"])")
            _table(command, tuple(words), value, tree, check, name=(key,))
            continue
        if key in top:
            param = top[key]
            globals_[param.name or key] = check.value((), key, param, value)
            continue
        if key in SHARED_KEYS:
            targets = _commands_with(group, key)
            only = SHARED_KEYS[key]
            for command_path, param in targets:
                if only is None or command_path in {(c,) for c in only}:
                    _set(tree, command_path, param.name or key, check.value((), key, param, value))
            continue
        raise check.fail((), key, f"is unknown: use {_known_top(group)} or a [command] table")
    for name, table in tables.items():
        _table(group.commands[name], (name,), table, tree, check)
    return globals_, tree


def _known_top(group: click.Group) -> str:
    names = sorted({_key(p) for p in _options(group).values()} | set(SHARED_KEYS))
    return ", ".join(names)


def _table(command: click.Command, path: tuple[str, ...], table: dict[str, Any], tree: dict[str, Any],
           check: _Checker, name: tuple[str, ...] | None = None) -> None:
    """Check one command's table into ``tree``; ``name`` is the table as written (when not ``path``)."""
    options = _options(command)
    where = name or path
    for key, value in table.items():
        if isinstance(command, click.Group) and isinstance(value, dict) and key in command.commands:
            _table(command.commands[key], (*path, key), value, tree, check)
            continue
        if key.lower() in _SECRETS:
            raise check.fail(where, key, "is not read: keep credentials in TOGGL_API_TOKEN or ~/.togglrc")
        param = options.get(key)
        if param is None:
            known = ", ".join(sorted({_key(p) for p in options.values()})) or "none"
            raise check.fail(where, key, f"is no option of `toggl-api {' '.join(path)}` (options: {known})")
        _set(tree, path, param.name or key, check.value(where, key, param, value))


def read_defaults(group: click.Group) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(global options, default_map)`` from the config file, ``None`` without one.

    Raises:
        ConfigFileError: see ``load`` and ``defaults_for``.
    """
    path = config_path()
    data = load(path)
    if data is None:
        return None
    return defaults_for(group, data, path)


# -- commands -----------------------------------------------------------------------------------------------

from .app import CliError, cli  # noqa: E402 - app imports this module last, to register the commands


@cli.group(name="config")
def config_group() -> None:
    """Where the config file is and what it sets (defaults for the options)."""


@config_group.command(name="path")
def config_path_command() -> None:
    """Print the config file's path (``TOGGL_API_CONFIG`` overrides it)."""
    path = config_path()
    click.echo(str(path))
    if not path.exists():
        click.echo("(no file there yet: create it to set defaults; see docs/cli.md)", err=True)


@config_group.command(name="show")
def config_show() -> None:
    """Print the settings of the config file, checked as every command would check them."""
    path = config_path()
    try:
        data = load(path)
        if data is None:
            click.echo(f"no config file at {path}: built-in defaults apply", err=True)
            return
        defaults_for(cli, data, path)
    except ConfigFileError as exc:
        raise CliError(str(exc)) from None
    click.echo(f"# {path}")
    _show_table((), data)


def _show_table(path: tuple[str, ...], table: dict[str, Any]) -> None:
    plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
    if path and plain:
        click.echo("[" + ".".join(f'"{p}"' if " " in p else p for p in path) + "]")
    for key, value in plain.items():
        click.echo(f"{key} = {_toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict):
            _show_table((*path, key), value)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)
