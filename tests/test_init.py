"""``init``: a site of the author's own in an empty folder, that builds as it stands and never overwrites."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from site_builder.build import build
from site_builder.commands.cli import main
from site_builder.commands.init import InitRefused, STARTER, fill, init_site, workflow_values
from site_builder.load.config import load_config
from site_builder.options import BuildOptions

STARTER_FILES = ["site.toml", "content/first-explainer/index.md", "content/first-explainer/widths.py", "content/about.md", ".gitignore", ".github/workflows/pages.yml"]


def test_init_writes_a_site_of_the_authors_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28
    site = init_site(tmp_path / "notes", 'Ada\'s "notes" # on nets')
    assert list(site.files) == STARTER_FILES
    assert sorted(p.relative_to(site.folder).as_posix() for p in site.folder.rglob("*") if p.is_file()) == sorted(STARTER_FILES)
    config, notices = load_config(site.folder)
    assert config.title == 'Ada\'s "notes" # on nets' and notices == ()
    assert config.base_url == "" and config.author == ""  # nothing of the example's identity
    assert "date: 2026-05-28" in (site.folder / "content/first-explainer/index.md").read_text()
    assert not (site.folder / "templates").exists() and not (site.folder / "static").exists()  # no copy of the theme
    assert (site.folder / ".gitignore").read_text().splitlines()[1:] == ["_site/", ".site-cache/", ".site-builder.lock"]
    assert not list(tmp_path.glob(".notes.init-*"))  # the staging folder is gone


@pytest.mark.slow
def test_the_new_site_builds_with_math_and_its_figure(tmp_path: Path) -> None:
    site = init_site(tmp_path / "notes", "My notes")
    report = build(BuildOptions(root=site.folder))
    assert report.figures_ran == {"first-explainer/fit.png": "not built before", "first-explainer/widths.png": "not built before"}
    page = (site.folder / "_site/first-explainer/index.html").read_text(encoding="utf-8")
    assert page.count('class="katex-display"') == 1 and 'src="fit.png" width="1280">' in page and 'src="widths.png" width="1280">' in page
    assert "<title>A first explainer · My notes</title>" in page
    assert (site.folder / "_site/about.html").is_file()
    assert not (site.folder / "_site/feed.xml").exists()  # no base_url yet: no feed


def test_init_accepts_an_empty_folder_and_refuses_anything_else(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert init_site(tmp_path / "empty", "T").folder == tmp_path / "empty"
    taken = tmp_path / "taken"
    (taken / "content").mkdir(parents=True)
    (taken / "notes.txt").write_text("mine\n")
    with pytest.raises(InitRefused) as refusal:
        init_site(taken, "T")
    assert str(refusal.value) == f"{taken} is not empty (it holds content, notes.txt); init never overwrites anything, so choose a new or empty folder"
    assert sorted(p.name for p in taken.iterdir()) == ["content", "notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(InitRefused, match="exists and is not a folder"):
        init_site(tmp_path / "file", "T")
    with pytest.raises(InitRefused, match="the title is empty"):
        init_site(tmp_path / "untitled", "   ")
    with pytest.raises(InitRefused, match="the title is 201 characters long; keep it to 200 or fewer"):
        init_site(tmp_path / "long", "x" * 201)
    assert not (tmp_path / "untitled").exists() and not (tmp_path / "long").exists()


def test_init_where_nothing_can_be_written_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InitRefused) as refusal:
        init_site(tmp_path / "a-file" / "site", "T")  # its parent is a file: no folder can be made there
    assert str(refusal.value) == f"cannot create the site in {tmp_path / 'a-file' / 'site'}: Not a directory; choose a folder you can write to"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_init_command_prints_the_next_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "my site"), "--title", "My notes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"created {tmp_path / 'my site'}/ with " + ", ".join(STARTER_FILES)
    assert out[1:] == ["next, preview it (it rebuilds on every save):", f"  cd '{tmp_path / 'my site'}'", "  site-builder serve"]
    assert main(["init", str(tmp_path / "my site")]) == 1
    assert capsys.readouterr().err.endswith("nothing was created\n")


def test_without_a_title_and_a_terminal_the_folder_names_the_site(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder", "init", str(tmp_path / "notes")], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, cwd=REPO, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert load_config(tmp_path / "notes")[0].title == "notes"


def test_this_repositorys_pages_workflow_is_the_starters_filled_for_a_checkout() -> None:
    """One workflow: init's template, filled to install the builder from this checkout."""
    values = workflow_values("python -m pip install -e .", dependency_file="pyproject.toml", cache_inputs="'content/**', 'site_builder/**', 'pyproject.toml'")
    assert (REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8") == fill((STARTER / "pages.yml").read_text(encoding="utf-8"), values)


def test_the_starter_workflow_installs_this_version_and_builds(tmp_path: Path) -> None:
    from site_builder import __version__

    workflow = init_site(tmp_path / "s", "T").folder.joinpath(".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert f'- run: python -m pip install "site-builder=={__version__}"' in workflow
    assert "{{" + " " not in workflow.replace("${{", "")  # every placeholder filled
