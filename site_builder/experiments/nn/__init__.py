"""A tiny numpy neural-network library: activations, an MLP, MSE, gradient descent.

Self-contained on purpose: it imports nothing from the rest of site_builder,
so it can be read, tested and reused on its own.
"""

from site_builder.experiments.nn.activations import ACTIVATION_NAMES, Activation, get_activation
from site_builder.experiments.nn.losses import mse, mse_and_grad
from site_builder.experiments.nn.network import MLP, Dense, Trace, hidden_contributions, init_mlp
from site_builder.experiments.nn.train import OnStep, TrainingDiverged, batch_indices, train

__all__ = [
    "ACTIVATION_NAMES",
    "MLP",
    "Activation",
    "Dense",
    "OnStep",
    "Trace",
    "TrainingDiverged",
    "batch_indices",
    "get_activation",
    "hidden_contributions",
    "init_mlp",
    "mse",
    "mse_and_grad",
    "train",
]
