"""``clean-toggl-account``: delete the time entries, projects, tags and clients of a workspace (and leave
organizations), after asking.

Differences from toggl-api-wrapper: no ``time.sleep`` per object (requests are paced by the client at Toggl's
safe rate of one per second, and a spent quota stops the run with the reset time); deletions that fail are
counted and reported instead of silently ignored; removing a local cache folder is opt-in (``--cache-dir``) and
its cleanup walks sub-folders correctly (S4).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from .._core.answers import unexpected
from .._core.api.request import ApiRequest, RequestMethod, Shape
from .._core.clock import Clock
from .._core.errors import AuthenticationError, QuotaExceededError, TogglAPIError
from .._core.paging import PageGuard
from .._core.session import TogglSession
from .._core.sync_plan import lookback_start
from .._core.timeutil import format_iso
from .._sync.endpoint import TogglEndpoint, decode_json

__all__ = ["OBJECTS", "PROTECTED_ORGANIZATION", "Cleaner", "main", "path_cleanup"]

log = logging.getLogger("toggl_api.utility")

#: Sections in deletion order (``-o`` skips some).
OBJECTS = ("tracker", "project", "tag", "client", "org")
#: Organizations with this name are never left.
PROTECTED_ORGANIZATION = "Do-Not-Delete"
PROMPT = "This deletes data from the Toggl account of TOGGL_API_TOKEN (workspace {wid}). Continue? [y/N] > "


def path_cleanup(path: Path) -> None:
    """Remove ``path`` and everything below it (each sub-folder once; symlinks are removed, not followed)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if not path.is_dir():
        return
    for child in path.iterdir():
        path_cleanup(child)  # the child, never ``path`` again (S4)
    path.rmdir()


class Cleaner:
    """Deletes a workspace's objects through one paced client.

    Args:
        auth: Credentials.
        workspace_id: The workspace to empty.
        client: httpx client (tests pass one on the emulator).
        clock: Time source (pacing waits on it).
    """

    def __init__(
        self,
        auth: httpx.BasicAuth,
        workspace_id: int,
        *,
        client: httpx.Client | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.workspace_id = workspace_id
        self.endpoint: TogglEndpoint[Any] = TogglEndpoint(
            auth, client=client, clock=clock, session=TogglSession(requests_per_second=1.0)
        )
        self.deleted: dict[str, int] = {}
        self.failed: dict[str, int] = {}

    def close(self) -> None:
        self.endpoint.close()

    def _get(self, path: str, params: tuple[tuple[str, str], ...] = ()) -> list[dict[str, Any]]:
        response = self.endpoint._send(ApiRequest(RequestMethod.GET, path, params, expect=Shape.LIST))
        data = decode_json(response) or []
        # Only what we can address: an item without an int id is a bad answer, not something to skip silently.
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("id"), int) or isinstance(item["id"], bool):
                raise unexpected(response, "a list item without an int id")
        return list(data)

    def _delete(self, kind: str, path: str) -> None:
        try:
            self.endpoint._send(ApiRequest(RequestMethod.DELETE, path))
        except QuotaExceededError:
            raise
        except TogglAPIError as exc:
            log.warning("could not delete %s: %s", path, exc)
            self.failed[kind] = self.failed.get(kind, 0) + 1
            return
        self.deleted[kind] = self.deleted.get(kind, 0) + 1

    def trackers(self) -> None:
        """Delete every time entry of the workspace that Toggl lists (the last three months)."""
        now = self.endpoint.clock.now()
        params = (("start_date", format_iso(lookback_start(now).date())),
                  ("end_date", format_iso((now + timedelta(days=1)).date())))
        guard = PageGuard("GET /me/time_entries (clean)")
        while True:
            entries = [e for e in self._get("me/time_entries", params) if e.get("workspace_id") == self.workspace_id]
            if not entries:
                return
            guard.admit(tuple(sorted(e["id"] for e in entries)))  # the same entries again: deletes do not stick
            before = self.failed.get("tracker", 0)
            for entry in entries:
                self._delete("tracker", f"workspaces/{self.workspace_id}/time_entries/{entry['id']}")
            if self.failed.get("tracker", 0) - before == len(entries):
                return  # nothing could be deleted: do not loop forever

    def _simple(self, kind: str, resource: str, params: tuple[tuple[str, str], ...] = ()) -> None:
        for item in self._get(f"workspaces/{self.workspace_id}/{resource}", params):
            self._delete(kind, f"workspaces/{self.workspace_id}/{resource}/{item['id']}")

    def projects(self) -> None:
        """Delete every project (active and archived)."""
        self._simple("project", "projects", (("active", "both"),))

    def tags(self) -> None:
        """Delete every tag."""
        self._simple("tag", "tags")

    def clients(self) -> None:
        """Delete every client (active and archived)."""
        self._simple("client", "clients", (("status", "both"),))

    def organizations(self) -> None:
        """Leave every organization except those named ``Do-Not-Delete``."""
        for org in self._get("me/organizations"):
            if org.get("name") != PROTECTED_ORGANIZATION:
                self._delete("org", f"organizations/{org['id']}/users/leave")

    def run(self, skip: Sequence[str]) -> None:
        """Clean every section not in ``skip``, in ``OBJECTS`` order."""
        steps = {"tracker": self.trackers, "project": self.projects, "tag": self.tags, "client": self.clients,
                 "org": self.organizations}
        for name in OBJECTS:
            if name not in skip:
                steps[name]()


def _confirm(wid: int, ask: Callable[[str], str]) -> bool:
    while True:
        answer = ask(PROMPT.format(wid=wid)).strip().lower()
        if answer == "y":
            return True
        if answer == "n":
            return False


def main(
    argv: Sequence[str] | None = None,
    *,
    ask: Callable[[str], str] = input,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
) -> int:
    """Console-script entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="Clean Toggl Account", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--objects", nargs="*", choices=OBJECTS, default=[],
                        help="Which objects not to parse (sections to skip).")
    parser.add_argument("--cache-dir", type=Path, default=None, help="Also remove this local cache folder.")
    args = parser.parse_args(argv)
    from ..config import generate_authentication

    try:
        auth = generate_authentication()
    except AuthenticationError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    raw_wid = os.environ.get("TOGGL_WORKSPACE_ID", "0").strip()
    if not raw_wid.isdigit() or int(raw_wid) == 0:
        print("Error: set TOGGL_WORKSPACE_ID to the workspace to clean.", file=sys.stderr)
        return 1
    wid = int(raw_wid)
    if not _confirm(wid, ask):
        return 1
    cleaner = Cleaner(auth, wid, client=client, clock=clock)
    try:
        cleaner.run(args.objects)
    except QuotaExceededError as exc:
        when = f" at {exc.resets_at:%H:%M:%S} UTC" if exc.resets_at else ""
        print(f"Error: Toggl's hourly API quota is exhausted; it resets{when}. Run again then.", file=sys.stderr)
        return 1
    except TogglAPIError as exc:
        print(f"Error: Toggl answered {exc.status}: {exc.message or exc}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:
        print(f"Error: cannot reach Toggl: {exc}", file=sys.stderr)
        return 1
    finally:
        cleaner.close()
    if args.cache_dir is not None:
        path_cleanup(args.cache_dir)
    summary = ", ".join(f"{n} {k}" for k, n in cleaner.deleted.items()) or "nothing"
    print(f"Deleted {summary}.")
    if cleaner.failed:
        print("Could not delete " + ", ".join(f"{n} {k}" for k, n in cleaner.failed.items()) + ".", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
