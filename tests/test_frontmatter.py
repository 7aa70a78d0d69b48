"""Front matter: YAML split from the body, with the line of every key."""

import pytest

from site_builder.load import frontmatter
from site_builder.load.frontmatter import parse_document

from conftest import REPO
from site_builder.problems import BuildFailed

DOC = """---
title: Hello
figures:
  a.png:
    kind: activation
    activation: relu
---
Body line one.
"""


def test_splits_meta_and_body_and_knows_where_the_body_starts() -> None:
    document = parse_document(DOC, "content/x/index.md")
    assert document.meta["title"] == "Hello"
    assert document.body == "Body line one.\n"
    assert document.body_line == 8


def test_knows_the_line_of_nested_keys_and_falls_back_to_the_parent() -> None:
    document = parse_document(DOC, "x.md")
    assert document.line_of("figures", "a.png", "activation") == 6
    assert document.line_of("figures", "a.png", "no-such-key") == 4
    assert document.line_of("title") == 2


def test_no_front_matter_means_empty_meta() -> None:
    document = parse_document("# Just text\n", "x.md")
    assert document.meta == {} and document.body_line == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: [unclosed\n---\n", "x.md:3: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("---\n- a\n- b\n---\n", "x.md:2: front matter must be a mapping of keys to values, such as 'title: My article'"),
        ("---\ntitle: x\n", "x.md:1: front matter starts with '---' but never ends; close it with a '---' line"),
        ("---\ntitle: a\n  bad: indent\n---\n", "x.md:3: front matter is not valid YAML: mapping values are not allowed here"),
    ],
)
def test_bad_front_matter_is_a_positioned_problem(text: str, expected: str) -> None:
    with pytest.raises(BuildFailed) as failure:
        parse_document(text, "x.md")
    assert [str(p) for p in failure.value.problems] == [expected]


# --- never crashes ------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

YAML_PIECES = [
    "---\n", "...\n", "\n", "  ", "- ", ": ", "title", "date", "figures", "a.png", "kind", "x", "1", "-1", "0.5",
    "2026-02-30", "2026-01-31", "2026-13-01T25:00:00", "[", "]", "{", "}", ",", "'", '"', "\\ud800", "\\x07",
    "&a ", "*a", "*b", "<<: ", "? ", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "!!set ", "!!omap ",
    "!!python/object:os.system ", "#", "|\n", ">\n", "\t", "\ufeff", "\x00", "\x07", "é", "%YAML 1.1\n",
]
FRONT_MATTER = st.lists(st.sampled_from(YAML_PIECES), max_size=40).map(lambda pieces: "---\n" + "".join(pieces) + "\n---\nBody.\n")


@settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(FRONT_MATTER, st.text(max_size=80), st.text(max_size=60).map(lambda t: f"---\n{t}\n---\n")))
def test_any_text_is_a_document_or_positioned_problems(text: str) -> None:
    try:
        document = parse_document(text, "x.md")
    except BuildFailed as failure:
        assert failure.problems
        lines = text.count("\n") + 1
        for problem in failure.problems:
            assert problem.path == "x.md" and problem.message
            assert problem.line is not None and 1 <= problem.line <= lines, problem
    else:
        assert isinstance(document.meta, dict)
        assert 1 <= document.body_line <= text.count("\n") + 2
        for keys in document.key_lines:
            assert document.line_of(*keys) >= 1


@pytest.mark.parametrize("source", sorted(p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*.md")))
def test_libyaml_reads_front_matter_as_pyyaml_does(source: str) -> None:
    """The fast loader (libyaml) is only a faster way to the same values and key lines as PyYAML's own parser."""
    if frontmatter._FastLoader is frontmatter._Loader:
        pytest.skip("this PyYAML was built without libyaml: there is one loader")
    text = (REPO / source).read_text(encoding="utf-8")
    front = text.split("---\n", 2)[1]
    fast = frontmatter._load_yaml_with(frontmatter._FastLoader, front, source, 2)
    assert fast == frontmatter._load_yaml_with(frontmatter._Loader, front, source, 2)
    assert fast[1]  # it has keys, with their lines
