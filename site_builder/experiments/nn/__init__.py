"""A tiny numpy neural-network library: activations, an MLP, losses, optimisers, training.

Self-contained on purpose: it imports nothing from the rest of site_builder,
so it can be read, tested and reused on its own.
"""

from site_builder.experiments.nn.activations import ACTIVATION_NAMES, Activation, get_activation
from site_builder.experiments.nn.losses import (
    LOSS_NAMES,
    Loss,
    binary_cross_entropy_and_grad,
    get_loss,
    mse,
    mse_and_grad,
    softmax_cross_entropy_and_grad,
)
from site_builder.experiments.nn.network import INIT_SCHEMES, MLP, OUTPUT_INITS, Dense, Trace, hidden_contributions, init_mlp
from site_builder.experiments.nn.optimizers import OPTIMIZER_NAMES, SGD, Adam, Momentum, Optimizer, get_optimizer
from site_builder.experiments.nn.train import OnStep, TrainingDiverged, batch_indices, train

__all__ = [
    "ACTIVATION_NAMES", "INIT_SCHEMES", "OUTPUT_INITS", "LOSS_NAMES", "MLP", "OPTIMIZER_NAMES", "SGD", "Activation", "Adam", "Dense",
    "Loss", "Momentum", "OnStep", "Optimizer", "Trace", "TrainingDiverged", "batch_indices",
    "binary_cross_entropy_and_grad", "get_activation", "get_loss", "get_optimizer", "hidden_contributions", "init_mlp",
    "mse", "mse_and_grad", "softmax_cross_entropy_and_grad", "train",
]
