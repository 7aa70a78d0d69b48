"""Library versions read from the installer's folder names agree with importlib.metadata."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from site_builder.experiments.cache import FIGURE_LIBRARIES
from site_builder.versions import NOT_INSTALLED, dist_info_version, installed_version
from site_builder.write.freshness import LIBRARIES


@pytest.mark.parametrize("name", sorted(set(LIBRARIES) | set(FIGURE_LIBRARIES) | {"PyYAML", "Jinja2", "no-such-package-here"}))
def test_every_version_a_build_records_is_what_importlib_metadata_says(name: str) -> None:
    try:
        expected = metadata.version(name)
    except metadata.PackageNotFoundError:
        expected = NOT_INSTALLED
    assert installed_version(name) == expected


def _install(folder: Path, *names: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).mkdir()
    return str(folder)


def test_the_first_path_entry_with_the_package_wins_and_names_compare_as_pep_503_says(tmp_path: Path) -> None:
    first = _install(tmp_path / "first", "PyYAML-6.0.1.dist-info", "other_thing-1.0.dist-info")
    second = _install(tmp_path / "second", "pyyaml-7.0.dist-info", "zope.interface-5.4.dist-info")
    path = [str(tmp_path / "missing"), first, second]
    assert dist_info_version("pyyaml", path) == "6.0.1"
    assert dist_info_version("Other-Thing", path) == "1.0"
    assert dist_info_version("zope-interface", path) == "5.4"
    assert dist_info_version("absent", path) is None


def test_an_egg_info_found_first_is_left_to_importlib_metadata(tmp_path: Path) -> None:
    path = [_install(tmp_path / "first", "site_builder.egg-info"), _install(tmp_path / "second", "site_builder-9.9.dist-info")]
    assert dist_info_version("site-builder", path) is None
    assert dist_info_version("site-builder", path[1:]) == "9.9"


def test_a_file_with_a_dist_info_name_is_left_to_importlib_metadata(tmp_path: Path) -> None:
    folder = tmp_path / "path"
    folder.mkdir()
    (folder / "thing-1.0.dist-info").write_text("not a folder\n", encoding="utf-8")
    assert dist_info_version("thing", [str(folder)]) is None
