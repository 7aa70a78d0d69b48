"""``new``: a draft article that builds as it stands, and never an overwrite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from site_builder.build import build
from site_builder.load.content import load_content
from site_builder.options import BuildOptions
from site_builder.commands.new import ScaffoldRefused, new_article


def test_new_article_is_a_dated_draft_that_builds(make_project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({"content/about.md": "---\ntitle: About\n---\nHi.\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28
    article = new_article(root, 'Why "dead" ReLUs: a #1 problem?')
    assert article.path == root / "content/why-dead-relus-a-1-problem/index.md"
    [loaded] = load_content(root, include_drafts=True).articles
    assert loaded.title == 'Why "dead" ReLUs: a #1 problem?' and loaded.draft and str(loaded.date) == "2026-05-28"
    assert [f.spec.name for f in loaded.figures] == ["ReLU.png"]
    assert load_content(root).articles == ()  # a draft stays out of a normal build
    build(BuildOptions(root=root, include_drafts=True))
    page = (root / "_site/why-dead-relus-a-1-problem/index.html").read_text()
    assert 'src="ReLU.png"' in page and "<figcaption>" in page and 'alt="The ReLU activation' in page


def test_new_refuses_to_overwrite(make_project) -> None:
    root = make_project({"content/taken/index.md": "---\ntitle: Mine\ndate: 2026-01-01\n---\nPrecious.\n"})
    with pytest.raises(ScaffoldRefused) as refusal:
        new_article(root, "Taken")
    assert str(refusal.value) == "content/taken/ already exists; nothing was written. Choose another title or pass --slug"
    assert (root / "content/taken/index.md").read_text().endswith("Precious.\n")


def test_new_command_exit_codes_and_messages(make_project) -> None:
    root = make_project({})
    command = [sys.executable, "-m", "site_builder", "new", "--root", str(root), "Gradient descent, step by step"]
    first = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("created content/gradient-descent-step-by-step/index.md (a draft)")
    again = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert again.returncode == 1
    assert again.stderr == "error: content/gradient-descent-step-by-step/ already exists; nothing was written. Choose another title or pass --slug\n"


@pytest.mark.parametrize(("title", "slug", "message"), [
    ("   ", None, "the title is empty"),
    ("Ωμέγα", None, "cannot make a URL-safe folder name from 'Ωμέγα'; pass one with --slug"),
    ("Fine", "Not OK", "'Not OK' is not a URL-safe folder name"),
    ("x" * 5000, None, "the title is 5000 characters long; keep it to 200 or fewer"),
    ("Two\nlines", None, "the title contains a control character"),
    ("Fine", "a" * 61, "the folder name is 61 characters long; keep it to 60 or fewer, e.g. '" + "a" * 60 + "'"),
])
def test_new_rejects_unusable_names(tmp_path: Path, title: str, slug: str | None, message: str) -> None:
    with pytest.raises(ScaffoldRefused, match=message):
        new_article(tmp_path, title, slug)
    assert not (tmp_path / "content").exists()


def test_a_long_title_gets_a_folder_name_cut_at_a_word(tmp_path: Path) -> None:
    title = "Why the rectified linear unit trains deep networks faster than the sigmoid, and when it does not"
    article = new_article(tmp_path, title)
    assert article.slug == "why-the-rectified-linear-unit-trains-deep-networks-faster"
    assert len(article.slug) <= 60 and article.path.is_file()


def test_a_5000_character_title_is_refused_in_words(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder", "new", "--root", str(tmp_path), "t" * 5000],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 1
    assert result.stderr == "error: the title is 5000 characters long; keep it to 200 or fewer (a long one reads badly in tabs and links)\n"
