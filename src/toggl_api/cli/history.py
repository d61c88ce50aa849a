"""``toggl-api import FILE.csv``: store Toggl's detailed CSV export in the cache (no request).

The file's local times are read in ``--tz`` (the Toggl profile's time zone); names are matched to what the cache
holds, so run ``toggl-api sync`` first. Rows the cache already holds from the API are skipped (see
``toggl_api.history``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from .app import Env, _emit_json, _fail, _workspace_id, cli, pass_env

__all__ = ["import_command"]

#: The keys of ``toggl_api._core.history_csv.DATE_FORMATS`` (a test keeps them equal). Spelled out so that every
#: command does not import the CSV reader, and through it httpx, only to register ``import`` (docs/cli.md, "Speed").
DATE_FORMAT_NAMES = ("YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "DD-MM-YYYY", "MM-DD-YYYY")


def _zone(env: Env, name: str | None) -> ZoneInfo:
    if name is None and env.fake:
        name = str(env.emulator.state.users[env.emulator.account.user_id].timezone)
    if name is None:
        _fail("which time zone are the file's times in? pass --tz with your Toggl profile's, e.g. --tz Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(f"unknown time zone {name!r}: pass an IANA name such as Europe/Berlin or America/New_York")


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", default=None, help="Workspace the file was exported from (name or id).")
@click.option("--tz", "tz_name", default=None, help="Time zone of the file's times (your Toggl profile's).")
@click.option(
    "--date-format",
    type=click.Choice(DATE_FORMAT_NAMES),
    default=None,
    help="The file's date format, when its dates fit several.",
)
@click.option("--billable-words", nargs=2, default=None, help="The file's words for billable and not (e.g. Tak Nie).")
@click.option("--skip-bad-rows", is_flag=True, help="Leave out unreadable rows and list them, instead of stopping.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_env
def import_command(
    env: Env,
    file: Path,
    workspace: str | None,
    tz_name: str | None,
    date_format: str | None,
    billable_words: tuple[str, str] | None,
    skip_bad_rows: bool,
    as_json: bool,
) -> None:
    """Store the time entries of Toggl's detailed CSV export in the cache (no request)."""
    wid = _workspace_id(env, workspace)
    zone = _zone(env, tz_name)
    from .._core.history_csv import CsvImportError
    from .._sync.history import import_csv

    try:
        report = import_csv(
            file,
            env.cache(),
            workspace_id=wid,
            tz=zone,
            date_format=date_format,
            billable_words=billable_words,
            skip_bad_rows=skip_bad_rows,
        )
    except CsvImportError as exc:
        _fail(f"{file}: {exc} (nothing was imported)")
    data: dict[str, Any] = {
        "file": str(file),
        "workspace_id": wid,
        "rows": report.rows,
        "imported": report.imported,
        "unchanged": report.unchanged,
        "skipped_covered": report.skipped_covered,
        "skipped_known": report.skipped_known,
        "problems": [str(p) for p in report.problems],
        "unknown_projects": sorted(report.unknown_projects),
        "unknown_tags": sorted(report.unknown_tags),
        "unknown_tasks": sorted(report.unknown_tasks),
        "unknown_users": sorted(report.unknown_users),
        "first_start": report.first_start.isoformat() if report.first_start else None,
        "last_start": report.last_start.isoformat() if report.last_start else None,
        "requests": 0,
    }
    if as_json:
        _emit_json(data)
        return
    span = f", {report.first_start:%Y-%m-%d} → {report.last_start:%Y-%m-%d}" if report.first_start else ""
    click.echo(f"{report.rows} rows read: {report.imported} imported, {report.unchanged} already imported{span}")
    skipped = report.skipped_covered + report.skipped_known
    if skipped:
        click.echo(f"{skipped} skipped: the cache holds them from Toggl's API already (no total counted twice)")
    for label, names in (
        ("projects", report.unknown_projects),
        ("tags", report.unknown_tags),
        ("tasks", report.unknown_tasks),
        ("users", report.unknown_users),
    ):
        if names:
            click.echo(f"not in the cache ({label}; sync first to match them): {', '.join(sorted(names))}")
    for problem in report.problems:
        click.echo(f"left out: {problem}", err=True)
    click.echo("0 requests")
