"""What a build is asked to do, and what it reports back. Plain data, cheap to import."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.progress import Progress, Silent

CACHE_DIR = ".site-cache"


@dataclass(frozen=True)
class BuildOptions:
    root: Path = Path(".")
    out: Path | None = None  # default: root / output_dir from site.toml
    include_drafts: bool = False
    base_url: str | None = None  # overrides base_url from site.toml (--base-url); "" turns absolute URLs off
    force: bool = False  # re-run every experiment and re-render everything
    cache_dir: Path | None = None  # default: root / .site-cache
    executor: Executor | None = None  # default: a local process pool
    progress: Progress = field(default_factory=Silent)

    def cache_folder(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.root.resolve() / CACHE_DIR


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int
    files: int
    seconds: float
    figures_ran: dict[str, str] = field(default_factory=dict)  # output path -> why it ran
    figures_cached: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    up_to_date: bool = False  # nothing changed since the last build; nothing was written
    # Project files outside content/, templates/, static/ and site.toml that decided the output
    # (a python figure's modules and inputs): path -> SHA-256 of the bytes the build used.
    extra_inputs: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        figures = f"figures: {len(self.figures_ran)} run, {len(self.figures_cached)} cached"
        if self.up_to_date:
            return f"nothing changed since the last build of {self.out_dir}; {figures} ({self.seconds:.2f} s)"
        return f"built {self.pages} pages into {self.out_dir} in {self.seconds:.1f} s; {figures}"

    def explanation(self) -> list[str]:
        """One line per figure that ran, saying which input changed."""
        return [f"  ran {path}: {why}" for path, why in sorted(self.figures_ran.items())]
