"""Our numpy network against an independent reference: HIPS autograd.

Finite differences (tests/test_nn.py) check each derivative against its own
forward pass; this file checks the forward pass too. The reference network
below is written from the textbook formulas in ``autograd.numpy``, shares no
code with ``site_builder.experiments.nn``, and is differentiated by autograd's
reverse mode. Outputs, losses, every gradient and several optimiser steps must
agree to 1e-10, for every activation, loss and optimiser we offer.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from site_builder.experiments.nn import ACTIVATION_NAMES, MLP, Dense, get_activation, init_mlp, train
from site_builder.experiments.nn.losses import get_loss
from site_builder.experiments.nn.optimizers import OPTIMIZER_NAMES, get_optimizer

TOLERANCE = dict(rtol=1e-10, atol=1e-12)

REFERENCE_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + anp.exp(-z)),
    "tanh": anp.tanh,
    "relu": lambda z: anp.maximum(z, 0.0),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.1 * z),
    "elu": lambda z: anp.where(z > 0, z, anp.exp(anp.minimum(z, 0.0)) - 1),
    "gelu": lambda z: 0.5 * z * (1 + anp.tanh(anp.sqrt(2 / anp.pi) * (z + 0.044715 * z**3))),
    "identity": lambda z: z,
}


def reference_forward(params: list, activations: list[str], x):
    """The MLP as a textbook writes it: ``h ← f(h W + b)`` per hidden layer, a linear output."""
    h = x
    for (weight, bias), name in zip(params[:-1], activations):
        h = REFERENCE_ACTIVATIONS[name](anp.dot(h, weight) + bias)
    weight, bias = params[-1]
    return anp.dot(h, weight) + bias


def logsumexp(z, axis: int):
    """log Σ exp(z) along ``axis``, shifted by the maximum so it cannot overflow."""
    top = anp.max(z, axis=axis, keepdims=True)
    return anp.log(anp.sum(anp.exp(z - top), axis=axis)) + anp.squeeze(top, axis=axis)


def reference_loss(kind: str, outputs, labels):
    """MSE, sigmoid binary cross-entropy or softmax cross-entropy, averaged over the batch."""
    if kind == "mse":
        return anp.mean((outputs - labels) ** 2)
    if outputs.shape[1] == 1:
        p = 1 / (1 + anp.exp(-outputs))
        return anp.mean(-(labels * anp.log(p) + (1 - labels) * anp.log(1 - p)))
    one_hot = labels == anp.arange(outputs.shape[1])[None, :]
    return anp.mean(logsumexp(outputs, axis=1) - anp.sum(outputs * one_hot, axis=1))


def as_params(model: MLP) -> list:
    return [(layer.weight.copy(), layer.bias.copy()) for layer in model.layers]


def random_model(widths: tuple[int, ...], names: list[str], seed: int) -> MLP:
    rng = np.random.default_rng(seed)
    model = init_mlp(widths, [get_activation(name) for name in names], rng, init="xavier")
    return MLP(tuple(Dense(layer.weight, rng.normal(0, 0.3, layer.bias.shape)) for layer in model.layers), model.activations)


def problem(kind: str, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Inputs, targets and the output width for a loss: regression targets or class labels."""
    rng = np.random.default_rng(100 + seed)
    x = rng.normal(size=(9, 3))
    if kind == "mse":
        return x, rng.normal(size=(9, 2)), 2
    return x, rng.integers(0, classes, size=(9, 1)).astype(float), 1 if classes == 2 else classes


CASES = [(name, kind, classes) for name in ACTIVATION_NAMES for kind, classes in (("mse", 0), ("cross_entropy", 2), ("cross_entropy", 4))]


@pytest.mark.parametrize(("activation", "kind", "classes"), CASES)
def test_outputs_losses_and_every_gradient_agree_with_autograd(activation, kind, classes):
    x, y, outputs = problem(kind, classes, seed=len(activation))
    names = [activation, activation]
    model = random_model((3, 5, 4, outputs), names, seed=classes)
    loss = get_loss(kind, outputs)

    prediction, trace = model.forward(x)
    np.testing.assert_allclose(prediction, reference_forward(as_params(model), names, x), **TOLERANCE)
    value, grad_output = loss.value_and_grad(prediction, y)
    assert value == pytest.approx(float(reference_loss(kind, prediction, y)), rel=1e-12)

    ours = model.backward(trace, grad_output)
    theirs = grad(lambda params: reference_loss(kind, reference_forward(params, names, x), y))(as_params(model))
    for layer, (weight_grad, bias_grad) in zip(ours, theirs):
        np.testing.assert_allclose(layer.weight, weight_grad, **TOLERANCE)
        np.testing.assert_allclose(layer.bias, bias_grad, **TOLERANCE)


def reference_steps(optimizer: str, params: list, gradient, steps: int, lr: float, weight_decay: float) -> list:
    """``steps`` updates by the published rules (PyTorch's SGD momentum form; Kingma and Ba's Adam), with L2 on weights."""
    flat = [array for pair in params for array in pair]
    velocity = [np.zeros_like(a) for a in flat]
    m = [np.zeros_like(a) for a in flat]
    v = [np.zeros_like(a) for a in flat]
    beta, beta1, beta2, eps = 0.9, 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        grads = [g for pair in gradient([(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]) for g in pair]
        grads = [g + weight_decay * a if i % 2 == 0 else g for i, (g, a) in enumerate(zip(grads, flat))]
        for i, g in enumerate(grads):
            if optimizer == "sgd":
                flat[i] = flat[i] - lr * g
            elif optimizer == "momentum":
                velocity[i] = beta * velocity[i] + g
                flat[i] = flat[i] - lr * velocity[i]
            else:
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g**2
                flat[i] = flat[i] - lr * (m[i] / (1 - beta1**t)) / (np.sqrt(v[i] / (1 - beta2**t)) + eps)
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_five_optimiser_steps_agree_with_autograd_and_the_published_rules(optimizer, weight_decay):
    x, y, outputs = problem("cross_entropy", 3, seed=1)
    names = ["tanh", "gelu"]
    model = random_model((3, 6, 5, outputs), names, seed=4)
    loss = get_loss("cross_entropy", outputs)
    trained = train(model, x, y, steps=5, lr=0.05, loss=loss, optimizer=get_optimizer(optimizer, 0.05, weight_decay=weight_decay))

    gradient = grad(lambda params: reference_loss("cross_entropy", reference_forward(params, names, x), y))
    expected = reference_steps(optimizer, as_params(model), gradient, steps=5, lr=0.05, weight_decay=weight_decay)
    for layer, (weight, bias) in zip(trained.layers, expected):
        np.testing.assert_allclose(layer.weight, weight, **TOLERANCE)
        np.testing.assert_allclose(layer.bias, bias, **TOLERANCE)
