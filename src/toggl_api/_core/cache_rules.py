"""Cache decisions as plain functions: which action a request method maps to, what is fresh, and what a failed
write means for the cache.

The humility rule (``failed_write_outcome``): a write that failed after its request may have reached Toggl
(a lost answer, a read timeout, a broken connection, a 5xx, retries exhausted, a 2xx whose body could not be
used, any other error once a request left) may have been applied, so the cache must stop answering for what it
touched: the entity is forgotten, the lists it belongs to (``list_scopes_of``) are no longer complete, and for a
time entry the covered ranges holding its old and new start are uncovered. A failure that surely did not reach
Toggl (nothing was sent: a validation error or a budget refusal; the only attempt never connected; a definitive
4xx answer to the only attempt) leaves the cache as it is.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import httpx

from .api.request import RequestMethod
from .errors import BudgetExhaustedError, TogglAPIError

__all__ = [
    "CacheAction",
    "WriteOutcome",
    "action_for",
    "check_marker_time",
    "check_stored_value",
    "failed_write_outcome",
    "is_fresh",
    "list_scopes_of",
    "normalize_expiry",
]


class CacheAction(enum.Enum):
    """What a response does to the cache."""

    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"


_ACTIONS = {
    RequestMethod.GET: CacheAction.ADD,
    RequestMethod.PUT: CacheAction.ADD,
    RequestMethod.PATCH: CacheAction.UPDATE,
    RequestMethod.POST: CacheAction.UPDATE,
    RequestMethod.DELETE: CacheAction.DELETE,
}


def action_for(method: RequestMethod) -> CacheAction:
    """The documented flow: GET and PUT add (upsert), PATCH and POST update (upsert), DELETE deletes."""
    return _ACTIONS[method]


def normalize_expiry(value: timedelta | int | float | None) -> timedelta | None:
    """``expire_after`` as a timedelta (seconds accepted); ``None`` never expires; 0 means "do not cache".

    Raises:
        TypeError: not a number, timedelta or None.
        ValueError: negative.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        msg = "expire_after must be seconds, a timedelta or None, not a bool"
        raise TypeError(msg)
    if isinstance(value, (int, float)):
        try:
            value = timedelta(seconds=value)
        except (OverflowError, ValueError):  # beyond timedelta's ~2.7 million years, inf, nan
            msg = f"expire_after of {value!r} seconds is out of range; pass None to never expire"
            raise ValueError(msg) from None
    if not isinstance(value, timedelta):
        msg = f"expire_after must be seconds, a timedelta or None, not {type(value).__name__}"
        raise TypeError(msg)
    if value < timedelta(0):
        msg = f"expire_after must not be negative, got {value.total_seconds():g} seconds"
        raise ValueError(msg)
    return value


def caching_disabled(expire_after: timedelta | None) -> bool:
    """``expire_after == 0`` turns caching off."""
    return expire_after is not None and expire_after == timedelta(0)


def is_fresh(fetched_at: datetime | None, now: datetime, expire_after: timedelta | None) -> bool:
    """Whether something fetched at ``fetched_at`` is still usable at ``now``."""
    if fetched_at is None:
        return False
    if expire_after is None:
        return True
    return now - fetched_at < expire_after


class WriteOutcome(enum.Enum):
    """What a failed write may have done on Toggl's side."""

    #: Toggl surely did not apply it: the cache stays as it is.
    NOT_APPLIED = "not applied"
    #: Toggl may have applied it: what it touched is unknown to the cache until read again.
    MAYBE_APPLIED = "maybe applied"


#: Connection failures that prove the request never reached the server (nothing was received by anyone).
_NEVER_CONNECTED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def failed_write_outcome(error: BaseException, *, requests_sent: int) -> WriteOutcome:
    """Whether a write that raised ``error`` may have been applied by Toggl.

    Args:
        error: What the write raised.
        requests_sent: Requests that left the client during the write (attempts that reached the transport,
            retries included; a budget refusal sends nothing).

    Only the last attempt's failure is visible here: when several requests left, an earlier attempt failed in
    a way that was retried, which for a write (5xx, timeout, broken connection) means it may have been applied,
    so the answer is ``MAYBE_APPLIED`` whatever the last failure was.
    """
    if requests_sent <= 0:
        return WriteOutcome.NOT_APPLIED  # nothing left the client: validation errors, a budget refusal
    if isinstance(error, BudgetExhaustedError):
        return WriteOutcome.MAYBE_APPLIED  # a retry was refused after an attempt that failed ambiguously
    if requests_sent > 1:
        return WriteOutcome.MAYBE_APPLIED
    if isinstance(error, _NEVER_CONNECTED):
        return WriteOutcome.NOT_APPLIED
    if isinstance(error, TogglAPIError) and 400 <= error.status < 500 and error.status != 408:
        return WriteOutcome.NOT_APPLIED  # a definitive refusal (408 is a timeout: the server may have acted)
    return WriteOutcome.MAYBE_APPLIED


def list_scopes_of(tablename: str, workspace_id: int | None) -> tuple[str, ...]:
    """Every cached list scope an entity of this model (in this workspace) can belong to.

    Time entries have no list scopes: their ranges are tracked by ``Coverage``.
    """
    from .api import client, group, organization, project, project_user, tag, task, users, workspace  # they name them

    if tablename == "workspace":
        return (workspace.list_scope(),)
    if tablename == "organization":
        return (organization.list_scope(),)
    if workspace_id is None:
        return ()
    if tablename == "tag":
        return (tag.list_scope(workspace_id),)
    if tablename == "client":
        return tuple(client.list_scope(workspace_id, status) for status in ("active", "archived", "both"))
    if tablename == "project":
        return tuple(project.list_scope(workspace_id, active) for active in (True, False, "both"))
    if tablename == "task":
        return tuple(task.list_scope(workspace_id, active) for active in (True, False, "both"))
    if tablename == "workspace_user":
        return (users.workspace_list_scope(workspace_id),)
    if tablename == "project_user":
        return (project_user.list_scope(workspace_id),)
    if tablename == "user_group":
        return (group.list_scope(workspace_id),)
    # Organization members are listed per organization: their endpoint names that scope itself.
    return ()


def check_marker_time(scope: str, when: object) -> None:
    """Refuse a completeness time that is not an aware datetime (or ``None``), before anything is recorded.

    Raises:
        TypeError: ``scope`` is not a string, or ``when`` is not a datetime or ``None``.
        ValueError: ``when`` is naive.
    """
    if not isinstance(scope, str):
        msg = f"a list scope is a string, got {type(scope).__name__}"
        raise TypeError(msg)
    if when is None:
        return
    if not isinstance(when, datetime):
        msg = f"mark_complete({scope!r}, when) takes an aware datetime or None, got {type(when).__name__}"
        raise TypeError(msg)
    if when.tzinfo is None or when.utcoffset() is None:
        msg = f"mark_complete({scope!r}, when) needs an aware datetime (with a time zone), got a naive one"
        raise ValueError(msg)


def check_stored_value(key: str, value: object) -> None:
    """Refuse a stored value that is not a string (or ``None``), before anything is stored.

    Raises:
        TypeError: ``key`` or ``value`` is not a string (``value`` may be ``None``).
    """
    if not isinstance(key, str):
        msg = f"a value key is a string, got {type(key).__name__}"
        raise TypeError(msg)
    if value is not None and not isinstance(value, str):
        msg = f"set_value({key!r}, value) takes a string or None, got {type(value).__name__}"
        raise TypeError(msg)
