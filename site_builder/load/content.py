"""The site's content: articles and pages found under ``content/``, with validated front matter.

- ``content/<slug>/index.md`` is an article. Its folder may hold images and
  other files, which are published beside it.
- ``content/<name>.md`` is a page (About, say).

Front matter is checked against a small schema here; figure declarations are
handed to :mod:`site_builder.experiments.specs`. Every problem is collected
with its line before anything fails.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_builder.load.bibliography import EMPTY, Bibliography, ParseBib, parse_bibliography
from site_builder.experiments.sweeps import Sweep, manifest_name, parse_swept_figure, variant_files, with_variant_spec
from site_builder.experiments.specs import FigureSpec, PythonSpec, SpecIssue, card_image_name, frames_name, poster_name
from site_builder.load.frontmatter import Document, parse_document
from site_builder.load.playground import Settings as PlaygroundSettings, parse_playground
from site_builder.problems import BuildFailed, Problem
from site_builder.load.sourcefiles import control_character_problems, read_utf8

CONTENT_DIR = "content"
ARTICLE_FILE = "index.md"
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class DeclaredFigure:
    """A figure an article declares, and where the declaration is."""

    spec: FigureSpec  # a swept figure's default variant
    line: int
    sweep: Sweep | None = None  # every variant of a swept figure (see experiments/sweeps.py)


@dataclass(frozen=True)
class Article:
    slug: str
    document: Document
    title: str
    date: dt.date
    summary: str
    draft: bool
    tags: tuple[str, ...]
    figures: tuple[DeclaredFigure, ...]
    assets: tuple[str, ...]  # other files in the article's folder, relative to it
    cover: str | None  # image shown with the article in listings: a figure or asset name
    playground: PlaygroundSettings | None = None  # the in-page trainer's starting settings, if the article has one
    bibliography: Bibliography = EMPTY  # entries of the article's own .bib file (front matter 'bibliography')
    authors: tuple[str, ...] = ()  # front matter 'author' (one name or a list); empty means the site's author
    order: int | None = None  # its place in the site's series (front matter 'order'); None: outside the series

    @property
    def output_path(self) -> str:
        return f"{self.slug}/index.html"


@dataclass(frozen=True)
class Page:
    name: str
    document: Document
    title: str
    summary: str
    draft: bool

    @property
    def output_path(self) -> str:
        return f"{self.name}.html"


@dataclass(frozen=True)
class Content:
    articles: tuple[Article, ...]  # newest first
    pages: tuple[Page, ...]  # by name
    bibliography: Bibliography = EMPTY  # the site-wide .bib file (site.toml 'bibliography'), citable everywhere


def load_content(root: Path, *, include_drafts: bool = False, parse_bib: ParseBib = parse_bibliography) -> Content:
    """Find, parse and validate every article and page under ``root/content``.

    ``parse_bib(text, path)`` reads an article's .bib file: :func:`parse_bibliography`,
    or a store in front of it (see :mod:`~site_builder.load.bibliography_store`).
    """
    folder = root / CONTENT_DIR
    if not folder.is_dir():
        raise BuildFailed([Problem(CONTENT_DIR, None, "content folder not found; create it and add content/<slug>/index.md")])
    problems: list[Problem] = []
    articles: list[Article] = []
    pages: list[Page] = []
    for entry in sorted(folder.iterdir()):
        relative = f"{CONTENT_DIR}/{entry.name}"
        try:
            _raise_if_any([_link_out(entry, folder, relative)])
            if entry.is_dir():
                articles.append(_load_article(entry, relative, parse_bib))
            elif entry.suffix == ".md":
                pages.append(_load_page(entry, relative))
        except BuildFailed as failure:
            problems.extend(failure.problems)
    if not articles and not pages and not problems:
        problems.append(Problem(CONTENT_DIR, None, "no articles or pages found; add content/<slug>/index.md"))
    problems += _name_clashes(articles, pages)
    problems += _order_clashes(articles)
    if problems:
        raise BuildFailed(problems)
    articles.sort(key=lambda a: (a.date, a.slug), reverse=True)
    return Content(
        tuple(a for a in articles if include_drafts or not a.draft),
        tuple(p for p in pages if include_drafts or not p.draft),
    )


def _load_article(folder: Path, relative: str, parse_bib: ParseBib) -> Article:
    index = folder / ARTICLE_FILE
    if not index.is_file():
        raise BuildFailed([Problem(relative, None, f"folder has no {ARTICLE_FILE}; an article is {relative}/{ARTICLE_FILE} (shared files belong in static/)")])
    document = parse_document(read_utf8(index, f"{relative}/{ARTICLE_FILE}"), f"{relative}/{ARTICLE_FILE}")
    fields = _FieldReader(document, ARTICLE_KEYS)
    fields.problems += control_character_problems(document.body, document.path, document.body_line)
    _check_name(folder.name, "article folder", relative, fields.problems)
    figures = _read_figures(document, fields.problems, folder)
    entries = sorted(p for p in folder.rglob("*") if not p.name.startswith("."))
    # rglob lists a linked folder but never descends into one, so only an entry that is itself a link can lead out.
    _raise_if_any([_link_out(p, folder.parent, f"{relative}/{p.relative_to(folder).as_posix()}") for p in entries if p.is_symlink()])
    assets = tuple(p.relative_to(folder).as_posix() for p in entries if p.is_file() and p != index and not _is_code(p.relative_to(folder)))
    article = Article(
        slug=folder.name,
        document=document,
        title=fields.text("title", required=True),
        date=fields.date("date"),
        summary=fields.text("summary"),
        draft=fields.flag("draft"),
        tags=fields.tags("tags"),
        figures=figures,
        assets=assets,
        cover=_cover(fields, figures, assets),
        playground=_read_playground(document, fields.problems),
        bibliography=_read_bibliography(fields, folder, relative, assets, parse_bib),
        authors=fields.names("author"),
        order=fields.order("order"),
    )
    fields.raise_if_any()
    return article


def _load_page(file: Path, relative: str) -> Page:
    document = parse_document(read_utf8(file, relative), relative)
    fields = _FieldReader(document, PAGE_KEYS)
    fields.problems += control_character_problems(document.body, document.path, document.body_line)
    _check_name(file.stem, "page file name", relative, fields.problems)
    page = Page(
        name=file.stem,
        document=document,
        title=fields.text("title", required=True),
        summary=fields.text("summary"),
        draft=fields.flag("draft"),
    )
    fields.raise_if_any()
    return page


# Every front-matter key, with what it means: the allowed keys, and the reference's words for them.
ARTICLE_FIELDS: dict[str, str] = {
    "title": "Required. The article's title: its page, the home page, tag pages, the feed.",
    "date": "Required, written YYYY-MM-DD. Orders the home page (newest first) and dates the feed.",
    "summary": "One sentence for the home page, link previews and search engines.",
    "draft": "true leaves the article out of the site unless the build is given --drafts.",
    "tags": "A list of words, such as [relu, basics]; each tag gets a page listing its articles.",
    "order": "A whole number, 1 or more: the article's place in the site's series. The home page lists these articles first, lowest number first, each labelled \"Part N of M\" (N counts the published parts, so gaps and drafts leave no hole), with links to the previous and next article; articles without 'order' follow, newest first. Two articles may not share a number.",
    "cover": "The image shown with the article in listings and link previews: a declared figure (an animation shows its poster frame) or a file beside the article. Default: the first declared figure. A PNG or JPEG cover wider than 640 px also gets a 640 px copy, <name>.card.png, which cards show on wide screens.",
    "figures": "Every figure the text shows, by file name, with the experiment that makes it (see Figures).",
    "playground": "The starting settings of an in-page trainer for readers (see Playground).",
    "author": "Who wrote the article: a name, or a list such as [Ann Smith, Bo Li]. Default: 'author' from site.toml. Shown in its 'Cite this article' entry and its citation_author tags.",
    "bibliography": "A BibTeX file beside the article whose entries it may cite (see Citations). Default: references.bib when the folder has one; write bibliography: \"\" to ignore it. The site-wide one from site.toml is citable too.",
}
PAGE_FIELDS: dict[str, str] = {
    "title": "Required. The page's title, in its header and in every page's navigation.",
    "summary": "One sentence for link previews and search engines.",
    "draft": ARTICLE_FIELDS["draft"].replace("the article", "the page"),
}
DEFAULT_BIBLIOGRAPHY = "references.bib"  # an article's own .bib file, read without a front matter entry
ARTICLE_KEYS, PAGE_KEYS = tuple(ARTICLE_FIELDS), tuple(PAGE_FIELDS)


class _FieldReader:
    """Reads typed front-matter fields, recording a positioned problem for each bad one."""

    def __init__(self, document: Document, allowed: tuple[str, ...]) -> None:
        self.document = document
        self.problems: list[Problem] = []
        for key in document.meta:
            if key not in allowed:
                self._problem(str(key), f"unknown front matter key '{key}'; allowed keys: {', '.join(allowed)}")

    def _problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.document.path, self.document.line_of(key), message))

    def _typed(self, key: str, check: Callable[[object], bool], expected: str, default: object) -> object:
        value = self.document.meta.get(key, default)
        if not check(value):
            shown = value.isoformat() if isinstance(value, dt.date) else repr(value)  # as the author wrote it
            self._problem(key, f"'{key}' must be {expected}, not {shown}")
            return default
        return value

    def text(self, key: str, *, required: bool = False) -> str:
        if required and key not in self.document.meta:
            self.problems.append(Problem(self.document.path, 1, f"front matter has no '{key}'; add a line such as '{key}: ...'"))
            return ""
        expected = "a non-empty string" if required else "a string (put it in quotes if it looks like a number or a date)"
        return str(self._typed(key, lambda v: isinstance(v, str) and (v.strip() or not required), expected, ""))

    def flag(self, key: str) -> bool:
        return bool(self._typed(key, lambda v: isinstance(v, bool), "true or false", False))

    def tags(self, key: str) -> tuple[str, ...]:
        value = self._typed(key, lambda v: isinstance(v, list) and all(isinstance(t, str) and t.strip() for t in v), "a list of words, such as [relu, basics]", [])
        return tuple(value)  # type: ignore[arg-type]

    def names(self, key: str) -> tuple[str, ...]:
        """One name or a list of names: ``author: Ann Smith`` or ``author: [Ann Smith, Bo Li]``."""
        if key not in self.document.meta:
            return ()
        value = self._typed(key, lambda v: (isinstance(v, str) and v.strip()) or (isinstance(v, list) and v and all(isinstance(n, str) and n.strip() for n in v)),
                            "a name or a list of names, such as [Ann Smith, Bo Li]", [])
        return (value.strip(),) if isinstance(value, str) else tuple(n.strip() for n in value)  # type: ignore[union-attr]
    def order(self, key: str) -> int | None:
        if key not in self.document.meta:
            return None
        value = self.document.meta[key]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        self._problem(key, f"'{key}' must be a whole number, 1 or more, such as 'order: 2' (the article's place in the series), not {value!r}")
        return None

    def date(self, key: str) -> dt.date:
        if key not in self.document.meta:
            self.problems.append(Problem(self.document.path, 1, f"front matter has no '{key}'; add a line such as '{key}: 2026-01-31'"))
            return dt.date(1970, 1, 1)
        value = self.document.meta[key]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self._problem(key, f"'{key}' must be a date written YYYY-MM-DD, not {value!r}")
        return dt.date(1970, 1, 1)

    def raise_if_any(self) -> None:
        if self.problems:
            raise BuildFailed(self.problems)


def _is_code(relative: Path) -> bool:
    """Python code beside an article (a figure's script, its helpers, their bytecode) is run, never published."""
    return relative.suffix in (".py", ".pyc") or "__pycache__" in relative.parts


def _read_figures(document: Document, problems: list[Problem], folder: Path) -> tuple[DeclaredFigure, ...]:
    declarations = document.meta.get("figures", {})
    if declarations is None:
        return ()
    if not isinstance(declarations, dict):
        problems.append(Problem(document.path, document.line_of("figures"), "'figures' must map file names to declarations, such as 'ReLU.png: {kind: activation, activation: relu}'"))
        return ()
    figures = []
    for name, declaration in declarations.items():
        spec, sweep, issues = parse_swept_figure(str(name), declaration)
        if isinstance(spec, PythonSpec):
            spec, issues = _locate_code(spec, folder)
            if sweep is not None and spec is not None:
                sweep = with_variant_spec(sweep, lambda variant: dataclasses.replace(variant, script=spec.script))
        for issue in issues:
            keys = ("figures", str(name)) + ((issue.key,) if issue.key else ())
            problems.append(Problem(document.path, document.line_of(*keys), f"figure {str(name)!r}: {issue.message}"))
        if spec is not None and not issues:
            figures.append(DeclaredFigure(spec, document.line_of("figures", str(name)), sweep))
    return tuple(figures)


EXPERIMENTS_DIR = "experiments"  # a project's shared experiment code, beside content/


def _locate_code(spec: PythonSpec, folder: Path) -> tuple[PythonSpec | None, tuple[SpecIssue, ...]]:
    """``spec`` with its script found (beside the article, else in ``experiments/``) and its inputs checked.

    Paths become relative to the project. Nothing outside the project is
    used: a script or input that is (or sits behind) a symbolic link out of it
    is refused, like any other file.
    """
    root = folder.parent.parent
    article = folder.relative_to(root).as_posix()
    candidates = [f"{article}/{spec.script}", f"{EXPERIMENTS_DIR}/{spec.script}"]
    script = next((c for c in candidates if _project_file(root, c)), None)
    issues = []
    if script is None:
        issues.append(SpecIssue("script", f"script {spec.script!r} was found neither beside the article ({candidates[0]}) nor in {EXPERIMENTS_DIR}/ ({candidates[1]}); create it or correct the name"))
    for path in spec.inputs:
        if not _project_file(root, path):
            issues.append(SpecIssue("inputs", f"input {path!r} is not a file in the project; inputs are paths relative to the project folder, like data/points.csv"))
    if issues:
        return None, tuple(issues)
    return dataclasses.replace(spec, script=script), ()


def _project_file(root: Path, relative: str) -> bool:
    """Whether ``relative`` names a regular file inside the project, reached without leaving it."""
    path = root / relative
    return path.is_file() and path.resolve().is_relative_to(root.resolve())


def _read_playground(document: Document, problems: list[Problem]) -> PlaygroundSettings | None:
    if "playground" not in document.meta:
        return None
    settings, issues = parse_playground(document.meta["playground"])
    for issue in issues:
        keys = ("playground",) + ((issue.key,) if issue.key else ())
        problems.append(Problem(document.path, document.line_of(*keys), issue.message))
    return settings


def _read_bibliography(fields: _FieldReader, folder: Path, relative: str, assets: tuple[str, ...], parse_bib: ParseBib) -> Bibliography:
    """The entries of the article's own .bib file, or none.

    That is the file the front matter names, else ``references.bib`` when
    the folder has one; ``bibliography: ""`` opts out of that default.
    """
    if "bibliography" in fields.document.meta:
        name = fields.text("bibliography")
    else:
        name = DEFAULT_BIBLIOGRAPHY if DEFAULT_BIBLIOGRAPHY in assets else ""
    if not name:
        return EMPTY
    if name not in assets or not name.endswith(".bib"):
        line = fields.document.line_of("bibliography")
        fields.problems.append(Problem(fields.document.path, line, f"'bibliography' must name a .bib file beside the article, such as 'references.bib', not '{name}'"))
        return EMPTY
    shown = f"{relative}/{name}"
    try:
        return parse_bib(read_utf8(folder / name, shown), shown)
    except BuildFailed as failure:
        fields.problems.extend(failure.problems)
        return EMPTY


def _cover(fields: _FieldReader, figures: tuple[DeclaredFigure, ...], assets: tuple[str, ...]) -> str | None:
    """The listing image: ``cover`` from front matter, else the first declared figure, else none.

    An animation is named here as it is declared (``fit.gif``); listings show
    its poster frame (see :func:`site_builder.render.pages`).
    """
    images = [f.spec.name for f in figures] + list(assets)
    if "cover" in fields.document.meta:
        cover = fields.text("cover")
        if cover and cover not in images:
            fields.problems.append(Problem(fields.document.path, fields.document.line_of("cover"), f"'cover' must name a declared figure or a file beside the article, not '{cover}'"))
        return cover or None
    return figures[0].spec.name if figures else None


def _link_out(path: Path, content: Path, shown: str) -> Problem | None:
    """A problem if ``path`` is, or sits behind, a symbolic link leading out of ``content/``."""
    real, inside = path.resolve(), content.resolve()
    if real == inside or inside in real.parents:
        return None
    return Problem(shown, None, f"this is a symbolic link to {real}, outside {CONTENT_DIR}/; the builder never follows links out of {CONTENT_DIR}/, so copy the files in instead")


def _raise_if_any(problems: list[Problem | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise BuildFailed(found)


# Names the builder writes itself: a page or an article folder may not take them.
RESERVED_PAGES = {"index": "the home page (index.html)", "404": "the not-found page (404.html)"}
RESERVED_FOLDERS = {"static": "shared files (static/)", "tags": "the tag pages (tags/)"}


def _name_clashes(articles: list[Article], pages: list[Page]) -> list[Problem]:
    """Sources whose outputs would overwrite each other or the builder's own files.

    Names are compared ignoring case, because macOS and Windows file systems
    do: ``Foo/`` and ``foo/`` are one folder there. A page ``x.md`` and an
    article ``x/`` would be one address (``/x``) on servers that drop ``.html``.
    """
    problems = []
    named: dict[str, tuple[str, str]] = {}
    sources = [(a.slug, f"{CONTENT_DIR}/{a.slug}", "article folder") for a in articles]
    sources += [(p.name, p.document.path, "page") for p in pages]
    for name, path, what in sorted(sources, key=lambda s: s[1]):
        key = name.casefold()
        reserved = RESERVED_FOLDERS.get(key) if what == "article folder" else RESERVED_PAGES.get(key)
        if reserved:
            problems.append(Problem(path, None, f"{what} name '{name}' is taken by {reserved}, which the builder writes; rename it"))
        elif key in named:
            problems.append(Problem(path, None, _clash_message(name, what, *named[key])))
        else:
            named[key] = (path, what)
    for article in articles:
        problems += _file_clashes(article)
    return problems


def _order_clashes(articles: list[Article]) -> list[Problem]:
    """A problem at every article whose ``order`` another article already takes (drafts included, so --drafts builds too)."""
    first: dict[int, Article] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.document.path):
        if article.order is None:
            continue
        holder = first.setdefault(article.order, article)
        if holder is not article:
            where = f"{holder.document.path}:{holder.document.line_of('order')}"
            message = f"'order: {article.order}' is taken already by {where}; give each article of the series its own number"
            problems.append(Problem(article.document.path, article.document.line_of("order"), message))
    return problems


def _clash_message(name: str, what: str, other_path: str, other_what: str) -> str:
    if what == other_what:
        kind = "folder" if what == "article folder" else "file"
        return f"{what} '{name}' and {other_path} differ only in case, so they would be one {kind} on macOS and Windows; rename one"
    page_name = name if what == "page" else Path(other_path).stem
    return f"{what} '{name}' and {other_path} share a name, so {page_name}.html and {page_name}/ would be one address (/{page_name}) on servers that drop .html; rename one"


def _file_clashes(article: Article) -> list[Problem]:
    """An article's own files against its page, its figures and each other, ignoring case."""
    folder = f"{CONTENT_DIR}/{article.slug}"
    problems = []
    taken: dict[str, str] = {"index.html": f"the article page {article.output_path}"}
    for figure in article.figures:
        key = figure.spec.name.casefold()
        if key in taken:
            problems.append(Problem(article.document.path, figure.line, f"figure '{figure.spec.name}' would be written to the same file as {taken[key]}; rename one"))
        taken.setdefault(key, f"figure '{figure.spec.name}' (declared on line {figure.line})")
        if key.endswith(".gif"):
            taken.setdefault(poster_name(key), f"the poster frame of figure '{figure.spec.name}' (declared on line {figure.line})")
            taken.setdefault(frames_name(key), f"the player data of figure '{figure.spec.name}' (declared on line {figure.line})")
        for variant in figure.sweep.variants[1:] if figure.sweep else ():
            for name in variant_files(variant):
                taken.setdefault(name.casefold(), f"a variant of the swept figure '{figure.spec.name}' (declared on line {figure.line})")
        if figure.sweep:
            taken.setdefault(manifest_name(key), f"the sweep data of figure '{figure.spec.name}' (declared on line {figure.line})")
    if article.cover:
        cover = poster_name(article.cover) if article.cover.endswith(".gif") else article.cover
        taken.setdefault(card_image_name(cover).casefold(), f"the card-sized copy of the cover '{article.cover}'")
    for asset in article.assets:
        key = asset.casefold()
        if key in taken:
            problems.append(Problem(f"{folder}/{asset}", None, f"this file would be overwritten by {taken[key]}; rename or remove one"))
        taken.setdefault(key, f"{folder}/{asset}")
    return problems


def _check_name(name: str, what: str, path: str, problems: list[Problem]) -> None:
    if not SLUG.match(name):
        problems.append(Problem(path, None, f"{what} '{name}' is not a URL-safe name; use letters, digits, '-' and '_' only"))
