"""What a listing or report covers, as pure decisions: the time zone, the days and the workspaces.

Both ``toggl-api report`` (from the cache) and ``toggl-api report --remote`` (Toggl's Reports API) take their
range and workspaces from :func:`report_range` and :func:`report_workspaces`, so the same command line covers the
same time either way; days are calendar days in one zone (:func:`choose_zone`). No I/O, no clock: the CLI
passes in today's date, the cached names and the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import frozen

from .filters import FilterError, check_range

__all__ = [
    "DEFAULT_DAYS",
    "ReportWorkspaces",
    "Zone",
    "ZoneSource",
    "choose_zone",
    "local_day",
    "parse_zone",
    "report_range",
    "report_workspaces",
]

#: Days a report covers when neither ``--since`` nor ``--until`` is given (today included).
DEFAULT_DAYS = 30


class ZoneSource(Enum):
    """Where the time zone of the output came from (said in the output)."""

    OPTION = "--tz"
    TOGGL = "your Toggl time zone"
    LOCAL = "this computer's time zone; run sync to use your Toggl one"
    FALLBACK = "no Toggl or local time zone known; pass --tz"


@frozen
class Zone:
    """The zone times are shown and days are cut in, with its name and where it came from."""

    tz: tzinfo
    name: str
    source: ZoneSource

    def describe(self) -> str:
        """``"Europe/Paris (--tz)"``: for captions and titles."""
        return f"{self.name} ({self.source.value})"


def parse_zone(name: str, option: str = "--tz") -> tzinfo:
    """The zone named ``name`` (an IANA name such as ``Europe/Paris``, or ``UTC``).

    Raises:
        FilterError: no such zone (the message says what to pass).
    """
    text = name.strip()
    if text.upper() in ("UTC", "Z"):
        return timezone.utc
    try:
        zone: tzinfo = ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise FilterError(
            f"{option} {name!r} is no time zone: pass an IANA name such as Europe/Paris, America/New_York or UTC"
        ) from None
    return zone


def _known(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return parse_zone(name)
    except FilterError:
        return None


def choose_zone(option: str | None, toggl: str | None, local: str | None) -> Zone:
    """The output's zone: ``--tz``, else the user's Toggl zone, else this computer's, else UTC.

    Args:
        option: The ``--tz`` value (an unknown name is an error, never silently replaced).
        toggl: The user's Toggl time zone as cached by the last sync (an unknown name is skipped).
        local: This computer's zone name, when it has one (an unknown name is skipped).

    Raises:
        FilterError: ``option`` names no zone.
    """
    if option is not None:
        return Zone(
            parse_zone(option), "UTC" if option.strip().upper() in ("UTC", "Z") else option.strip(), ZoneSource.OPTION
        )
    for name, source in ((toggl, ZoneSource.TOGGL), (local, ZoneSource.LOCAL)):
        zone = _known(name)
        if zone is not None and name is not None:
            return Zone(zone, "UTC" if zone is timezone.utc else name.strip(), source)
    return Zone(timezone.utc, "UTC", ZoneSource.FALLBACK)


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar day of ``moment`` in ``zone`` (how Toggl's reports place an entry: by its start)."""
    return moment.astimezone(zone).date()


def report_range(today: date, since: date | None, until: date | None) -> tuple[date, date]:
    """The first and last day (inclusive) of a report, the same for local and remote reports.

    Without ``--since`` a report covers the :data:`DEFAULT_DAYS` days up to ``--until`` (default: today, in the
    output's zone); ``--since`` alone runs to today.

    Raises:
        FilterError: the range is reversed (e.g. ``--since`` after today without ``--until``).
    """
    if until is None and since is not None and since > today:
        raise FilterError(f"--since {since.isoformat()} is after today ({today.isoformat()}): pass an earlier --since")
    last = until if until is not None else today
    first = since if since is not None else last - timedelta(days=DEFAULT_DAYS - 1)
    check_range(first, last)
    return first, last


@frozen
class ReportWorkspaces:
    """The workspaces a report covers, and why.

    Attributes:
        ids: The workspaces, in id order (empty when the cache knows none).
        label: Which ones, for the title: ``workspace Demo`` or ``all 2 workspaces: A, B``.
        note: A line to show under the report when the choice needs explaining, else ``None``.
    """

    ids: tuple[int, ...]
    label: str
    note: str | None = None


def _label(ids: tuple[int, ...], names: Mapping[int, str]) -> str:
    if len(ids) == 1:
        return f"workspace {names.get(ids[0], f'#{ids[0]}')}"
    return f"all {len(ids)} workspaces: " + ", ".join(names.get(i, f"#{i}") for i in ids)


def report_workspaces(
    *, given: int | None, remote: bool, cached: Mapping[int, str], default: int | None
) -> ReportWorkspaces:
    """The workspaces of a report: one rule for local and remote reports.

    ``--workspace`` wins. Otherwise a local report covers every cached workspace, while Toggl's Reports API
    covers one per request: a remote report takes the default workspace (``default``: ``TOGGL_WORKSPACE_ID``, else
    the user's Toggl default) or the only cached one, and says that the local report covers more.

    Args:
        given: The ``--workspace`` id, if any.
        remote: A Reports API report.
        cached: Cached workspace ids to names.
        default: The default workspace id, if known.

    Raises:
        FilterError: a remote report with several cached workspaces and no default.
    """
    if given is not None:
        return ReportWorkspaces((given,), _label((given,), cached))
    every = tuple(sorted(cached))
    if not remote:
        return ReportWorkspaces(every, _label(every, cached) if every else "no workspace cached")
    chosen = default if default is not None else every[0] if len(every) == 1 else None
    if chosen is None:
        listed = ", ".join(f"{cached[i]} (id {i})" for i in every) or "none cached"
        raise FilterError(
            f"Toggl's reports cover one workspace at a time: pass --workspace (one of: {listed}) or set "
            "TOGGL_WORKSPACE_ID"
        )
    note = None
    if len(every) > 1:
        note = (
            f"Toggl's reports cover one workspace at a time: this is {cached.get(chosen, f'#{chosen}')} "
            f"(the default); the local report covers all {len(every)} (pass --workspace to compare the same one)"
        )
    return ReportWorkspaces((chosen,), _label((chosen,), cached), note)
