"""``toggl-api outbox list|push|discard``: the time-entry writes made offline that wait to be sent to Toggl.

Writes queue there when an ``offline=True`` tracker endpoint (or a CLI timer command) could not reach Toggl: no
network, the hourly quota spent (402), a server error, the request budget. ``push`` sends them in order and reports
conflicts with changes made elsewhere (see docs/outbox.md); ``discard`` drops one or all of them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from .app import CliError, Env, _console, _emit_json, _Group, cli, pass_env

if TYPE_CHECKING:  # the outbox's rules, the endpoint (and httpx) load when an outbox command runs, not with every
    # command (the offline ones import neither httpx nor SQLAlchemy: docs/cli.md, "Speed")
    from .._core.outbox import FlushReport, PendingWrite
    from .._sync.endpoints.tracker import TrackerEndpoint

__all__ = ["outbox_group", "queued_message"]

#: What a timer command prints when its write was queued instead of sent.
QUEUED = "queued; will be sent when Toggl is reachable"


def queued_message(entry: Any) -> str | None:
    """``QUEUED`` when ``entry`` (what a tracker write returned) waits in the outbox, else ``None``."""
    return QUEUED if getattr(entry, "pending", False) else None


def _pending(env: Env) -> list[PendingWrite]:
    # Listing needs neither credentials nor the network: the outbox is read from the cache as stored.
    from .._core.outbox import OUTBOX_KEY, loads

    return list(loads(env.cache().get_value(OUTBOX_KEY)).writes)


def _endpoint(env: Env, http: dict[str, Any] | None = None) -> TrackerEndpoint:
    # Replays send to each write's own workspace: the endpoint's workspace (0) is never used.
    http = http or {"auth": None, "clock": env.clock}
    from .._sync.endpoints.tracker import TrackerEndpoint

    return TrackerEndpoint(0, http.pop("auth"), env.cache(), offline=True, **http)


def _describe(write: PendingWrite) -> str:
    fields = write.fields
    parts = []
    if "description" in fields:
        parts.append(repr(fields["description"]))
    for key in ("start", "stop", "duration", "project_id"):
        if fields.get(key) is not None:
            parts.append(f"{key}={fields[key]}")
    return " ".join(parts) or "-"


def _record(write: PendingWrite) -> dict[str, Any]:
    return {
        "key": write.key,
        "kind": write.kind.value,
        "state": write.state.value,
        "entry": write.entity_id,
        "workspace": write.workspace_id,
        "queued_at": write.queued_at.isoformat() if write.queued_at else None,
        "fields": write.fields,
        "note": write.note,
    }


@cli.group(name="outbox", cls=_Group)
def outbox_group() -> None:
    """Writes made offline that wait to be sent to Toggl."""


@outbox_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
@pass_env
def list_writes(env: Env, as_json: bool) -> None:
    """The pending writes, oldest first (the order they will be sent in)."""
    from .._core.outbox import WriteState

    writes = _pending(env)
    if as_json:
        _emit_json([_record(w) for w in writes])
        return
    if not writes:
        click.echo("the outbox is empty")
        return
    out = _console()
    for w in writes:
        when = w.queued_at.strftime("%Y-%m-%d %H:%M:%S") if w.queued_at else "?"
        state = {WriteState.SENDING: "sending (checked before resending)", WriteState.HELD: "held"}.get(
            w.state, "queued"
        )
        out.print(f"{w.key:>5}  {w.kind.value:<6}  entry {w.entity_id}  {when}  {state}  {_describe(w)}",
                  highlight=False, markup=False)
        if w.note:
            out.print(f"       {w.note}", highlight=False, markup=False)


def _print_report(report: FlushReport) -> None:
    sent = report.landed - report.found
    found = f" ({report.found} had already landed)" if report.found else ""
    click.echo(f"{sent} sent{found}, {report.remaining} pending, {len(report.conflicts)} conflicts, "
               f"{report.requests} requests")
    for conflict in report.conflicts:
        click.echo(f"conflict ({conflict.rule}), write {conflict.key}: {conflict.detail}", err=True)
    for refused in report.rejected:
        click.echo(f"refused by Toggl, write {refused.write.key} ({refused.write.kind.value}): {refused.reason}",
                   err=True)
    if report.stopped_by:
        click.echo(f"Toggl is not reachable yet ({report.stopped_by}); the rest stays queued", err=True)


@outbox_group.command()
@click.option("--force", is_flag=True, help="Also send deletes held because their entry was edited elsewhere.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_env
def push(env: Env, force: bool, as_json: bool) -> None:
    """Send the pending writes now, in order; exit 1 while Toggl is unreachable."""
    with env.http() as http:
        report = _endpoint(env, dict(http)).flush(force=force)
    if as_json:
        _emit_json({
            "landed": report.landed,
            "found": report.found,
            "remaining": report.remaining,
            "requests": report.requests,
            "conflicts": [{"key": c.key, "rule": c.rule, "entry": c.entity_id, "detail": c.detail}
                          for c in report.conflicts],
            "rejected": [{"key": r.write.key, "reason": r.reason} for r in report.rejected],
            "stopped_by": report.stopped_by,
        })
    else:
        _print_report(report)
    if report.stopped_by:
        sys.exit(1)


@outbox_group.command()
@click.argument("key", type=int, required=False)
@click.option("--all", "everything", is_flag=True, help="Discard every pending write.")
@pass_env
def discard(env: Env, key: int | None, everything: bool) -> None:
    """Drop pending write KEY (a create takes its entry's later writes along), or all of them with --all."""
    if (key is None) == (not everything):
        raise CliError("give the KEY of one pending write (see `toggl-api outbox list`) or --all, not both")
    endpoint = _endpoint(env)
    if everything:
        count = endpoint.outbox.discard_all()
        click.echo(f"discarded {count} pending writes")
        return
    assert key is not None
    write = endpoint.outbox.discard(key)
    click.echo(f"discarded write {write.key} ({write.kind.value} of entry {write.entity_id})")
