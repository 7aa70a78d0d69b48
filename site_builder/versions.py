"""The installed versions of the libraries a build depends on, read once per process.

Cache keys name the versions of the libraries that decide their entries
(a figure's numpy and matplotlib, a font subset's fontTools, the build record's
whole list). A process keeps the libraries it imported, so the versions it read
first stay the ones it runs with. Standard library only: the no-op build uses this.

The version comes from the name of the package's ``<name>-<version>.dist-info``
folder, found on ``sys.path`` the way :mod:`importlib.metadata` finds it (the
first path entry that has one wins; names compare after PEP 503 normalisation,
ignoring case). That is what the installer wrote from the package's metadata,
and reading it costs a directory listing, where ``importlib.metadata.version``
imports the module (about 16 ms) and parses the whole METADATA file with the
email parser (2 ms a name, most of a no-op build's version checks). Anything
else (an ``.egg-info``, a zip on the path, a package found by a custom finder)
is left to ``importlib.metadata``.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Sequence

NOT_INSTALLED = "not installed"


@functools.cache
def installed_version(name: str) -> str:
    """The version of the distribution ``name`` (``"numpy"``), or ``"not installed"``."""
    found = dist_info_version(name, sys.path)
    if found is not None:
        return found
    from importlib import metadata  # the general case: egg-info, zip files, custom finders

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return NOT_INSTALLED


def dist_info_version(name: str, path: Sequence[str]) -> str | None:
    """The version in the first ``<name>-<version>.dist-info`` folder on ``path``, or ``None``.

    ``None`` also when the first metadata found for ``name`` is of another
    kind (an ``.egg-info``, or a file that only has a dist-info's name): then
    only ``importlib.metadata`` can say.
    """
    wanted = _normalised(name)
    for entry in path:
        folder = entry or os.getcwd()  # "" is the current folder, named so a later chdir cannot reuse its listing
        for child in _metadata_names(folder):
            project, _, version = child.rpartition(".")[0].partition("-")
            if _normalised(project) != wanted:
                continue
            if child.lower().endswith(".dist-info") and version and os.path.isdir(os.path.join(folder, child)):
                return version
            return None
    return None


@functools.cache
def _metadata_names(folder: str) -> tuple[str, ...]:
    """The ``.dist-info`` and ``.egg-info`` names in ``folder``, sorted; none if it cannot be listed.

    Listed once per process for all the names asked after (a listing of
    site-packages is most of the cost), and sorted because the order in which
    a folder lists its entries is the file system's, not a promise.
    """
    try:
        children = os.listdir(folder)
    except OSError:  # missing, not a folder, or a zip file
        return ()
    return tuple(sorted(child for child in children if child.lower().endswith((".dist-info", ".egg-info"))))


def _normalised(name: str) -> str:
    """A project name as PEP 503 compares it: runs of ``-``, ``_`` and ``.`` are one ``-``, case ignored."""
    return re.sub(r"[-_.]+", "-", name).lower()
