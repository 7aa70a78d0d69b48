"""The numpy network library, checked against central finite differences."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable

import numpy as np
import pytest

from site_builder.experiments.nn import (
    ACTIVATION_NAMES,
    MLP,
    Dense,
    TrainingDiverged,
    batch_indices,
    get_activation,
    hidden_contributions,
    init_mlp,
    mse,
    mse_and_grad,
    train,
)

EPS = 1e-6
ACTIVATIONS = [get_activation(name) for name in ACTIVATION_NAMES] + [get_activation("leaky_relu", 0.3)]
ARCHITECTURES = [(1, 1), (1, 3, 1), (2, 4, 3, 1), (1, 5, 5, 2), (3, 2, 2, 2, 2, 1)]


def numerical_gradient(f: Callable[[], float], array: np.ndarray) -> np.ndarray:
    """dF/d(array) by central differences, perturbing ``array`` in place and restoring it."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + EPS
        plus = f()
        array[index] = saved - EPS
        minus = f()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * EPS)
    return grad


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda a: f"{a.name}-{a.gain:.3f}")
def test_activation_derivative_matches_finite_differences(activation):
    # Stay clear of 0, where ReLU's kink makes the two-sided difference meaningless.
    z = np.concatenate([np.linspace(-6, -0.01, 50), np.linspace(0.01, 6, 50)])
    numeric = (activation(z + EPS) - activation(z - EPS)) / (2 * EPS)
    np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-6, atol=1e-9)


def test_activations_have_their_textbook_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("relu")(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("leaky_relu", 0.1)(z), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("sigmoid")(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(get_activation("tanh")(z), np.tanh(z))
    np.testing.assert_allclose(get_activation("identity")(z), z)


def test_sigmoid_does_not_overflow_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is fine
        values = get_activation("sigmoid")(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 1.0])


def test_unknown_activation_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'; known: sigmoid, tanh"):
        get_activation("swish")


def test_mse_and_its_gradient():
    rng = np.random.default_rng(0)
    prediction, target = rng.normal(size=(7, 2)), rng.normal(size=(7, 2))
    loss, grad = mse_and_grad(prediction, target)
    assert loss == pytest.approx(np.mean((prediction - target) ** 2))
    assert loss == mse(prediction, target)
    np.testing.assert_allclose(
        grad, numerical_gradient(lambda: mse(prediction, target), prediction), rtol=1e-6
    )


@pytest.mark.parametrize("widths", ARCHITECTURES, ids=str)
@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda a: f"{a.name}-{a.gain:.3f}")
def test_backward_matches_finite_differences(widths, activation):
    rng = np.random.default_rng(42)
    model = init_mlp(widths, activation, rng)
    # Non-zero biases everywhere, so the check covers them (init leaves some at zero).
    model = MLP(
        tuple(Dense(layer.weight, rng.normal(0, 0.5, layer.bias.shape)) for layer in model.layers), activation
    )
    x = rng.normal(size=(9, widths[0]))  # (N, fan_in)
    y = rng.normal(size=(9, widths[-1]))  # (N, fan_out)

    prediction, trace = model.forward(x)
    grads = model.backward(trace, mse_and_grad(prediction, y)[1])

    def loss() -> float:
        return mse(model(x), y)

    for layer, grad in zip(model.layers, grads):
        assert grad.weight.shape == layer.weight.shape and grad.bias.shape == layer.bias.shape
        np.testing.assert_allclose(grad.weight, numerical_gradient(loss, layer.weight), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(grad.bias, numerical_gradient(loss, layer.bias), rtol=1e-5, atol=1e-8)


def test_single_layer_is_an_affine_map():
    layer = Dense(np.array([[2.0], [3.0]]), np.array([1.0]))
    model = MLP((layer,), get_activation("relu"))  # activation unused: the output is linear
    np.testing.assert_allclose(model(np.array([[1.0, -1.0]])), [[0.0]])
    assert model.widths == (2, 1)


def test_layers_whose_widths_do_not_chain_are_refused():
    with pytest.raises(AssertionError, match="do not chain"):
        MLP(
            (Dense(np.ones((1, 3)), np.zeros(3)), Dense(np.ones((2, 1)), np.zeros(1))), get_activation("relu")
        )


def test_init_puts_every_first_layer_kink_inside_the_interval():
    model = init_mlp((1, 50, 1), get_activation("relu"), np.random.default_rng(0), (-2.0, 3.0))
    first = model.layers[0]
    kinks = -first.bias / first.weight[0]  # (50,)
    assert np.all((kinks >= -2.0) & (kinks <= 3.0))
    np.testing.assert_array_equal(model.layers[1].bias, 0.0)


def test_hidden_contributions_add_up_to_the_output():
    model = init_mlp((1, 6, 1), get_activation("tanh"), np.random.default_rng(3), (-1.0, 1.0))
    x = np.linspace(-1, 1, 11)[:, None]  # (11, 1)
    parts = hidden_contributions(model, x)  # (11, 6)
    assert parts.shape == (11, 6)
    np.testing.assert_allclose(parts.sum(axis=1) + model.layers[1].bias[0], model(x)[:, 0])


def test_minibatches_visit_every_example_once_per_epoch():
    batches = batch_indices(10, 3, np.random.default_rng(0))
    epoch = [next(batches) for _ in range(4)]  # 3 + 3 + 3 + 1
    assert [len(b) for b in epoch] == [3, 3, 3, 1]
    assert sorted(np.concatenate(epoch).tolist()) == list(range(10))
    assert next(batch_indices(10, None, None)) == slice(None)


def quadratic_data() -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(-1, 1, 32)[:, None]  # (32, 1)
    return x, x**2


def fit(seed: int, batch_size: int | None = None, steps: int = 300) -> tuple[MLP, list[tuple[int, MLP]]]:
    """A 1-8-1 ReLU net trained on x², and every (step, model) the hook saw."""
    x, y = quadratic_data()
    rng = np.random.default_rng(seed)
    model = init_mlp((1, 8, 1), get_activation("relu"), rng, (-1.0, 1.0))
    seen: list[tuple[int, MLP]] = []
    trained = train(
        model,
        x,
        y,
        steps=steps,
        lr=0.1,
        batch_size=batch_size,
        rng=rng,
        on_step=lambda s, m: seen.append((s, m)),
    )
    return trained, seen


@pytest.mark.parametrize("batch_size", [None, 4])
def test_training_reduces_the_loss(batch_size):
    x, y = quadratic_data()
    trained, seen = fit(seed=0, batch_size=batch_size)
    initial = mse(seen[0][1](x), y)
    assert mse(trained(x), y) < initial / 5


def test_the_hook_sees_every_step_from_initialisation_to_the_end():
    trained, seen = fit(seed=0, steps=20)
    assert [step for step, _ in seen] == list(range(21))
    assert seen[-1][1] is trained


@pytest.mark.parametrize("batch_size", [None, 4])
def test_same_seed_gives_identical_arrays_and_another_seed_does_not(batch_size):
    first, again, other = fit(1, batch_size)[0], fit(1, batch_size)[0], fit(2, batch_size)[0]
    for a, b, c in zip(first.layers, again.layers, other.layers):
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
        assert not np.array_equal(a.weight, c.weight)


def test_divergence_is_reported_with_its_step_and_lr():
    x, y = quadratic_data()
    model = init_mlp((1, 8, 1), get_activation("relu"), np.random.default_rng(0), (-1.0, 1.0))
    with pytest.raises(TrainingDiverged) as caught:
        train(model, x * 100, y * 1e4, steps=1000, lr=5.0)
    error = caught.value
    assert 0 < error.step < 1000
    assert re.fullmatch(
        rf"training diverged to (NaN|infinity) at step {error.step}; lower lr \(now 5\.0\)", str(error)
    )


def test_divergence_message_and_pickling():
    error = TrainingDiverged(812, 5.0)
    assert str(error) == "training diverged to NaN at step 812; lower lr (now 5.0)"
    assert (
        str(TrainingDiverged(3, 0.5, float("inf")))
        == "training diverged to infinity at step 3; lower lr (now 0.5)"
    )
    copy = pickle.loads(pickle.dumps(error))  # figures run in a process pool
    assert (type(copy), copy.step, copy.lr, str(copy)) == (TrainingDiverged, 812, 5.0, str(error))


# --- per-layer activations, losses, initialisations, optimisers, weight decay ------------------

from site_builder.experiments.nn import (  # noqa: E402 - grouped with the tests that use them
    Adam,
    Momentum,
    SGD,
    binary_cross_entropy_and_grad,
    get_loss,
    get_optimizer,
    softmax_cross_entropy_and_grad,
)


def _with_biases(model: MLP, rng: np.random.Generator) -> MLP:
    return MLP(tuple(Dense(layer.weight, rng.normal(0, 0.5, layer.bias.shape)) for layer in model.layers), model.activations)


def test_backward_with_a_different_activation_per_layer_matches_finite_differences():
    rng = np.random.default_rng(7)
    activations = [get_activation(name) for name in ("tanh", "relu", "gelu", "elu", "sigmoid")]
    model = _with_biases(init_mlp((3, 4, 5, 4, 3, 2, 1), activations, rng), rng)
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    prediction, trace = model.forward(x)
    grads = model.backward(trace, mse_and_grad(prediction, y)[1])
    for layer, grad in zip(model.layers, grads):
        np.testing.assert_allclose(grad.weight, numerical_gradient(lambda: mse(model(x), y), layer.weight), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(grad.bias, numerical_gradient(lambda: mse(model(x), y), layer.bias), rtol=1e-5, atol=1e-8)


def test_elu_and_gelu_have_their_textbook_values():
    z = np.array([-2.0, 0.0, 1.5])
    np.testing.assert_allclose(get_activation("elu")(z), [np.exp(-2.0) - 1, 0.0, 1.5])
    gelu = 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3)))
    np.testing.assert_allclose(get_activation("gelu")(z), gelu)
    with np.errstate(over="raise", invalid="raise"):
        assert np.isfinite(get_activation("elu")(np.array([-1e6, 1e6]))).all()


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_cross_entropies_and_their_gradients_match_finite_differences(classes):
    rng = np.random.default_rng(classes)
    outputs = 1 if classes == 2 else classes
    logits = rng.normal(0, 3, size=(11, outputs))
    labels = rng.integers(0, classes, size=(11, 1)).astype(float)
    loss = get_loss("cross_entropy", outputs)
    value, grad = loss.value_and_grad(logits, labels)
    np.testing.assert_allclose(grad, numerical_gradient(lambda: loss(logits, labels), logits), rtol=1e-5, atol=1e-9)
    if outputs == 1:  # the textbook formula, where it does not overflow
        p = 1 / (1 + np.exp(-logits))
        assert value == pytest.approx(float(np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))))
    else:
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        assert value == pytest.approx(float(np.mean(-np.log(p[np.arange(11), labels[:, 0].astype(int)]))))


def test_cross_entropies_never_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = binary_cross_entropy_and_grad(np.array([[1000.0], [-1000.0]]), np.array([[0.0], [1.0]]))
        assert value == pytest.approx(1000.0) and np.isfinite(grad).all()
        value, grad = softmax_cross_entropy_and_grad(np.array([[1000.0, -1000.0, 0.0]]), np.array([[1.0]]))
        assert value == pytest.approx(2000.0) and np.isfinite(grad).all()


def test_backward_through_a_classifier_matches_finite_differences():
    rng = np.random.default_rng(3)
    model = _with_biases(init_mlp((2, 5, 3), get_activation("tanh"), rng, init="xavier"), rng)
    x = rng.normal(size=(10, 2))
    labels = rng.integers(0, 3, size=(10, 1)).astype(float)
    loss = get_loss("cross_entropy", 3)
    prediction, trace = model.forward(x)
    grads = model.backward(trace, loss.value_and_grad(prediction, labels)[1])
    for layer, grad in zip(model.layers, grads):
        np.testing.assert_allclose(grad.weight, numerical_gradient(lambda: loss(model(x), labels), layer.weight), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(("init", "expected"), [
    ("he", lambda fan_in, fan_out, out: np.sqrt((1.0 if out else 2.0) / fan_in)),
    ("xavier", lambda fan_in, fan_out, out: np.sqrt(2.0 / (fan_in + fan_out))),
    ("normal", lambda fan_in, fan_out, out: 0.3),
])
def test_initialisations_draw_weights_at_their_scale(init, expected):
    scale = 0.3 if init == "normal" else 1.0
    model = init_mlp((200, 300, 100), get_activation("relu"), np.random.default_rng(0), init=init, scale=scale)
    for i, layer in enumerate(model.layers):
        fan_in, fan_out = layer.weight.shape
        assert layer.weight.std() == pytest.approx(expected(fan_in, fan_out, i == 1), rel=0.02)
        np.testing.assert_array_equal(layer.bias, 0.0)
    doubled = init_mlp((200, 300, 100), get_activation("relu"), np.random.default_rng(0), init="he", scale=2.0)
    np.testing.assert_allclose(doubled.layers[0].weight, 2 * init_mlp((200, 300, 100), get_activation("relu"), np.random.default_rng(0), init="he").layers[0].weight)


def _tiny() -> tuple[MLP, tuple[Dense, ...]]:
    model = MLP((Dense(np.array([[1.0, -2.0]]), np.array([0.5, 0.0])), Dense(np.array([[3.0], [1.0]]), np.array([-1.0]))), get_activation("relu"))
    grads = (Dense(np.array([[0.2, -0.4]]), np.array([0.1, 0.3])), Dense(np.array([[1.0], [-1.0]]), np.array([0.5])))
    return model, grads


def test_sgd_momentum_and_adam_make_their_textbook_first_and_second_steps():
    model, grads = _tiny()
    w = model.layers[0].weight
    g = grads[0].weight
    stepped, _ = SGD(0.1, weight_decay=0.5).step(model, grads, None)
    np.testing.assert_allclose(stepped.layers[0].weight, w - 0.1 * (g + 0.5 * w))
    np.testing.assert_allclose(stepped.layers[0].bias, model.layers[0].bias - 0.1 * grads[0].bias)  # biases are not decayed
    momentum = Momentum(0.1, beta=0.9)
    once, state = momentum.step(model, grads, momentum.start(model))
    twice, _ = momentum.step(once, grads, state)
    np.testing.assert_allclose(once.layers[0].weight, w - 0.1 * g)
    np.testing.assert_allclose(twice.layers[0].weight, w - 0.1 * g - 0.1 * (0.9 * g + g))
    adam = Adam(0.01)
    once, state = adam.step(model, grads, adam.start(model))
    np.testing.assert_allclose(once.layers[0].weight, w - 0.01 * g / (np.abs(g) + 1e-8))  # the first step is lr * sign(g)
    twice, state = adam.step(once, grads, state)
    m = (0.9 * 0.1 * g + 0.1 * g) / (1 - 0.9**2)
    v = (0.999 * 0.001 * g**2 + 0.001 * g**2) / (1 - 0.999**2)
    np.testing.assert_allclose(twice.layers[0].weight, once.layers[0].weight - 0.01 * m / (np.sqrt(v) + 1e-8))
    assert state.steps == 2


def test_weight_decay_is_the_gradient_of_an_l2_penalty():
    rng = np.random.default_rng(5)
    model = _with_biases(init_mlp((2, 4, 1), get_activation("tanh"), rng), rng)
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    decay = 0.3

    def penalised() -> float:
        return mse(model(x), y) + decay / 2 * sum(float((layer.weight**2).sum()) for layer in model.layers)

    prediction, trace = model.forward(x)
    grads = model.backward(trace, mse_and_grad(prediction, y)[1])
    stepped, _ = SGD(1.0, weight_decay=decay).step(model, grads, None)
    for layer, new in zip(model.layers, stepped.layers):
        np.testing.assert_allclose(layer.weight - new.weight, numerical_gradient(penalised, layer.weight), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_every_optimiser_trains_a_classifier_on_separable_data(name):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 2))
    labels = (x[:, :1] + x[:, 1:] > 0).astype(float)  # (80, 1)
    model = init_mlp((2, 6, 1), get_activation("relu"), rng, init="he")
    loss = get_loss("cross_entropy", 1)
    before = loss(model(x), labels)
    trained = train(model, x, labels, steps=300, lr=0.1, loss=loss, optimizer=get_optimizer(name, 0.05 if name == "adam" else 0.5))
    assert loss(trained(x), labels) < before / 4
    assert ((trained(x) > 0) == (labels > 0.5)).mean() >= 0.97


def test_unknown_losses_and_optimisers_are_refused_with_the_known_names():
    with pytest.raises(ValueError, match="unknown loss 'hinge'; known: mse, cross_entropy"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; known: sgd, momentum, adam"):
        get_optimizer("rmsprop", 0.1)
