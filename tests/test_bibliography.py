"""Reading .bib files: entries as plain text, names split as BibTeX splits them, every problem with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.build import BuildOptions, build
from site_builder.load.bibliography import Bibliography, Person, clashes, parse_bibliography
from site_builder.problems import BuildFailed

ENTRY = """\
@article{cybenko1989,
  author  = {Cybenko, George},
  title   = {Approximation by superpositions of a sigmoidal function},
  journal = {Mathematics of Control, Signals and Systems},
  year    = {1989}, volume = {2}, number = {4}, pages = {303--314},
  doi     = {https://doi.org/10.1007/BF02551274},
}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        parse_bibliography(text, "refs.bib")
    return [str(p) for p in caught.value.problems]


def test_an_entry_becomes_plain_text_with_its_line() -> None:
    entry = parse_bibliography("% a comment\n\n" + ENTRY, "refs.bib").entries["cybenko1989"]
    assert (entry.kind, entry.title, entry.container, entry.year) == ("article", "Approximation by superpositions of a sigmoidal function", "Mathematics of Control, Signals and Systems", "1989")
    assert (entry.volume, entry.number, entry.pages) == ("2", "4", "303–314")  # "--" is an en dash
    assert entry.doi == "10.1007/BF02551274"  # a resolver prefix is taken off
    assert entry.authors == (Person("George", "Cybenko"),)
    assert (entry.path, entry.line, entry.position) == ("refs.bib", 3, "refs.bib:3")


def test_names_latex_and_macros_as_bibtex_reads_them() -> None:
    text = """\
@string{press = "A Press"}
@book{b,
  author = {M{\\"u}ller, Jean-Paul and van der Berg, Ludwig and {Barnes and Noble} and King, Jr., Martin},
  title = {On {ReLU}s},
  publisher = press # ", Cambridge",
  year = 2000,
}
"""
    entry = parse_bibliography(text, "refs.bib").entries["b"]
    assert entry.authors == (Person("Jean-Paul", "Müller"), Person("Ludwig", "van der Berg"), Person("", "Barnes and Noble"), Person("Martin", "King", "Jr."))
    assert entry.authors[0].initials() == "J.-P."
    assert (entry.title, entry.publisher) == ("On ReLUs", "A Press, Cambridge")


def test_editors_stand_in_for_missing_authors() -> None:
    entry = parse_bibliography("@book{p, editor = {Smith, Ann}, title = {Proceedings}, year = {2001}}", "r.bib").entries["p"]
    assert entry.authors == () and entry.names == (Person("Ann", "Smith"),)


def test_a_syntax_error_names_its_line() -> None:
    assert problems_of(ENTRY + "\n@article{broken,\n  title = {No end},\n  year = {1999}\n") == [
        "refs.bib:12: not valid BibTeX: syntax error: premature end of file",
    ]


def test_a_key_defined_twice_points_at_the_second() -> None:
    assert problems_of(ENTRY + "\n" + ENTRY) == [
        "refs.bib:9: entry 'cybenko1989' is defined twice (first on line 1); rename or remove one",
    ]


def test_every_missing_or_bad_field_is_reported_at_once() -> None:
    text = "@misc{a, title = {Only a title}}\n\n@article{b, author = {X, Y}, title = {T}, year = {89}, doi = {doi.org/10.1/x}}\n"
    assert problems_of(text) == [
        "refs.bib:1: entry 'a': has no author or editor; add author = {Family, Given and Family, Given}",
        "refs.bib:1: entry 'a': has no year; add year = {...}",
        "refs.bib:3: entry 'b': doi must look like 10.1007/BF02551274 (without https://doi.org/), not 'doi.org/10.1/x'",
        "refs.bib:3: entry 'b': year must be four digits, such as year = {1989}, not '89'",
    ]


def test_clashes_between_two_bibliographies() -> None:
    site = parse_bibliography(ENTRY, "references.bib")
    article = parse_bibliography("\n" + ENTRY, "content/a/refs.bib")
    assert [str(p) for p in clashes(site, article)] == [
        "content/a/refs.bib:2: entry 'cybenko1989' is also in references.bib:1; a key may be defined once, so rename or remove one",
    ]
    assert clashes(site, Bibliography()) == []


ARTICLE = "---\ntitle: A\ndate: 2026-01-01\n{front}---\nAs @cybenko1989 showed.\n"


def test_a_site_bibliography_and_an_articles_own_are_both_citable(make_project) -> None:
    root = make_project(
        {
            "references.bib": ENTRY,
            "content/a/index.md": ARTICLE.format(front="bibliography: own.bib\n") + "And [@own2020].\n",
            "content/a/own.bib": "@misc{own2020, author = {Own, Ann}, title = {Own}, year = {2020}}\n",
        },
        site_toml='title = "T"\nbibliography = "references.bib"\n',
    )
    build(BuildOptions(root=root, out=root / "out"))
    page = (root / "out/a/index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "As Cybenko (1989) showed." in text and "And (Own 2020)." in text
    assert 'id="ref-cybenko1989"' in page and 'id="ref-own2020"' in page
    assert (root / "out/a/own.bib").is_file()  # published beside the article, like its other files


def test_editing_the_site_bibliography_is_not_a_no_op(make_project) -> None:
    root = make_project({"references.bib": ENTRY, "content/a/index.md": ARTICLE.format(front="")}, site_toml='title = "T"\nbibliography = "references.bib"\n')
    build(BuildOptions(root=root, out=root / "out"))
    (root / "references.bib").write_text(ENTRY.replace("Cybenko, George", "Cybenko, G. and Other, A."), encoding="utf-8")
    build(BuildOptions(root=root, out=root / "out"))
    assert "Cybenko and Other (1989)" in re.sub(r"<[^>]+>", "", (root / "out/a/index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("files", "site_toml", "expected"),
    [
        ({}, 'bibliography = "missing.bib"\n', ["missing.bib: bibliography file not found; create it or correct the path"]),
        ({"refs.bib": ENTRY}, 'bibliography = "../refs.bib"\n', ["site.toml:1: 'bibliography' must be a .bib file inside the project, such as 'references.bib', not '../refs.bib'"]),
        (
            {"references.bib": ENTRY, "content/a/own.bib": ENTRY},
            'bibliography = "references.bib"\n',
            ["content/a/own.bib:1: entry 'cybenko1989' is also in references.bib:1; a key may be defined once, so rename or remove one"],
        ),
    ],
    ids=["missing file", "outside the project", "key in both"],
)
def test_bibliography_problems(make_project, files: dict[str, str], site_toml: str, expected: list[str]) -> None:
    front = "bibliography: own.bib\n" if "content/a/own.bib" in files else ""
    root = make_project({**files, "content/a/index.md": ARTICLE.format(front=front)}, site_toml=site_toml)
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, out=root / "out"))
    assert [str(p) for p in caught.value.problems] == expected


def test_front_matter_bibliography_must_be_a_bib_file_beside_the_article(make_project) -> None:
    root = make_project({"content/a/index.md": ARTICLE.format(front="bibliography: refs.bib\n")})
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, out=root / "out"))
    assert [str(p) for p in caught.value.problems] == [
        "content/a/index.md:4: 'bibliography' must name a .bib file beside the article, such as 'references.bib', not 'refs.bib'",
    ]


def test_an_error_in_an_articles_bib_file_points_into_it(make_project, tmp_path: Path) -> None:
    root = make_project({"content/a/index.md": ARTICLE.format(front="bibliography: refs.bib\n"), "content/a/refs.bib": "@misc{x, title = {T}, year = {2000}}\n"})
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, out=root / "out"))
    assert [str(p) for p in caught.value.problems] == [
        "content/a/refs.bib:1: entry 'x': has no author or editor; add author = {Family, Given and Family, Given}",
    ]


def test_a_references_bib_beside_the_article_is_read_without_a_front_matter_entry(make_project) -> None:
    root = make_project({"content/a/index.md": ARTICLE.format(front=""), "content/a/references.bib": ENTRY})
    build(BuildOptions(root=root, out=root / "out"))
    page = (root / "out/a/index.html").read_text(encoding="utf-8")
    assert "As Cybenko (1989) showed." in re.sub(r"<[^>]+>", "", page)
    assert 'id="ref-cybenko1989"' in page


def test_an_empty_bibliography_entry_opts_out_of_references_bib(make_project) -> None:
    root = make_project({"content/a/index.md": ARTICLE.format(front='bibliography: ""\n'), "content/a/references.bib": ENTRY})
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, out=root / "out"))
    assert [str(p) for p in caught.value.problems] == [
        "content/a/index.md:6: '@cybenko1989' cites 'cybenko1989', but this page has no bibliography; set 'bibliography' in site.toml or the front matter, or write \\@ for a literal @",
    ]


def test_a_key_in_the_site_file_and_a_discovered_references_bib_is_an_error(make_project) -> None:
    root = make_project(
        {"references.bib": ENTRY, "content/a/index.md": ARTICLE.format(front=""), "content/a/references.bib": "% ours\n\n" + ENTRY},
        site_toml='title = "T"\nbibliography = "references.bib"\n',
    )
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, out=root / "out"))
    assert [str(p) for p in caught.value.problems] == [
        "content/a/references.bib:3: entry 'cybenko1989' is also in references.bib:1; a key may be defined once, so rename or remove one",
    ]


def test_the_site_file_named_beside_an_article_is_not_a_clash_with_itself(make_project) -> None:
    root = make_project(
        {"content/a/index.md": ARTICLE.format(front=""), "content/a/references.bib": ENTRY},
        site_toml='title = "T"\nbibliography = "content/a/references.bib"\n',
    )
    build(BuildOptions(root=root, out=root / "out"))
    assert 'id="ref-cybenko1989"' in (root / "out/a/index.html").read_text(encoding="utf-8")
