"""The page cache: what an earlier build worked out about a page, kept so the next build need not work it out again.

Entries are JSON or text, one file each, named by the hash of everything that decided
them (see :mod:`site_builder.render.reuse`), so an entry is either exactly what
this build would compute or never looked up. Each is sealed
(:mod:`site_builder.cache_seal`): the cache is an input of the build, and an
entry that was damaged, planted or written under another key counts as absent
and is made again.

Layout::

    .site-cache/pages/<kind>/<first two hex digits>/<key>.json   (or .txt for text)

where ``kind`` is ``body`` (a document's rendered Markdown but its HTML),
``html`` (that HTML, as text), ``sections`` (a body cut into search sections), ``reading`` (its reading count), ``facts``
(the links, ids and math of a finished page, by the SHA-256 of its bytes),
``prose`` (an article's words for its notebook) or ``notebook`` (an article's
notebook before it runs).

A body's HTML is text beside its JSON rather than a string inside it: every
build reads every body, and with the HTML decoded as a JSON string a body took
3.5 times as long to read (0.73 ms against 0.21 ms).

Entries of pages as they once were pile up (every edit leaves one, every new
version of the builder leaves them all), so :meth:`PageCache.tidy` marks what a
build used with the time it was used and, at most once a day, deletes entries
nobody used for :data:`KEEP_UNUSED_DAYS` days. It deletes only files named as
this module names entries, in the folders it makes.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from site_builder.cache_seal import read_sealed, write_sealed

SEAL_KIND = "pages"
_KEY = re.compile(r"[0-9a-f]{64}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(json|txt)")
_SHARD = re.compile(r"[0-9a-f]{2}")
KEEP_UNUSED_DAYS = 30  # an entry no build used for this long is deleted
SWEPT = ".swept"  # its time says when the cache was last swept
_DAY = 24 * 3600


class PageCache:
    """Sealed JSON entries by kind and key under one folder."""

    def __init__(self, folder: Path, *, read: bool = True) -> None:
        self.folder = folder
        self.read = read  # False: a clean build (--force), which makes every entry again and stores it
        self.hits = 0
        self.misses = 0
        self._used: list[Path] = []  # entries read in this build (those written are new)

    def get(self, kind: str, key: str) -> object | None:
        """The stored value, or ``None`` when absent or not verified."""
        return self._get(kind, key, ".json", json.loads)

    def get_text(self, kind: str, key: str) -> str | None:
        """The stored text, or ``None`` when absent or not verified."""
        return self._get(kind, key, ".txt", str)

    def put(self, kind: str, key: str, value: object) -> None:
        """Store ``value`` (JSON-ready), sealed, replacing any entry of that key."""
        self._put(kind, key, ".json", json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def put_text(self, kind: str, key: str, text: str) -> None:
        """Store ``text``, sealed, replacing any text entry of that key."""
        self._put(kind, key, ".txt", text)

    def _get(self, kind: str, key: str, suffix: str, parse: Callable[[str], object]) -> Any:
        path = self._path(kind, key, suffix)
        data = None if not self.read else read_sealed(path, SEAL_KIND, f"{kind}/{key}{suffix}")
        try:
            value = None if data is None else parse(data.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError included
            value = None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used.append(path)
        return value

    def _put(self, kind: str, key: str, suffix: str, text: str) -> None:
        path = self._path(kind, key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_sealed(path, SEAL_KIND, text.encode("utf-8"), f"{kind}/{key}{suffix}")

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        if not _KEY.fullmatch(key) or not kind.isalpha():
            raise ValueError(f"not a page cache key: {kind}/{key}")
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def tidy(self, now: float | None = None) -> int:
        """Mark the entries this build read as used now; once a day, delete those unused for :data:`KEEP_UNUSED_DAYS`.

        Returns how many entries were deleted. Called after a build succeeded,
        so what it used is never deleted; a cache it cannot change is left as it is.
        """
        now = time.time() if now is None else now
        for path in self._used:
            try:
                os.utime(path, (now, now))
            except OSError:
                pass  # gone or not ours to touch: at worst it is made again
        self._used.clear()
        stamp = self.folder / SWEPT
        try:
            if now - stamp.stat().st_mtime < _DAY:
                return 0
        except OSError:
            pass  # never swept
        deleted = 0
        try:
            for entry in _entry_files(self.folder):
                if now - entry.stat(follow_symlinks=False).st_mtime > KEEP_UNUSED_DAYS * _DAY:
                    os.unlink(entry.path)
                    deleted += 1
            stamp.touch()
            os.utime(stamp, (now, now))
        except OSError:
            pass  # a folder we cannot read or change: keep what is there
        return deleted


def _entry_files(folder: Path) -> Iterator[os.DirEntry[str]]:
    """Every plain file under ``folder`` laid out and named as an entry (``<kind>/<xx>/<xx...>.json|.txt``); links are never followed."""
    for kind in os.scandir(folder):
        if kind.is_dir(follow_symlinks=False) and kind.name.isalpha():
            for shard in os.scandir(kind.path):
                if shard.is_dir(follow_symlinks=False) and _SHARD.fullmatch(shard.name):
                    yield from (entry for entry in os.scandir(shard.path)
                                if _ENTRY.fullmatch(entry.name) and entry.name.startswith(shard.name) and entry.is_file(follow_symlinks=False))
