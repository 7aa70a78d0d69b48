"""Sweeps: a figure declared over several settings, built once per combination, and explored on the page."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import shutil
import textwrap
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from browser import _ProjectSiteHandler, browser, open_page  # noqa: F401 - fixture
from site_builder.build import build
from site_builder.experiments.cache import cache_key, figure_code_hashes, figure_inputs, library_versions
from site_builder.experiments.specs import CompareSpec, PythonSpec, TrainingSpec, parse_figure
from site_builder.experiments.sweeps import MAX_SWEEP_VARIANTS, manifest_name, parse_swept_figure, variant_name
from site_builder.experiments.training import run_training
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed

ARTICLE = Path(__file__).parents[1] / "content" / "relu-guide" / "index.md"
SEEDS = range(10)
WIDTH = {"kind": "training", "target": "x**2", "hidden": [2], "activation": "relu", "sweep": {"hidden": [[1], [2], [3], [5], [10], [20]], "lr": [0.05, 0.2]}}


# --- parsing and limits ---------------------------------------------------------------


def test_every_combination_is_a_variant_and_the_first_values_are_the_default():
    spec, sweep, issues = parse_swept_figure("width.gif", WIDTH)
    assert issues == ()
    assert (spec.name, spec.hidden, spec.lr) == ("width.gif", (1,), 0.05)  # the sweep's first values replace hidden: [2]
    assert len(sweep.variants) == 12
    assert [v.spec.name for v in sweep.variants[:3]] == ["width.gif", "width.sweep-1.gif", "width.sweep-2.gif"]
    assert [(v.spec.hidden, v.spec.lr) for v in sweep.variants[:3]] == [((1,), 0.05), ((1,), 0.2), ((2,), 0.05)]
    assert sweep.label(sweep.variants[7]) == "hidden [5], lr 0.2"
    assert all(v.spec.target == "x**2" and v.spec.activation == "relu" for v in sweep.variants)  # the unswept settings are shared
    assert [axis.ordered for axis in sweep.axes] == [True, True]
    assert parse_figure("width.gif", WIDTH) == (spec, ())  # every caller that only needs one spec gets the default


def test_words_and_unordered_numbers_get_buttons_not_a_slider():
    _, sweep, _ = parse_swept_figure("a.png", {"kind": "training", "target": "x", "sweep": {"activation": ["relu", "tanh"], "lr": [0.2, 0.05]}})
    assert [axis.ordered for axis in sweep.axes] == [False, False]


def test_a_custom_figure_sweeps_its_params_by_name():
    declaration = {"kind": "python", "script": "a.py", "params": {"n": 3, "title": "x"}, "sweep": {"params.n": [3, 5]}}
    spec, sweep, issues = parse_swept_figure("a.png", declaration)
    assert issues == ()
    assert [json.loads(v.spec.params) for v in sweep.variants] == [{"n": 3, "title": "x"}, {"n": 5, "title": "x"}]
    assert isinstance(spec, PythonSpec) and spec.name == "a.png"


@pytest.mark.parametrize(("sweep", "message"), [
    ({"lr": [0.1] * 2}, "sweep: lr lists 0.1 twice"),
    ({"lr": []}, "sweep: lr must list the values to show"),
    ({"kind": ["training"]}, "'kind' cannot be swept"),
    ({"learning_rate": [0.1]}, "'learning_rate' cannot be swept in a training figure; sweep one of target, interval"),
    ({"a": [1], "b": [1], "c": [1], "d": [1]}, "sweep must map one to 3 settings"),
    ([0.1, 0.2], "sweep must map one to 3 settings"),
    ({"lr": [0.1, 20]}, "the variant lr 20: lr must be a number greater than 0 and at most 10; got 20"),
    ({"steps": [100, 10]}, "the variant steps 10: frames (50) must be at most steps + 1 (11)"),
])
def test_a_bad_sweep_says_what_is_wrong(sweep, message):
    spec, swept, issues = parse_swept_figure("a.gif", {"kind": "training", "target": "x", "frames": 50, "steps": 100, "sweep": sweep})
    assert spec is None and swept is None
    assert any(message in issue.message for issue in issues), issues
    assert all(issue.key == "sweep" for issue in issues)


def test_a_setting_compare_varies_cannot_also_be_swept():
    _, _, issues = parse_swept_figure("a.png", {"kind": "compare", "target": "x", "vary": {"lr": [0.1, 0.2]}, "sweep": {"lr": [0.1, 0.3]}})
    assert [issue.message for issue in issues] == ["sweep: lr is already varied by vary, within the figure; sweep another setting or remove it from vary"]


def test_names_of_variants_are_reserved():
    _, _, issues = parse_swept_figure("fit.sweep-2.png", {"kind": "activation", "activation": "relu"})
    assert "reserved for the variants of a swept figure" in issues[0].message


def test_past_the_limit_the_build_names_the_line_the_count_and_the_limit(make_project, tmp_path):
    root = make_project({"content/a/index.md": """
        ---
        title: A
        date: 2026-01-01
        figures:
          big.png:
            kind: training
            target: "x**2"
            sweep:
              lr: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07]
              seed: [0, 1, 2, 3, 4, 5]
        ---

        ![A fit.](big.png "A fit.")
        """})
    (root / "_site").mkdir()
    (root / "_site" / "kept.txt").write_text("previous output", encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root, cache_dir=tmp_path / "cache"))
    (problem,) = failure.value.problems
    assert (problem.path, problem.line) == ("content/a/index.md", 8)  # the sweep: line
    assert f"sweep makes 42 variants (7 × 6), more than the {MAX_SWEEP_VARIANTS} one figure may have" in problem.message
    assert (root / "_site" / "kept.txt").read_text(encoding="utf-8") == "previous output"


# --- building -------------------------------------------------------------------------

PROJECT = {
    "content/a/index.md": """
        ---
        title: Sweeps
        date: 2026-01-01
        figures:
          fit.png:
            kind: training
            target: "x**2"
            samples: 16
            steps: 40
            init_output: zero
            sweep:
              hidden: [[1], [2], [8]]
              lr: [0.05, 0.3]
          run.gif:
            kind: training
            target: "abs(x)"
            samples: 16
            hidden: [3]
            steps: 30
            frames: 6
            fps: 5
            sweep:
              activation: [relu, tanh]
          bars.png:
            kind: python
            script: bars.py
            params: {n: 3}
            sweep:
              params.n: [3, 6]
        ---

        With one neuron the error ends at {{ figure("fit.png").final_loss | round(6) }}, with eight at 0.3 at {{ figure("fit.png").variants["hidden [8], lr 0.3"].final_loss | round(6) }}.

        ![The fit of a small ReLU network to x squared.](fit.png "The fit.")

        ![A network learning the absolute value.](run.gif "The run.")

        ![Bars of squares.](bars.png "Bars.")
        """,
    "content/a/bars.py": """
        from site_builder.lab import new_figure

        def make(params, rng):
            figure, axes = new_figure(f"{params['n']} squares")
            axes.bar(range(params["n"]), [i * i for i in range(params["n"])])
            return figure
        """,
    "content/b.md": """
        ---
        title: Plain
        ---

        A page with no figures.
        """,
}
FIT_VARIANTS, RUN_VARIANTS, BAR_VARIANTS = 6, 2, 2


@pytest.fixture(scope="module")
def swept_site(tmp_path_factory) -> tuple[Path, object]:
    """The project above, built once; (project root, build report)."""
    root = tmp_path_factory.mktemp("sweeps") / "project"
    for relative, text in PROJECT.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "site.toml").write_text('title = "Sweeps"\n', encoding="utf-8")
    report = build(BuildOptions(root=root))
    return root, report


def manifest(site: Path, name: str) -> dict:
    text = (site / "a" / manifest_name(name)).read_text(encoding="ascii")
    head, _, payload = text.splitlines()[1].partition(" = ")
    assert head == f"window.siteBuilderSweeps[{json.dumps(name)}]"
    return json.loads(payload.rstrip(";"))


@pytest.mark.slow
def test_every_variant_is_built_cached_and_distinct(swept_site):
    root, report = swept_site
    site = report.out_dir
    assert len(report.figures_ran) == FIT_VARIANTS + RUN_VARIANTS + BAR_VARIANTS
    stills = [site / "a" / variant_name("fit.png", i) for i in range(FIT_VARIANTS)]
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in stills}) == FIT_VARIANTS  # each run draws its own figure
    for i in range(RUN_VARIANTS):
        for suffix in (".gif", ".poster.png", ".frames.js"):
            assert (site / "a" / (variant_name("run.gif", i).removesuffix(".gif") + suffix)).is_file()
    bars = [(site / "a" / variant_name("bars.png", i)).read_bytes() for i in range(BAR_VARIANTS)]
    assert bars[0] != bars[1]
    data = manifest(site, "fit.png")
    assert [v["image"] for v in data["variants"]] == [variant_name("fit.png", i) for i in range(FIT_VARIANTS)]
    assert len({v["status"] for v in data["variants"]}) == FIT_VARIANTS  # each run's own numbers
    assert data["axes"] == [{"key": "hidden", "labels": ["[1]", "[2]", "[8]"], "ordered": True}, {"key": "lr", "labels": ["0.05", "0.3"], "ordered": True}]
    again = build(BuildOptions(root=root))
    assert again.figures_ran == {} or again.up_to_date


@pytest.mark.slow
def test_each_variant_has_its_own_cache_key():
    spec, sweep, _ = parse_swept_figure("width.gif", WIDTH)
    code, versions = figure_code_hashes(), library_versions()
    keys = {cache_key(figure_inputs(v.spec, code, versions)) for v in sweep.variants}
    assert len(keys) == len(sweep.variants)


@pytest.mark.slow
def test_a_changed_value_runs_only_its_new_variants_and_explain_says_which(swept_site, tmp_path):
    root, _ = swept_site
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("_site"))
    source = copy / "content" / "a" / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("0.3", "0.4"), encoding="utf-8")  # the sweep and the quote of its run
    report = build(BuildOptions(root=copy))
    assert sorted(report.figures_ran) == ["a/fit.sweep-1.png", "a/fit.sweep-3.png", "a/fit.sweep-5.png"]
    assert report.figures_ran["a/fit.sweep-5.png"].startswith("sweep of fit.png (hidden [8], lr 0.4); declaration changed (lr: 0.3 → 0.4)")


@pytest.mark.slow
def test_the_text_quotes_the_default_and_any_variant_by_its_label(swept_site):
    root, report = swept_site
    page = html.unescape(re.sub(r"<[^>]+>", "", (report.out_dir / "a" / "index.html").read_text(encoding="utf-8")))
    _, sweep, _ = parse_swept_figure("fit.png", yaml.safe_load(_front_matter(root / "content" / "a" / "index.md"))["figures"]["fit.png"])
    default = run_training(sweep.variants[0].spec).final_loss
    eighth = run_training(sweep.variants[5].spec).final_loss
    assert sweep.label(sweep.variants[5]) == "hidden [8], lr 0.3"
    assert f"With one neuron the error ends at {default:.6f}, with eight at 0.3 at {eighth:.6f}." in " ".join(page.split())


@pytest.mark.slow
def test_without_scripts_the_caption_says_the_figure_can_be_explored(swept_site):
    _, report = swept_site
    body = (report.out_dir / "a" / "index.html").read_text(encoding="utf-8")
    caption = re.search(r'<img alt="The fit of a small[^>]*src="fit.png"[^>]*>\s*<figcaption>(.*?)</figcaption>', body, re.DOTALL)
    assert caption, "the default run is the image the page shows"
    assert "<noscript><span class=\"figure__note\"> With JavaScript on, this figure can be explored: controls for hidden and lr switch between its 6 runs.</span></noscript>" in caption[1]
    assert 'src="../static/sweep.js" data-sweeps=\'{"bars.png": "bars.sweep.js", "fit.png": "fit.sweep.js", "run.gif": "run.sweep.js"}\'' in body
    assert "sweep.js" not in (report.out_dir / "b.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_notebook_runs_every_combination_in_one_loop(swept_site):
    _, report = swept_site
    cells = ["".join(c["source"]) for c in json.loads((report.out_dir / "a" / "a.ipynb").read_text(encoding="utf-8"))["cells"]]
    (loop,) = [c for c in cells if "sweep = {'hidden'" in c]
    assert "for (hidden, lr,) in product(*sweep.values()):" in loop
    assert "lab.make_figure('fit.png', kind='training'" in loop and "hidden=hidden, lr=lr)" in loop
    namespace: dict = {}
    printed: list[str] = []
    exec(loop, {"print": lambda *values: printed.append(values)}, namespace)  # noqa: S102 - our own cell, run as the notebook would
    assert len(printed) == FIT_VARIANTS
    (bars,) = [c for c in cells if "sweep = {'params.n'" in c]
    assert "bars.make(MappingProxyType({**params, 'n': n}), np.random.default_rng(0))" in bars


def _front_matter(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[1:lines.index("---", 1)])


# --- the flagship's sweep, and what its text claims -----------------------------------------


def flagship_sweep():
    figures = yaml.safe_load(_front_matter(ARTICLE))["figures"]
    spec, sweep, issues = parse_swept_figure("killing_rate.png", figures["killing_rate.png"])
    assert issues == ()
    return sweep


def test_the_flagship_has_a_sweep_of_at_least_twelve_runs():
    sweep = flagship_sweep()
    assert len(sweep.variants) >= 12
    assert [axis.key for axis in sweep.axes] == ["hidden", "lr"]
    assert "@fig-killing-rate lets you try both" in ARTICLE.read_text(encoding="utf-8")


def _dead_share(spec: CompareSpec, width: int, lr: float, seed: int) -> float:
    run = TrainingSpec(**{**{f: getattr(spec.base, f) for f in TrainingSpec.__dataclass_fields__}, "hidden": (width,), "lr": lr, "seed": seed})
    return run_training(run).dead_neurons / width


@pytest.mark.slow
def test_the_rate_that_kills_shrinks_as_the_layer_widens_on_every_seed():
    """The text: "Ten neurons survive every rate up to 0.1; a hundred lose none at 0.02 or below, but at 0.1 most of them die on every seed."."""
    sweep = flagship_sweep()
    spec = sweep.default.spec
    assert isinstance(spec, CompareSpec)
    for seed in SEEDS:
        for lr in (0.01, 0.02, 0.05, 0.1):
            assert _dead_share(spec, 10, lr, seed) == 0, (seed, lr)
        for lr in (0.01, 0.02):
            assert _dead_share(spec, 100, lr, seed) == 0, (seed, lr)
        assert _dead_share(spec, 100, 0.1, seed) > 0.5, seed


# --- in the browser ---------------------------------------------------------------------


def _sweep_figure(page, image: str, alt: str = ""):
    """The figure showing ``image`` (or, once its image may change, the one whose alt text starts with ``alt``), with its controls."""
    figure = page.locator(f"figure:has(img[alt^='{alt}'])" if alt else f"figure:has(img[src$='{image}'])")
    figure.scroll_into_view_if_needed()
    figure.locator(".sweep").wait_for(timeout=5000)
    return figure


def _check_still_sweep(page, errors):
    figure = _sweep_figure(page, "fit.png", "The fit of")
    img, status = figure.locator("img"), figure.locator(".sweep__status")
    sliders = figure.locator("input[type=range]")
    assert sliders.count() == 2
    for i, key in enumerate(["hidden", "lr"]):  # each control is labelled with its setting
        slider_id = sliders.nth(i).get_attribute("id")
        assert figure.locator(f"label[for='{slider_id}']").inner_text() == key
    assert sliders.nth(1).get_attribute("aria-valuetext") == "lr 0.05"
    assert status.get_attribute("aria-live") == "polite"
    seen = {(img.get_attribute("src"), status.inner_text())}
    sliders.nth(1).focus()
    page.keyboard.press("ArrowRight")  # the keyboard moves a native slider: lr 0.3
    assert sliders.nth(1).get_attribute("aria-valuetext") == "lr 0.3"
    seen.add((img.get_attribute("src"), status.inner_text()))
    sliders.nth(0).focus()
    page.keyboard.press("End")  # hidden [8]
    assert sliders.nth(0).get_attribute("aria-valuetext") == "hidden [8]"
    seen.add((img.get_attribute("src"), status.inner_text()))
    assert sorted(src.rsplit("/", 1)[-1] for src, _ in seen) == ["fit.png", "fit.sweep-1.png", "fit.sweep-5.png"]
    assert len({text for _, text in seen}) == 3 and status.inner_text().startswith("hidden [8], lr 0.3 · after 40 steps: MSE ")
    assert img.get_attribute("alt").endswith("Shown: the run with hidden [8], lr 0.3.")
    page.wait_for_function("() => [...document.images].some((i) => i.src.endsWith('fit.sweep-5.png') && i.complete && i.naturalWidth > 0)")
    assert "fit.hidden=%5B8%5D" in page.url and "fit.lr=0.3" in page.url
    assert errors == []


@pytest.mark.slow
def test_moving_each_control_switches_a_still_from_disk(browser, swept_site):  # noqa: F811
    _, report = swept_site
    page, errors = open_page(browser, (report.out_dir / "a" / "index.html").as_uri())
    _check_still_sweep(page, errors)
    page.reload(wait_until="load")  # the address keeps the view: a shared link opens on the same run
    figure = _sweep_figure(page, "", "The fit of")
    assert figure.locator("img").get_attribute("src").endswith("fit.sweep-5.png")
    page.context.close()


@pytest.mark.slow
def test_moving_each_control_switches_a_still_under_a_project_path(browser, swept_site):  # noqa: F811
    _, report = swept_site
    handler = functools.partial(_ProjectSiteHandler, directory=str(report.out_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page, errors = open_page(browser, f"http://127.0.0.1:{server.server_address[1]}/repo/a/")
        _check_still_sweep(page, errors)
        page.context.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.slow
def test_radio_buttons_switch_an_animation_keeping_its_step(browser, swept_site):  # noqa: F811
    _, report = swept_site
    page, errors = open_page(browser, (report.out_dir / "a" / "index.html").as_uri(), reduced_motion="reduce")
    figure = _sweep_figure(page, "run.gif", "A network learning")
    figure.locator(".player").wait_for(timeout=5000)
    radios = figure.locator("input[type=radio]")
    assert radios.count() == 2 and figure.locator("fieldset legend").inner_text() == "activation"
    assert figure.locator("label.sweep__option").all_inner_texts() == ["relu", "tanh"]
    player_status = figure.locator(".player__status")
    figure.locator(".player__back").click()  # reduced motion starts on the poster's frame; step back one
    before = player_status.inner_text()
    step = int(re.match(r"step (\d+) of 30", before).group(1))
    assert 0 < step < 30
    radios.nth(0).focus()
    page.keyboard.press("ArrowRight")  # the arrow keys move between native radio buttons: tanh
    page.wait_for_function(f"() => [...document.querySelectorAll('.player__status')].some((s) => s.textContent.startsWith('step ') && s.textContent !== {json.dumps(before)})")
    after = int(re.match(r"step (\d+) of 30", player_status.inner_text()).group(1))
    assert abs(after - step) <= 3, (step, after)  # the nearest recorded step of the other run: its sampling may differ
    assert figure.locator(".player").count() == 1
    assert radios.nth(1).is_checked()
    assert figure.locator(".sweep__status").inner_text().startswith("activation tanh · after 30 steps: MSE ")
    assert figure.locator(".player__canvas").get_attribute("aria-label").endswith("Shown: the run with activation tanh.")
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_sweep_data_loads_only_as_the_figure_nears(browser, swept_site):  # noqa: F811
    _, report = swept_site
    page_path = report.out_dir / "a" / "index.html"
    spaced = page_path.with_name("spaced.html")
    body = page_path.read_text(encoding="utf-8")
    spaced.write_text(body.replace("<p>With one neuron", '<div style="height: 5000px"></div><p>With one neuron', 1), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))
    page.goto(spaced.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert not [name for name in requested if ".sweep" in name]
    _sweep_figure(page, "fit.png")
    page.wait_for_timeout(300)
    assert "fit.sweep.js" in requested and "fit.sweep-5.png" in requested
    context.close()
    spaced.unlink()


@pytest.mark.slow
def test_without_javascript_the_default_run_shows_and_the_caption_says_so(browser, swept_site):  # noqa: F811
    _, report = swept_site
    page, errors = open_page(browser, (report.out_dir / "a" / "index.html").as_uri(), java_script_enabled=False)
    figure = page.locator("figure:has(img[src='fit.png'])")
    assert figure.locator(".sweep").count() == 0
    assert "With JavaScript on, this figure can be explored" in figure.locator("figcaption").inner_text()
    context = page.context
    context.close()


@pytest.mark.slow
def test_the_readme_example_builds_and_quotes_its_runs(tmp_path):
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index("\n### Explorable figures: `sweep:`\n")
    section = text[start:text.index("\n### ", start + 1)]
    (declarations,) = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    (prose,) = re.findall(r"```markdown\n(.*?)```", section, re.DOTALL)
    article = tmp_path / "content" / "a" / "index.md"
    article.parent.mkdir(parents=True)
    (tmp_path / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    article.write_text(f"---\ntitle: A\ndate: 2026-01-01\n{declarations}---\n\n{prose}\n", encoding="utf-8")
    report = build(BuildOptions(root=tmp_path))
    assert len(report.figures_ran) == 8
    _, sweep, _ = parse_swept_figure("width.png", yaml.safe_load(declarations)["figures"]["width.png"])
    one, twenty = run_training(sweep.variants[0].spec).final_loss, run_training(sweep.variants[7].spec).final_loss
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", "", (report.out_dir / "a" / "index.html").read_text(encoding="utf-8"))).split())
    assert f"One neuron ends at an error of {one:.4f}; twenty at 0.2 end at {twenty:.4f}." in page
