"""What a new author gets from ``pip install``: the wheel built from this checkout, in a fresh virtual
environment, on a PATH with no node and no npm, makes a site of its own and typesets its math.

This is the README's "Install and start a site" run for real: ``init``, ``build``, ``theme eject``,
an edit and a rebuild. It builds a wheel and installs it with its dependencies (from pip's cache
or PyPI), so it takes a minute or two.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, **options)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "site_builder"
    # Build from a clean copy: a checkout's build/ or egg-info must not leak into the wheel.
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", "_site", ".site-cache", "node_modules"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)])
    [built] = out.glob("site_builder-*.whl")
    return built


def test_the_wheel_carries_the_theme_katex_and_the_starter(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("site_builder/theme/templates/base.html", "site_builder/theme/static/style.css",
                     "site_builder/theme/static/playground/nn.js",
                     "site_builder/theme/static/playground/mlp.js", "site_builder/render/markup/katex_server.js",
                     "site_builder/render/markup/katex_dist/katex.min.js", "site_builder/render/markup/katex_dist/manifest.json",
                     "site_builder/render/markup/katex_dist/fonts/KaTeX_Main-Regular.woff2", "site_builder/commands/starter/pages.yml"):
        assert required in names, required
    assert not any(name.startswith(("content/", "tests/", "templates/", "static/")) for name in names)


def test_a_fresh_environment_without_node_makes_a_site_of_its_own(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
    path = str(venv / "bin")  # nothing else: no system node, npm or git
    assert shutil.which("node", path=path) is None and shutil.which("npm", path=path) is None
    env = {"PATH": path, "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    site_builder = str(venv / "bin" / "site-builder")

    workspace = tmp_path / "work"
    workspace.mkdir()
    created = run([site_builder, "init", "mysite", "--title", "My notes"], cwd=workspace, env=env, stdin=subprocess.DEVNULL)
    assert created.stdout.splitlines()[-2:] == ["  cd mysite", "  site-builder serve"]
    site = workspace / "mysite"
    run([site_builder, "build"], cwd=site, env=env)
    page = (site / "_site/first-explainer/index.html").read_text(encoding="utf-8")
    assert 'class="katex-display"' in page and "<math" in page  # KaTeX ran, on the Node the wheel installed
    assert 'src="fit.png"' in page and (site / "_site/first-explainer/fit.png").read_bytes()[:4] == b"\x89PNG"

    run([site_builder, "theme", "eject", "article.html"], cwd=site, env=env)
    template = site / "templates/article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", '{% block main %}<p class="mine">My own layout</p>', 1), encoding="utf-8")
    run([site_builder, "build"], cwd=site, env=env)
    assert '<p class="mine">My own layout</p>' in (site / "_site/first-explainer/index.html").read_text(encoding="utf-8")
    assert os.listdir(site / "static") if (site / "static").exists() else True  # nothing but what the author ejected
    assert sorted(p.relative_to(site).as_posix() for p in (site / "templates").rglob("*")) == ["templates/article.html"]
