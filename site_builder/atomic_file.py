"""Writing files so that a failure leaves nothing half-written, for the output and the caches kept between builds.

:func:`replace_file` writes the bytes to a temporary name beside the file and
renames it over the file, so a reader (a build running at the same time, or
the next one after a crash) sees the old file or the new one, never half of
either; if the write fails (a full disk, say) the temporary file is removed.
Errors always name the file, even those the operating system reports without
a path (``ENOSPC`` on write). Standard library only: the no-op build path uses it.
"""

from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write_bytes(temporary, data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)``, with the path in the error when the operating system gave none."""
    try:
        path.write_bytes(data)
    except OSError as error:
        if error.filename is not None:
            raise
        raise type(error)(error.errno, error.strerror, str(path)) from None
