"""The search index: sections and words from the rendered pages, the same bytes every build, and the
same words in Python and in static/search.js."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from site_builder.build import BuildOptions, build
from site_builder.render.search import GLOBAL_NAME, SearchDocument, search_index, sections, words

from conftest import REPO

pytestmark = pytest.mark.slow

TRICKY = "Café NAÏVE x² ReLU's W_1, σ-函数 ½ ﬁne e\u0301 Ǆ İ ß 3.14"


def load(index_js: bytes) -> dict:
    prefix = f"window.{GLOBAL_NAME} = ".encode()
    assert index_js.startswith(prefix) and index_js.endswith(b";\n")
    return json.loads(index_js[len(prefix) : -2])


def test_words_fold_case_and_accents() -> None:
    assert words("Leaky ReLU's x² café, W_1") == ["leaky", "relu", "s", "x2", "cafe", "w", "1"]


def whole_text_words(text: str) -> list[str]:
    """The definition :func:`words` follows, applied to the whole text at once (its chunks are an optimisation)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return re.findall(r"[^\W_]+", bare.lower())


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=60) | st.sampled_from([TRICKY, "a\u00a8b \u0301x ΑΣ ΑΣ. İx"]))
def test_words_taken_chunk_by_chunk_are_the_words_of_the_whole_text(text: str) -> None:
    assert words(text) == whole_text_words(text)


def test_python_and_javascript_split_words_alike() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (it renders the math too)")
    source = (REPO / "static" / "search.js").read_text(encoding="utf-8")
    start = source.index("  function words(text)")
    function = source[start : source.index("\n  }\n", start) + 4]
    script = function + "\nprocess.stdout.write(JSON.stringify(words(process.argv[1])));\n"
    result = subprocess.run([node, "-e", script, TRICKY], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == words(TRICKY)


def test_sections_split_at_headings_and_leave_out_what_readers_do_not_see() -> None:
    html = (
        '<p>Intro <em>text</em>.</p>\n<h2 id="one">One<a class="headerlink" href="#one">#</a></h2>\n'
        '<p>First <span class="katex"><span class="katex-mathml"><math><semantics><mi>x</mi><annotation>\\x</annotation></semantics></math></span>'
        '<span class="katex-html" aria-hidden="true">x</span></span> here.</p>\n'
        '<div class="math-display">display formula</div>\n<h3 id="two">Two</h3><p>Second<sup aria-hidden="true">1</sup>.</p>'
    )
    assert [(s.anchor, s.heading, s.text) for s in sections("Title", html)] == [
        ("", "Title", "Intro text."),
        ("one", "One", "First x here."),
        ("two", "Two", "Second."),
    ]


def test_index_shape_and_postings() -> None:
    index = load(search_index([SearchDocument("A page", "a.html", "Sum.", "<p>relu relu sigmoid</p><h2 id='s'>S</h2><p>sigmoid</p>")]))
    assert index["pages"] == [["A page", "a.html", "Sum."]]
    assert index["sections"] == [[0, "", "A page", "relu relu sigmoid"], [0, "s", "S", "sigmoid"]]
    assert index["lengths"] == [3, 1]
    assert index["terms"] == {"relu": [0, 2], "sigmoid": [0, 1, 1, 1]}


def test_a_closing_script_tag_in_the_text_cannot_end_the_script() -> None:
    data = search_index([SearchDocument("T", "t.html", "", "<p>&lt;/script&gt;&lt;script&gt;alert(1)</p>")])
    assert b"</script" not in data
    assert load(data)["sections"][0][3] == "</script><script>alert(1)"


def test_the_example_sites_index(example_site: Path) -> None:
    data = (example_site / "search-index.js").read_bytes()
    index = load(data)
    urls = [page[1] for page in index["pages"]]
    articles = sorted(Path(example_site).glob("*/index.html"))
    assert "relu-guide/index.html" in urls and urls[-1] == "about.html"
    assert len(urls) == len(articles) + 1  # every article (newest first, as content loads them), then every page
    anchors = {row[1] for row in index["sections"] if row[0] == urls.index("relu-guide/index.html")}
    assert {"", "activation-functions", "sigmoid", "leaky-relu"} <= anchors
    assert "relu" in index["terms"] and "hinge" in index["terms"]
    # small enough to load on a phone: a budget per article, so the course can grow (three articles: 68 KB, 23 KB gzipped)
    assert len(data) < 25_000 * len(articles) and len(gzip.compress(data)) < 8_000 * len(articles)
    html = (example_site / "search.html").read_text(encoding="utf-8")
    assert '<script defer src="search-index.js"></script>' in html and '<script defer src="static/search.js"></script>' in html


def test_two_builds_write_the_same_index_and_search_false_writes_none(make_project) -> None:
    files = {"content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\n## B\n\nText.\n", "content/p.md": "---\ntitle: P\n---\nPage.\n"}
    root = make_project(files)
    build(BuildOptions(root=root, out=root / "one"))
    build(BuildOptions(root=root, out=root / "two", force=True))
    assert (root / "one/search-index.js").read_bytes() == (root / "two/search-index.js").read_bytes()
    assert 'action="../search.html"' in (root / "one/a/index.html").read_text(encoding="utf-8")  # the header's search box
    (root / "site.toml").write_text('title = "T"\nsearch = false\n', encoding="utf-8")
    build(BuildOptions(root=root, out=root / "three"))
    assert not (root / "three/search-index.js").exists() and not (root / "three/search.html").exists()
    assert "search.html" not in (root / "three/a/index.html").read_text(encoding="utf-8")
