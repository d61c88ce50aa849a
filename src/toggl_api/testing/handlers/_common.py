"""Small helpers several resource modules share (id lists, JSON-patch bodies, admin checks)."""

from __future__ import annotations

from typing import Any, TypeGuard

from ..errors import bad_request, forbidden
from ..state import Backend, Organization, User, Workspace
from ._base import Ctx

__all__ = [
    "OK",
    "csv_ids",
    "id_list",
    "is_int",
    "optional_number",
    "patch_ops",
    "require_org_admin",
    "require_ws_admin",
]

#: Body of the answers Toggl's spec types as a plain string ("OK").
OK = "OK"


def is_int(value: object) -> TypeGuard[int]:
    """True for a JSON integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def csv_ids(raw: str | None, message: str) -> list[int] | None:
    """Comma-separated ids (None when absent); 400 ``message`` when one is not a number."""
    if raw is None or not raw.strip():
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise bad_request(message) from None


def id_list(value: object, message: str = "Invalid JSON input") -> list[int]:
    """A JSON array of integer ids; 400 ``message`` otherwise."""
    if not isinstance(value, list) or not all(is_int(v) for v in value):
        raise bad_request(message)
    return list(value)


def optional_number(value: object, message: str) -> float | None:
    """A JSON number or null; 400 ``message`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request(message)
    return value


def patch_ops(ctx: Ctx, limit: int = 100) -> list[dict[str, Any]]:
    """The ``[{op, path, value}]`` body of a bulk PATCH (400 when it is not one)."""
    ops = ctx.body()
    if not isinstance(ops, list) or not ops or not all(isinstance(o, dict) for o in ops):
        raise bad_request("Invalid JSON input")
    if len(ops) > limit:
        raise bad_request(f"Too many operations (more than {limit} patches in request)")
    return ops


def is_org_admin(org: Organization, user: User) -> bool:
    """True for the organization's owner and admins."""
    return org.members.get(user.id) in ("owner", "admin")


def require_org_admin(org: Organization, user: User, message: str | None = None) -> None:
    """403 unless ``user`` administers ``org``."""
    if not is_org_admin(org, user):
        raise forbidden(message) if message else forbidden()


def require_ws_admin(backend: Backend, ws: Workspace, user: User, message: str | None = None) -> None:
    """403 unless ``user`` administers ``ws`` (workspace admin or organization admin)."""
    if ws.members.get(user.id) == "admin":
        return
    org = backend.organizations.get(ws.organization_id)
    if org is not None and is_org_admin(org, user):
        return
    raise forbidden(message) if message else forbidden()
