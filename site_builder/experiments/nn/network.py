"""A multi-layer perceptron: dense layers, forward pass and backpropagation.

The network is an immutable value. ``forward`` returns the output together
with a :class:`Trace` of the intermediate arrays that ``backward`` needs, and
``backward`` returns gradients shaped exactly like the layers, so an optimiser
step is ``layer - lr * grad`` on each pair. Rows are examples throughout:
an input batch is ``(N, fan_in)`` and weights are ``(fan_in, fan_out)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from site_builder.experiments.nn.activations import Activation


@dataclass(frozen=True)
class Dense:
    """An affine layer ``x @ weight + bias`` (also used to hold its gradients)."""

    weight: np.ndarray  # (fan_in, fan_out)
    bias: np.ndarray  # (fan_out,)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weight + self.bias  # (N, fan_out)


@dataclass(frozen=True)
class Trace:
    """What the forward pass saw, kept for the backward pass.

    ``inputs[i]`` is what layer ``i`` received and ``pre_activations[i]`` what
    it produced before the nonlinearity; the last layer is linear, so its
    pre-activation is the network's output.
    """

    inputs: tuple[np.ndarray, ...]  # (N, fan_in_i) per layer
    pre_activations: tuple[np.ndarray, ...]  # (N, fan_out_i) per layer


@dataclass(frozen=True)
class MLP:
    """Dense layers with an activation after each hidden one and a linear output.

    ``activations`` has one entry per hidden layer (``len(layers) - 1``); a
    single :class:`Activation` is used for every hidden layer. A single
    layer is a plain linear (affine) model.
    """

    layers: tuple[Dense, ...]
    activations: tuple[Activation, ...] | Activation

    def __post_init__(self) -> None:
        assert self.layers, "an MLP needs at least one layer"
        for before, after in itertools.pairwise(self.layers):
            assert before.weight.shape[1] == after.weight.shape[0], "layer widths do not chain"
        if isinstance(self.activations, Activation):
            object.__setattr__(self, "activations", (self.activations,) * (len(self.layers) - 1))
        assert len(self.activations) == len(self.layers) - 1, "one activation per hidden layer"  # type: ignore[arg-type]

    @property
    def widths(self) -> tuple[int, ...]:
        """Input width, each hidden width, output width: (1, 20, 1) for a 1-20-1 net."""
        return (self.layers[0].weight.shape[0], *(layer.weight.shape[1] for layer in self.layers))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The network's output for a batch ``x`` of shape (N, fan_in)."""
        return self.forward(x)[0]

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Trace]:
        """The output (N, fan_out) and the trace that :meth:`backward` consumes."""
        assert x.ndim == 2 and x.shape[1] == self.widths[0], f"bad input shape {x.shape}"
        inputs, pre_activations = [], []
        h = x  # (N, fan_in)
        for i, layer in enumerate(self.layers):
            inputs.append(h)
            z = layer(h)  # (N, fan_out_i)
            pre_activations.append(z)
            h = z if i == len(self.layers) - 1 else self.activations[i](z)  # type: ignore[index]
        return h, Trace(tuple(inputs), tuple(pre_activations))

    def backward(self, trace: Trace, grad_output: np.ndarray) -> tuple[Dense, ...]:
        """Gradients of a loss with respect to every weight and bias.

        ``grad_output`` is dLoss/dOutput, shaped like the output of the
        forward pass that produced ``trace``.
        """
        assert grad_output.shape == trace.pre_activations[-1].shape
        grads: list[Dense] = []
        g = grad_output  # dLoss/dz for the current layer, (N, fan_out_i)
        for i in reversed(range(len(self.layers))):
            grads.append(Dense(trace.inputs[i].T @ g, g.sum(axis=0)))
            if i > 0:
                g = (g @ self.layers[i].weight.T) * self.activations[i - 1].derivative(trace.pre_activations[i - 1])  # type: ignore[index]
        return tuple(reversed(grads))

    def step(self, grads: Sequence[Dense], lr: float) -> MLP:
        """A new network moved ``lr`` times the gradient downhill."""
        assert len(grads) == len(self.layers)
        layers = tuple(
            Dense(layer.weight - lr * grad.weight, layer.bias - lr * grad.bias)
            for layer, grad in zip(self.layers, grads)
        )
        return MLP(layers, self.activations)


INIT_SCHEMES: tuple[str, ...] = ("auto", "he", "xavier", "normal")
OUTPUT_INITS: tuple[str, ...] = ("auto", "zero")  # how the output layer's weights start


def init_mlp(
    widths: Sequence[int],
    activation: Activation | Sequence[Activation],
    rng: np.random.Generator,
    input_interval: tuple[float, float] | None = None,
    *,
    init: str = "auto",
    scale: float = 1.0,
    output: str = "auto",
) -> MLP:
    """A freshly initialised MLP with layer widths ``widths`` (input first, output last).

    Weights are normal with mean 0; biases start at zero. Their standard deviation depends on ``init``:

    * ``auto`` (the default): ``gain / sqrt(fan_in)``, the gain of the activation the
      layer feeds (He's sqrt(2) for the ReLU family, 1 otherwise; 1 for the linear output),
      so signals keep their scale through the depth. When the input is 1-D and
      ``input_interval`` is given, each first-layer unit's bias puts its kink (where its
      pre-activation crosses zero) at a uniformly drawn point of the interval, so every
      ReLU starts active on part of the data instead of possibly dead.
    * ``he``: ``sqrt(2 / fan_in)`` for hidden layers, ``sqrt(1 / fan_in)`` for the output (He et al. 2015).
    * ``xavier``: ``sqrt(2 / (fan_in + fan_out))`` (Glorot and Bengio 2010).
    * ``normal``: ``scale`` itself, whatever the layer.

    ``scale`` multiplies the standard deviation of the first three.

    ``output="zero"`` sets the output layer's weights to zero after drawing them (so
    the hidden layers get the very same draws as with ``"auto"``). Every hidden unit
    then starts with no say in the output and no gradient, and the first step gives
    each an output weight of the sign that helps: none starts out pulled the wrong way,
    which is how a lone ReLU on a positive target otherwise slides off the data and dies.
    """
    assert len(widths) >= 2 and all(w >= 1 for w in widths), f"bad widths {widths}"
    assert init in INIT_SCHEMES, f"unknown init {init!r}"
    assert output in OUTPUT_INITS, f"unknown output init {output!r}"
    activations = (activation,) * (len(widths) - 2) if isinstance(activation, Activation) else tuple(activation)
    assert len(activations) == len(widths) - 2, "one activation per hidden layer"
    layers = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(widths)):
        is_output = i == len(widths) - 2
        std = scale if init == "normal" else scale * _init_std(init, fan_in, fan_out, 1.0 if is_output else activations[i].gain, is_output)
        weight = rng.normal(0.0, std, size=(fan_in, fan_out))
        bias = np.zeros(fan_out)
        if init == "auto" and i == 0 and not is_output and fan_in == 1 and input_interval is not None:
            kinks = rng.uniform(*input_interval, size=fan_out)  # (fan_out,)
            bias = -weight[0] * kinks
        if is_output and output == "zero":
            weight = np.zeros_like(weight)
        layers.append(Dense(weight, bias))
    return MLP(tuple(layers), activations)


def _init_std(init: str, fan_in: int, fan_out: int, gain: float, is_output: bool) -> float:
    """The standard deviation of a layer's weights under ``init`` (``auto``, ``he`` or ``xavier``), before ``scale``."""
    if init == "auto":
        return gain / np.sqrt(fan_in)
    if init == "he":
        return float(np.sqrt((1.0 if is_output else 2.0) / fan_in))
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def hidden_contributions(model: MLP, x: np.ndarray) -> np.ndarray:
    """Each hidden unit's share of the output of a one-hidden-layer, one-output net.

    Column ``i`` is ``w2_i * act(w1_i . x + b1_i)``; the output equals the row
    sum plus the output bias. Returns shape (N, H).
    """
    assert len(model.layers) == 2, "contributions need exactly one hidden layer"
    hidden, output = model.layers
    assert output.weight.shape[1] == 1, "contributions need a single output"
    return model.activations[0](hidden(x)) * output.weight[:, 0]  # type: ignore[index]  # (N, H)
