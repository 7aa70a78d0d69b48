"""A python figure's own numbers for the text: ``site_builder.lab.Measured(figure, numbers)``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from site_builder.experiments.custom.results import Measured, WrongResult, figure_files
from site_builder.experiments.specs import RESULTS_FILE
from site_builder.lab import new_figure


def test_measured_numbers_become_the_results_file_and_the_picture_is_unchanged():
    figure, axes = new_figure("t")
    axes.plot([0, 1], [0, 1])
    plain = figure_files("p.png", figure, 20)
    measured = figure_files("p.png", Measured(figure, {"deep": {"pieces": 17}, "loss": [0.5, 0.25]}), 20)
    assert measured["p.png"] == plain["p.png"]
    assert json.loads(measured[RESULTS_FILE]) == {"deep": {"pieces": 17}, "loss": [0.5, 0.25]}
    assert RESULTS_FILE not in plain


def test_a_measured_animation_keeps_its_frames():
    frames = [np.full((8, 8, 3), shade, dtype=np.uint8) for shade in (0, 128, 255)]
    files = figure_files("a.gif", Measured(frames, {"frames": 3}), 10)
    assert files["a.gif"][:6] == b"GIF89a" and json.loads(files[RESULTS_FILE]) == {"frames": 3}
    assert len(list(Measured(frames))) == 3  # a notebook's list(make(...)) still works


@pytest.mark.parametrize(
    ("numbers", "says"),
    [
        ([1, 2], "must be a dict with string keys"),
        ({"n": np.int64(3)}, "numbers['n'] is an int64; use plain numbers"),
        ({"a": {"b": float("nan")}}, "numbers['a']['b'] is nan; a number for the text must be finite"),
        ({"a": {1: 2}}, "has the key 1; keys must be strings"),
    ],
)
def test_numbers_the_text_could_not_quote_are_refused_with_where_they_are(numbers, says):
    figure, _ = new_figure("t")
    with pytest.raises(WrongResult, match=None) as caught:
        figure_files("p.png", Measured(figure, numbers), 20)
    assert says in str(caught.value)


def test_a_measured_still_shows_in_jupyter_as_its_picture():
    figure, _ = new_figure("t")
    assert Measured(figure, {})._repr_png_()[:4] == b"\x89PNG"


MEASURING = '''\
from site_builder.lab import Measured, new_figure

def make(params, rng):
    figure, axes = new_figure("Counted")
    axes.plot(range(params["n"]))
    return Measured(figure, {"deep": {"pieces": params["n"] * 2}, "share": 0.25})
'''


@pytest.mark.slow
def test_the_text_quotes_a_python_figures_numbers_and_a_wrong_field_is_an_error_at_its_line(make_project):
    from site_builder.build import build
    from site_builder.options import BuildOptions
    from site_builder.problems import BuildFailed

    page = "---\ntitle: Mine\ndate: 2026-01-01\nfigures:\n  c.png: {kind: python, script: c.py, params: {n: 7}}\n---\n\n"
    root = make_project({
        "content/mine/index.md": page + 'It makes {{ figure("c.png").deep.pieces }} pieces, {{ figure("c.png").share | percent }} of them.\n\n![Counted.](c.png "Counted.")\n',
        "content/mine/c.py": MEASURING,
    })
    build(BuildOptions(root=root))
    html = (root / "_site/mine/index.html").read_text(encoding="utf-8")
    assert "It makes 14 pieces, 25% of them." in html
    (root / "content/mine/index.md").write_text(page + 'It makes {{ figure("c.png").deep.piece }}.\n\n![Counted.](c.png "Counted.")\n', encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(root=root))
    (problem,) = failed.value.problems
    assert problem.line == 8 and "piece" in problem.message and "pieces" in problem.message, problem
