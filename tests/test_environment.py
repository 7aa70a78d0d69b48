"""The user's environment is not a bug: full disks, read-only folders, paths that are files, damaged installs.

Each of these exits with status 1 and a line naming the path, the cause in
words and what to do; never "internal error ... this is a bug" (status 3),
never a traceback, and never a half-written file left behind.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from site_builder import atomic_file
from site_builder.commands.cli import main
from site_builder.problems import environment_problem

from conftest import REPO
from test_errors import GOOD, stderr_lines, tree, write_files


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "site.toml").write_text('title = "Test site"\n', encoding="utf-8")
    write_files(root, {**GOOD, "content/guide/index.md": "---\ntitle: A guide\ndate: 2026-01-02\n---\nA formula: $x^2$.\n"})
    return root


def build(root: Path, *extra: str) -> int:
    return main(["build", "--root", str(root), *extra])


def failing_writes(monkeypatch: pytest.MonkeyPatch, under: Path, code: int, *, with_filename: bool = True) -> None:
    """Every file written below ``under`` fails with OSError ``code`` (with or without the path, as the OS reports it)."""
    real = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if self.absolute().is_relative_to(under):
            raise OSError(code, shutil.os.strerror(code), *((str(self),) if with_filename else ()))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_read_only_output_folder_is_reported_with_its_path_and_what_to_do(project: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "public"
    assert build(project, "--out", str(out)) == 0
    before = tree(out)
    write_files(project, {"content/about.md": "---\ntitle: About us\n---\nNew.\n"})
    failing_writes(monkeypatch, tmp_path / "public", errno.EROFS)
    failing_writes(monkeypatch, tmp_path / f".public.new-{shutil.os.getpid()}", errno.EROFS)
    capsys.readouterr()
    assert build(project, "--out", str(out)) == 1
    lines = stderr_lines(capsys.readouterr().err)
    assert lines[0].startswith(f"error: {tmp_path}/.public.new-")
    assert lines[0].endswith(": the file system is read-only (EROFS); make it writable or choose a folder on a writable disk, "
                             "or pass --out to build into another folder")
    assert lines[-1] == "build failed: 1 problem; the previous output was left as it was"
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "public"]  # no half-written staging folder


def test_a_full_disk_names_the_file_although_the_os_does_not(project: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    cache = project / ".site-cache"
    failing_writes(monkeypatch, cache, errno.ENOSPC, with_filename=False)
    assert build(project) == 1
    lines = stderr_lines(capsys.readouterr().err)
    # the first file the build writes into the cache: a staging file beside an entry, named although ENOSPC names none
    assert lines[0].startswith(f"error: {cache}/") and f".{shutil.os.getpid()}.tmp: " in lines[0], lines[0]
    assert lines[0].endswith(": the disk is full (ENOSPC); free some space and build again, or pass --cache-dir to use another cache folder")
    assert not (project / "_site").exists()
    assert not [p for p in cache.rglob("*") if p.name.endswith(".tmp")]  # nothing half-written


def test_a_cache_folder_that_is_a_file(project: Path, capsys) -> None:
    (project / ".site-cache").write_text("not a folder")
    assert build(project) == 1
    line = stderr_lines(capsys.readouterr().err)[0]  # the first folder the build makes in the cache
    assert line.startswith(f"error: {project}/.site-cache/"), line
    assert line.endswith(": a part of this path is a file, not a folder (ENOTDIR); "
                         "move that file away or choose another path, or pass --cache-dir to use another cache folder")


def test_a_cache_entry_that_is_a_folder(project: Path, capsys) -> None:
    (project / ".site-cache" / "math.json").mkdir(parents=True)
    assert build(project) == 1
    line = stderr_lines(capsys.readouterr().err)[0]
    assert line.startswith(f"error: {project}/.site-cache/.math.json.") and "this is a folder where a file is expected (EISDIR" in line


def test_an_output_folder_inside_a_file(project: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("")
    assert build(project, "--out", str(tmp_path / "file" / "site")) == 1
    assert stderr_lines(capsys.readouterr().err)[0] == (
        f"error: {tmp_path}/file/site: {tmp_path}/file is a file, so the output folder cannot be made inside it; choose another --out"
    )


@pytest.mark.parametrize(("code", "words"), [
    (errno.EROFS, "the file system is read-only (EROFS); make it writable or choose a folder on a writable disk"),
    (errno.ENOSPC, "the disk is full (ENOSPC); free some space and build again"),
    (errno.EACCES, "permission denied (EACCES); make it readable and writable for you, or choose a folder you own"),
    (errno.ENOENT, "it does not exist (a folder or drive that is missing?) (ENOENT); create it, connect the drive, or choose another path"),
    (errno.ENOTDIR, "a part of this path is a file, not a folder (ENOTDIR); move that file away or choose another path"),
    (errno.ENAMETOOLONG, "the path is too long for the file system (ENAMETOOLONG); choose a shorter path"),
])
def test_os_errors_are_told_in_words(code: int, words: str) -> None:
    assert str(environment_problem(OSError(code, shutil.os.strerror(code), "/media/usb/_site"))) == f"/media/usb/_site: {words}"


def test_a_missing_drive_for_out_is_an_environment_problem(project: Path, monkeypatch, capsys) -> None:
    real = Path.mkdir

    def mkdir(self: Path, *args, **kwargs) -> None:
        if self.absolute().is_relative_to("/media/usb"):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(self))
        real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    assert build(project, "--out", "/media/usb/site") == 1
    err = capsys.readouterr().err
    assert "error: /media/usb: it does not exist (a folder or drive that is missing?) (ENOENT)" in err
    assert "internal error" not in err


def test_new_where_content_is_a_file_is_not_a_bug(tmp_path: Path, capsys) -> None:
    (tmp_path / "content").write_text("")
    assert main(["new", "A title", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "error: " in err and "internal error" not in err and "Traceback" not in err


def test_a_default_theme_without_a_template_says_which_and_how_to_reinstall(project: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from site_builder.load import theme

    damaged = tmp_path / "theme"
    shutil.copytree(REPO / "templates", damaged / "templates")
    shutil.copytree(REPO / "static", damaged / "static")
    (damaged / "templates" / "article.html").unlink()
    monkeypatch.setattr(theme, "default_theme_dir", lambda: damaged)
    assert build(project, "--force") == 1
    assert stderr_lines(capsys.readouterr().err)[0] == (
        f"error: {damaged}/templates/article.html: the builder's default theme is incomplete: this template is missing; "
        "reinstall the builder (python -m pip install --force-reinstall site-builder, or pip install -e . in a checkout)"
    )


def test_init_with_a_starter_file_missing_says_how_to_reinstall(tmp_path: Path, monkeypatch, capsys) -> None:
    from site_builder.commands import init

    starter = tmp_path / "starter"
    shutil.copytree(init.STARTER, starter)
    (starter / "about.md").unlink()
    monkeypatch.setattr(init, "STARTER", starter)
    assert main(["init", str(tmp_path / "site"), "--title", "Mine"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: the builder's starter file {starter}/about.md is missing or damaged; reinstall the builder")
    assert not (tmp_path / "site").exists()


def test_replace_file_leaves_no_temporary_file_when_the_write_fails(tmp_path: Path, monkeypatch) -> None:
    failing_writes(monkeypatch, tmp_path, errno.ENOSPC, with_filename=False)
    with pytest.raises(OSError) as raised:
        atomic_file.replace_file(tmp_path / "cache" / "x.json", b"{}")
    assert raised.value.filename == str(tmp_path / "cache" / f".x.json.{shutil.os.getpid()}.tmp")
    assert list((tmp_path / "cache").iterdir()) == []
