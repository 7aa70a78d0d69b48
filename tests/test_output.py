"""The output folder is replaced whole, and only if the builder created it."""

import hashlib
import shutil
from pathlib import Path

import pytest

from site_builder.write.output import MARKER, SiteStaging, check_output_dir, write_site


def test_writes_files_and_a_marker(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(out, {"index.html": b"hi", "a/b.png": b"\x89PNG"})
    assert (out / "index.html").read_bytes() == b"hi"
    assert (out / "a/b.png").read_bytes() == b"\x89PNG"
    assert (out / MARKER).is_file()


def test_replaces_previous_output_without_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(out, {"old.html": b"old"})
    write_site(out, {"new.html": b"new"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_refuses_a_folder_it_did_not_create(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    [problem] = check_output_dir(out, tmp_path)
    assert problem.message == f"refusing to replace a folder that site_builder did not create (no {MARKER} marker); empty it or choose another --out"


@pytest.mark.parametrize("target", [".", "..", "content", "content/x", "static"])
def test_refuses_the_project_and_its_source_folders(tmp_path: Path, target: str) -> None:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    assert check_output_dir(root / target, root)


def test_accepts_a_new_or_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert check_output_dir(tmp_path / "new", tmp_path) == []
    assert check_output_dir(tmp_path / "empty", tmp_path) == []


@pytest.mark.parametrize("relative", ["../outside.html", "/etc/x.html", "a//b.html", "a/./b.html", "", "a\\..\\b.html", "a/"])
def test_an_output_path_that_could_leave_the_folder_is_refused(tmp_path: Path, relative: str) -> None:
    out = tmp_path / "site"
    with pytest.raises(ValueError, match="escapes the output folder"):
        write_site(out, {"index.html": b"hi", relative: b"x"})
    assert not out.exists() and not (tmp_path / "outside.html").exists()


def test_nested_output_folders_are_made_once_each(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = {f"a/b{n}/c/page{m}.html": f"{n} {m}".encode() for n in range(3) for m in range(3)}
    write_site(out, files)
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")} == files


def test_an_unchanged_file_is_linked_from_the_previous_site_but_never_through_a_link_out_of_it(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    write_site(out, {"a/same.txt": b"same", "b/same.txt": b"same"})
    kept = (out / "a" / "same.txt").stat().st_ino
    elsewhere.mkdir()
    (elsewhere / "same.txt").write_bytes(b"same")
    shutil.rmtree(out / "b")
    (out / "b").symlink_to(elsewhere)  # a folder of the previous site that leads out of it
    write_site(out, {"a/same.txt": b"same", "b/same.txt": b"same"})
    assert (out / "a" / "same.txt").stat().st_ino == kept
    assert not (out / "b").is_symlink() and (out / "b" / "same.txt").stat().st_ino != (elsewhere / "same.txt").stat().st_ino
    assert (elsewhere / "same.txt").read_bytes() == b"same"


def test_staging_left_without_a_swap_leaves_the_previous_site_and_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(out, {"a.html": b"old"})
    with pytest.raises(RuntimeError), SiteStaging(out) as staging:
        staging.put("a.html", b"new")
        staging.put("b/c.html", b"more")
        assert (staging.folder / "b/c.html").read_bytes() == b"more"  # written at once, not held
        raise RuntimeError("a check failed")
    assert (out / "a.html").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_staging_counts_the_files_it_linked_and_refuses_a_path_put_twice(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(out, {"same.html": b"same", "edited.html": b"before"})
    with SiteStaging(out) as staging:
        staging.put("same.html", b"same")
        staging.put("edited.html", b"after")
        with pytest.raises(ValueError, match="put twice"):
            staging.put("same.html", b"again")
        staging.swap_in()
    assert (staging.written, staging.linked) == ({"same.html", "edited.html"}, 1)
    assert (out / "edited.html").read_bytes() == b"after"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_keep_links_the_previous_file_only_when_its_size_and_digest_are_the_ones_named(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    outside = tmp_path / "elsewhere.html"
    outside.write_bytes(b"same")
    write_site(out, {"same.html": b"same", "edited.html": b"by hand", "short.html": b"same"})
    (out / "linked.html").symlink_to(outside)
    digest = hashlib.sha256(b"same").hexdigest()
    with SiteStaging(out) as staging:
        assert staging.keep("same.html", digest, 4)
        assert not staging.keep("edited.html", digest, 4)  # another size
        assert not staging.keep("short.html", digest, 5)  # the size named is not the file's
        assert not staging.keep("linked.html", digest, 4)  # the right bytes, through a link out of the site
        assert not staging.keep("missing.html", digest, 4)
        staging.put("edited.html", b"same")  # what was not kept is still free to be put
        with pytest.raises(ValueError, match="put twice"):
            staging.keep("same.html", digest, 4)
        staging.swap_in()
    assert (staging.written, staging.linked) == ({"same.html", "edited.html"}, 1)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "edited.html", "same.html"]
    assert (out / "same.html").read_bytes() == b"same"


def test_a_swap_that_cannot_put_the_previous_site_back_leaves_it_moved_aside_for_the_next_build(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "_site"
    write_site(out, {"a.html": b"previous"})
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if Path(target) == out.resolve() or Path(target) == out:  # the new site in, or the previous one back: both fail
            raise OSError(28, "No space left on device")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError), SiteStaging(out) as staging:
        staging.put("a.html", b"next")
        staging.swap_in()
    monkeypatch.undo()
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("._site.old-")]
    assert (aside / "a.html").read_bytes() == b"previous"  # never deleted: the next build puts it back
    write_site(out, {"a.html": b"later"})
    assert (out / "a.html").read_bytes() == b"later"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]
