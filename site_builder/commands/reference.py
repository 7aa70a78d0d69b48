"""The reference an author reads: every setting, front-matter key and figure parameter, from the schemas.

Nothing here is written by hand twice. ``site.toml`` keys come from
:class:`~site_builder.load.config.SiteConfig` (its fields and their
docstrings), front-matter keys from :mod:`site_builder.load.content`, figure
kinds and their parameters from the tables that validate them
(:data:`site_builder.experiments.specs.PARAMETERS`), and the playground's from
:mod:`site_builder.load.playground`. ``site-builder help TOPIC`` prints one
topic as plain text; ``docs/reference.md`` is all of them as Markdown, and a
test fails when the checked-in copy differs from what this module writes.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from site_builder.experiments import specs, sweeps
from site_builder.experiments.expressions import ALLOWED_SUMMARY
from site_builder.load import config, content, playground
from site_builder.schema import Parameter, number_text, yaml_spelling

REFERENCE_FILE = "docs/reference.md"


@dataclass(frozen=True)
class Entry:
    """One key: its name, what it accepts, its default (empty when required) and what it means."""

    name: str
    accepts: str
    default: str
    meaning: str


@dataclass(frozen=True)
class Topic:
    name: str  # as `site-builder help NAME` spells it
    title: str
    intro: str
    groups: tuple[tuple[str, str, tuple[Entry, ...]], ...]  # (heading, intro, entries); heading "" for one group


def topics() -> tuple[Topic, ...]:
    return (config_topic(), front_matter_topic(), figures_topic(), playground_topic())


def config_topic() -> Topic:
    docs = _attribute_docstrings(config.SiteConfig)
    entries = tuple(
        Entry(f.name, "true or false" if isinstance(f.default, bool) else "a string", _quoted(f.default), docs.get(f.name, ""))
        for f in dataclasses.fields(config.SiteConfig)
    )
    intro = "Settings for the whole site, in `site.toml` at the project's root (TOML). Every key is optional; unknown keys are errors."
    return Topic("config", "site.toml", intro, (("", "", entries),))


def front_matter_topic() -> Topic:
    intro = (
        "YAML between two `---` lines at the top of each Markdown file. An article is `content/<slug>/index.md`; "
        "a page is `content/<name>.md`. Unknown keys are errors."
    )
    articles = tuple(Entry(key, "", "", meaning) for key, meaning in content.ARTICLE_FIELDS.items())
    pages = tuple(Entry(key, "", "", meaning) for key, meaning in content.PAGE_FIELDS.items())
    return Topic("front-matter", "Front matter", intro, (("Articles", "", articles), ("Pages", "", pages)))


def figures_topic() -> Topic:
    intro = (
        "Each figure an article shows is declared under `figures:` by its file name, and shown in the text as an image "
        "(`![What it shows.](fit.gif \"Caption.\")`). The extension decides what is drawn: `.png` is a still, `.gif` an "
        "animation, which also gets a poster frame (`<name>.poster.png`) and data for the page's player "
        "(`<name>.frames.js`). Every declaration needs `kind:`; the parameters of each kind follow."
    )
    groups = tuple(
        (f"kind: {kind}", _kind_intro(kind), tuple(_parameter_entry(p) for p in specs.PARAMETERS[kind]))
        for kind in specs.KINDS
    )
    numbers = tuple(
        Entry(f"{kind}: {field}", "", "", meaning)
        for kind, fields in specs.RESULT_FIELDS.items() for field, meaning in fields.items()
    )
    swept = tuple(Entry(name, accepts, default, meaning) for name, accepts, default, meaning in sweeps.REFERENCE_ENTRIES)
    groups += (("Sweeps: figures the reader can explore", sweeps.REFERENCE_INTRO, swept),)
    groups += (("Numbers for the text", NUMBERS_INTRO, numbers),)
    return Topic("figures", "Figures", intro, groups)


NUMBERS_INTRO = (
    "A figure's run measures what it shows, and the article's text can quote it, so a number never goes stale: "
    '`{{ figure("fit.png").final_loss | round(4) }}`. After the fields come filters: `round(N)` (N decimals), '
    "`percent` or `percent(N)`, `sci(N)` (1.5 × 10⁻⁷), `int`; without one a number shows 4 significant digits. "
    "An unknown figure or field is an error at its line."
)


def _kind_intro(kind: str) -> str:
    if kind != "training":
        return specs.SUMMARIES[kind]
    return f"{specs.SUMMARIES[kind]} A target may use {ALLOWED_SUMMARY.removeprefix('allowed: ')}."


def playground_topic() -> Topic:
    intro = (
        "An article's `playground:` front-matter key gives an in-page trainer its starting settings; every key is optional. "
        "`mode` picks the trainer, and each mode takes its own keys."
    )
    regression = "A network with one hidden layer fits a curve on [-1, 1] by full-batch gradient descent on the mean squared error."
    classification = (
        f"A network learns to tell two classes of 2-D points apart: {playground.SAMPLES} points, the first half to train on "
        "and the second to test, made by the formulas `kind: classification` figures use (from the page's own random numbers, so "
        "a seed does not give a figure's exact points). The page shows the decision regions, "
        "the loss, train and test accuracy, and a thumbnail of each hidden neuron's output over the plane. Example: "
        "`playground: {mode: classification, dataset: spiral, noise: 0.1, hidden: [8, 8], activation: tanh, lr: 0.03, batch_size: 10}`."
    )
    return Topic("playground", "Playground", intro, (
        ("", "", (_parameter_entry(playground.MODE),)),
        ("mode: regression", regression, tuple(_parameter_entry(p) for p in playground.PARAMETERS)),
        ("mode: classification", classification, tuple(_parameter_entry(p) for p in playground.CLASSIFIER_PARAMETERS)),
    ))


def _parameter_entry(parameter: Parameter) -> Entry:
    default = "" if parameter.required else _as_written(parameter.default)
    return Entry(parameter.name, parameter.describe(), default, parameter.meaning)


def _as_written(value: object) -> str:
    """A default as an author would write it in YAML: ``relu``, ``[-5, 5]``, ``0.1``, ``null``."""
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_as_written(v) for v in value) + "]"
    if isinstance(value, str):
        return value if value and value.replace("_", "").isalnum() else f'"{value}"'
    return yaml_spelling(value)


def _quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else yaml_spelling(value)


def _attribute_docstrings(cls: type) -> dict[str, str]:
    """The string literal after each annotated field of ``cls``, as Sphinx reads attribute docstrings."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    found: dict[str, str] = {}
    for field, following in zip(body, body[1:]):
        if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name) and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str):
            found[field.target.id] = " ".join(following.value.value.split()).replace("``", "`")
    return found


# --- writing ----------------------------------------------------------------------------


def reference_markdown() -> str:
    """Every topic as one Markdown document: the text of ``docs/reference.md``."""
    lines = [
        "# site_builder reference",
        "",
        "Every setting, front-matter key and figure parameter, with what it accepts and its default. This file is",
        "generated from the schemas that validate them (`python -m site_builder help --markdown > docs/reference.md`);",
        "a test fails when it is out of date. The same text is in the terminal: `site-builder help TOPIC`.",
    ]
    for topic in topics():
        lines += ["", f"## {topic.title}", "", topic.intro]
        for heading, intro, entries in topic.groups:
            if heading:
                lines += ["", f"### {heading}"]
            if intro:
                lines += ["", intro]
            lines += ["", *_table(entries)]
    return "\n".join(lines) + "\n"


def _table(entries: Sequence[Entry]) -> list[str]:
    with_types = any(e.accepts or e.default for e in entries)
    if not with_types:
        return ["| key | meaning |", "|---|---|", *(f"| `{e.name}` | {_cell(e.meaning)} |" for e in entries)]
    rows = ["| key | accepts | default | meaning |", "|---|---|---|---|"]
    for e in entries:
        default = f"`{e.default}`" if e.default else "required"
        rows.append(f"| `{e.name}` | {_cell(e.accepts)} | {_cell(default)} | {_cell(e.meaning)} |")
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def topic_text(name: str, width: int = 100) -> str:
    """One topic as plain text for a terminal."""
    topic = next(t for t in topics() if t.name == name)
    lines = [topic.title, "=" * len(topic.title), "", *textwrap.wrap(topic.intro, width)]
    for heading, intro, entries in topic.groups:
        if heading:
            lines += ["", heading, "-" * len(heading)]
        if intro:
            lines += textwrap.wrap(intro, width)
        for e in entries:
            default = "" if not (e.accepts or e.default) else f"  (default: {e.default})" if e.default else "  (required)"
            lines += ["", f"  {e.name}{default}"]
            lines += textwrap.wrap(e.accepts, width, initial_indent="      accepts: ", subsequent_indent="      ") if e.accepts else []
            lines += textwrap.wrap(e.meaning, width, initial_indent="      ", subsequent_indent="      ")
    return "\n".join(lines) + "\n"


TOPIC_NAMES: tuple[str, ...] = tuple(t.name for t in topics())
