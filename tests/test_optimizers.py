"""Each optimizer's update, checked against its formula written out by hand."""

import numpy as np
import pytest

from playground.engine import make_optimizer


def run(name, gradients, learn_rate=0.1, momentum=0.9):
    optimizer = make_optimizer(name, momentum)
    parameter = np.array([1.0, -2.0])
    for gradient in gradients:
        optimizer.update([parameter], [np.array(gradient)], learn_rate)
    return parameter


GRADIENTS = [[0.5, -1.0], [0.25, 2.0], [-1.0, 0.5]]


def test_sgd_and_momentum():
    np.testing.assert_allclose(run("sgd", GRADIENTS), [1.0, -2.0] - 0.1 * np.sum(GRADIENTS, axis=0))
    w, v = np.array([1.0, -2.0]), np.zeros(2)
    for g in map(np.array, GRADIENTS):
        v = 0.9 * v - 0.1 * g
        w = w + v
    np.testing.assert_allclose(run("momentum", GRADIENTS), w)


def test_nesterov():
    w, v = np.array([1.0, -2.0]), np.zeros(2)
    for g in map(np.array, GRADIENTS):
        v = 0.9 * v - 0.1 * g
        w = w + 0.9 * v - 0.1 * g
    np.testing.assert_allclose(run("nesterov", GRADIENTS), w)


def test_rmsprop_and_adam():
    w, s = np.array([1.0, -2.0]), np.zeros(2)
    for g in map(np.array, GRADIENTS):
        s = 0.9 * s + 0.1 * g * g
        w = w - 0.1 * g / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(run("rmsprop", GRADIENTS), w)
    w, m, s = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(map(np.array, GRADIENTS), start=1):
        m = 0.9 * m + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        m_hat, s_hat = m / (1 - 0.9**t), s / (1 - 0.999**t)
        w = w - 0.1 * m_hat / (np.sqrt(s_hat) + 1e-8)
    np.testing.assert_allclose(run("adam", GRADIENTS), w, rtol=1e-6)


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        make_optimizer("lbfgs")


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_state_dict_carries_the_memory_from_one_optimizer_to_the_next(name):
    """Three steps, hand the memory over, three more: the same as six steps in one go."""
    gradients = [np.array(g) for g in GRADIENTS * 2]
    straight = run(name, gradients)
    first = make_optimizer(name, 0.9)
    parameter = np.array([1.0, -2.0])
    for gradient in gradients[:3]:
        first.update([parameter], [gradient], 0.1)
    state = first.state_dict()
    second = make_optimizer(name, 0.9)
    second.load_state_dict(state, [parameter])
    for gradient in gradients[3:]:
        second.update([parameter], [gradient], 0.1)
    np.testing.assert_array_equal(parameter, straight)
    if state:  # a copy: changing the optimizer later does not change what it handed out
        arrays = next(value for value in state.values() if isinstance(value, list))
        assert arrays[0] is not next(v for v in vars(first).values() if isinstance(v, list))[0]


def test_a_state_that_does_not_fit_is_refused_and_changes_nothing():
    optimizer = make_optimizer("adam")
    parameter = np.zeros(2)
    optimizer.update([parameter], [np.ones(2)], 0.1)
    before = optimizer.state_dict()
    with pytest.raises(ValueError, match="shapes"):
        optimizer.load_state_dict({"means": [np.zeros(3)], "squares": [np.zeros(3)]}, [parameter])
    with pytest.raises(ValueError, match="adam keeps no velocities"):
        optimizer.load_state_dict({"velocities": [np.zeros(2)]})
    with pytest.raises(ValueError, match="whole number"):
        optimizer.load_state_dict({"steps": -1})
    after = optimizer.state_dict()
    assert after["steps"] == before["steps"] == 1
    np.testing.assert_array_equal(after["means"][0], before["means"][0])


def test_optimizers_are_a_registry_and_say_whether_momentum_applies():
    from playground.engine import OPTIMIZERS

    assert list(OPTIMIZERS) == ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
    assert [name for name, cls in OPTIMIZERS.items() if cls.uses_momentum] == ["momentum", "nesterov"]
    assert make_optimizer("nesterov", 0.5).momentum == 0.5 and make_optimizer("nesterov").nesterov
