"""The no-op check's file hashes: remembered by status, never trusted after any change."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from site_builder.write import freshness
from site_builder.write.freshness import FileHashes


def status(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def test_a_file_whose_status_is_unchanged_is_not_read_again(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("one")
    planted = FileHashes(tmp_path / "memo.json", {str(source): [status(source), "00" * 32]})
    assert planted.of(source) == bytes(32)  # the remembered hash, not the bytes' own: the file was not read


def test_an_edit_that_keeps_the_size_and_restores_the_mtime_is_still_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "RACY_SECONDS", -1)  # remember even files written just now
    source, memo = tmp_path / "a.md", tmp_path / "cache" / "memo.json"
    source.write_text("one")
    hashes = FileHashes.load(memo)
    assert hashes.of(source) == hashlib.sha256(b"one").digest()
    hashes.save()
    before = source.stat()
    time.sleep(0.05)  # past the clock tick of the first write
    source.write_text("two")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size and source.stat().st_mtime_ns == before.st_mtime_ns
    assert FileHashes.load(memo).of(source) == hashlib.sha256(b"two").digest()


def test_a_file_changed_moments_ago_is_not_remembered(tmp_path: Path) -> None:
    source, memo = tmp_path / "a.md", tmp_path / "memo.json"
    source.write_text("one")
    hashes = FileHashes.load(memo)
    hashes.of(source)
    hashes.save()
    assert str(source) not in FileHashes.load(memo)._known  # a second write in the same tick could look unchanged


def test_a_planted_memo_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "RACY_SECONDS", -1)
    source, memo = tmp_path / "a.md", tmp_path / "memo.json"
    source.write_text("one")
    memo.write_text('{"%s": [%s, "%s"]}' % (source, status(source), "00" * 32))
    assert FileHashes.load(memo).of(source) == hashlib.sha256(b"one").digest()
