"""Caches are inputs: a poisoned or damaged entry of any kind never reaches the published site.

An attacker who can write ``.site-cache/`` (a cache shared between CI runs) but
does not hold the cache key plants HTML in math.json, fonts in fonts/, figures
with matching unkeyed checksums, or a record claiming the output is current.
Each build after that must publish exactly what a clean build publishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from site_builder import cache_seal
from site_builder.build import build
from site_builder.options import BuildOptions

from test_errors import tree, write_files

PAYLOAD = '<img src="x" onerror="alert(document.cookie)">'
ARTICLE = """\
---
title: Trust
date: 2026-01-02
figures:
  relu.png: {kind: activation, activation: relu}
---
A formula, $w,b \\in \\mathbb{R}$, and $\\sigma(x)$.

![ReLU](relu.png)
"""


@pytest.fixture(autouse=True)
def ci_key(monkeypatch: pytest.MonkeyPatch):
    """The key a CI run gets from its secrets."""
    monkeypatch.setenv(cache_seal.KEY_VARIABLE, "the-repository-secret-0123456789abcdef")
    cache_seal.cache_key.cache_clear()
    yield
    cache_seal.cache_key.cache_clear()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_files(root, {"content/trust/index.md": ARTICLE, "site.toml": 'title = "T"\n'})
    return root


def build_site(root: Path, out: Path | None = None) -> dict[str, bytes]:
    out = out or root / "_site"
    build(BuildOptions(root=root, out=out))
    return tree(out)


def touch_source(root: Path) -> None:
    """An edit elsewhere, so the next build is not a no-op and reads its caches."""
    with (root / "content" / "trust" / "index.md").open("a", encoding="utf-8") as file:
        file.write("\nOne more sentence.\n")


def clean_build_after_edit(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build of the edited sources publishes with no cache at all."""
    fresh = tmp_path / "fresh"
    shutil.copytree(root / "content", fresh / "content")
    shutil.copy(root / "site.toml", fresh / "site.toml")
    return build_site(fresh)


def plain_json(path: Path) -> dict:
    return json.loads(cache_seal.unseal("math", path.name, path.read_bytes()))


@pytest.mark.parametrize("forgery", ["unsealed", "sealed with another key"])
def test_html_planted_in_the_math_cache_never_reaches_the_site(forgery: str, project: Path, tmp_path: Path, monkeypatch) -> None:
    build_site(project)
    cache = project / ".site-cache" / "math.json"
    poisoned = json.dumps({key: PAYLOAD for key in plain_json(cache)}).encode()
    if forgery == "unsealed":
        cache.write_bytes(poisoned)
    else:
        monkeypatch.setenv(cache_seal.KEY_VARIABLE, "a-guess-at-the-key")
        cache_seal.cache_key.cache_clear()
        cache.write_bytes(cache_seal.seal("math", "math.json", poisoned))
        monkeypatch.setenv(cache_seal.KEY_VARIABLE, "the-repository-secret-0123456789abcdef")
        cache_seal.cache_key.cache_clear()
    touch_source(project)
    site = build_site(project)
    assert not any(PAYLOAD.encode() in data for data in site.values())
    assert site == clean_build_after_edit(project, tmp_path)
    assert PAYLOAD not in json.dumps(plain_json(cache))  # and the cache was rebuilt


@pytest.mark.parametrize("damage", ["wrong magic bytes", "another font, unsealed", "another entry's sealed bytes"])
def test_a_damaged_or_planted_font_subset_is_made_again(damage: str, project: Path, tmp_path: Path) -> None:
    build_site(project)
    subsets = sorted((project / ".site-cache" / "fonts").glob("*.woff2"))
    assert len(subsets) >= 2
    stored = [path.read_bytes() for path in subsets]
    for index, path in enumerate(subsets):
        other, other_name = stored[(index + 1) % len(subsets)], subsets[(index + 1) % len(subsets)].name
        if damage == "wrong magic bytes":
            font = cache_seal.unseal("fonts", path.name, stored[index])
            path.write_bytes(cache_seal.MAGIC + stored[index][len(cache_seal.MAGIC):].replace(font[:4], b"XXXX", 1))
        elif damage == "another font, unsealed":
            path.write_bytes(cache_seal.unseal("fonts", other_name, other))
        else:
            path.write_bytes(other)
    assert all(cache_seal.read_sealed(path, "fonts") is None for path in subsets)
    touch_source(project)
    site = build_site(project)
    assert site == clean_build_after_edit(project, tmp_path)
    assert all(data.startswith(b"wOF2") for path, data in site.items() if path.endswith(".woff2"))


def test_a_figure_planted_with_matching_checksums_is_run_again(project: Path, tmp_path: Path) -> None:
    build_site(project)
    (entry,) = [p for p in (project / ".site-cache" / "figures").iterdir() if p.is_dir()]
    planted = b"\x89PNG\r\n\x1a\n not the figure"
    (entry / "relu.png").write_bytes(planted)
    manifest = {"files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in entry.iterdir() if p.name != "manifest.json"}}
    (entry / "manifest.json").write_text(json.dumps(manifest))  # right checksums, but no seal
    touch_source(project)
    report = build(BuildOptions(root=project))
    assert report.figures_ran == {"trust/relu.png": "cache entry missing or damaged"}
    assert tree(project / "_site") == clean_build_after_edit(project, tmp_path)


def test_a_forged_record_cannot_pass_off_a_stale_output(project: Path) -> None:
    build_site(project)
    record = project / ".site-cache" / "last-build.json"
    data = cache_seal.unseal("record", record.name, record.read_bytes())
    record.write_bytes(data)  # the same claims, unsealed
    report = build(BuildOptions(root=project))
    assert not report.up_to_date


def test_an_output_kept_in_the_cache_is_checked_byte_for_byte(project: Path) -> None:
    """deploy builds into .site-cache/deploy: same size and time, other bytes, must not be reused."""
    out = project / ".site-cache" / "deploy"
    before = build_site(project, out)
    page = out / "trust" / "index.html"
    info = page.stat()
    text = page.read_bytes()
    page.write_bytes(text.replace(b"formula", b"FORMULA"))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    report = build(BuildOptions(root=project, out=out))
    assert not report.up_to_date
    assert tree(out) == before


def test_runs_sharing_the_key_share_the_cache_and_others_do_not(project: Path, monkeypatch) -> None:
    build_site(project)
    touch_source(project)
    assert build(BuildOptions(root=project)).figures_cached == ("trust/relu.png",)
    monkeypatch.setenv(cache_seal.KEY_VARIABLE, "a-fork-without-the-secret")
    cache_seal.cache_key.cache_clear()
    touch_source(project)
    assert build(BuildOptions(root=project)).figures_ran == {"trust/relu.png": "cache entry missing or damaged"}


def test_without_a_key_variable_a_private_key_file_is_made_once(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache_seal.KEY_VARIABLE)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    cache_seal.cache_key.cache_clear()
    key = cache_seal.cache_key()
    path = tmp_path / "state" / "site_builder" / "cache-key"
    assert path.read_bytes().strip() == key and len(key) == 64
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    cache_seal.cache_key.cache_clear()
    assert cache_seal.cache_key() == key
