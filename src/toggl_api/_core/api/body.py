"""``BaseBody``: request bodies as read-only-ish mappings (toggl-api-wrapper's shape)."""

from __future__ import annotations

import dataclasses
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BaseBody", "UnknownFieldError"]


class UnknownFieldError(KeyError, AttributeError):
    """``body[key]`` for a key that is not a field: a ``KeyError`` (mapping protocol) that is also the
    ``AttributeError`` toggl-api-wrapper raised, so either ``except`` clause keeps working."""


@dataclass
class BaseBody(Mapping[str, Any]):
    """Base of the request body dataclasses. ``dict(body) == body.format("")``.

    Subclasses are dataclasses; a field's ``metadata["endpoints"]`` names the endpoints it is sent to
    (empty: every endpoint).
    """

    @abstractmethod
    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body for ``endpoint``, starting from the extra keyword arguments."""

    @classmethod
    def _verify_endpoint_parameter(cls, parameter: str, endpoint: str) -> bool:
        """Whether field ``parameter`` is sent to ``endpoint``.

        Raises:
            KeyError: ``parameter`` is not a field.
        """
        for item in dataclasses.fields(cls):
            if item.name == parameter:
                endpoints = item.metadata.get("endpoints")
                return not endpoints or endpoint in endpoints
        msg = f"Validating a non-existant field! ({parameter!r} is not a field of {cls.__name__})"
        raise KeyError(msg)

    def __iter__(self) -> Iterator[str]:
        return iter(self.format(""))

    def __len__(self) -> int:
        return len(self.format(""))

    def __getitem__(self, key: str) -> Any:
        if key not in {f.name for f in dataclasses.fields(self)}:
            raise UnknownFieldError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in {f.name for f in dataclasses.fields(self)}:
            raise UnknownFieldError(key)
        setattr(self, key, value)

    def __delitem__(self, key: str) -> None:
        for item in dataclasses.fields(self):
            if item.name == key:
                if item.default is not dataclasses.MISSING:
                    setattr(self, key, item.default)
                elif item.default_factory is not dataclasses.MISSING:
                    setattr(self, key, item.default_factory())
                else:
                    setattr(self, key, None)
                return
        raise UnknownFieldError(key)
