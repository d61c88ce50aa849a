"""``toggl-api listen`` and ``toggl-api webhooks list|create|delete|ping``: keep the cache live with Toggl's webhooks.

``listen`` catches up once (an incremental sync), serves a webhook receiver on HOST:PORT, makes sure one validated
subscription of ours points at the public URL (reusing an existing one), prints one line when ready, and then
applies every pushed change to the cache until Ctrl-C. Every ``--check-every`` seconds it asks Toggl whether the
subscription is still enabled, validated and has nothing pending (1 request); while it is, reads of the cache are
fresh whatever ``expire_after`` says. When it is not, reads fall back to the normal rules, the subscription is
repaired and one incremental sync catches up what was missed.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from .app import CliError, Env, _emit_json, _workspace_id, cli, pass_env

if TYPE_CHECKING:
    from .._core.webhooks import WebhookSubscription
    from .._sync.webhooks import WebhookReceiver
    from ._receiver import ReceiverServer

# The webhook machinery is imported by the commands that use it: every other command (``entries``, ``report``...)
# starts without it.

__all__ = ["listen", "webhooks_group"]

@contextlib.contextmanager
def _serving(receiver: WebhookReceiver, host: str, port: int) -> Iterator[ReceiverServer]:
    from ._receiver import ReceiverServer

    try:
        server = ReceiverServer((host, port), receiver)
    except OSError as exc:
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                              name="toggl-api-listen")
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _catch_up(env: Env, http: dict[str, Any]) -> int:
    """One sync (incremental when the cache was synced before); the requests it cost."""
    from .._sync.sync import TogglSync
    with TogglSync(http["auth"], env.cache(), client=http["client"], clock=http["clock"],
                   session=http["session"], base_url=http["base_url"], pacing=http["pacing"]) as syncer:
        return syncer.sync().requests


def _healthy(sub: WebhookSubscription | None) -> bool:
    return sub is not None and sub.active and not sub.has_pending_events


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), required=True, help="Port the receiver listens on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the receiver binds.")
@click.option("--public-url", default=None,
              help="URL Toggl posts to (your reverse proxy or tunnel). Default: http://HOST:PORT/.")
@click.option("--workspace", default=None, help="Workspace to subscribe to, name or id (default: the only one).")
@click.option("--cleanup", is_flag=True, help="Delete the subscription on exit (default: keep it for next time).")
@click.option("--check-every", type=click.FloatRange(min=1), default=3600.0, show_default=True,
              help="Seconds between subscription health checks (1 request each).")
@pass_env
def listen(env: Env, port: int, host: str, public_url: str | None, workspace: str | None, cleanup: bool,
           check_every: float) -> None:
    """Keep the cache live from Toggl's webhooks until Ctrl-C (one line when ready)."""
    from .._core.webhooks import accepted_deliveries, health_check_due
    from .._sync.webhooks import WebhookReceiver, WebhooksEndpoint
    cache = env.cache()
    new_secret = secrets.token_urlsafe(24)
    known: dict[int, str] = {}
    receiver = WebhookReceiver(lambda sid: known.get(sid, new_secret) if sid is not None else None, cache,
                               clock=env.clock)
    with env.http() as http, _serving(receiver, host, port) as server:
        url = public_url or f"http://{host}:{server.server_address[1]}/"
        startup_requests = 0
        try:
            wid = _workspace_id(env, workspace)
        except CliError:  # a first run without --workspace: the sync tells which workspaces there are
            with server.lock:
                startup_requests += _catch_up(env, http)
            wid = _workspace_id(env, workspace)
        hooks = WebhooksEndpoint(wid, http["auth"], client=http["client"], clock=http["clock"],
                                 base_url=http["base_url"], pacing=http["pacing"])
        existing = hooks.subscriptions()
        for sub in existing:  # an existing subscription keeps its secret: learn it before Toggl pings us
            if sub.url_callback == url and sub.secret:
                known[sub.subscription_id] = sub.secret
        sub, choice = hooks.ensure(url, new_secret, existing=existing)
        known.setdefault(sub.subscription_id, sub.secret or new_secret)
        receiver.entities = tuple(f.entity for f in sub.event_filters)
        # Catch up only now that changes are pushed, so nothing falls between the two; deliveries wait for it
        # (then the newer 'at' wins over what the sync wrote).
        with server.lock:
            startup_requests += _catch_up(env, http)
        if _healthy(sub):
            receiver.mark_live()
        click.echo(
            f"listening on {url} for workspace {wid}: subscription {sub.subscription_id} "
            f"({'validated' if sub.validated else 'not validated yet'}; {choice.describe()}); "
            f"start-up used {startup_requests + hooks.request_count} requests; Ctrl-C to stop",
        )
        stop = threading.Event()
        accepted = accepted_deliveries(receiver.stats)
        try:
            while not stop.wait(check_every):
                last, accepted = accepted, accepted_deliveries(receiver.stats)
                if not health_check_due(last, accepted):
                    continue  # Toggl reached us since the last check: that proves the subscription works
                current = hooks.get(sub.subscription_id)
                if _healthy(current):
                    receiver.mark_live()
                    continue
                receiver.mark_lapsed()
                click.echo("subscription unhealthy: repairing it and catching up", err=True)
                sub, choice = hooks.ensure(url, new_secret)
                with server.lock:
                    _catch_up(env, http)
        except KeyboardInterrupt:
            pass
        finally:
            receiver.mark_lapsed()
            if cleanup:
                with contextlib.suppress(Exception):
                    hooks.delete(sub.subscription_id)
                click.echo(f"deleted subscription {sub.subscription_id}", err=True)
            click.echo(f"stopped: {receiver.stats.applied} changes applied, {receiver.stats.rejected} refused",
                       err=True)


@cli.group(name="webhooks")
def webhooks_group() -> None:
    """Manage Toggl webhook subscriptions of a workspace."""


_workspace_option = click.option(
    "--workspace", default=None,
    help="Workspace, name or id (default: the only one in the cache, or TOGGL_WORKSPACE_ID).")


def _row(sub: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": sub.subscription_id,
        "description": sub.description,
        "url": sub.url_callback,
        "enabled": sub.enabled,
        "validated": sub.validated,
        "pending": sub.has_pending_events,
        "filters": ", ".join(f"{f.entity}:{f.action}" for f in sub.event_filters),
    }


@webhooks_group.command(name="list")
@_workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def list_(env: Env, workspace: str | None, as_json: bool) -> None:
    """List the workspace's subscriptions (secrets are never shown)."""
    from .._sync.webhooks import WebhooksEndpoint
    with env.http() as http:
        hooks = WebhooksEndpoint(_workspace_id(env, workspace), http["auth"], client=http["client"],
                                 clock=http["clock"], base_url=http["base_url"], pacing=http["pacing"])
        rows = [_row(s) for s in hooks.subscriptions()]
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        click.echo("no subscriptions")
        return
    for row in rows:
        state = ("enabled" if row["enabled"] else "disabled") + ("" if row["validated"] else ", not validated")
        click.echo(f"{row['id']}  {row['description']}  {row['url']}  [{state}]  {row['filters']}")


@webhooks_group.command()
@click.argument("url")
@_workspace_option
@click.option("--description", default="toggl_api", show_default=True, help="Unique per workspace.")
@click.option("--filter", "filters", multiple=True, default=("time_entry",), show_default=True,
              help="ENTITY or ENTITY:ACTION (repeatable); '*' matches all.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def create(env: Env, url: str, workspace: str | None, description: str, filters: tuple[str, ...],
           as_json: bool) -> None:
    """Create a subscription posting to URL (Toggl pings URL first; it must answer 2xx)."""
    from .._core.webhooks import validate_filters
    from .._sync.webhooks import WebhooksEndpoint
    try:
        chosen = validate_filters(filters)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--filter") from None
    with env.http() as http:
        hooks = WebhooksEndpoint(_workspace_id(env, workspace), http["auth"], client=http["client"],
                                 clock=http["clock"], base_url=http["base_url"], pacing=http["pacing"])
        sub = hooks.create(url, chosen, description)
    if as_json:
        _emit_json(_row(sub))
    else:
        click.echo(f"created subscription {sub.subscription_id} ({'validated' if sub.validated else 'not validated'})")


@webhooks_group.command()
@click.argument("subscription_id", type=int)
@_workspace_option
@pass_env
def delete(env: Env, subscription_id: int, workspace: str | None) -> None:
    """Delete a subscription."""
    from .._sync.webhooks import WebhooksEndpoint
    with env.http() as http:
        hooks = WebhooksEndpoint(_workspace_id(env, workspace), http["auth"], client=http["client"],
                                 clock=http["clock"], base_url=http["base_url"], pacing=http["pacing"])
        hooks.delete(subscription_id)
    click.echo(f"deleted subscription {subscription_id}")


@webhooks_group.command()
@click.argument("subscription_id", type=int)
@_workspace_option
@pass_env
def ping(env: Env, subscription_id: int, workspace: str | None) -> None:
    """Make Toggl ping a subscription's URL."""
    from .._sync.webhooks import WebhooksEndpoint
    with env.http() as http:
        hooks = WebhooksEndpoint(_workspace_id(env, workspace), http["auth"], client=http["client"],
                                 clock=http["clock"], base_url=http["base_url"], pacing=http["pacing"])
        status = hooks.ping(subscription_id)
    click.echo(f"ping: {status}")

