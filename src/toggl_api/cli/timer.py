"""``toggl-api start``, ``stop`` and ``current``: the running timer, kept in step with the cache.

``start`` creates a running entry (``POST /workspaces/{id}/time_entries``), ``stop`` stops the running one
(``PATCH .../time_entries/{id}/stop``) and ``current`` shows it (``GET /me/time_entries/current``). Each command
stores what Toggl answered in the cache and says how many requests it spent. "What runs now?" is answered from the
cache when it is fresh (see ``toggl_api.cli.timing``), otherwise Toggl is asked.

Toggl stops the running entry itself when a new one starts. ``start`` does not let that happen silently: while an
entry runs it names it and refuses, unless ``--stop-running`` says to stop it (the stop is sent first, so the
old entry ends when the command ran, also when the two writes wait in the outbox).

The timer commands write with ``offline=True``: when Toggl cannot be reached (no network, the hour's quota spent,
Toggl failing), ``start`` and ``stop`` are kept in the cache's outbox, shown at once, and sent later (see
``toggl-api outbox``); "what runs now?" is then answered from the cache, pending writes included.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Any

import click

from .._core.models import TogglClient, TogglProject, TogglTag, TogglTracker, TogglWorkspace
from .._core.query import TogglQuery
from . import filters, timing
from .app import CliError, Env, _emit_json, _workspace_id, cli, pass_env
from .completion import names_of
from .offline import EntryFilter
from .outbox import QUEUED
from .shape import Names, document, public_entry

if TYPE_CHECKING:  # the endpoint (and httpx) load when a timer command runs, not with every command
    from .._sync.endpoints.tracker import TrackerEndpoint

__all__ = ["current", "start", "stop"]


def _zone(env: Env) -> tzinfo:
    """The display zone: the global ``--tz``, else the user's Toggl zone, else this computer's, else UTC."""
    return env.zone().tz


def _checked_at(raw: str | None) -> datetime | None:
    """When a timer command last learned from Toggl what runs (the value stored under ``timing.CHECKED_KEY``)."""
    try:
        when = datetime.fromisoformat(raw) if raw else None
    except ValueError:  # written by us, so only a hand-edited value: not trusted
        return None
    return when if when is not None and when.tzinfo is not None else None  # naive: hand-edited too


def _newest(found: list[TogglTracker]) -> TogglTracker | None:
    """The running entry among the cached entries without a stop: the latest start (the lowest id on a tie)."""
    return max(sorted(found, key=lambda t: t.id), key=lambda t: t.start) if found else None


def _known_offline(env: Env) -> tuple[TogglTracker | None] | None:
    """What runs now, read from an SQLite cache file with plain ``sqlite3`` when the cache knows it.

    The fast path of ``current``: the freshness rule of ``_Timer.running`` (``timing.knows_running``) on the
    file's stored values and the webhook live marker, then the entries without a stop through the ``stop`` index.
    No endpoint, credentials, httpx or SQLAlchemy: it answers as fast as ``entries``.

    Returns:
        ``(entry,)`` (``(None,)`` when nothing runs) when the cache knows; ``None`` when Toggl must be asked (or
        the cache is no SQLite file this reader opens), the reader then closed.
    """
    if env.fake:  # every --fake command meets a new demo account: its cache never knows what runs
        return None
    reader = env.offline()
    if reader is None:
        return None
    from .._io.live import LiveMarker

    now = env.now()
    # The marker of the folder the cache's files are in, as ``TogglCache.live`` reads it.
    live = LiveMarker(reader.path.parent).active(now)
    try:
        if timing.knows_running(_checked_at(reader.get_value(timing.CHECKED_KEY)), now, live=live):
            return (_newest(reader.entries(EntryFilter(running=True), 0)),)
    except sqlite3.Error:  # locked by a writer, or damaged past the first table: the cache knows what to do
        pass
    env.close_offline()
    return None


class _Timer:
    """One command's view of the timer: the endpoint (with the cache) and the requests it spent."""

    def __init__(self, env: Env, http: dict[str, Any], workspace_id: int) -> None:
        self.env = env
        self.cache = env.cache()
        from .._sync.endpoints.tracker import TrackerEndpoint

        self.endpoint: TrackerEndpoint = TrackerEndpoint(
            workspace_id,
            http["auth"],
            self.cache,
            client=http["client"],
            clock=http["clock"],
            session=http["session"],
            base_url=http["base_url"],
            pacing=http["pacing"],
            offline=True,  # a timer write that cannot be sent waits in the outbox instead of failing
        )
        #: Why Toggl could not be asked what runs (then the cache answered), else ``None``.
        self.unreachable: str | None = None
        self._sent_before = self.endpoint._requester.request_count

    @property
    def requests(self) -> int:
        return self.endpoint._requester.request_count - self._sent_before

    def running(self, *, refresh: bool = False) -> TogglTracker | None:
        """The running entry: from the cache when it knows (0 requests), else from Toggl (1 request)."""
        now = self.env.now()
        # --fake: every command meets a new demo account on a frozen clock, so the cache never knows what runs.
        trusted = not refresh and not self.env.fake
        if trusted and timing.knows_running(
            _checked_at(self.cache.get_value(timing.CHECKED_KEY)), now, live=self.cache.live
        ):
            return _newest(self.cache.query(TogglQuery("stop", None), model=TogglTracker))
        try:
            entry = self.endpoint.current(refresh=True)
        except Exception as exc:
            from .._core.outbox import queue_state

            if queue_state(exc, requests_sent=1) is None:  # not an outage: the user must see it
                raise
            # Toggl cannot be reached: the cache (with writes waiting in the outbox) is the best answer there is.
            self.unreachable = f"{type(exc).__name__}: {exc}"
            click.echo(f"Toggl is unreachable ({self.unreachable}); answered from the cache", err=True)
            return _newest(self.cache.query(TogglQuery("stop", None), model=TogglTracker))
        self.learned()
        return entry

    def learned(self) -> None:
        """Record that the cache now holds what runs, as Toggl just said."""
        self.cache.set_value(timing.CHECKED_KEY, self.env.now().astimezone(timezone.utc).isoformat())
        self.cache.commit()


def _names(env: Env) -> Names:
    return Names.from_models(
        workspaces=env.load(TogglWorkspace),
        projects=env.load(TogglProject),
        clients=env.load(TogglClient),
        tags=env.load(TogglTag),
    )


def _line(env: Env, entry: TogglTracker, names: Names) -> str:
    project = names.projects.get(entry.project) if entry.project is not None else None
    if entry.project is not None and project is None:
        project = f"project {entry.project}"
    client_id = names.client_of(entry.project)
    client = names.clients.get(client_id) if client_id is not None else None
    tags = [names.tags.get(t.id, t.name) for t in entry.tags]
    return timing.entry_line(
        entry.name, entry.start, entry.stop, env.now(), _zone(env), project=project, client=client, tags=tags
    )


def _spent(count: int) -> str:
    return f"{count} request{'s' if count != 1 else ''}"


def _show(
    env: Env, entry: TogglTracker | None, as_json: bool, requests: int, *, stopped: TogglTracker | None = None
) -> None:
    names = _names(env)
    if as_json:
        zone, now = _zone(env), env.now()
        value = None if entry is None else public_entry(entry, names=names, tz=zone, now=now)
        extra: dict[str, Any] = {"requests": requests, "queued": bool(entry is not None and entry.pending)}
        if stopped is not None:  # start --stop-running: the entry Toggl stopped for it
            extra["stopped"] = public_entry(stopped, names=names, tz=zone, now=now)
        _emit_json(document("entry", value, tz=zone, **extra))
        return
    click.echo(_line(env, entry, names) if entry is not None else "nothing is running")
    if entry is not None and entry.pending:
        click.echo(QUEUED, err=True)
    click.echo(f"({_spent(requests)})", err=True)


def _stop(timer: _Timer, running: TogglTracker) -> TogglTracker | None:
    """Stop ``running`` (queued in the outbox when Toggl is unreachable); Toggl's copy when it ended elsewhere."""
    stopped = timer.endpoint.stop(running)
    if stopped is None:  # stopped elsewhere meanwhile (409): Toggl's copy has the stop
        stopped = timer.endpoint.get(running.id, refresh=True)
    return stopped


def _any_workspace(env: Env) -> int:
    """A workspace for the endpoint of ``stop``/``current`` (they act in the running entry's own workspace)."""
    try:
        return _workspace_id(env, None)
    except CliError:
        cached: list[int] = sorted(int(w.id) for w in env.load(TogglWorkspace))
        if not cached:
            raise
        return cached[0]


def _resolve(env: Env, wanted: str, model: type[Any], kind: str, workspace_id: int) -> int:
    items = [m for m in env.load(model) if m.workspace == workspace_id]
    if not items and wanted.strip().isdigit():  # an id needs no cache
        return int(wanted)
    if not items and not env.load(TogglWorkspace):
        raise CliError(f"the cache is empty: run `toggl-api sync` first, or pass the {kind} id")
    try:
        return filters.match_name(items, wanted, kind)
    except filters.FilterError as exc:
        raise CliError(str(exc)) from None


@cli.command()
@click.argument("description")
@click.option(
    "-p",
    "--project",
    default=None,
    help="Project (exact name, any case, or id).",
    shell_complete=names_of(TogglProject),
)
@click.option(
    "-t",
    "--tag",
    "tags",
    multiple=True,
    help="Tag (exact name, any case, or id); repeat for more.",
    shell_complete=names_of(TogglTag),
)
@click.option("--billable", is_flag=True, default=False, help="Mark the entry billable.")
@click.option("--workspace", default=None, help="Workspace (exact name, any case, or id); default: yours.")
@click.option("--at", "at", default=None, help="Start time: HH:MM today or an ISO date-time (default: now).")
@click.option(
    "--stop-running", is_flag=True, help="Let Toggl stop the entry that runs (refused without this flag)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the new entry as JSON.")
@pass_env
def start(
    env: Env,
    description: str,
    project: str | None,
    tags: tuple[str, ...],
    billable: bool,
    workspace: str | None,
    at: str | None,
    stop_running: bool,
    as_json: bool,
) -> None:
    """Start a timer: a running time entry named DESCRIPTION (1 or 2 requests)."""
    if not description.strip():
        raise CliError("the description is empty: pass some text, e.g. toggl-api start \"Writing docs\"")
    wid = _workspace_id(env, workspace)
    project_id = _resolve(env, project, TogglProject, "project", wid) if project is not None else None
    tag_ids = [_resolve(env, name, TogglTag, "tag", wid) for name in tags]
    try:
        started_at = timing.parse_at(at, env.now(), _zone(env)) if at is not None else None
    except timing.TimerError as exc:
        raise CliError(str(exc)) from None
    with env.http() as http:
        timer = _Timer(env, http, wid)
        running = timer.running()
        if running is not None and not stop_running:
            line = _line(env, running, _names(env))
            raise CliError(f"a timer runs already: {line}; pass --stop-running to stop it, or `toggl-api stop`")
        from .._sync.endpoints.tracker import TrackerBody

        body = TrackerBody(
            description=description,
            project_id=project_id,
            tag_ids=tag_ids,
            start=started_at,
            created_with="toggl-api",
            billable=True if billable else None,
        )
        stopped = None
        if running is not None:
            # Stopped explicitly, before the new entry: it ends now, also when both writes wait in the outbox
            # (Toggl's own auto-stop would end it only when the create finally lands).
            stopped = _stop(timer, running)
            if stopped is not None and not as_json:
                click.echo(_line(env, stopped, _names(env)))
        created = timer.endpoint.add(body)
        if timer.unreachable is None and not created.pending:
            timer.learned()
        _show(env, created, as_json, timer.requests, stopped=stopped)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the stopped entry as JSON.")
@pass_env
def stop(env: Env, as_json: bool) -> None:
    """Stop the running timer (1 or 2 requests); exit 1 when nothing runs."""
    wid = _any_workspace(env)
    with env.http() as http:
        timer = _Timer(env, http, wid)
        running = timer.running()
        if running is None:
            raise CliError(f"nothing is running ({_spent(timer.requests)}): start one with `toggl-api start TEXT`")
        stopped = _stop(timer, running)
        if timer.unreachable is None and not (stopped is not None and stopped.pending):
            timer.learned()
        _show(env, stopped, as_json, timer.requests)


@cli.command()
@click.option("--refresh", is_flag=True, help="Ask Toggl even when the cache knows (1 request).")
@click.option("--json", "as_json", is_flag=True, help="Print the running entry as JSON (null when none).")
@pass_env
def current(env: Env, refresh: bool, as_json: bool) -> None:
    """The running timer: from the cache when it is fresh (no request), else from Toggl (1 request)."""
    known = None if refresh else _known_offline(env)
    if known is not None:
        _show(env, known[0], as_json, 0)
        return
    wid = _any_workspace(env)
    with env.http() as http:
        timer = _Timer(env, http, wid)
        entry = timer.running(refresh=refresh)
        _show(env, entry, as_json, timer.requests)
