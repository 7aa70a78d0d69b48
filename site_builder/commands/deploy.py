"""``deploy``: build the site and publish it to the ``gh-pages`` branch, without touching the working tree.

Everything goes through git plumbing: the built files become blobs
(``git hash-object -w``), a tree is written through a temporary index
(``GIT_INDEX_FILE``, so the real index is never read or written), a commit
naming the source commit is made with ``git commit-tree`` on top of the
branch's previous commit, and ``git update-ref`` moves the branch. Only then,
unless told not to, is the branch pushed.

The published tree adds ``.nojekyll`` (GitHub Pages must not run Jekyll over
the site: it would hide files starting with ``_``) and ``CNAME`` when
``site.toml`` sets ``cname``; it leaves out the build's ``.site-builder``
marker, which only protects local output folders.

A site is published under its author's name, never the example's: deploy
refuses while ``site.toml`` still carries the example site's title, author or
``example.github.io`` address (``--keep-example-identity`` overrides), and
when ``base_url`` is unset it is worked out from the remote
(``https://USER.github.io/REPO/`` for a GitHub remote, ``https://CNAME/``
with a custom domain), so the feed and sitemap point where the site will be.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.load.config import SiteConfig

from site_builder.build import build
from site_builder.load.config import EXAMPLE_HOST, load_config
from site_builder.options import BuildOptions
from site_builder.write.output import MARKER

SOURCE_PATHS = ("content", "templates", "static", "site.toml")
# The example site's identity (this repository's site.toml; a test holds them together).
EXAMPLE_TITLE = "Learning, illustrated"
EXAMPLE_AUTHOR = "The site_builder team"
_GITHUB_REMOTE = re.compile(r"^(?:https?://(?:[^@/]+@)?github\.com/|ssh://git@github\.com/|git@github\.com:)(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$")


class DeployRefused(Exception):
    """Nothing was published; the message says why and what to do."""


@dataclass(frozen=True)
class DeployOptions:
    root: Path = Path(".")
    remote: str = "origin"
    branch: str = "gh-pages"
    push: bool = True
    allow_dirty: bool = False
    base_url: str | None = None  # overrides site.toml, as build --base-url does
    keep_example_identity: bool = False  # publish even though site.toml still names the example site


@dataclass(frozen=True)
class DeployResult:
    commit: str  # the new (or unchanged) tip of the branch
    changed: bool  # False when the site is identical to what the branch already holds
    files: int
    pushed: bool
    notes: tuple[str, ...] = ()  # what the author should know: a base_url worked out for them, say


def deploy(options: DeployOptions) -> DeployResult:
    """Build ``options.root`` and commit the output to ``options.branch``; push it unless ``push`` is off.

    Raises :class:`DeployRefused` (dirty sources, not a repository, the branch
    checked out, git failing) and lets :class:`~site_builder.problems.BuildFailed` through.
    """
    git = Git(options.root.resolve())
    git.require_repository()
    _check_names(git, options)
    ref = f"refs/heads/{options.branch}"
    if git.output("symbolic-ref", "-q", "HEAD", check=False) == ref:
        raise DeployRefused(f"the {options.branch} branch is checked out here; switch to your source branch before deploying")
    elsewhere = git.worktree_with(ref)
    if elsewhere is not None:
        raise DeployRefused(f"the {options.branch} branch is checked out in the worktree at {elsewhere}; deploy would move it under that "
                            f"worktree's files. Remove that worktree (git worktree remove {elsewhere}) or choose another --branch")
    dirty = git.changed_sources()
    if dirty and not options.allow_dirty:
        listed = "\n".join(f"  {line}" for line in dirty)
        raise DeployRefused(f"uncommitted changes to the site's sources; commit them first so the published site matches a commit (or pass --allow-dirty):\n{listed}")
    config = load_config(git.project)[0]
    if not options.keep_example_identity:
        _refuse_example_identity(config, options.base_url)
    base_url, notes = _published_address(config, options, git)
    # A folder of our own (not _site, which may hold a draft build): the next deploy of unchanged sources reuses it.
    out = BuildOptions(root=git.project).cache_folder() / "deploy"
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as scratch:
        build(BuildOptions(root=git.project, out=out, base_url=base_url))
        files = published_files(out, config.cname)
        tree = git.write_tree(files, Path(scratch) / "index")
    parent = git.branch_tip(options.branch, options.remote)
    expected = git.output("rev-parse", "--verify", "-q", ref, check=False)  # "" means: must not exist yet
    if parent and git.output("rev-parse", f"{parent}^{{tree}}") == tree:
        commit, changed = parent, False
    else:
        commit, changed = git.commit(tree, parent, commit_message(git, dirty)), True
    git.output("update-ref", "-m", "site_builder deploy", ref, commit, expected)
    if options.push:
        git.push(options.remote, ref)
    return DeployResult(commit, changed, len(files), options.push, notes)


def _check_names(git: Git, options: DeployOptions) -> None:
    """Refuse a branch or remote name git would take for something else (an option, HEAD, a full ref)."""
    branch = options.branch
    checked = git.run("check-ref-format", "--branch", branch, check=False) if not branch.startswith("-") else None
    valid = checked is not None and checked.returncode == 0 and checked.stdout.decode("utf-8", "replace").strip() == branch
    if not valid or branch in ("HEAD", "@") or branch.startswith("refs/"):
        raise DeployRefused(f"'{branch}' is not a branch name deploy can publish to (git check-ref-format --branch refuses it, or git would read it as "
                            "HEAD or a full ref); choose a plain name such as gh-pages")
    if not options.remote or options.remote.startswith("-") or any(character.isspace() for character in options.remote):
        raise DeployRefused(f"'{options.remote}' is not a remote name; pass the name of one from git remote, such as origin")


def _refuse_example_identity(config: SiteConfig, base_url: str | None) -> None:
    """Refuse to publish a site that still calls itself the example site."""
    found = [f"title '{config.title}'"] if config.title == EXAMPLE_TITLE else []
    found += [f"author '{config.author}'"] if config.author == EXAMPLE_AUTHOR else []
    address = base_url if base_url is not None else config.base_url
    found += [f"base_url {address}"] if EXAMPLE_HOST in address else []
    if found:
        raise DeployRefused(
            f"site.toml still carries the example site's identity ({', '.join(found)}); set your own title, author and "
            "base_url in site.toml (or remove base_url to have it worked out from the remote), or pass --keep-example-identity to publish it as it is"
        )


def _published_address(config: SiteConfig, options: DeployOptions, git: Git) -> tuple[str | None, tuple[str, ...]]:
    """The base_url to build with (``None``: site.toml's) and a note when it was worked out here."""
    if options.base_url is not None or config.base_url:
        return options.base_url, ()
    remote = git.output("remote", "get-url", options.remote, check=False)
    address = derived_base_url(remote, config.cname)
    if address is None:
        where = f"the remote '{options.remote}' ({remote})" if remote else f"there is no remote '{options.remote}'"
        return None, (f"base_url is not set and {where} is not on GitHub, so the feed and sitemap are left out; set base_url in site.toml or pass --base-url",)
    source = f"cname {config.cname}" if config.cname else f"the remote '{options.remote}'"
    return address, (f"base_url is not set; publishing for {address}, worked out from {source} (set base_url in site.toml to choose another)",)


def derived_base_url(remote_url: str, cname: str = "") -> str | None:
    """Where GitHub Pages serves a repository: ``https://CNAME/``, ``https://USER.github.io/REPO/``, or ``None``."""
    if cname:
        return f"https://{cname}/"
    match = _GITHUB_REMOTE.match(remote_url.strip())
    if match is None:
        return None
    owner, repo = match["owner"], match["repo"]
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{repo.lower()}/"  # a user or organisation site is served at the root
    return f"https://{owner.lower()}.github.io/{repo}/"


def published_files(out: Path, cname: str) -> dict[str, Path | bytes]:
    """Path in the branch -> file on disk (or bytes): the build output, ``.nojekyll`` and ``CNAME``."""
    files: dict[str, Path | bytes] = {
        path.relative_to(out).as_posix(): path for path in sorted(out.rglob("*")) if path.is_file() and path.name != MARKER
    }
    files[".nojekyll"] = b""
    if cname:
        files["CNAME"] = f"{cname}\n".encode("ascii")
    return files


def commit_message(git: Git, dirty: Sequence[str]) -> str:
    source = git.output("rev-parse", "--verify", "-q", "HEAD", check=False)
    if not source:
        return "Publish site (the source repository has no commit yet)\n"
    subject = git.output("log", "-1", "--format=%s", source)
    note = "\nBuilt with uncommitted changes (--allow-dirty).\n" if dirty else ""
    return f"Publish site from {source[:12]}\n\nBuilt by site_builder deploy from source commit {source}:\n  {subject}\n{note}"


class Git:
    """Runs git in the repository holding the project, with errors turned into :class:`DeployRefused`."""

    def __init__(self, project: Path) -> None:
        self.project = project

    def run(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(["git", *args], cwd=self.project, input=input, capture_output=True, check=False, env={**os.environ, **(env or {})})
        except FileNotFoundError:
            raise DeployRefused("git is not installed or not on PATH") from None
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise DeployRefused(f"git {args[0]} failed: {message}")
        return result

    def output(self, *args: str, input: bytes | None = None, check: bool = True) -> str:
        return self.run(*args, input=input, check=check).stdout.decode("utf-8", "replace").strip()

    def require_repository(self) -> None:
        if self.run("rev-parse", "--is-inside-work-tree", check=False).returncode != 0:
            raise DeployRefused(f"{self.project} is not inside a git repository; deploy publishes to a branch of the project's repository")

    def worktree_with(self, ref: str) -> str | None:
        """The folder of a worktree of this repository that has ``ref`` checked out, if any."""
        folder = None
        for line in self.output("worktree", "list", "--porcelain", check=False).splitlines():
            if line.startswith("worktree "):
                folder = line.removeprefix("worktree ")
            elif line == f"branch {ref}":
                return folder
        return None

    def changed_sources(self) -> list[str]:
        """``git status --porcelain`` lines for uncommitted changes (untracked files too) to the site's sources."""
        existing = [name for name in SOURCE_PATHS if (self.project / name).exists()]
        if not existing:
            return []
        return [line for line in self.output("status", "--porcelain", "--untracked-files=all", "--", *existing).splitlines() if line]

    def branch_tip(self, branch: str, remote: str) -> str | None:
        """The branch's commit: the local branch, else the remote-tracking one (a fresh clone), else none yet."""
        for ref in (f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"):
            commit = self.output("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
            if commit:
                return commit
        return None

    def write_tree(self, files: Mapping[str, Path | bytes], index: Path) -> str:
        """Store every file as a blob and return the id of a tree holding them, using a throwaway index."""
        on_disk = {path: source for path, source in files.items() if isinstance(source, Path)}
        listing = "".join(f"{source}\n" for source in on_disk.values()).encode("utf-8")
        blob_ids = self.output("hash-object", "-w", "--no-filters", "--stdin-paths", input=listing).split() if on_disk else []
        blobs = dict(zip(on_disk, blob_ids, strict=True))
        for path, data in files.items():
            if isinstance(data, bytes):
                blobs[path] = self.run("hash-object", "-w", "--stdin", input=data).stdout.decode().strip()
        records = "".join(f"100644 {blob}\t{path}\0" for path, blob in sorted(blobs.items())).encode("utf-8")
        env = {"GIT_INDEX_FILE": str(index)}
        self.run("update-index", "-z", "--add", "--index-info", input=records, env=env)
        return self.run("write-tree", env=env).stdout.decode().strip()

    def commit(self, tree: str, parent: str | None, message: str) -> str:
        parents = ["-p", parent] if parent else []
        return self.run("commit-tree", tree, *parents, input=message.encode("utf-8"), env=_reproducible_dates()).stdout.decode().strip()

    def push(self, remote: str, ref: str) -> None:
        if self.run("remote", "get-url", remote, check=False).returncode != 0:
            raise DeployRefused(f"the commit is on the branch, but there is no remote '{remote}' to push it to; add one or pass --remote (or --no-push)")
        self.run("push", remote, f"{ref}:{ref}")


def _reproducible_dates() -> dict[str, str]:
    """Commit dates from SOURCE_DATE_EPOCH when it is set, so the same sources give the same commit."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return {"GIT_AUTHOR_DATE": f"@{epoch} +0000", "GIT_COMMITTER_DATE": f"@{epoch} +0000"} if epoch.isdigit() else {}
