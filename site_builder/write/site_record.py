"""What each page of the site last written to an output folder was made from: one file, read and written once a build.

A build names every page by its inputs (:meth:`~site_builder.render.reuse.RenderMemo.page_key`).
When the next build of the same output folder finds a page under the same
name, and the previous site's file still has the recorded size and SHA-256
(:meth:`~site_builder.write.output.SiteStaging.keep` checks), the page need
not be rendered; its recorded facts (links, ids, math) feed the checks.

The record of an output folder is ``.site-cache/sites/<hash of its path>.json``,
sealed like every cache file (:mod:`site_builder.cache_seal`): a damaged,
planted or renamed record counts as absent, and every page is rendered. It
maps each output path to ``[name, digest, size, facts]``. One file rather than
one entry per page: at 1,000 pages, reading and writing 1,000 small sealed
files cost a second of every build. It is written only after the new site is
in place, so it always describes a site that was swapped in; a build that fails
leaves the previous record, which still describes the previous site.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.cache_seal import read_sealed, write_sealed

SEAL_KIND = "site-record"
FOLDER = "sites"


@dataclass(frozen=True)
class RecordedPage:
    """A page as the build that wrote it recorded it."""

    name: str  # the hash of its inputs
    digest: str  # SHA-256 of its bytes, hex
    size: int
    facts: Mapping[str, object]  # PageFacts.to_json()


class SiteRecord:
    """The record of the site last built into one output folder, and the one this build is writing there."""

    def __init__(self, cache_folder: Path, out_dir: Path, *, read: bool = True) -> None:
        self.path = cache_folder / FOLDER / f"{hashlib.sha256(str(out_dir.resolve()).encode('utf-8')).hexdigest()}.json"
        self._previous = self._load() if read else {}
        self._current: dict[str, list[object]] = {}

    def previous(self, output_path: str) -> RecordedPage | None:
        """The page the previous build recorded at ``output_path``, if its record holds one that reads right."""
        row = self._previous.get(output_path)
        if not (isinstance(row, list) and len(row) == 4 and isinstance(row[0], str) and isinstance(row[1], str)
                and type(row[2]) is int and isinstance(row[3], dict)):
            return None
        return RecordedPage(row[0], row[1], row[2], row[3])

    def note(self, output_path: str, page: RecordedPage) -> None:
        """Record the page this build put at ``output_path``."""
        self._current[output_path] = [page.name, page.digest, page.size, dict(page.facts)]

    def save(self) -> None:
        """Write this build's record over the previous one (call it once the new site is in place)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._current, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        write_sealed(self.path, SEAL_KIND, text.encode("utf-8"))

    def _load(self) -> dict[str, object]:
        data = read_sealed(self.path, SEAL_KIND)
        try:
            loaded = json.loads(data.decode("utf-8")) if data is not None else {}
        except ValueError:  # UnicodeDecodeError included
            return {}
        return loaded if isinstance(loaded, dict) else {}
