"""``deploy``: the built site lands on gh-pages through git plumbing; the working tree and the index never move."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_example

from site_builder.commands.deploy import DeployOptions, DeployRefused, deploy
from site_builder.write.output import MARKER


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_repository(root: Path) -> Path:
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Author")
    git(root, "config", "user.email", "author@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Write the site")
    return root


def repository_state(root: Path) -> tuple[str, str, bytes, str]:
    """Everything deploy must leave alone: status, HEAD, the index file and the checked-out branch."""
    return git(root, "status", "--porcelain", "--untracked-files=all"), git(root, "rev-parse", "HEAD"), (root / ".git/index").read_bytes(), git(root, "symbolic-ref", "HEAD")


@pytest.fixture
def small_repository(make_project) -> Path:
    root = make_project({"content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\nHello $x$.\n"}, site_toml='title = "T"\ncname = "docs.example.com"\n')
    return make_repository(root)


@pytest.mark.slow
def test_deploy_commits_the_example_site_to_gh_pages_and_touches_nothing_else(example_site: Path, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    # The session's build of the same content lends its cache (verified before use, as any cache is), so
    # this test times the deploy rather than a third cold run of every experiment.
    shutil.copytree(example_site.parent / ".site-cache", root / ".site-cache")
    (root / "site.toml").write_text((root / "site.toml").read_text() + 'cname = "learning.example.com"\n')
    make_repository(root)
    before = repository_state(root)
    result = subprocess.run([sys.executable, "-m", "site_builder", "deploy", "--root", str(root), "--no-push", "--keep-example-identity"], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("committed ") and result.stdout.rstrip().endswith("not pushed (--no-push)")
    assert repository_state(root) == before
    files = git(root, "ls-tree", "-r", "--name-only", "gh-pages").split()
    for expected in ("index.html", ".nojekyll", "CNAME", "relu-guide/index.html", "relu-guide/ReLU.png", "feed.xml", "sitemap.xml", "robots.txt", "404.html", "static/katex/katex.min.css"):
        assert expected in files, expected
    assert MARKER not in files and not any(name.startswith(("content/", "site_builder/")) for name in files)
    assert git(root, "show", "gh-pages:CNAME") == "learning.example.com\n"
    source = git(root, "rev-parse", "HEAD").strip()
    message = git(root, "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith(f"Publish site from {source[:12]}") and source in message and "Write the site" in message


def test_a_second_deploy_of_the_same_sources_adds_no_commit_and_a_change_adds_one(small_repository: Path) -> None:
    root = small_repository
    first = deploy(DeployOptions(root=root, push=False))
    assert first.changed and git(root, "rev-parse", "gh-pages").strip() == first.commit
    again = deploy(DeployOptions(root=root, push=False))
    assert not again.changed and again.commit == first.commit
    (root / "content/a/index.md").write_text("---\ntitle: A\ndate: 2026-01-01\n---\nHello again $x$.\n")
    git(root, "commit", "-q", "-am", "Say hello again")
    third = deploy(DeployOptions(root=root, push=False))
    assert third.changed and git(root, "rev-parse", "gh-pages^").strip() == first.commit
    assert "Hello again" in git(root, "show", "gh-pages:a/index.html")
    # base_url is unset, so it comes from the custom domain: the feed and sitemap are published too
    assert sorted(git(root, "ls-tree", "--name-only", "gh-pages").split()) == [".nojekyll", "404.html", "CNAME", "a", "feed.xml", "index.html", "robots.txt", "search-index.js", "search.html", "sitemap.xml", "static"]
    assert "<loc>https://docs.example.com/a/</loc>" in git(root, "show", "gh-pages:sitemap.xml")
    assert first.notes == ("base_url is not set; publishing for https://docs.example.com/, worked out from cname docs.example.com (set base_url in site.toml to choose another)",)


def test_deploy_refuses_uncommitted_source_changes_unless_allowed(small_repository: Path) -> None:
    root = small_repository
    (root / "content/a/index.md").write_text("---\ntitle: A\ndate: 2026-01-01\n---\nUnsaved work.\n")
    (root / "content/new.md").write_text("---\ntitle: New\n---\nUntracked.\n")
    before = repository_state(root)
    result = subprocess.run([sys.executable, "-m", "site_builder", "deploy", "--root", str(root), "--no-push"], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: uncommitted changes to the site's sources; commit them first")
    assert " M content/a/index.md" in result.stderr and "?? content/new.md" in result.stderr
    assert result.stderr.rstrip().endswith("nothing was published")
    assert git(root, "branch", "--list", "gh-pages") == ""
    published = deploy(DeployOptions(root=root, push=False, allow_dirty=True))
    assert "Unsaved work." in git(root, "show", "gh-pages:a/index.html")
    assert "uncommitted changes (--allow-dirty)" in git(root, "log", "-1", "--format=%B", published.commit)
    assert repository_state(root) == before


def test_deploy_refuses_a_failing_build(small_repository: Path) -> None:
    root = small_repository
    (root / "content/a/index.md").write_text("---\ntitle: A\ndate: 2026-01-01\n---\nBroken $\\frac{$.\n")
    git(root, "commit", "-q", "-am", "Break it")
    result = subprocess.run([sys.executable, "-m", "site_builder", "deploy", "--root", str(root), "--no-push"], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: content/a/index.md:5: LaTeX error")
    assert result.stderr.rstrip().endswith("build failed; nothing was published")
    assert git(root, "branch", "--list", "gh-pages") == ""


def test_deploy_pushes_to_the_remote(small_repository: Path, tmp_path: Path) -> None:
    root = small_repository
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    result = deploy(DeployOptions(root=root))
    assert result.pushed
    assert git(remote, "rev-parse", "gh-pages").strip() == result.commit
    assert git(remote, "show", "gh-pages:CNAME") == "docs.example.com\n"


def test_deploy_without_a_remote_keeps_the_commit_and_says_what_to_do(small_repository: Path) -> None:
    with pytest.raises(DeployRefused, match="there is no remote 'origin'"):
        deploy(DeployOptions(root=small_repository))
    assert git(small_repository, "ls-tree", "--name-only", "gh-pages", "index.html").strip() == "index.html"


def test_deploy_refuses_a_branch_checked_out_in_another_worktree(small_repository: Path, tmp_path: Path) -> None:
    git(small_repository, "branch", "gh-pages")
    other = tmp_path / "other"
    git(small_repository, "worktree", "add", "-q", str(other), "gh-pages")
    before = git(small_repository, "rev-parse", "gh-pages")
    with pytest.raises(DeployRefused) as refused:
        deploy(DeployOptions(root=small_repository, push=False))
    assert str(refused.value) == (f"the gh-pages branch is checked out in the worktree at {other}; deploy would move it under that worktree's files. "
                                  f"Remove that worktree (git worktree remove {other}) or choose another --branch")
    assert git(small_repository, "rev-parse", "gh-pages") == before


@pytest.mark.parametrize("branch", ["HEAD", "@", "-f", "a..b", "has space", "x.lock", "refs/heads/pages", "@{-1}", ""])
def test_deploy_refuses_names_that_are_not_plain_branches(small_repository: Path, branch: str) -> None:
    refs = git(small_repository, "for-each-ref", "--format=%(refname)")
    with pytest.raises(DeployRefused, match=r"is not a branch name deploy can publish to .*; choose a plain name such as gh-pages"):
        deploy(DeployOptions(root=small_repository, branch=branch, push=False))
    assert git(small_repository, "for-each-ref", "--format=%(refname)") == refs  # no refs/heads/HEAD, nothing at all


def test_deploy_refuses_a_remote_that_git_would_read_as_an_option(small_repository: Path) -> None:
    with pytest.raises(DeployRefused, match="'--receive-pack=touch x' is not a remote name"):
        deploy(DeployOptions(root=small_repository, remote="--receive-pack=touch x"))


def test_deploy_outside_a_repository_is_refused(make_project) -> None:
    root = make_project({"content/p.md": "---\ntitle: P\n---\nHi.\n"})
    with pytest.raises(DeployRefused, match="is not inside a git repository"):
        deploy(DeployOptions(root=root, push=False))


def test_the_example_sites_identity_is_never_published_by_accident(tmp_path: Path) -> None:
    root = make_repository(copy_example(tmp_path / "repo"))
    result = subprocess.run([sys.executable, "-m", "site_builder", "deploy", "--root", str(root), "--no-push"], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: site.toml still carries the example site's identity (title 'Learning, illustrated', author 'The site_builder team', "
        "base_url https://example.github.io/site_builder/); set your own title, author and base_url in site.toml (or remove base_url "
        "to have it worked out from the remote), or pass --keep-example-identity to publish it as it is",
        "nothing was published",
    ]
    assert git(root, "branch", "--list", "gh-pages") == ""


def test_the_refused_identity_is_the_example_sites_own() -> None:
    from site_builder.commands.deploy import EXAMPLE_AUTHOR, EXAMPLE_HOST, EXAMPLE_TITLE
    from site_builder.load.config import load_config

    example, _ = load_config(REPO)
    assert (example.title, example.author) == (EXAMPLE_TITLE, EXAMPLE_AUTHOR) and EXAMPLE_HOST in example.base_url


def test_an_unset_base_url_comes_from_a_github_remote(small_repository: Path, tmp_path: Path) -> None:
    root = small_repository
    (root / "site.toml").write_text('title = "T"\n')
    git(root, "commit", "-q", "-am", "No custom domain")
    git(root, "remote", "add", "origin", "git@github.com:Alice/notes.git")
    result = deploy(DeployOptions(root=root, push=False))
    assert result.notes == ("base_url is not set; publishing for https://alice.github.io/notes/, worked out from the remote 'origin' (set base_url in site.toml to choose another)",)
    assert '<link rel="canonical" href="https://alice.github.io/notes/a/">' in git(root, "show", "gh-pages:a/index.html")
    git(root, "remote", "set-url", "origin", "https://gitlab.com/alice/notes.git")
    (root / "content/a/index.md").write_text("---\ntitle: A\ndate: 2026-01-01\n---\nElsewhere $x$.\n")
    git(root, "commit", "-q", "-am", "Move")
    result = deploy(DeployOptions(root=root, push=False))
    assert result.notes == ("base_url is not set and the remote 'origin' (https://gitlab.com/alice/notes.git) is not on GitHub, so the feed and sitemap are left out; set base_url in site.toml or pass --base-url",)
    assert "feed.xml" not in git(root, "ls-tree", "--name-only", "gh-pages").split()


@pytest.mark.parametrize(("remote", "cname", "expected"), [
    ("git@github.com:Alice/notes.git", "", "https://alice.github.io/notes/"),
    ("https://github.com/alice/notes", "", "https://alice.github.io/notes/"),
    ("https://token@github.com/alice/notes.git", "", "https://alice.github.io/notes/"),
    ("ssh://git@github.com/my-org/course.site.git", "", "https://my-org.github.io/course.site/"),
    ("git@github.com:alice/Alice.github.io.git", "", "https://alice.github.io/"),
    ("https://gitlab.com/alice/notes.git", "", None),
    ("", "", None),
    ("https://gitlab.com/alice/notes.git", "notes.example.org", "https://notes.example.org/"),
])
def test_where_github_pages_serves_a_repository(remote: str, cname: str, expected: str | None) -> None:
    from site_builder.commands.deploy import derived_base_url

    assert derived_base_url(remote, cname) == expected
