"""Private folders: every folder a cache creates is owner-only (0700), the parents it had to create included."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["make_private_dirs"]


def make_private_dirs(path: Path | str) -> Path:
    """Create ``path`` and any missing parents, each 0700 (folders that already exist are left as they are).

    ``Path.mkdir(parents=True, mode=0o700)`` gives only the last folder that mode; the parents get the umask's.
    The mode is set explicitly after creation because the umask may remove bits from ``mkdir``'s mode too.
    """
    target = Path(path)
    missing: list[Path] = []
    current = target
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # another process made it meanwhile: theirs to set up
            continue
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    return target
