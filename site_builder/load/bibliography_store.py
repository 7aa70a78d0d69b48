"""Parsed bibliographies kept between builds, by the hash of the file's text.

Turning a .bib file into entries is the slowest part of loading a site that
cites: pybtex parses the file, then every value's LaTeX is decoded to text,
about 20 ms for ten entries, so on a site of two hundred articles each build
spent four seconds there before the first page was looked at. A file whose
text (and path, which every entry records) has not changed parses to the same
entries, so the store keeps them as JSON, sealed like every other cache entry
(see :mod:`site_builder.cache_seal`): an entry that fails its seal, or does not
decode to well-formed entries, counts as absent and the file is parsed again.

Only files that parse without problems are kept: a file with problems is
reported on every build until it is fixed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.load.bibliography import BibEntry, Bibliography, Person, parse_bibliography

_KIND = "bibliography"


class BibliographyStore:
    """:func:`parse_bibliography` in front of a folder of parsed files (``None`` as folder: keep nothing).

    ``code`` names the builder (:func:`~site_builder.write.freshness.builder_digest`, which
    covers pybtex's and latexcodec's versions): entries another builder stored are not used.
    ``read=False`` parses every file again (``--force``) and stores the result.
    """

    def __init__(self, folder: Path | None, code: str = "", *, read: bool = True) -> None:
        self._folder, self._code, self._read = folder, code, read

    def parse(self, text: str, path: str) -> Bibliography:
        """The entries of the .bib ``text`` read from ``path``; raises :class:`BuildFailed` as parse_bibliography does."""
        if self._folder is None:
            return parse_bibliography(text, path)
        entry = self._folder / _entry_name(text, path, self._code)
        stored = read_sealed(entry, _KIND) if self._read else None
        if stored is not None:
            known = _from_json(stored)
            if known is not None:
                return known
        parsed = parse_bibliography(text, path)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_sealed(entry, _KIND, _to_json(parsed))
        except OSError:
            pass  # a store that cannot be written costs time on the next build, never this one
        return parsed


def _entry_name(text: str, path: str, code: str) -> str:
    """The file's name in the store: what decides the parse (the text, its path, the builder and its libraries)."""
    return hashlib.sha256(f"{code}\0{path}\0{text}".encode("utf-8")).hexdigest() + ".json"


def _to_json(bibliography: Bibliography) -> bytes:
    entries = []
    for entry in bibliography.entries.values():
        fields = {name: getattr(entry, name) for name in BibEntry.__dataclass_fields__}
        fields["authors"] = [[p.given, p.family, p.suffix] for p in entry.authors]
        fields["editors"] = [[p.given, p.family, p.suffix] for p in entry.editors]
        entries.append(fields)
    return json.dumps(entries, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _from_json(data: bytes) -> Bibliography | None:
    """The stored entries, or ``None`` when ``data`` is not what :func:`_to_json` writes."""
    try:
        stored = json.loads(data)
        if not isinstance(stored, list):
            return None
        entries = {}
        for fields in stored:
            people = {role: tuple(Person(*map(str, person)) for person in fields.pop(role)) for role in ("authors", "editors")}
            if not all(isinstance(value, str if name != "line" else int) for name, value in fields.items()):
                return None
            entry = BibEntry(**fields, **people)
            entries[entry.key] = entry
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return Bibliography(dict(sorted(entries.items())))
