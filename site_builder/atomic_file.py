"""Replacing one file in a single step, for the caches and records kept between builds.

The bytes go to a temporary name beside the file and are renamed over it, so a
reader (a build running at the same time, or the next one after a crash) sees
the old file or the new one, never half of either. Standard library only: the
no-op build path uses it.
"""

from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
