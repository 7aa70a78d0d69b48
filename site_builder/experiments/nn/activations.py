"""Element-wise activation functions and their derivatives.

An :class:`Activation` bundles a function ``f`` with its derivative ``f'``,
both taken with respect to the pre-activation ``z`` and applied element-wise,
so backpropagation multiplies the incoming gradient by ``f'(z)``. It also
carries the initialisation gain that keeps signal variance roughly constant
through a layer using it (He et al. for the ReLU family, 1 otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

ACTIVATION_NAMES: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "identity")

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Activation:
    """An element-wise nonlinearity with its derivative and init gain."""

    name: str
    function: ArrayFn  # f(z), same shape as z
    derivative: ArrayFn  # f'(z), same shape as z
    gain: float  # weight-init std is gain / sqrt(fan_in)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.function(z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written as exp(-softplus(-z)) so large |z| never overflows."""
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    s = sigmoid(z)
    return s * (1.0 - s)


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z)."""
    return np.maximum(z, 0.0)


def _relu_derivative(z: np.ndarray) -> np.ndarray:
    # The kink at 0 gets derivative 0, the usual subgradient choice.
    return (z > 0).astype(z.dtype)


def leaky_relu(z: np.ndarray, leak: float) -> np.ndarray:
    """z for z > 0, leak * z otherwise."""
    return np.where(z > 0, z, leak * z)


def _leaky_relu_derivative(z: np.ndarray, leak: float) -> np.ndarray:
    return np.where(z > 0, 1.0, leak)


def elu(z: np.ndarray) -> np.ndarray:
    """z for z > 0, e^z - 1 otherwise (Clevert et al. 2016): smooth, and never flat on the left."""
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_derivative(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))


_GELU_C = math.sqrt(2.0 / math.pi)


def gelu(z: np.ndarray) -> np.ndarray:
    """z · Φ(z) in the tanh form of Hendrycks and Gimpel (2016), as most libraries compute it."""
    return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))


def _gelu_derivative(z: np.ndarray) -> np.ndarray:
    inner = _GELU_C * (z + 0.044715 * z**3)
    t = np.tanh(inner)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3 * 0.044715 * z * z)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _identity_derivative(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def get_activation(name: str, leak: float = 0.1) -> Activation:
    """The activation called ``name`` (one of ACTIVATION_NAMES).

    ``leak`` is the negative-side slope of ``leaky_relu`` and is ignored by
    the others. Raises ValueError for an unknown name.
    """
    if name == "sigmoid":
        return Activation(name, sigmoid, _sigmoid_derivative, gain=1.0)
    if name == "tanh":
        return Activation(name, np.tanh, _tanh_derivative, gain=1.0)
    if name == "relu":
        return Activation(name, relu, _relu_derivative, gain=math.sqrt(2.0))
    if name == "leaky_relu":
        assert 0.0 <= leak < 1.0, f"leak must be in [0, 1), got {leak}"
        gain = math.sqrt(2.0 / (1.0 + leak * leak))
        return Activation(
            name, partial(leaky_relu, leak=leak), partial(_leaky_relu_derivative, leak=leak), gain
        )
    if name == "elu":
        return Activation(name, elu, _elu_derivative, gain=1.0)
    if name == "gelu":
        return Activation(name, gelu, _gelu_derivative, gain=1.0)
    if name == "identity":
        return Activation(name, _identity, _identity_derivative, gain=1.0)
    known = ", ".join(ACTIVATION_NAMES)
    raise ValueError(f"unknown activation {name!r}; known: {known}")
