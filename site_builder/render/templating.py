"""The Jinja environment the site's templates render in, and its errors as problems.

Templates are looked up in the project's ``templates/`` first and then in the
default theme's (:mod:`site_builder.load.theme`). Autoescaping is on and
undefined variables are errors, so a typo in a template fails the build with
the template's file and line, and whether that file is the project's or the
theme's, instead of silently printing nothing. Compiled templates are kept
between builds (:class:`SealedBytecodeCache`), so a build compiles only the
templates whose source changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import traceback
from collections.abc import Callable
from pathlib import Path

import jinja2
import jinja2.bccache

from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.load.sourcefiles import read_utf8
from site_builder.load.theme import TEMPLATES_DIR, Theme
from site_builder.problems import BuildFailed, Problem

SEAL_KIND = "templates"  # compiled templates, in the cache's templates/ folder


def make_environment(theme: Theme, compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """A strict, autoescaping environment loading templates from ``theme``, and compiled ones from ``compiled`` when given."""
    environment = jinja2.Environment(
        loader=ThemeLoader(theme),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["long_date"] = long_date
    return environment


def templates_digest(theme: Theme) -> str:
    """A hash of every template a page can use: each file of the theme's ``templates/`` (the project's winning), by name.

    Any template may extend or include any other, so a page's key takes them all.
    """
    digest = hashlib.sha256()
    for name, path in theme.files(TEMPLATES_DIR).items():
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class SealedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds under ``folder``, one sealed file each (see :mod:`site_builder.cache_seal`).

    Compiling is most of the cost of a small build's templates (0.15 s for the
    default theme). Jinja names each entry by the template's name and file and
    checks the checksum of its source before using it; the seal, made under
    ``code`` (a digest of the builder, whose settings shape the compiled code),
    makes sure what is loaded was written by this user's builds of this
    builder. An entry that fails either check is compiled again and replaced.
    ``read=False`` (``--force``) compiles everything and stores it.
    """

    def __init__(self, folder: Path, code: str, *, read: bool = True) -> None:
        self.folder, self.code, self.read = folder, code, read

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = read_sealed(self._path(bucket), SEAL_KIND, self._name(bucket)) if self.read else None
        if data is not None:
            bucket.load_bytecode(io.BytesIO(data))  # Jinja's own checks: its format, this Python, the source's checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = io.BytesIO()
        bucket.write_bytecode(compiled)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_sealed(self._path(bucket), SEAL_KIND, compiled.getvalue(), self._name(bucket))
        except OSError:
            pass  # a cache that cannot be written costs the next build a compile, nothing else

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"{self.code}/{bucket.key}"



def long_date(value: dt.date) -> str:
    """``2026-11-28`` as ``28 November 2026`` (locale-free, so builds are reproducible)."""
    return f"{value.day} {value:%B} {value.year}"


def render_template(environment: jinja2.Environment, name: str, context: dict[str, object]) -> str:
    """Render template ``name``; raise :class:`TemplateProblem` with its file and line on failure."""
    loader = environment.loader
    assert isinstance(loader, ThemeLoader)
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(loader.problem(error.filename or error.name or name, error.lineno, error.message or str(error))) from None
    except jinja2.TemplateNotFound as error:
        filename, line = _template_frame(error, name)
        where = loader.located(filename)
        raise TemplateProblem(Problem(loader.theme.shown_path(where) if where else f"{TEMPLATES_DIR}/{Path(filename).name}", line,
                                      f"template '{error.name}' not found in the project's {TEMPLATES_DIR}/ or the default theme")) from None
    except jinja2.UndefinedError as error:
        filename, line = _template_frame(error, name)
        raise TemplateProblem(loader.problem(filename, line, f"{error.message}; check the variable name or pass it to the template")) from None
    except jinja2.TemplateError as error:
        filename, line = _template_frame(error, name)
        raise TemplateProblem(loader.problem(filename, line, error.message or type(error).__name__)) from None
    except (TemplateProblem, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - a Python error raised by an expression in the template ({{ 1/0 }})
        filename, line = _template_frame(error, "")
        if not filename:
            raise  # not the template's doing: a bug in the builder
        message = "the template recursed without end (an include or macro that calls itself?)" if isinstance(error, RecursionError) else f"{type(error).__name__}: {error}"
        raise TemplateProblem(loader.problem(filename, line, message)) from None


class ThemeLoader(jinja2.FileSystemLoader):
    """Loads a template from the project's ``templates/``, else the theme's; knows which one a file is.

    A file that is not UTF-8 is a positioned problem, not a crash.
    """

    def __init__(self, theme: Theme) -> None:
        super().__init__([str(folder) for folder in theme.template_folders()])
        self.theme = theme

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            path = self.located(template)
            assert path is not None
            try:
                read_utf8(path, self.theme.shown_path(path))
            except BuildFailed as failure:
                raise TemplateProblem(failure.problems[0]) from None
            raise

    def located(self, name_or_path: str) -> Path | None:
        """The file a template name (or a path Jinja reported) stands for, if it exists."""
        path = Path(name_or_path)
        if path.is_absolute():
            return path if path.is_file() else None
        return next((folder / name_or_path for folder in map(Path, self.searchpath) if (folder / name_or_path).is_file()), None)

    def problem(self, filename: str, line: int | None, message: str) -> Problem:
        """A template error at ``filename:line``, saying whose file it is (the project's or the theme's)."""
        path = self.located(filename) if filename else None
        if path is None:
            return Problem(f"{TEMPLATES_DIR}/{Path(filename).name if filename else '?'}", line, f"template error: {message}")
        name = Path(self.theme.shown_path(path)).name if self.theme.is_project_file(path) else path.name
        return Problem(self.theme.shown_path(path), line, f"template error{self._whose(path, name)}: {message}")

    def _whose(self, path: Path, name: str) -> str:
        if self.theme.default.resolve() == self.theme.project:
            return ""  # this repository: its templates are the theme
        if not self.theme.is_project_file(path):
            return f" in the default theme's {name} (run `site-builder theme eject {TEMPLATES_DIR}/{name}` to copy it into the project and edit it)"
        theirs = self.theme.default / TEMPLATES_DIR / path.relative_to(self.theme.project / TEMPLATES_DIR)
        return " in the project's copy, which replaces the theme's" if theirs.is_file() else " in the project's own template"


class TemplateProblem(Exception):
    """A template failed to load or render; carries the positioned problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _template_frame(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in ``error``'s traceback (Jinja rewrites frames to point there)."""
    found: tuple[str, int | None] = (fallback, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".j2")):
            found = (frame.filename, frame.lineno)
    return found
