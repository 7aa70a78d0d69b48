"""The Jinja environment the site's templates render in, and its errors as problems.

Autoescaping is on and undefined variables are errors, so a typo in a
template fails the build with the template's name and line instead of
silently printing nothing.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from pathlib import Path

import jinja2

from site_builder.problems import BuildFailed, Problem
from site_builder.load.sourcefiles import read_utf8

TEMPLATES_DIR = "templates"


def make_environment(templates: Path) -> jinja2.Environment:
    """A strict, autoescaping environment loading from ``templates``."""
    environment = jinja2.Environment(
        loader=_Utf8Loader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["long_date"] = long_date
    return environment


def long_date(value: dt.date) -> str:
    """``2026-11-28`` as ``28 November 2026`` (locale-free, so builds are reproducible)."""
    return f"{value.day} {value:%B} {value.year}"


def render_template(environment: jinja2.Environment, name: str, context: dict[str, object]) -> str:
    """Render template ``name``; raise :class:`TemplateProblem` with its file and line on failure."""
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(_template_problem(error.filename or error.name or name, error.lineno, error.message or str(error))) from None
    except jinja2.TemplateNotFound as error:
        filename, line = _template_frame(error, name)
        raise TemplateProblem(Problem(f"{TEMPLATES_DIR}/{Path(filename).name}", line, f"template '{error.name}' not found in {TEMPLATES_DIR}/")) from None
    except jinja2.UndefinedError as error:
        filename, line = _template_frame(error, name)
        raise TemplateProblem(_template_problem(filename, line, f"{error.message}; check the variable name or pass it to the template")) from None
    except jinja2.TemplateError as error:
        filename, line = _template_frame(error, name)
        raise TemplateProblem(_template_problem(filename, line, error.message or type(error).__name__)) from None
    except (TemplateProblem, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - a Python error raised by an expression in the template ({{ 1/0 }})
        filename, line = _template_frame(error, "")
        if not filename:
            raise  # not the template's doing: a bug in the builder
        message = "the template recursed without end (an include or macro that calls itself?)" if isinstance(error, RecursionError) else f"{type(error).__name__}: {error}"
        raise TemplateProblem(_template_problem(filename, line, message)) from None


class _Utf8Loader(jinja2.FileSystemLoader):
    """Loads templates from a folder; a file that is not UTF-8 is a positioned problem, not a crash."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            try:
                read_utf8(Path(self.searchpath[0]) / template, f"{TEMPLATES_DIR}/{template}")
            except BuildFailed as failure:
                raise TemplateProblem(failure.problems[0]) from None
            raise


class TemplateProblem(Exception):
    """A template failed to load or render; carries the positioned problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _template_problem(filename: str, line: int | None, message: str) -> Problem:
    name = Path(filename).name if filename else "?"
    return Problem(f"{TEMPLATES_DIR}/{name}", line, f"template error: {message}")


def _template_frame(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in ``error``'s traceback (Jinja rewrites frames to point there)."""
    found: tuple[str, int | None] = (fallback, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".j2")):
            found = (frame.filename, frame.lineno)
    return found
