"""The figure cache: a figure is re-made only when something that decides it changed.

A figure's *inputs* are its declaration, its seed, the source of the code that
computes and draws it, and the versions of the libraries that code uses; for a
figure of the author's own code, also that code (the script and every project
module it imports) and the bytes of the files it declares. The
cache key is a hash of all of them, so a hit is always safe to serve. Each entry
is a folder holding the figure's files and a manifest with their SHA-256, written
to a temporary name and renamed into place: a damaged or half-written entry fails
verification and is rebuilt, never served. The manifest is sealed with the cache
key (:mod:`site_builder.cache_seal`), so figures planted by anyone without the key
fail verification too.

The cache also remembers which inputs made the figure at each output path last
time, so a build can *explain* why a figure ran (``--explain``).

Layout (the folder can be kept between CI runs)::

    .site-cache/figures/<key>/manifest.json, <file name>...
    .site-cache/figures/inputs.json     output path -> inputs of its last build
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.atomic_file import replace_file, write_bytes
from site_builder.versions import installed_version
from site_builder.cache_seal import read_sealed, seal

if TYPE_CHECKING:
    from site_builder.experiments.custom.sources import CustomSources
    from site_builder.experiments.specs import FigureSpec

EXPERIMENTS_DIR = Path(__file__).resolve().parent
# This package's machinery for scheduling and storing runs (and, in sweeps.py, for expanding a sweep
# into the specs of its runs, which the cache key holds in full); every other source file in it
# computes or draws figures, and a change to any of those re-makes every figure.
SCHEDULING = ("cache.py", "runner.py", "distributed.py", "sweeps.py")
FIGURE_LIBRARIES = ("numpy", "matplotlib", "imageio", "pillow", "site-builder")
MANIFEST = "manifest.json"
SEAL_KIND = "figures"
INPUTS_FILE = "inputs.json"

Inputs = dict[str, object]


def figure_code_hashes(experiments_dir: Path = EXPERIMENTS_DIR) -> dict[str, str]:
    """SHA-256 of each source file that makes figures, by path from the package: ``site_builder/experiments/...``.

    The public API for the author's own figures, ``site_builder/lab.py``, is one of them.
    """
    files = sorted(p for p in experiments_dir.rglob("*.py") if p.relative_to(experiments_dir).as_posix() not in SCHEDULING)
    files.append(experiments_dir.parent / "lab.py")
    return {p.relative_to(experiments_dir.parent.parent).as_posix(): _sha256(p.read_bytes()) for p in files}


def library_versions(names: tuple[str, ...] = FIGURE_LIBRARIES) -> dict[str, str]:
    """Installed versions, read from package metadata (without importing the libraries)."""
    return {name: installed_version(name) for name in names}


def figure_inputs(spec: FigureSpec, code: Mapping[str, str], versions: Mapping[str, str], sources: CustomSources | None = None) -> Inputs:
    """Everything that decides a figure's bytes, as JSON-ready data.

    A custom figure's ``sources`` add the author's code (the script and every
    project module it imports) to ``code``, its declared files as ``inputs``
    (by SHA-256), and the Python version to ``versions``.
    """
    declaration = {"kind": type(spec).__name__, **_as_data(spec)}
    seed = declaration.pop("seed", None)
    if seed is None and isinstance(declaration.get("training"), dict):  # a figure kind that wraps a training run
        seed = declaration["training"].pop("seed", None)
    inputs: Inputs = {"declaration": declaration, "seed": seed, "code": dict(code), "versions": dict(versions)}
    if sources is not None:
        inputs["code"] |= {path: _sha256(data) for path, data in sources.code.items()}
        inputs["inputs"] = {path: _sha256(data) for path, data in sources.inputs.items()}
        inputs["versions"] |= {"python": platform.python_version()}
    return json.loads(json.dumps(inputs, sort_keys=True))  # tuples become lists, as when read back


def _as_data(value: object) -> object:
    """``value`` with every dataclass as a dict of its fields and every tuple as a list: ``dataclasses.asdict`` without its deep copies."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_as_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_data(item) for key, item in value.items()}
    return value


def cache_key(inputs: Inputs) -> str:
    return _sha256(json.dumps(inputs, sort_keys=True).encode("utf-8"))


def explain_change(before: Inputs | None, after: Inputs) -> str:
    """Why a figure with inputs ``after`` had to run, given the inputs it was last built from."""
    if before is None:
        return "not built before"
    reasons = []
    changed = _changed_keys(before.get("declaration", {}), after["declaration"])  # type: ignore[arg-type]
    if changed:
        reasons.append("declaration changed (" + ", ".join(changed) + ")")
    if before.get("seed") != after["seed"]:
        reasons.append(f"seed changed ({before.get('seed')} → {after['seed']})")
    changed = _changed_keys(before.get("code", {}), after["code"], show_values=False)  # type: ignore[arg-type]
    if changed:
        reasons.append("code changed (" + ", ".join(changed) + ")")
    changed = _changed_keys(before.get("inputs", {}), after.get("inputs", {}), show_values=False)  # type: ignore[arg-type]
    if changed:
        reasons.append("input changed (" + ", ".join(changed) + ")")
    changed = _changed_keys(before.get("versions", {}), after["versions"])  # type: ignore[arg-type]
    if changed:
        reasons.append("versions changed (" + ", ".join(changed) + ")")
    return "; ".join(reasons) or "cache entry missing or damaged"


def _changed_keys(before: Mapping[str, object], after: Mapping[str, object], *, show_values: bool = True) -> list[str]:
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    if not show_values:
        return changed
    return [f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in changed]


def _short(value: object) -> str:
    return "unset" if value is None else value if isinstance(value, str) else json.dumps(value)


@dataclass
class FigureCache:
    """Figure files stored by cache key under ``folder``."""

    folder: Path

    def load(self, key: str) -> dict[str, bytes] | None:
        """The files stored under ``key``, or ``None`` if absent or failing verification."""
        entry = self.folder / key
        sealed = read_sealed(entry / MANIFEST, SEAL_KIND, name=key)  # the manifest vouches for the files' hashes
        if sealed is None:
            return None
        try:
            manifest = json.loads(sealed.decode("utf-8"))
            files = {name: (entry / name).read_bytes() for name in manifest["files"] if _plain_name(name)}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if set(files) != set(manifest["files"]):
            return None
        if any(_sha256(data) != manifest["files"][name] for name, data in files.items()):
            return None
        return files

    def store(self, key: str, files: Mapping[str, bytes]) -> None:
        """Store ``files`` under ``key`` atomically (a reader sees all of it or none)."""
        entry = self.folder / key
        staging = self.folder / f".{key}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            for name, data in files.items():
                write_bytes(staging / name, data)
            manifest = {"files": {name: _sha256(data) for name, data in files.items()}}
            write_bytes(staging / MANIFEST, seal(SEAL_KIND, key, json.dumps(manifest, sort_keys=True).encode("utf-8")))
            shutil.rmtree(entry, ignore_errors=True)  # a damaged entry, or a race with another build
            os.replace(staging, entry)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # a failed store leaves nothing half-written

    def previous_inputs(self) -> dict[str, Inputs]:
        try:
            return json.loads((self.folder / INPUTS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def remember_inputs(self, inputs_by_output: Mapping[str, Inputs]) -> None:
        """Record what made each figure, for the next build's explanations (a build that changed none writes nothing)."""
        previous = self.previous_inputs()
        merged = previous | dict(inputs_by_output)
        if merged == previous:
            return
        replace_file(self.folder / INPUTS_FILE, json.dumps(merged, sort_keys=True, indent=1).encode("utf-8"))


def _plain_name(name: object) -> bool:
    """A manifest names files inside its entry only."""
    return isinstance(name, str) and bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
