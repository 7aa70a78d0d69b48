"""Nothing lost, nothing unsafe: interrupted and concurrent builds, ``clean``, escaping, reproducibility."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.commands.cli import main
from site_builder.write.lock import project_lock
from site_builder.write.output import MARKER, MARKER_TEXT, recover_interrupted

from conftest import REPO, copy_example
from test_errors import GOOD, stderr_lines, tree, write_files

# Runs the real CLI, with the output writer pausing after the new site is
# staged (and before it is swapped in) for SITE_BUILDER_TEST_PAUSE seconds:
# a point at which a test can see the staging folder and interrupt the build.
PAUSING_CLI = """
import os, sys, time
from site_builder.write import output
swap_in = output.SiteStaging.swap_in
def pausing_swap_in(staging):  # every file is written: wait before the site is swapped in
    time.sleep(float(os.environ["SITE_BUILDER_TEST_PAUSE"]))
    swap_in(staging)
output.SiteStaging.swap_in = pausing_swap_in
from site_builder.commands.cli import main
sys.exit(main(sys.argv[1:]))
"""


def new_project(tmp_path: Path, files: dict[str, str] = GOOD) -> Path:
    root = tmp_path / "project"
    root.mkdir(parents=True)
    (root / "site.toml").write_text('title = "Test site"\n', encoding="utf-8")
    write_files(root, files)
    return root


def start_build(root: Path, out: Path, *, pause: float, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "SITE_BUILDER_TEST_PAUSE": str(pause)}
    command = [sys.executable, "-c", PAUSING_CLI, "build", "--root", str(root), "--out", str(out)]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def wait_for_staging(out: Path, process: subprocess.Popen[str], timeout: float = 60) -> Path:
    """The staging folder ``.NAME.new-PID`` of ``process``, once it exists with its marker."""
    staging = out.with_name(f".{out.name}.new-{process.pid}")
    deadline = time.monotonic() + timeout
    while not (staging / MARKER).is_file():
        assert process.poll() is None, f"the build ended before staging its site: {process.communicate()}"
        assert time.monotonic() < deadline, "the build never staged its site"
        time.sleep(0.05)
    return staging


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A project with a good build in ``_site``, and its sources already edited for the next build."""
    root = new_project(tmp_path)
    out = tmp_path / "_site"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    write_files(root, {"content/about.md": "---\ntitle: About us\n---\nNew text.\n"})
    return root, out, tree(out)


# --- interrupted builds ------------------------------------------------------------


def test_ctrl_c_while_writing_leaves_the_previous_site_and_no_staging(built) -> None:
    root, out, before = built
    build = start_build(root, out, pause=60)
    wait_for_staging(out, build)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130
    assert stderr_lines(stderr)[-1] == "interrupted; the previous output was left as it was"
    assert "Traceback" not in stderr
    assert tree(out) == before
    assert siblings(out) == ["_site", "project"]


def test_a_killed_build_leaves_the_previous_site_and_the_next_build_tidies_up(built) -> None:
    root, out, before = built
    build = start_build(root, out, pause=60)
    staging = wait_for_staging(out, build)
    build.send_signal(signal.SIGKILL)
    build.communicate(timeout=60)
    assert build.returncode == -signal.SIGKILL
    assert tree(out) == before
    assert siblings(out) == [staging.name, "_site", "project"]  # killed outright, it could not clean up

    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    assert siblings(out) == ["_site", "project"]
    assert (out / "about.html").read_text(encoding="utf-8").count("About us") >= 1


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_build_killed_between_its_two_renames_gets_the_previous_site_back(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    pid = dead_pid()
    moved_aside = tmp_path / f"._site.old-{pid}"  # the previous site, moved aside; no _site at all
    moved_aside.mkdir()
    (moved_aside / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (moved_aside / "index.html").write_text("previous", encoding="utf-8")
    half_written = tmp_path / f"._site.new-{pid}"
    half_written.mkdir()
    (half_written / MARKER).write_text(MARKER_TEXT, encoding="utf-8")

    recover_interrupted(out)

    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert siblings(out) == ["_site"]


def test_a_cleanup_interrupted_at_any_file_leaves_a_folder_the_next_build_still_knows_as_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleting a leftover stops wherever the process is killed; what is left must still carry the marker (or be empty)."""
    out = tmp_path / "_site"
    names = [f"page{n}.html" for n in range(8)]
    for stop_at in range(1, len(names) + 2):
        leftover = tmp_path / f"._site.new-{dead_pid()}"
        leftover.mkdir()
        (leftover / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        for name in names:
            (leftover / name).write_text("half-written", encoding="utf-8")
        deleted, real_unlink = [], os.unlink

        def unlink(path, *args, **kwargs):
            if len(deleted) + 1 == stop_at:
                raise KeyboardInterrupt  # killed right here
            deleted.append(path)
            return real_unlink(path, *args, **kwargs)

        monkeypatch.setattr(os, "unlink", unlink)
        with pytest.raises(KeyboardInterrupt):
            recover_interrupted(out)
        monkeypatch.undo()
        recover_interrupted(out)  # the next build
        assert siblings(out) == [], (stop_at, siblings(out))


def test_recovery_leaves_unmarked_folders_and_live_builds_alone(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    unmarked = tmp_path / f"._site.new-{dead_pid()}"
    unmarked.mkdir()
    (unmarked / "thesis.tex").write_text("years of work", encoding="utf-8")
    running = tmp_path / f"._site.new-{os.getppid()}"  # a process that is alive
    running.mkdir()
    (running / MARKER).write_text(MARKER_TEXT, encoding="utf-8")

    recover_interrupted(out)

    assert siblings(out) == sorted([unmarked.name, running.name])


# --- builds killed with SIGKILL, as the out-of-memory killer does ----------------------

# Runs the real CLI with each experiment worker announcing itself (a file named by its pid
# in SITE_BUILDER_TEST_WORKERS) and then taking its time, so a test can kill the build
# while its workers are busy.
SLOW_WORKERS_CLI = """
import os, sys, time
from pathlib import Path
from site_builder.experiments import runner
make_figure = runner.make_figure
def slow_make_figure(spec):
    (Path(os.environ["SITE_BUILDER_TEST_WORKERS"]) / str(os.getpid())).touch()
    time.sleep(60)
    return make_figure(spec)
runner.make_figure = slow_make_figure
from site_builder.commands.cli import main
sys.exit(main(sys.argv[1:]))
"""
TWO_FIGURES = {**GOOD, "content/guide/index.md": (
    "---\ntitle: A guide\ndate: 2026-01-02\nfigures:\n"
    "  a.png: {kind: activation, activation: relu}\n  b.png: {kind: activation, activation: tanh}\n"
    "---\n![A](a.png)\n\n![B](b.png)\n"
)}


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").is_file() or Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="looks for processes in /proc")
def test_a_build_killed_with_sigkill_leaves_no_worker_and_the_next_build_runs(tmp_path: Path) -> None:
    root, out, workers = new_project(tmp_path, TWO_FIGURES), tmp_path / "_site", tmp_path / "workers"
    workers.mkdir()
    env = {**os.environ, "SITE_BUILDER_TEST_WORKERS": str(workers)}
    command = [sys.executable, "-c", SLOW_WORKERS_CLI, "build", "--root", str(root), "--out", str(out)]
    build = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: len(list(workers.iterdir())) == 2, "the workers never started")
    pids = [int(p.name) for p in workers.iterdir()]
    build.send_signal(signal.SIGKILL)
    build.wait()
    try:
        wait_for(lambda: not any(is_running(pid) for pid in pids), "the killed build's workers live on", timeout=30)
    finally:
        for pid in pids:  # without the fix they would run (and hold the lock) for another minute
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    assert (out / "guide" / "a.png").is_file() and (out / "guide" / "b.png").is_file()


def test_a_process_forked_under_the_lock_does_not_keep_it_after_its_parent_is_killed(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys, time\nfrom site_builder.write.lock import project_lock\n"
        f"with project_lock({str(tmp_path)!r}):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n        os.close(1); os.close(2)  # so the test's pipes close with the parent\n"
        "        time.sleep(60)\n        os._exit(0)\n"
        "    print(child, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)  # killed while holding the lock: no unlock runs\n"
    )
    parent = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    child = int(parent.stdout)
    try:
        assert is_running(child)
        with project_lock(tmp_path) as notices:
            assert notices == ()
    finally:
        os.kill(child, signal.SIGKILL)


def test_a_lock_held_by_processes_a_dead_build_left_is_taken_over_with_a_notice(tmp_path: Path, capsys) -> None:
    root = new_project(tmp_path)
    dead = dead_pid()
    # Stands for an orphaned worker of an older builder: it holds the lock, the file names its dead build.
    orphan = subprocess.Popen(
        [sys.executable, "-c", f"import fcntl, sys, time\nf = open({str(root / '.site-builder.lock')!r}, 'w')\n"
         f"fcntl.flock(f, fcntl.LOCK_EX)\nf.write('{dead}\\n'); f.flush()\nprint('holding', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert orphan.stdout.readline() == "holding\n"
        assert main(["build", "--root", str(root), "--out", str(tmp_path / "_site")]) == 0
        notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
        assert notes == [f"note: .site-builder.lock: the build that held the lock (pid {dead}) is gone, but processes it "
                         "left behind still held the lock file; took the lock over"]
        assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site-builder.lock")) == [".site-builder.lock"]
        # The new lock works: a build holding it still stops the next one.
        write_files(root, {"content/about.md": "---\ntitle: About us\n---\nNew text.\n"})
        holder = start_build(root, tmp_path / "_site", pause=60)
        try:
            wait_for_staging(tmp_path / "_site", holder)
            assert main(["build", "--root", str(root), "--out", str(tmp_path / "_site")]) == 1
            assert f"another build of this project is running (pid {holder.pid})" in capsys.readouterr().err
        finally:
            holder.kill()
            holder.communicate()
    finally:
        orphan.kill()
        orphan.communicate()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="looks for processes in /proc")
def test_builds_killed_at_random_moments_never_break_the_next_build(tmp_path: Path) -> None:
    """A few rounds of scripts/kill_loop.py (run it alone for the full 20)."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import kill_loop
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert kill_loop.run(kills=3, seed=11, folder=tmp_path, log=lambda line: None) == []


# --- concurrent builds -------------------------------------------------------------


def test_a_second_build_while_one_runs_stops_with_the_holders_pid(built) -> None:
    root, out, before = built
    first = start_build(root, out, pause=2)
    wait_for_staging(out, first)
    second = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 1
    assert stderr_lines(second.stderr) == [
        f"error: .site-builder.lock: another build of this project is running (pid {first.pid}); wait for it or stop it",
        "build failed: 1 problem; the previous output was left as it was",
    ]
    assert tree(out) == before  # the second build touched nothing
    first.communicate(timeout=60)
    assert first.returncode == 0
    assert "New text." in (out / "about.html").read_text(encoding="utf-8")
    assert siblings(out) == ["_site", "project"]


def test_two_builds_started_together_never_corrupt_the_output(built, tmp_path: Path) -> None:
    root, out, _ = built
    command = [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(out)]
    builds = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(b.wait(timeout=120), b.communicate()[1]) for b in builds]
    assert sorted(code for code, _ in results) in ([0, 0], [0, 1])
    for code, stderr in results:
        if code == 1:
            assert "another build of this project is running (pid " in stderr
    reference = new_project(tmp_path / "reference", {**GOOD, "content/about.md": "---\ntitle: About us\n---\nNew text.\n"})
    assert main(["build", "--root", str(reference), "--out", str(tmp_path / "reference/_site")]) == 0
    assert tree(out) == tree(tmp_path / "reference/_site")
    assert siblings(out) == ["_site", "project", "reference"]


# --- clean -------------------------------------------------------------------------


def test_clean_deletes_the_output_and_leftovers_of_killed_builds(built, capsys) -> None:
    root, out, _ = built
    leftover = out.with_name(f"._site.new-{dead_pid()}")
    leftover.mkdir()
    (leftover / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    assert main(["clean", "--root", str(root), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"deleted {out}\n"
    assert siblings(out) == ["project"]
    assert main(["clean", "--root", str(root), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"nothing to clean: {out} does not exist\n"


def test_clean_uses_output_dir_from_site_toml(tmp_path: Path) -> None:
    root = new_project(tmp_path)
    (root / "site.toml").write_text('title = "T"\noutput_dir = "public"\n', encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    assert (root / "public" / MARKER).is_file()
    result = subprocess.run([sys.executable, "-m", "site_builder", "clean", "--root", str(root)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"deleted {root / 'public'}\n", "")
    assert not (root / "public").exists()


REFUSALS = {
    "the project": (".", "refusing to delete the project folder itself; clean deletes only the output folder, such as _site"),
    "above the project": ("..", "refusing to delete a folder that holds the project; clean deletes only the output folder, such as _site"),
    "content": ("content", "refusing to delete content/, a source folder of the project; clean deletes only the output folder, such as _site"),
    "inside content": ("content/guide", "refusing to delete a folder inside content/, a source folder of the project; clean deletes only the output folder, such as _site"),
    "templates": ("templates", "refusing to delete templates/, a source folder of the project; clean deletes only the output folder, such as _site"),
    "unmarked folder": ("notes", "refusing to delete a folder that site_builder did not create (no .site-builder marker inside); delete it yourself if you are sure"),
    "a file": ("site.toml", "this is a file, not a folder; clean deletes only an output folder the builder wrote"),
    "a symbolic link": ("link", "this is a symbolic link; clean never follows links, so remove the link yourself if you mean to"),
}


@pytest.mark.parametrize("target", REFUSALS, ids=list(REFUSALS))
def test_clean_refuses_anything_the_builder_did_not_write(target: str, tmp_path: Path, capsys) -> None:
    root = new_project(tmp_path)
    (root / "notes").mkdir()
    (root / "notes/ideas.txt").write_text("keep me", encoding="utf-8")
    assert main(["build", "--root", str(root), "--out", str(root / "_site")]) == 0
    os.symlink(root / "_site", root / "link")  # a link to a folder the builder did write
    capsys.readouterr()
    before = tree(tmp_path)
    relative, message = REFUSALS[target]

    code = main(["clean", "--root", str(root), "--out", str(root / relative)])

    assert code == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {root / relative}: {message}", "clean failed; nothing was deleted"]
    assert tree(tmp_path) == before


# --- escaping ----------------------------------------------------------------------

HOSTILE = '"><script>alert(1)</script> & <b>co</b>'
HOSTILE_ARTICLE = f"""---
title: '{HOSTILE}'
date: 2026-01-02
summary: 'Summary {HOSTILE} it''s'
tags: ['{HOSTILE}', 'a&b']
---
Text.
"""


class _Collector(HTMLParser):
    """Every start tag and its decoded attributes, and the text inside <title> and <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        for tag in ("title", "h1"):
            if tag in self._open:
                self.texts[tag] = self.texts.get(tag, "") + data


def parse_html(text: str) -> _Collector:
    collector = _Collector()
    collector.feed(text)
    return collector


SITE_SCRIPT = re.compile(r'<script(?: defer)? src="(?:\.\./)*(?:static/(?:theme|toc|search|search-key|cards|copy)\.js|search-index\.js)"(?: defer)?></script>')


def without_site_scripts(text: str, theme_js: str) -> str:
    """``text`` without the site's own scripts: the theme, contents and search scripts, the search index, and the theme script inlined into 404.html."""
    return SITE_SCRIPT.sub("", text).replace(f"<script>{theme_js}</script>", "")


def is_injected(tag: str, attrs: dict[str, str | None]) -> bool:
    """A <b>, or a <script src> that is not one of the site's own static files.

    A <script> without src is the inlined theme script; the text check before
    this one proves every such script in the page is exactly that.
    """
    if tag == "script":
        src = attrs.get("src")
        return src is not None and not src.endswith(("static/theme.js", "static/toc.js", "static/search.js", "static/search-key.js", "static/cards.js", "static/copy.js", "search-index.js"))
    return tag == "b"


def test_front_matter_text_is_escaped_everywhere_it_appears(tmp_path: Path) -> None:
    root = new_project(tmp_path, {"content/about.md": f"---\ntitle: '{HOSTILE}'\nsummary: '{HOSTILE}'\n---\nHi.\n", "content/guide/index.md": HOSTILE_ARTICLE})
    (root / "site.toml").write_text('title = "Site & <co>"\nbase_url = "https://example.org/x/"\n', encoding="utf-8")
    out = tmp_path / "_site"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    site = tree(out)

    for path, data in site.items():
        if path.endswith((".html", ".xml", ".txt", ".json")):
            text = without_site_scripts(data.decode("utf-8"), site["static/theme.js"].decode("utf-8"))
            assert "<script" not in text and "<b>co</b>" not in text, path
    article = parse_html(site["guide/index.html"].decode("utf-8"))
    assert article.texts["title"] == f"{HOSTILE} · Site & <co>"
    assert article.texts["h1"].strip() == HOSTILE
    assert not any(is_injected(tag, attrs) for tag, attrs in article.tags)
    described = [attrs["content"] for tag, attrs in article.tags if tag == "meta" and attrs.get("name") == "description"]
    assert described == [f"Summary {HOSTILE} it's"]
    assert HOSTILE in {attrs.get("content") for tag, attrs in article.tags if tag == "meta"}  # social-card title
    home = parse_html(site["index.html"].decode("utf-8"))
    assert not any(is_injected(tag, attrs) for tag, attrs in home.tags)
    page = parse_html(site["about.html"].decode("utf-8"))
    assert page.texts["h1"].strip() == HOSTILE and not any(is_injected(tag, attrs) for tag, attrs in page.tags)

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(site["feed.xml"])
    assert feed.findtext(f"{atom}title") == "Site & <co>"
    [entry] = feed.iter(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == HOSTILE
    assert HOSTILE in (entry.findtext(f"{atom}summary") or "")
    assert {c.get("term") for c in entry.iter(f"{atom}category")} >= {HOSTILE, "a&b"}
    sitemap = ET.fromstring(site["sitemap.xml"])  # well-formed, whatever the titles held
    assert all(url.startswith("https://example.org/x/") for url in (e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")))


# --- reproducibility ---------------------------------------------------------------


def build_copy_of_example(folder: Path, source_date_epoch: str | None) -> dict[str, bytes]:
    root = copy_example(folder)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if source_date_epoch is not None:
        env["SOURCE_DATE_EPOCH"] = source_date_epoch
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(root / "public")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return tree(root / "public")


@pytest.mark.slow
def test_builds_in_different_folders_at_different_times_are_byte_identical(example_site: Path, tmp_path: Path) -> None:
    """A later build in another folder, in a fresh process and with SOURCE_DATE_EPOCH set, equals the session's
    in-process build without it: every article of the example gives its date, so the clock decides nothing.

    Each of the two runs every experiment from an empty cache, so this is also the suite's check that the
    experiments, figures and notebooks are deterministic (one cold build of the example takes about 90 s here,
    which is why there is no second pair of them).
    """
    assert build_copy_of_example(tmp_path / "second", "1767225600") == tree(example_site)


def test_hostile_front_matter_stays_text_in_the_cite_this_entry_and_its_meta_tags(tmp_path: Path) -> None:
    root = new_project(tmp_path, {"content/guide/index.md": HOSTILE_ARTICLE.replace("tags:", f"author: '{HOSTILE}'\ntags:")})
    out = tmp_path / "_site"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    article = parse_html((out / "guide/index.html").read_text(encoding="utf-8"))
    meta = {attrs["name"]: attrs["content"] for tag, attrs in article.tags if tag == "meta" and str(attrs.get("name", "")).startswith("citation_")}
    assert meta["citation_title"] == HOSTILE and meta["citation_author"] == HOSTILE
    assert not any(is_injected(tag, attrs) for tag, attrs in article.tags)
