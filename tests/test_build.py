"""End to end: the real content/ built into a temporary folder, and failing builds that change nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.build import BuildOptions, build
from site_builder.render.reuse import RenderMemo
from site_builder.write.output import MARKER, SiteStaging
from site_builder.problems import BuildFailed

from conftest import REPO, eject

FIGURES = [
    "linonelayer.gif", "landscape.png", "sigmoid.png", "tanh.png", "ReLU.png", "leaky_ReLU.png",
    "quadratic_1lin1_relu.gif", "quadratic_1lin2_relu_2lin1.gif", "output_relu_multineuron.gif",
    "neurons_2relu.gif", "neurons_20relu.png", "vanishing.png", "dying.png", "two_seeds.png", "extrapolate.png",
    "killing_rate.png",  # a sweep: its other runs are killing_rate.sweep-N.png, shown by the page's controls
]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_example_site_has_every_page_and_figure(example_site: Path) -> None:
    for page in ("index.html", "relu-guide/index.html", "about.html", "404.html", MARKER):
        assert (example_site / page).is_file(), page
    for figure in FIGURES:
        assert (example_site / "relu-guide" / figure).stat().st_size > 1000, figure
    for animation in (f for f in FIGURES if f.endswith(".gif")):
        poster = animation.removesuffix(".gif") + ".poster.png"
        assert (example_site / "relu-guide" / poster).stat().st_size > 1000, poster
    assert (example_site / "static/katex/katex.min.css").is_file()
    assert list((example_site / "static/katex/fonts").glob("*.woff2"))


@pytest.mark.slow
def test_every_formula_is_katex_html_and_no_raw_tex_is_left(example_site: Path) -> None:
    html = (example_site / "relu-guide/index.html").read_text(encoding="utf-8")
    source = (REPO / "content/relu-guide/index.md").read_text(encoding="utf-8")
    formulas = len(re.findall(r"\$\$", source)) // 2 + len(re.findall(r"(?<![\\$])\$(?!\$)", source)) // 2
    assert html.count('class="katex"') >= formulas > 20
    text = re.sub(r"<(script|style|annotation)[^>]*>.*?</\1>|<[^>]+>", "", html, flags=re.S)
    assert "\\frac" not in text and "\\underbrace" not in text and "$$" not in text
    assert "<math" in html  # MathML for screen readers


@pytest.mark.slow
def test_links_are_relative_so_the_site_works_from_disk(example_site: Path) -> None:
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert not url.startswith("/"), f"{page.name}: {url}"
    article = (example_site / "relu-guide/index.html").read_text(encoding="utf-8")
    assert 'href="../static/site.css"' in article  # one bundled stylesheet: katex, highlighting, theme
    assert 'href="../about.html"' in article
    for figure in FIGURES:
        [tag] = [t for t in re.findall(r"<img[^>]+>", article) if f'src="{figure}"' in t]
        assert re.search(r'width="\d+"', tag) and re.search(r'height="\d+"', tag) and 'alt="' in tag, tag
    assert article.count("<figcaption>") == len(FIGURES)
    animations = [f for f in FIGURES if f.endswith(".gif")]
    stills = re.findall(r'<picture><source media="\(prefers-reduced-motion: reduce\), \(scripting: enabled\)" srcset="([^"]+)"><img[^>]+src="([^"]+)"', article)
    assert sorted(stills) == sorted((a.removesuffix(".gif") + ".poster.png", a) for a in animations)


BROKEN = """
---
title: Broken
date: 2026-01-01
figures:
  unused.png: {kind: activation, activation: tanh}
---
Fine $x^2$ and broken $\\frac{1}{$ here.

A [dead link](../nowhere.md) and ![a ghost](ghost.png).
"""


def test_failed_build_reports_everything_and_leaves_the_previous_site(make_project) -> None:
    root = make_project({"content/about.md": "---\ntitle: About\n---\nHello.\n"})
    build(BuildOptions(root=root))
    before = tree(root / "_site")
    (root / "content/broken").mkdir()
    (root / "content/broken/index.md").write_text(BROKEN.lstrip("\n"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    messages = [str(p) for p in failure.value.problems]
    assert [m.split(": ")[0] for m in messages] == ["content/broken/index.md:5", "content/broken/index.md:7", "content/broken/index.md:9", "content/broken/index.md:9"]
    assert messages[0].startswith("content/broken/index.md:5: figure 'unused.png' is declared but never shown")
    assert messages[1].startswith("content/broken/index.md:7: LaTeX error")
    assert "broken image: 'ghost.png'" in messages[2] + messages[3]
    assert "broken link: '../nowhere.md'" in messages[2] + messages[3]
    assert tree(root / "_site") == before


def test_each_page_is_written_before_the_next_body_is_read(make_project, monkeypatch) -> None:
    """Memory holds one page's HTML at a time: the render hands each page to the writer before it takes up the next document."""
    files = {f"content/a{n}/index.md": f"---\ntitle: A{n}\ndate: 2026-01-0{n}\n---\nText $x^{n}$.\n" for n in range(1, 4)}
    root = make_project(files | {"content/about.md": "---\ntitle: About\n---\nHello.\n"})
    events: list[tuple[str, str]] = []
    body_key, put = RenderMemo.body_key, SiteStaging.put  # a body's key is worked out right before the body is fetched or made
    monkeypatch.setattr(RenderMemo, "body_key", lambda self, document, output_path, *rest: events.append(("body", output_path)) or body_key(self, document, output_path, *rest))
    monkeypatch.setattr(SiteStaging, "put", lambda self, path, data: events.append(("put", path)) or put(self, path, data))
    for again in (False, True):  # bodies made, then bodies from the page cache
        if again:  # a template changed: every page is rendered again, no body is
            template = eject(root, "templates/article.html")
            template.write_text(template.read_text(encoding="utf-8") + "{# changed #}\n", encoding="utf-8")
        events.clear()
        build(BuildOptions(root=root))
        documents = [path for kind, path in events if kind == "body"]
        assert sorted(documents) == ["a1/index.html", "a2/index.html", "a3/index.html", "about.html"]
        assert all(events[events.index(("body", path)) + 1] == ("put", path) for path in documents)


def test_a_check_that_fails_after_pages_were_written_leaves_the_previous_site(make_project) -> None:
    root = make_project({"content/about.md": "---\ntitle: About\n---\nHello.\n"})
    build(BuildOptions(root=root))
    before = tree(root / "_site")
    (root / "content/about.md").write_text("---\ntitle: About\n---\nHello again.\n", encoding="utf-8")
    page = eject(root, "templates/page.html")  # a link in the theme: only the check of the finished pages can see it
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", '{% block main %}<a href="nowhere.html">x</a>', 1), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    assert [str(p) for p in failure.value.problems] == ["(output) about.html: 'nowhere.html' points to nowhere.html, which the build does not produce"]
    assert tree(root / "_site") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith("._site.")]


def test_broken_links_and_images_are_reported_with_lines(make_project) -> None:
    root = make_project({"content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA [dead link](../nowhere.md).\n\n![ghost](ghost.png)\n\n[gone](#nowhere)\n"})
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    assert [str(p) for p in failure.value.problems] == [
        "content/a/index.md:5: broken link: '../nowhere.md' points to content/nowhere.md, which does not exist in the site; check the path",
        "content/a/index.md:7: broken image: 'ghost.png' points to content/a/ghost.png, which does not exist in the site; check the path (declare it under 'figures:' or add the file beside the article)",
        "content/a/index.md:9: broken link: '#nowhere' names '#nowhere', which is not a heading or anchor on a/index.html",
    ]


def test_template_error_names_template_and_line(make_project) -> None:
    root = make_project({"content/p.md": "---\ntitle: P\n---\nHi.\n"})
    page = eject(root, "templates/page.html")
    page.write_text(page.read_text().replace("{{ page_title }}", "{{ page_titel }}"))
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    [problem] = failure.value.problems
    assert problem.path == "templates/page.html" and problem.line == 5
    assert "'page_titel' is undefined" in problem.message


def test_cli_builds_and_fails_with_exit_codes(make_project) -> None:
    root = make_project({"content/p.md": "---\ntitle: P\n---\nHi $x$.\n"})
    ok = subprocess.run([sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(root / "out")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("built 4 pages into ")  # page, home, 404, search and ok.stdout.rstrip().endswith("figures: 0 run, 0 cached")
    (root / "content/p.md").write_text("---\ntitle: P\n---\nHi $\\frac{$.\n")
    bad = subprocess.run([sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(root / "out")], capture_output=True, text=True)
    assert bad.returncode == 1
    [error] = [line for line in bad.stderr.splitlines() if line.startswith("error: ")]
    assert error.startswith("error: content/p.md:4: LaTeX error")
    assert "Traceback" not in bad.stderr
    assert bad.stderr.rstrip().endswith("build failed: 1 problem; the previous output was left as it was")


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"]])
def test_help(argv: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder", *argv], capture_output=True, text=True)
    assert result.returncode == 0 and "usage:" in result.stdout


def test_hidden_files_and_folders_under_static_are_never_published(make_project) -> None:
    from site_builder.build import BuildOptions, build

    root = make_project({"content/about.md": "---\ntitle: About\n---\nHello.\n"})
    for hidden in ("static/.DS_Store", "static/.git/config", "static/img/.cache/thumb.png"):
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_text("private\n", encoding="utf-8")
    (root / "static/img/logo.txt").write_text("public\n", encoding="utf-8")
    build(BuildOptions(root=root))
    published = {path.relative_to(root / "_site").as_posix() for path in (root / "_site").rglob("*") if path.is_file()}
    assert "static/img/logo.txt" in published
    assert not [path for path in published if path.startswith("static/") and "/." in path], published
