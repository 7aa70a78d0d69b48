"""Incremental builds make exactly what a clean build makes: random edit sequences, compared byte for byte.

A project with a few articles (math, tags, links with fragments, an image
beside one of them) is built after each edit twice: incrementally, with the cache
and the output of every earlier build, and clean, into a new folder with an
empty cache. The two outputs must be the same files with the same bytes. Edits
touch an article's text, its title, its tags, a template, the settings, add
or remove an article, or change a page of the incremental output by hand.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from site_builder.build import BuildOptions, build

from conftest import REPO

EDITS = ("text", "title", "tags", "template", "config", "add", "remove", "by hand")
WORDS = ("gradient", "neuron", "layer", "weight", "bias")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def article(title: str, tags: list[str], words: str, other: str | None) -> str:
    link = f"See [the other one](../{other}/index.md#a-heading)." if other else "No other article yet."
    return (f"---\ntitle: {title}\ndate: 2026-01-0{len(title) % 9 + 1}\nsummary: About {title.lower()}.\ntags: [{', '.join(tags)}]\n---\n\n"
            f"Some text with $x^2 + {len(words)}$ and {words}.\n\n## A heading\n\n{link}\n\n![A small square.](dot.png \"A dot.\")\n")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def make_project(root: Path) -> None:
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "site.toml").write_text('title = "Incremental"\nsearch = true\nbase_url = "https://example.org/x/"\n', encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "about.md").write_text("---\ntitle: About\n---\n\nAbout $\\alpha$ and [an article](a0/index.md#a-heading).\n", encoding="utf-8")
    for slug in ("a0", "a1"):
        write_article(root, slug, f"Title {slug}", ["one"], "some words", "a0" if slug != "a0" else None)


def write_article(root: Path, slug: str, title: str, tags: list[str], words: str, other: str | None) -> None:
    folder = root / "content" / slug
    folder.mkdir(exist_ok=True)
    (folder / "dot.png").write_bytes(png())
    (folder / "index.md").write_text(article(title, tags, words, other), encoding="utf-8")


def apply(root: Path, edit: str, number: int) -> None:
    slugs = sorted(p.name for p in (root / "content").iterdir() if p.is_dir())
    slug = slugs[number % len(slugs)]
    page = root / "content" / slug / "index.md"
    if edit == "text":
        page.write_text(page.read_text(encoding="utf-8").replace("and ", f"and {WORDS[number % len(WORDS)]} ", 1), encoding="utf-8")
    elif edit == "title":
        page.write_text(page.read_text(encoding="utf-8").replace("title: ", f"title: New{number} ", 1), encoding="utf-8")
    elif edit == "tags":
        page.write_text(page.read_text(encoding="utf-8").replace("tags: [", f"tags: [t{number % 3}, ", 1), encoding="utf-8")
    elif edit == "template":
        template = root / "templates" / "article.html"
        template.write_text(template.read_text(encoding="utf-8").replace("<article", f"<p>Edition {number}.</p><article", 1), encoding="utf-8")
    elif edit == "config":
        (root / "site.toml").write_text(f'title = "Incremental {number}"\nsearch = true\nbase_url = "https://example.org/x/"\n', encoding="utf-8")
    elif edit == "add":
        write_article(root, f"b{number}", f"Added {number}", ["one", "two"], "added words", slugs[0])
    elif edit == "by hand":  # an author edits a page of the output (root's sibling out/): the next build must make it again
        built = sorted((root.parent / "out").rglob("*.html"))
        page = built[number % len(built)]
        data = page.read_bytes()
        page.write_bytes(data + b"<!-- mine -->" if number % 2 else data.replace(b"<html", b"<HTML", 1))  # a new size, or the same
    elif edit == "remove" and len(slugs) > 1:
        removed = slugs[-1]
        linked = [s for s in slugs if s != removed and f"../{removed}/" in (root / "content" / s / "index.md").read_text(encoding="utf-8")]
        if not linked and removed != "a0":  # about.md links to a0; a removal must leave a site that builds
            shutil.rmtree(root / "content" / removed)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 20)), min_size=1, max_size=4))
def test_incremental_output_equals_a_clean_build_after_random_edits(edits: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "project", Path(tmp) / "out"
        make_project(root)
        build(BuildOptions(root=root, out=out))
        for step, (edit, number) in enumerate(edits):
            apply(root, edit, number)
            build(BuildOptions(root=root, out=out))
            clean = Path(tmp) / f"clean-{step}"
            build(BuildOptions(root=root, out=clean, cache_dir=Path(tmp) / f"cache-{step}"))
            incremental, expected = tree(out), tree(clean)
            assert sorted(incremental) == sorted(expected), (edits[: step + 1], set(incremental) ^ set(expected))
            assert [path for path in expected if incremental[path] != expected[path]] == [], edits[: step + 1]


@pytest.mark.slow
def test_an_edit_to_one_article_rewrites_only_the_pages_that_show_it(tmp_path: Path) -> None:
    root, out = tmp_path / "project", tmp_path / "out"
    make_project(root)
    build(BuildOptions(root=root, out=out))
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    apply(root, "text", 1)  # a1's text: not its title or summary
    build(BuildOptions(root=root, out=out))
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert sorted(path for path in after if before.get(path) != after[path]) == [".site-builder", "a1/index.html", "search-index.js"]


def test_only_the_pages_whose_context_changed_go_through_their_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page made from the same context and templates as the previous site's is linked from it, not rendered;
    a previous page changed by hand is rendered again, and a template change renders every page."""
    from site_builder.render import pages
    from site_builder.render.templating import render_template

    root, out = tmp_path / "project", tmp_path / "out"
    make_project(root)
    build(BuildOptions(root=root, out=out))
    rendered: list[str] = []
    monkeypatch.setattr(pages, "render_template", lambda env, name, context: rendered.append(str(context["output_path"])) or render_template(env, name, context))
    apply(root, "text", 1)  # a1's words: not its title, summary or reading time, which the listings show
    build(BuildOptions(root=root, out=out))
    assert rendered == ["a1/index.html"]
    rendered.clear()
    (out / "a0/index.html").write_bytes((out / "a0/index.html").read_bytes().replace(b"</body>", b"<p>mine</p></body>"))
    apply(root, "title", 2)  # a0's title: its page, the listings and a1 (its previous/next link) show it
    build(BuildOptions(root=root, out=out))
    assert sorted(rendered) == ["a0/index.html", "a1/index.html", "index.html", "tags/one.html"]
    assert b"mine" not in (out / "a0/index.html").read_bytes()
    rendered.clear()
    (out / "about.html").write_bytes((out / "about.html").read_bytes().replace(b"<html", b"<HTML", 1))  # by hand, the same size
    build(BuildOptions(root=root, out=out))  # nothing else changed: only the page that is no longer what was made
    assert rendered == ["about.html"] and b"<HTML" not in (out / "about.html").read_bytes()
    rendered.clear()
    apply(root, "template", 3)
    build(BuildOptions(root=root, out=out))
    assert sorted(rendered) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    monkeypatch.undo()
    build(BuildOptions(root=root, out=tmp_path / "clean", force=True))
    assert tree(out) == tree(tmp_path / "clean")


@pytest.mark.parametrize("damage", ["garbage", "unsealed", "another folder's"])
def test_a_damaged_or_planted_site_record_renders_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    from site_builder.cache_seal import read_sealed
    from site_builder.render import pages
    from site_builder.render.templating import render_template
    from site_builder.write.site_record import SEAL_KIND, SiteRecord

    root, out = tmp_path / "project", tmp_path / "out"
    make_project(root)
    build(BuildOptions(root=root, out=out))
    build(BuildOptions(root=root, out=tmp_path / "other"))
    ours, other = SiteRecord(root / ".site-cache", out).path, SiteRecord(root / ".site-cache", tmp_path / "other").path
    assert sorted((root / ".site-cache/sites").iterdir()) == sorted([ours, other])  # one record per output folder
    if damage == "garbage":
        ours.write_bytes(b"\x00not a record")
    elif damage == "unsealed":  # the right JSON, without our seal: planted
        ours.write_bytes(read_sealed(ours, SEAL_KIND))
    else:  # a record sealed for another folder's name
        ours.write_bytes(other.read_bytes())
    rendered: list[str] = []
    monkeypatch.setattr(pages, "render_template", lambda env, name, context: rendered.append(str(context["output_path"])) or render_template(env, name, context))
    apply(root, "text", 1)
    build(BuildOptions(root=root, out=out))
    assert sorted(rendered) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    monkeypatch.undo()
    build(BuildOptions(root=root, out=tmp_path / "clean", force=True))
    assert tree(out) == tree(tmp_path / "clean")


def test_an_edit_to_one_article_counts_only_that_articles_reading_time_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every listing shows every article's reading time; the counts of unchanged articles come from the page cache."""
    from site_builder.render import pages
    from site_builder.render.reading_time import count_reading

    root, out = tmp_path / "project", tmp_path / "out"
    make_project(root)
    build(BuildOptions(root=root, out=out))
    counted: list[str] = []
    monkeypatch.setattr(pages, "count_reading", lambda html: counted.append(html) or count_reading(html))
    apply(root, "text", 1)
    build(BuildOptions(root=root, out=out))
    assert len(counted) == 1 and "neuron" in counted[0]  # a1's new words, and nothing else
    counted.clear()
    build(BuildOptions(root=root, out=out, force=True))
    assert len(counted) == 2  # the cache ignored: every article counted again


def test_an_edit_to_one_article_cuts_only_that_page_into_search_sections_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is rebuilt from every page's sections; those of unchanged pages come from the page cache."""
    from site_builder.render import pages
    from site_builder.render.search import sections

    root, out = tmp_path / "project", tmp_path / "out"
    make_project(root)
    build(BuildOptions(root=root, out=out))
    clean_index = (out / "search-index.js").read_bytes()
    cut: list[str] = []
    monkeypatch.setattr(pages, "sections", lambda title, html: cut.append(html) or sections(title, html))
    build(BuildOptions(root=root, out=out, force=True))  # the cache ignored: every page cut again, the same index
    assert len(cut) == 3 and (out / "search-index.js").read_bytes() == clean_index
    cut.clear()
    apply(root, "text", 1)
    build(BuildOptions(root=root, out=out))
    assert len(cut) == 1 and "neuron" in cut[0]
    monkeypatch.undo()
    build(BuildOptions(root=root, out=tmp_path / "clean", force=True))
    assert (out / "search-index.js").read_bytes() == (tmp_path / "clean" / "search-index.js").read_bytes()


@pytest.mark.slow
def test_a_damaged_page_cache_entry_is_made_again(tmp_path: Path) -> None:
    root, out = tmp_path / "project", tmp_path / "out"
    make_project(root)
    build(BuildOptions(root=root, out=out))
    expected = tree(out)
    damaged = 0
    for entry in (root / ".site-cache" / "pages").rglob("*.*"):  # JSON entries and the bodies' HTML beside them
        data = entry.read_bytes()
        damaged += entry.suffix == ".txt" and b"words" in data
        entry.write_bytes(data.replace(b"words", b"WORDS"))
    assert damaged  # the HTML entries were among those damaged
    (root / "content" / "a0" / "index.md").write_text((root / "content" / "a0" / "index.md").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(BuildOptions(root=root, out=out))
    assert tree(out) == expected


class RenderLines:
    """A progress reporter that keeps what each stage said when it finished."""

    def __init__(self) -> None:
        self.finished: dict[str, str] = {}

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str) -> None:
        pass

    def finish(self, stage: str, detail: str = "") -> None:
        self.finished[stage] = detail


def test_formulas_of_bodies_the_page_cache_served_stay_in_the_math_cache(make_project) -> None:
    """An edit renders one body; the formulas of the others must not be forgotten, or their next edit sends them to KaTeX."""
    root = make_project({"content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\nAbout $\\alpha_a$ here.\n",
                         "content/b/index.md": "---\ntitle: B\ndate: 2026-01-02\n---\nAbout $\\beta_b$ here.\n"})
    said = RenderLines()
    build(BuildOptions(root=root, progress=said))
    assert said.finished["render"].startswith("2 new formulas")
    for slug in ("a", "b"):  # a's edit keeps b's formula; b's edit then finds it
        page = root / "content" / slug / "index.md"
        page.write_text(page.read_text(encoding="utf-8").replace("here", "right here"), encoding="utf-8")
        build(BuildOptions(root=root, progress=said))
        assert said.finished["render"].startswith("0 new formulas"), (slug, said.finished["render"])
