"""The installed versions of the libraries a build depends on, read once per process.

Cache keys name the versions of the libraries that decide their entries
(a figure's numpy and matplotlib, a font subset's fontTools, the build record's
whole list). Reading package metadata costs about 2 ms a name, and a build of
a site with many figures asked for the same names hundreds of times. A process
keeps the libraries it imported, so the versions it read first stay the ones it
runs with. Standard library only: the no-op build uses this.
"""

from __future__ import annotations

import functools
from importlib import metadata

NOT_INSTALLED = "not installed"


@functools.cache
def installed_version(name: str) -> str:
    """The version of the distribution ``name`` (``"numpy"``), or ``"not installed"``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return NOT_INSTALLED
