"""What a swept figure costs a reader: the bytes its page loads per variant, and in all, from a built site.

For each ``NAME.sweep.js`` manifest in the site it reports the manifest's size,
each variant's files as the page loads them (a still's image; an animation's
player data, and its poster for reduced motion), and the total a reader who
scrolls to the figure downloads (variants whose files are identical to an
earlier one's are listed once in the manifest, so they are loaded once).

    python -m site_builder build --out /tmp/site && python benchmarks/sweep_bytes.py /tmp/site
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path


def manifest_data(path: Path) -> dict:
    line = path.read_text(encoding="ascii").splitlines()[1]
    return json.loads(line.partition(" = ")[2].rstrip(";"))


def variant_bytes(folder: Path, variant: dict) -> int:
    """The bytes the page loads to show one variant: the player data for an animation, else the image."""
    names = [variant["frames"]] if "frames" in variant else [variant["image"]]
    return sum((folder / name).stat().st_size for name in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    args = parser.parse_args(argv)
    manifests = sorted(args.site.rglob("*.sweep.js"))
    if not manifests:
        print(f"no swept figures in {args.site}")
        return 1
    for path in manifests:
        data = manifest_data(path)
        sizes = [variant_bytes(path.parent, v) for v in data["variants"]]
        distinct = {(v.get("frames") or v["image"]): size for v, size in zip(data["variants"], sizes)}
        print(f"{path.relative_to(args.site)}: {len(sizes)} variants, manifest {path.stat().st_size:,} B")
        print(f"  per variant: median {statistics.median(sizes):,.0f} B, min {min(sizes):,} B, max {max(sizes):,} B")
        print(f"  loaded when the figure nears the viewport: {len(distinct)} distinct variants, "
              f"{sum(distinct.values()) + path.stat().st_size:,} B in all; before that: 0 B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
