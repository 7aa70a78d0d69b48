"""The search index: the sections of the rendered pages, the same bytes every build; and the words and
inverted index static/search.js makes of it in the reader's browser, held to a Python definition."""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from site_builder.build import BuildOptions, build
from site_builder.render.search import GLOBAL_NAME, SearchDocument, Section, search_index, sections

from conftest import REPO

pytestmark = pytest.mark.slow

TRICKY = "Café NAÏVE x² ReLU's W_1, σ-函数 ½ ﬁne e\u0301 Ǆ İ ß 3.14"


def load(index_js: bytes) -> dict:
    prefix = f"window.{GLOBAL_NAME} = ".encode()
    assert index_js.startswith(prefix) and index_js.endswith(b";\n")
    return json.loads(index_js[len(prefix) : -2])


def reference_words(text: str) -> list[str]:
    """The words search matches on, by definition: accents removed, lower case, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return re.findall(r"[^\W_]+", bare.lower())


def reference_word_index(rows: list[list]) -> dict:
    """What ``wordIndex`` in search.js must make of the index's sections: postings per word, sections ascending, and lengths."""
    postings: dict[str, list[int]] = {}
    lengths = []
    for number, row in enumerate(rows):
        found = reference_words(row[3])
        lengths.append(len(found))
        for word, count in Counter(found).items():
            postings.setdefault(word, []).extend((number, count))
    return {"terms": dict(sorted(postings.items())), "lengths": lengths}


def search_js(expression: str, data: object) -> object:
    """``expression`` evaluated by Node with ``search`` bound to static/search.js and ``data`` to the JSON given."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (it renders the math too)")
    script = (f"const search = require({json.dumps(str(REPO / 'static' / 'search.js'))});\n"
              "const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
              f"process.stdout.write(JSON.stringify({expression}));\n")
    result = subprocess.run([node, "-e", script], input=json.dumps(data), capture_output=True, text=True, check=True, encoding="utf-8")
    return json.loads(result.stdout)


def js_word_index(rows: list[list]) -> dict:
    """search.js's ``wordIndex`` of ``rows``, as the same plain dict :func:`reference_word_index` gives."""
    expression = "((i) => ({terms: Object.fromEntries(i.terms.map((t) => [t, i.postings.get(t)])), lengths: i.lengths}))(search.wordIndex(data))"
    return search_js(expression, rows)


def test_words_fold_case_and_accents() -> None:
    assert search_js("search.words(data)", "Leaky ReLU's x² café, W_1") == ["leaky", "relu", "s", "x2", "cafe", "w", "1"]


# Letters, digits, marks and punctuation from scripts old enough that Python's and Node's Unicode tables agree on them.
_ALPHABET = ("abcxyzABCXYZ0123456789 _-'.,;:!?/\t\n\u00a0²³½ﬁﬀǄǅǆİıßẞÀÉÎÕÜçñøæœ\u0300\u0301\u0308\u0327"
             "ΑΒΓΣσςάέΐЖжЁё函数学习アイ한국٣٤۵१२")


def test_javascript_splits_words_as_the_definition_says() -> None:
    chance = random.Random(20261202)
    texts = [TRICKY, "a\u00a8b \u0301x ΑΣ ΑΣ. İx"] + ["".join(chance.choices(_ALPHABET, k=chance.randint(0, 40))) for _ in range(400)]
    assert search_js("data.map(search.words)", texts) == [reference_words(text) for text in texts]


def test_javascript_builds_the_inverted_index_the_definition_gives() -> None:
    rows = [[0, "", "A page", "relu relu sigmoid"], [0, "s", "S", "sigmoid"], [1, "", "B", ""], [1, "t", "T", "Sigmoïd constructor __proto__"]]
    assert js_word_index(rows) == reference_word_index(rows)
    assert js_word_index(rows[:2]) == {"terms": {"relu": [0, 2], "sigmoid": [0, 1, 1, 1]}, "lengths": [3, 1]}


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
    index = load(search_index([SearchDocument("A page", "a.html", "Sum.", sections("A page", "<p>relu relu sigmoid</p><h2 id='s'>S</h2><p>sigmoid</p>"))]))
    assert index["pages"] == [["A page", "a.html", "Sum."]]
    assert index["sections"] == [[0, "", "A page", "relu relu sigmoid"], [0, "s", "S", "sigmoid"]]
    assert set(index) == {"pages", "sections"}  # the words are the reader's browser's to work out


def test_pages_encoded_one_by_one_make_one_index_in_page_order() -> None:
    documents = [SearchDocument("Ä", "a.html", "Über </b>", [Section("", "Ä", "x ü"), Section("h", "H", "y")]),
                 SearchDocument("B", "b.html", "", []),  # a page with no text still has its place in "pages"
                 SearchDocument("C", "c.html", "", [Section("", "C", "z")])]
    index = load(search_index(documents))
    assert index == {"pages": [["Ä", "a.html", "Über </b>"], ["B", "b.html", ""], ["C", "c.html", ""]],
                     "sections": [[0, "", "Ä", "x ü"], [0, "h", "H", "y"], [2, "", "C", "z"]]}
    assert b"</" not in search_index(documents)
    assert load(search_index([SearchDocument("B", "b.html", "", [])])) == {"pages": [["B", "b.html", ""]], "sections": []}
    assert load(search_index([])) == {"pages": [], "sections": []}


def test_a_closing_script_tag_in_the_text_cannot_end_the_script() -> None:
    data = search_index([SearchDocument("T", "t.html", "", sections("T", "<p>&lt;/script&gt;&lt;script&gt;alert(1)</p>"))])
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
    words = js_word_index(index["sections"])
    assert words == reference_word_index(index["sections"])
    assert "relu" in words["terms"] and "hinge" in words["terms"]
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
