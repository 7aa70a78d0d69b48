"""The default theme, and a project's own files replacing it file by file; ``theme eject`` and ``theme list``."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from site_builder.build import build
from site_builder.commands.cli import main
from site_builder.commands.theme import eject, overridden, theme_files
from site_builder.load.theme import Theme, default_theme_dir, load_theme
from site_builder.options import BuildOptions

PAGE = {"content/about.md": "---\ntitle: About\n---\nWho writes this.\n"}


def test_a_checkout_uses_its_top_level_folders_as_the_default_theme() -> None:
    assert default_theme_dir() == REPO
    theme = load_theme(REPO)
    assert theme.template_folders() == (REPO / "templates",)  # this repository's folders are the theme: no repeats
    assert overridden(theme) == set()


def test_a_project_template_replaces_the_themes_and_only_that_one(make_project) -> None:
    root = make_project(PAGE)
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text("{% extends 'base.html' %}\n{% block main %}<p>mine: {{ page_title }}</p>{% endblock %}\n")
    build(BuildOptions(root=root))
    page = (root / "_site/about.html").read_text(encoding="utf-8")
    assert "<p>mine: About</p>" in page
    assert '<header class="site-header">' in page  # base.html still comes from the theme
    assert "Who writes this." not in page


def test_a_project_static_file_replaces_the_themes_and_new_ones_are_added(make_project) -> None:
    root = make_project(PAGE)
    (root / "static").mkdir()
    (root / "static/style.css").write_text("body { color: rebeccapurple; }\n")
    (root / "static/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    build(BuildOptions(root=root))
    out = root / "_site/static"
    assert (out / "style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert "rebeccapurple" in (out / "site.css").read_text() and "/* static/style.css */" in (out / "site.css").read_text()
    assert (out / "logo.svg").is_file()
    assert (out / "player.js").read_bytes() == (REPO / "static/player.js").read_bytes()  # the rest is the theme's


def test_hidden_files_are_never_part_of_a_theme(tmp_path: Path) -> None:
    theme_dir = tmp_path / "theme"
    for relative in ("templates/base.html", "templates/.base.html.swp", "static/style.css", "static/.git/config", "static/img/.DS_Store"):
        (theme_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (theme_dir / relative).write_text("x")
    theme = Theme(tmp_path / "project", theme_dir)
    assert list(theme.files("static")) == ["style.css"] and list(theme.files("templates")) == ["base.html"]


def test_eject_copies_what_is_named_and_never_overwrites(make_project) -> None:
    root = make_project(PAGE)
    theme = load_theme(root)
    first = eject(theme, ["article.html", "static/playground", "./templates/base.html"])
    assert first.copied == ("templates/article.html", "static/playground/classifier.js", "static/playground/mlp.js", "static/playground/nn.js",
                            "static/playground/playground.css", "static/playground/playground.js", "templates/base.html")
    assert (root / "templates/article.html").read_bytes() == (REPO / "templates/article.html").read_bytes()
    (root / "templates/article.html").write_text("mine\n")
    again = eject(theme, ["templates/article.html"])
    assert again.copied == () and again.kept == ("templates/article.html",)
    assert (root / "templates/article.html").read_text() == "mine\n"
    assert overridden(theme) >= {"templates/article.html", "templates/base.html", "static/playground/nn.js"}


def test_eject_without_a_path_copies_the_whole_theme(make_project) -> None:
    root = make_project(PAGE)
    result = eject(load_theme(root), [])
    assert set(result.copied) == set(theme_files(load_theme(root))) and result.problems == ()
    assert (root / "static/style.css").read_bytes() == (REPO / "static/style.css").read_bytes()


def test_eject_names_what_it_cannot_find(make_project) -> None:
    result = eject(load_theme(make_project(PAGE)), ["artcle.html", "nothing/here"])
    assert result.copied == ()
    assert result.problems == (
        "'artcle.html' is not a file of the default theme; did you mean 'article.html'? (site-builder theme list shows them all)",
        "'nothing/here' is not a file of the default theme (site-builder theme list shows them all)",
    )


def test_theme_commands_exit_codes(make_project, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(PAGE)
    assert main(["theme", "eject", "article.html", "--root", str(root)]) == 0
    assert capsys.readouterr().out == "copied templates/article.html; edit it there (delete it to use the theme's again)\n"
    assert main(["theme", "eject", "article.html", "--root", str(root)]) == 1
    assert capsys.readouterr().err == "error: templates/article.html is already in the project; eject never overwrites, so move yours aside first to get the theme's\n"
    assert main(["theme", "eject", "nope.css", "--root", str(root)]) == 1
    assert main(["theme", "list", "--root", str(root)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == f"default theme in {REPO}:"
    assert "  templates/article.html   (replaced by the project's own)" in listing and "  templates/base.html" in listing


@pytest.mark.slow
def test_an_ejected_and_edited_template_shows_in_the_next_build(make_project) -> None:
    root = make_project(PAGE | {"content/guide/index.md": "---\ntitle: A guide\ndate: 2026-01-02\n---\nSome $x$.\n"})
    build(BuildOptions(root=root))
    assert main(["theme", "eject", "article.html", "--root", str(root)]) == 0
    article = root / "templates/article.html"
    article.write_text(article.read_text().replace("{% block main %}", "{% block main %}<p class=\"edited\">an edit</p>", 1))
    report = build(BuildOptions(root=root))
    assert not report.up_to_date
    assert '<p class="edited">an edit</p>' in (root / "_site/guide/index.html").read_text()
