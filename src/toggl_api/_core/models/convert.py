"""The record form of models: plain JSON-able dicts that round-trip every field exactly.

Used by the JSON cache and by exports. Types come from the models' own converters on the way back, so a
name ``"123"`` stays a string (nothing is sniffed), datetimes keep their offsets (always UTC) and ``extra``
keeps the payload keys a model has no field for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from attrs import fields

from ._base import TogglClass
from .client import TogglClient, TogglTag
from .organization import TogglOrganization, TogglWorkspace
from .project import TogglProject
from .task import TogglTask
from .tracker import TogglTracker
from .user import TogglGroup, TogglOrganizationUser, TogglProjectUser, TogglWorkspaceUser

__all__ = ["MODELS", "MODELS_BY_TABLE", "as_dict_custom", "from_record", "to_record"]

MODELS: tuple[type[TogglClass], ...] = (
    TogglOrganization,
    TogglWorkspace,
    TogglClient,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglTask,
    TogglWorkspaceUser,
    TogglOrganizationUser,
    TogglProjectUser,
    TogglGroup,
)
MODELS_BY_TABLE: dict[str, type[TogglClass]] = {m.__tablename__: m for m in MODELS}


def _encode(value: Any) -> Any:
    if isinstance(value, TogglClass):
        return to_record(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def to_record(model: TogglClass) -> dict[str, Any]:
    """The model as a JSON-able dict: ``{"class": <tablename>, <field>: <value>, ...}``."""
    record: dict[str, Any] = {"class": type(model).__tablename__}
    for attribute in fields(type(model)):
        record[attribute.name] = _encode(getattr(model, attribute.name))
    return record


def from_record(record: dict[str, Any], model: type[TogglClass] | None = None) -> TogglClass:
    """Rebuild a model from ``to_record`` output.

    Raises:
        KeyError: the record names no known class and ``model`` is not given.
    """
    data = dict(record)
    cls_name = data.pop("class", None)
    cls = model or MODELS_BY_TABLE[str(cls_name)]
    names = {a.name for a in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _plain(value: Any) -> Any:
    if isinstance(value, TogglClass):
        return as_dict_custom(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def as_dict_custom(obj: TogglClass) -> dict[str, Any]:
    """toggl-api-wrapper's dict of a model: ``{"class": <tablename>, <field>: <value>, ...}``.

    Values stay Python objects (datetimes, timedeltas) as in 2.2.0; nested models (a time entry's tags) become
    dicts the same way. ``to_record`` is the JSON-ready form the JSON cache writes.
    """
    record: dict[str, Any] = {"class": type(obj).__tablename__}
    for attribute in fields(type(obj)):
        record[attribute.name] = _plain(getattr(obj, attribute.name))
    return record
