"""Cache entries sealed with a key kept outside the cache, so a tampered entry is never used.

The cache (``.site-cache/``) may be shared between CI runs, and whoever can
write a shared cache could otherwise put HTML, fonts or figures of their
choosing into the published site. So every cache file that feeds the site is
*sealed*: stored with an HMAC-SHA256 of its contents, its kind and its name,
under a key that never enters the cache. Reading checks the seal; an entry that
fails it (tampered, damaged, truncated, written under another key, or renamed
from another entry) counts as absent and is rebuilt and overwritten.

The key is ``$SITE_BUILDER_CACHE_KEY`` when that is set (a CI secret, so runs
share a trusted cache: a run without the secret, such as one for a pull request
from a fork, can neither use nor forge entries), else a random key made once
per user in ``$XDG_STATE_HOME/site_builder/cache-key`` (``~/.local/state/...``),
readable by that user only. Where neither can be had, a key for this process
alone: every entry is then rebuilt, and nothing is trusted.

Standard library only: the no-op build reads its record through this module.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from site_builder.atomic_file import replace_file

KEY_VARIABLE = "SITE_BUILDER_CACHE_KEY"
MAGIC = b"site-builder-sealed-1 "  # then the hex HMAC and a newline, then the entry's bytes
_MAC_LENGTH = 64


@functools.cache
def cache_key() -> bytes:
    """The key that seals this user's (or this CI's) cache entries; see the module docs."""
    chosen = os.environ.get(KEY_VARIABLE, "")
    if chosen:
        return chosen.encode("utf-8")
    path = key_file()
    try:
        key = path.read_bytes().strip()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = secrets.token_hex(32).encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key + b"\n")
        os.replace(temporary, path)
    except OSError:
        pass  # no home to keep it in: this process's key alone, so nothing cached before is trusted
    return key


def key_file() -> Path:
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    return (Path(state) if state else Path.home() / ".local" / "state") / "site_builder" / "cache-key"


def seal(kind: str, name: str, data: bytes) -> bytes:
    """``data`` with its seal in front, for storing as cache entry ``name`` of ``kind`` (``"fonts"``, say)."""
    return MAGIC + _mac(kind, name, data).encode("ascii") + b"\n" + data


def unseal(kind: str, name: str, stored: bytes) -> bytes | None:
    """The data sealed in ``stored`` if its seal is right for ``kind`` and ``name`` under our key, else ``None``."""
    head = len(MAGIC) + _MAC_LENGTH + 1
    if not stored.startswith(MAGIC) or len(stored) < head or stored[head - 1 : head] != b"\n":
        return None
    data = stored[head:]
    good = hmac.compare_digest(stored[len(MAGIC) : head - 1], _mac(kind, name, data).encode("ascii"))
    return data if good else None


def read_sealed(path: Path, kind: str, name: str | None = None) -> bytes | None:
    """The verified contents of the sealed file ``path`` (named ``name``, by default its file name), or ``None``.

    A missing or unreadable file is ``None`` too: the caller rebuilds it. A
    path that exists but cannot be a file (a folder) is left for the write to report.
    """
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    return unseal(kind, path.name if name is None else name, stored)


def write_sealed(path: Path, kind: str, data: bytes, name: str | None = None) -> None:
    """Store ``data`` sealed at ``path``, atomically."""
    replace_file(path, seal(kind, path.name if name is None else name, data))


def _mac(kind: str, name: str, data: bytes) -> str:
    message = hashlib.sha256(kind.encode("utf-8") + b"\0" + name.encode("utf-8") + b"\0" + data).digest()
    return hmac.new(cache_key(), message, hashlib.sha256).hexdigest()
