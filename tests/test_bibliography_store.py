"""The store of parsed bibliographies: the same entries as parsing, and nothing it cannot verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cache_seal import write_sealed
from site_builder.load.bibliography import parse_bibliography
from site_builder.load.bibliography_store import BibliographyStore
from site_builder.problems import BuildFailed

from conftest import REPO

BIB_FILES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*.bib"))


class CountingParse:
    """Counts the calls that reach the parser, so a test can tell a stored entry from a parse."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import site_builder.load.bibliography_store as store

        self.calls = 0
        real = store.parse_bibliography

        def counted(text: str, path: str):  # noqa: ANN202
            self.calls += 1
            return real(text, path)

        monkeypatch.setattr(store, "parse_bibliography", counted)


@pytest.mark.parametrize("source", BIB_FILES)
def test_a_stored_bibliography_is_the_one_parsing_gives(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / source).read_text(encoding="utf-8")
    parses = CountingParse(monkeypatch)
    first = BibliographyStore(tmp_path, "code").parse(text, source)
    again = BibliographyStore(tmp_path, "code").parse(text, source)
    assert parses.calls == 1
    assert again == first == parse_bibliography(text, source)
    assert list(again.entries) == sorted(again.entries)


def test_a_changed_file_path_or_builder_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / BIB_FILES[0]).read_text(encoding="utf-8")
    parses = CountingParse(monkeypatch)
    BibliographyStore(tmp_path, "code").parse(text, "a.bib")
    moved = BibliographyStore(tmp_path, "code").parse(text, "b.bib")
    BibliographyStore(tmp_path, "other code").parse(text, "a.bib")
    BibliographyStore(tmp_path, "code").parse(text + "\n% a comment\n", "a.bib")
    BibliographyStore(tmp_path, "code", read=False).parse(text, "a.bib")  # --force
    assert parses.calls == 5
    assert {entry.path for entry in moved.entries.values()} == {"b.bib"}


@pytest.mark.parametrize("stored", [b"not json", b"{}", b'[{"key": "x"}]', b'[{"key": 1, "authors": [], "editors": []}]'])
def test_an_entry_that_is_not_what_the_store_writes_is_parsed_again(stored: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / BIB_FILES[0]).read_text(encoding="utf-8")
    BibliographyStore(tmp_path, "code").parse(text, "a.bib")
    (entry,) = tmp_path.iterdir()
    write_sealed(entry, "bibliography", stored)  # sealed under our key, so only its shape can give it away
    parses = CountingParse(monkeypatch)
    assert BibliographyStore(tmp_path, "code").parse(text, "a.bib") == parse_bibliography(text, "a.bib")
    assert parses.calls == 1


def test_a_tampered_entry_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / BIB_FILES[0]).read_text(encoding="utf-8")
    BibliographyStore(tmp_path, "code").parse(text, "a.bib")
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes().replace(b'"title": "', b'"title": "Forged '))
    parses = CountingParse(monkeypatch)
    parsed = BibliographyStore(tmp_path, "code").parse(text, "a.bib")
    assert parses.calls == 1
    assert not any(e.title.startswith("Forged") for e in parsed.entries.values())


def test_a_file_with_problems_is_reported_every_time(tmp_path: Path) -> None:
    bad = "@article{x, title = {T}, year = {19}}\n"
    for _ in range(2):
        with pytest.raises(BuildFailed) as failure:
            BibliographyStore(tmp_path, "code").parse(bad, "bad.bib")
        assert {p.line for p in failure.value.problems} == {1}
    assert not any(tmp_path.iterdir())


def test_a_store_that_cannot_be_written_still_parses(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the store's folder would be")
    text = (REPO / BIB_FILES[0]).read_text(encoding="utf-8")
    assert BibliographyStore(blocked, "code").parse(text, "a.bib") == parse_bibliography(text, "a.bib")
