"""Sweeps: one figure, built for every combination of a few settings, that the reader can switch between.

An article declares a sweep under a figure::

    width.gif:
      kind: training
      target: "x**2"
      activation: relu
      sweep:
        hidden: [[1], [2], [3], [5], [10], [20]]
        lr: [0.05, 0.2]

Every combination of the swept values is a *variant*: a complete figure
declaration of its own, checked exactly as any other (so a swept ``steps``
that is less than ``frames`` is caught), made, cached and run in parallel
like any figure. The unswept settings are shared; the first value of each
swept key is the *default*, and a value the declaration gives a swept key
itself is replaced by the sweep's. A custom figure's ``params`` are swept by
``params.NAME``.

The default variant keeps the figure's own name, so the text shows it with
``![...](width.gif)`` and a page without JavaScript shows it; the others are
``width.sweep-1.gif``, ``width.sweep-2.gif``... in the order of
:attr:`Sweep.variants`, each with its own poster and player data. The
page's controls come from the manifest ``width.sweep.js``
(:func:`manifest_script`), which the page loads only when the figure nears
the viewport.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from site_builder.experiments.specs import PARAMETERS, FigureSpec, SpecIssue, frames_name, parse_figure, poster_name
from site_builder.schema import is_number, show, yaml_spelling

MAX_SWEEP_VARIANTS = 36  # combinations one figure may have: each is a full training run and a file to publish
MAX_SWEPT_KEYS = 3  # a control each: more than three is not something a reader can explore
SWEEP_KEY = "sweep"
PARAMS_PREFIX = "params."
UNSWEEPABLE = ("kind", "script", "function", "inputs", "params", "vary")  # a different figure, not a variant of one; params.NAME instead of params
MANIFEST_SUFFIX = ".sweep.js"  # "width.gif" -> "width.sweep.js"
# For the reference (`site-builder help figures`).
REFERENCE_INTRO = (
    "Any figure can be made explorable: `sweep:` lists settings and the values each takes, and every combination is "
    "built as its own run (cached and run in parallel like any figure). The page shows the figure with one control per "
    "swept setting (a slider for numbers in increasing order, radio buttons otherwise), and a status line with the "
    "chosen run's numbers; the choice is kept in the page's address (`?STEM.KEY=VALUE`), so a view can be shared. "
    "Without JavaScript the page shows the default run, which is every setting's first value, and the caption says "
    "the figure can be explored with JavaScript on. The runs' data is loaded only when the figure nears the viewport. "
    "Example: `sweep: {hidden: [[10], [30], [100]], lr: [0.01, 0.1]}`. The default run keeps the figure's name; "
    "the others are `NAME.sweep-1.png`, `NAME.sweep-2.png`... (names of that form are reserved), listed for the page "
    "in `NAME.sweep.js`. In the text, a swept figure's numbers are its default run's, and every run's are under "
    '`variants`, by the label the page shows: `{{ figure("fit.png").variants["hidden [5], lr 0.2"].final_loss }}`.'
)
REFERENCE_ENTRIES: tuple[tuple[str, str, str, str], ...] = (  # key, accepts, default, meaning
    ("sweep", f"a mapping of 1 to {MAX_SWEPT_KEYS} of the figure's parameters to lists of values, at most {MAX_SWEEP_VARIANTS} combinations in all", "none",
     "each combination is one run; the unswept settings are shared, the first value of each list is the default, and a "
     "swept key's own value in the declaration is replaced by the sweep's. Every kind's parameters can be swept except "
     "kind, script, function, inputs, params and vary (nor a setting that vary already varies)"),
    ("sweep: params.NAME", "a list of values", "none",
     "for kind: python, sweeps one key of params (the others stay as declared), like sweep: {params.width: [1, 2, 4]}"),
)
_VARIANT_NAME = re.compile(r"\.sweep-\d+\.(png|gif)$", re.IGNORECASE)


@dataclass(frozen=True)
class Axis:
    """One swept setting and the values it takes, in the author's order (the first is the default)."""

    key: str  # "lr", or "params.width" for a custom figure
    values: tuple[object, ...]  # as YAML gave them (a width list stays a list); never mutated

    @property
    def labels(self) -> tuple[str, ...]:
        """Each value as YAML spells it, a word without quotes: ``0.05``, ``[5]``, ``relu``."""
        return tuple(value if isinstance(value, str) and value and value.replace("_", "").isalnum() else yaml_spelling(value) for value in self.values)

    @property
    def ordered(self) -> bool:
        """True when the values are numbers (or one-number lists, like ``[5]``) in increasing order: a slider's."""
        numbers = [_as_number(value) for value in self.values]
        return len(numbers) > 1 and all(n is not None for n in numbers) and all(a < b for a, b in zip(numbers, numbers[1:]))  # type: ignore[operator]


@dataclass(frozen=True)
class Variant:
    """One combination: its spec (with its own file name) and the index of its value on each axis."""

    spec: FigureSpec
    choice: tuple[int, ...]


@dataclass(frozen=True)
class Sweep:
    """A swept figure: its axes and every variant, the default (all first values) first."""

    name: str  # the figure's own name, which the default variant keeps
    axes: tuple[Axis, ...]
    variants: tuple[Variant, ...]

    def label(self, variant: Variant) -> str:
        """What varies, as the page and the text name it: ``"hidden [5], lr 0.2"``."""
        return ", ".join(f"{axis.key} {axis.labels[i]}" for axis, i in zip(self.axes, variant.choice))

    @property
    def default(self) -> Variant:
        return self.variants[0]


def variant_name(name: str, index: int) -> str:
    """The file name of variant ``index`` of the figure ``name``: the default keeps ``name``, ``fit.png`` -> ``fit.sweep-3.png``."""
    if index == 0:
        return name
    stem, extension = name.rsplit(".", 1)
    return f"{stem}.sweep-{index}.{extension}"


def manifest_name(name: str) -> str:
    """The sweep's manifest for the page, by file name or path: ``a/fit.gif`` -> ``a/fit.sweep.js``."""
    return name.rsplit(".", 1)[0] + MANIFEST_SUFFIX


def parse_swept_figure(name: str, declaration: object) -> tuple[FigureSpec | None, Sweep | None, tuple[SpecIssue, ...]]:
    """Parse a declaration that may hold ``sweep:``: ``(default spec, sweep or None, issues)``.

    Without ``sweep:`` this is :func:`parse_figure` (plus the check that the
    name does not look like a variant's). With it, every combination is
    parsed as a declaration of its own, and each problem is reported once:
    the default's as the declaration's, another variant's naming the variant.
    """
    reserved = _reserved_name_issues(name)
    if not isinstance(declaration, Mapping) or SWEEP_KEY not in declaration:
        spec, issues = parse_figure(name, declaration)
        issues = (*reserved, *issues)
        return (None if issues else spec), None, issues
    base = {key: value for key, value in declaration.items() if key != SWEEP_KEY}
    axes, issues = _axes(declaration[SWEEP_KEY], str(base.get("kind")), base.get("vary"))
    if issues or reserved:
        _, base_issues = parse_figure(name, base)
        return None, None, (*reserved, *base_issues, *issues)
    choices = list(itertools.product(*(range(len(axis.values)) for axis in axes)))
    variants, problems, elsewhere = [], [], {}  # elsewhere: a problem only other variants have -> their labels
    for index, choice in enumerate(choices):
        spec, variant_issues = parse_figure(variant_name(name, index), _variant_declaration(base, axes, choice))
        if index == 0:
            problems += variant_issues
        for issue in variant_issues if index else ():
            if SpecIssue(issue.key, issue.message) not in problems:
                elsewhere.setdefault(issue.message, []).append(", ".join(f"{axis.key} {axis.labels[i]}" for axis, i in zip(axes, choice)))
        if spec is not None:
            variants.append(Variant(spec, choice))
    for message, labels in elsewhere.items():
        which = f"the variant {labels[0]}" if len(labels) == 1 else f"{len(labels)} variants ({'; '.join(labels[:3])}{'; ...' if len(labels) > 3 else ''})"
        problems.append(SpecIssue(SWEEP_KEY, f"{which}: {message}"))
    if problems:
        return None, None, tuple(dict.fromkeys(problems))
    return variants[0].spec, Sweep(name, axes, tuple(variants)), ()


def variant_files(variant: Variant) -> tuple[str, ...]:
    """The files a variant publishes: its image, and for an animation its poster and player data."""
    name = variant.spec.name
    return (name, poster_name(name), frames_name(name)) if name.endswith(".gif") else (name,)


def with_variant_spec(sweep: Sweep, transform: Callable[[FigureSpec], FigureSpec]) -> Sweep:
    """``sweep`` with ``transform(spec)`` applied to every variant's spec (a python figure's located script, say)."""
    return dataclasses.replace(sweep, variants=tuple(dataclasses.replace(v, spec=transform(v.spec)) for v in sweep.variants))


def same_files(sweep: Sweep, files: Mapping[str, bytes]) -> dict[str, str]:
    """Each variant whose published files (by name) have the same bytes as an earlier variant's -> that variant's name."""
    first: dict[tuple[bytes, ...], str] = {}
    same: dict[str, str] = {}
    for variant in sweep.variants:
        content = tuple(files.get(name, b"") for name in variant_files(variant))
        same_name = first.setdefault(content, variant.spec.name)
        if same_name != variant.spec.name:
            same[variant.spec.name] = same_name
    return same


def variant_numbers(sweep: Sweep, results: Mapping[str, Mapping[str, object]]) -> dict[str, Mapping[str, object]]:
    """Each variant's measured numbers by its label, for ``figure("NAME").variants["LABEL"]`` in the text."""
    return {sweep.label(v): results[v.spec.name] for v in sweep.variants if v.spec.name in results}


def status_text(numbers: Mapping[str, object] | None) -> str:
    """A variant's numbers in one line for the page: ``"after 300 steps: MSE 0.0123, 12 neurons dead"``.

    Only the fields every figure of a kind reports; a figure without numbers (a custom one, say) gets none.
    """
    if not numbers:
        return ""
    parts = []
    if isinstance(numbers.get("final_loss"), (int, float)):
        name = "loss" if "train_accuracy" in numbers else "MSE"
        parts.append(f"{name} {_number(float(numbers['final_loss']))}")
    for field, words in (("train_accuracy", "train accuracy"), ("test_accuracy", "test accuracy")):
        if isinstance(numbers.get(field), (int, float)):
            parts.append(f"{words} {float(numbers[field]) * 100:.0f}%")  # type: ignore[arg-type]
    dead = numbers.get("dead_neurons")
    if isinstance(dead, int) and not isinstance(dead, bool):
        parts.append(f"{dead} neuron{'' if dead == 1 else 's'} dead")
    if isinstance(numbers.get("runs"), Mapping):
        runs = numbers["runs"]
        parts += [f"{label}: {_run_text(run)}" for label, run in runs.items() if isinstance(run, Mapping)]  # type: ignore[union-attr]
    steps = numbers.get("steps")
    prefix = f"after {steps} steps" if isinstance(steps, int) and not isinstance(steps, bool) else ""
    text = ("; " if isinstance(numbers.get("runs"), Mapping) else ", ").join(parts)
    return f"{prefix}: {text}" if prefix and text else prefix or text


def manifest_script(sweep: Sweep, results: Mapping[str, Mapping[str, object]], same_as: Mapping[str, str] | None = None) -> bytes:
    """The manifest the page's ``sweep.js`` reads: axes, and each variant's files, label and status.

    A classic script (``window.siteBuilderSweeps[NAME] = {...}``), so the page
    can load it with ``<script src>`` from ``file://``. URLs are file names,
    relative to the figure. ``same_as`` maps a variant's name to an earlier
    variant whose files have the same bytes (two runs that ended alike): the
    page then loads those files once. Same sweep and numbers, same bytes.
    """
    same_as = same_as or {}

    def files(name: str) -> dict[str, str]:
        name = same_as.get(name, name)
        return {"image": name, **({"poster": poster_name(name), "frames": frames_name(name)} if name.endswith(".gif") else {})}

    data = {
        "name": sweep.name,
        "axes": [{"key": axis.key, "labels": list(axis.labels), "ordered": axis.ordered} for axis in sweep.axes],
        "variants": [{"choice": list(v.choice), "label": sweep.label(v), "status": status_text(results.get(v.spec.name)), **files(v.spec.name)}
                     for v in sweep.variants],
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
    return ("window.siteBuilderSweeps = window.siteBuilderSweeps || {};\n"
            f"window.siteBuilderSweeps[{json.dumps(sweep.name, ensure_ascii=True)}] = {text};\n").encode("ascii")


def _axes(value: object, kind: str, vary: object = None) -> tuple[tuple[Axis, ...], list[SpecIssue]]:
    """The sweep's axes, or the issues that say what is wrong with its shape (the values are checked per variant).

    ``vary`` is a compare figure's: a setting it varies within the figure cannot also be swept.
    """
    example = "like sweep: {lr: [0.05, 0.2], hidden: [[2], [20]]}"
    if not isinstance(value, Mapping) or not 1 <= len(value) <= MAX_SWEPT_KEYS:
        return (), [SpecIssue(SWEEP_KEY, f"sweep must map one to {MAX_SWEPT_KEYS} settings to the values each takes, {example}; got {show(value)}")]
    known = [p.name for p in PARAMETERS.get(kind, ())]
    axes, issues = [], []
    for key, values in value.items():
        key = str(key)
        if key.startswith(PARAMS_PREFIX) and kind == "python" and key[len(PARAMS_PREFIX):]:
            pass
        elif key in UNSWEEPABLE or key == SWEEP_KEY or key not in known:
            sweepable = [k for k in known if k not in UNSWEEPABLE] + (["params.NAME"] if kind == "python" else [])
            issues.append(SpecIssue(SWEEP_KEY, f"sweep: {key!r} cannot be swept in {'an' if kind[0] in 'aeiou' else 'a'} {kind} figure; sweep one of {', '.join(sweepable)}"))
            continue
        if isinstance(vary, Mapping) and key in vary:
            issues.append(SpecIssue(SWEEP_KEY, f"sweep: {key} is already varied by vary, within the figure; sweep another setting or remove it from vary"))
            continue
        if not isinstance(values, (list, tuple)) or not values:
            issues.append(SpecIssue(SWEEP_KEY, f"sweep: {key} must list the values to show, the default first, like {key}: [...]; got {show(values)}"))
            continue
        spelt = [json.dumps(v, sort_keys=True, default=str) for v in values]
        if len(set(spelt)) != len(spelt):
            repeated = next(v for v, s in zip(values, spelt) if spelt.count(s) > 1)
            issues.append(SpecIssue(SWEEP_KEY, f"sweep: {key} lists {show(repeated)} twice; list each value once"))
            continue
        axes.append(Axis(key, tuple(copy.deepcopy(list(values)))))
    count = math.prod(len(axis.values) for axis in axes)
    if not issues and count > MAX_SWEEP_VARIANTS:
        sizes = " × ".join(str(len(axis.values)) for axis in axes)
        issues.append(SpecIssue(SWEEP_KEY, f"sweep makes {count} variants ({sizes}), more than the {MAX_SWEEP_VARIANTS} one figure may have; sweep fewer values"))
    return tuple(axes), issues


def _variant_declaration(base: Mapping[str, object], axes: tuple[Axis, ...], choice: tuple[int, ...]) -> dict[str, object]:
    """The declaration of one combination: the shared settings with each swept key set to its chosen value."""
    declaration = dict(base)
    for axis, index in zip(axes, choice):
        value = copy.deepcopy(axis.values[index])
        if axis.key.startswith(PARAMS_PREFIX):
            params = declaration.get("params", {})
            declaration["params"] = {**(params if isinstance(params, Mapping) else {}), axis.key[len(PARAMS_PREFIX):]: value}
        else:
            declaration[axis.key] = value
    return declaration


def _reserved_name_issues(name: object) -> tuple[SpecIssue, ...]:
    if isinstance(name, str) and _VARIANT_NAME.search(name):
        return (SpecIssue(None, f"the name {name!r} is reserved for the variants of a swept figure (NAME.sweep-N.png); choose a name without .sweep-N"),)
    return ()


def _as_number(value: object) -> float | None:
    if is_number(value):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, (list, tuple)) and len(value) == 1 and is_number(value[0]):
        return float(value[0])
    return None


def _run_text(run: Mapping[str, object]) -> str:
    """One compared run's numbers: ``"31% dead, MSE 0.0040"``."""
    dead = run.get("dead_fraction")
    loss = run.get("final_loss")
    parts = [f"{float(dead) * 100:.0f}% dead"] if isinstance(dead, (int, float)) and run.get("dead_neurons") is not None else []
    parts += [f"MSE {_number(float(loss))}"] if isinstance(loss, (int, float)) else []
    return ", ".join(parts)


def _number(value: float) -> str:
    return f"{value:.4f}" if value == 0 or 1e-4 <= abs(value) < 1e4 else f"{value:.1e}"
