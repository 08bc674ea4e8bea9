"""Each optimizer's update, checked against its formula written out by hand."""

import numpy as np
import pytest

from playground.engine import make_optimizer
from playground.engine.optimizers import memory_as_json


def run(name, gradients, learn_rate=0.1, momentum=0.9):
    optimizer = make_optimizer(name, momentum)
    parameter = np.array([1.0, -2.0])
    memory = {}
    for gradient in gradients:
        memory = optimizer.step([parameter], [np.array(gradient)], learn_rate, memory)
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
def test_memory_carries_from_one_optimizer_to_the_next_even_as_json(name):
    """Three steps, hand the memory over (as JSON, then checked), three more: the same as six in one go."""
    import json

    gradients = [np.array(g) for g in GRADIENTS * 2]
    straight = run(name, gradients)
    first = make_optimizer(name, 0.9)
    parameter = np.array([1.0, -2.0])
    memory = {}
    for gradient in gradients[:3]:
        memory = first.step([parameter], [gradient], 0.1, memory)
    assert memory["optimizer"] == name
    stored = json.loads(json.dumps(memory_as_json(memory)))
    second = make_optimizer(name, 0.9)
    memory = second.check_memory(stored, [parameter])
    for gradient in gradients[3:]:
        memory = second.step([parameter], [gradient], 0.1, memory)
    np.testing.assert_array_equal(parameter, straight)
    assert not vars(second).keys() & {"velocities", "squares", "means", "steps"}  # the optimizer keeps no memory


def test_float32_memory_survives_json_exactly_and_takes_the_parameters_dtype():
    optimizer = make_optimizer("adam")
    parameter = np.array([[0.1, -0.3], [1 / 3, 7.0]], dtype=np.float32)
    memory = optimizer.step([parameter], [np.array([[0.7, 0.2], [-0.1, 1 / 7]], dtype=np.float32)], 0.01)
    checked = optimizer.check_memory(memory_as_json(memory), [parameter])
    for name in ("means", "squares"):
        assert checked[name][0].dtype == np.float32 and checked[name][0].tobytes() == memory[name][0].tobytes()
        assert checked[name][0] is not memory[name][0]  # its own arrays
    assert checked["steps"] == 1 and optimizer.check_memory(None, [parameter]) == {} == optimizer.check_memory({}, [])


def test_a_memory_that_does_not_fit_is_refused_with_a_clear_message():
    adam, sgd = make_optimizer("adam"), make_optimizer("sgd")
    parameter = np.zeros(2)
    memory = adam.step([parameter], [np.ones(2)], 0.1)
    good = memory_as_json(memory)
    cases = [
        (sgd, good, "this memory is Adam's, not SGD's"),
        (
            make_optimizer("momentum"),
            {"optimizer": "nesterov", "velocities": [[0, 0]]},
            "this memory is Nesterov's, not momentum's",
        ),
        (adam, {**good, "optimizer": "lbfgs"}, "names no known optimizer"),
        (adam, {"means": good["means"]}, "names no known optimizer"),
        (adam, {**good, "means": [[0.0, 0.0], [0.0, 0.0]]}, "2 arrays of means for 1 parameter arrays"),
        (adam, {**good, "means": [[0.0, 0.0, 0.0]]}, r"means\[0\] has shape \(3,\), the parameter \(2,\)"),
        (adam, {**good, "squares": [[0.0, float("nan")]]}, r"squares\[0\] holds values that are not finite"),
        (adam, {**good, "squares": [["a", "b"]]}, r"squares\[0\] is not an array of numbers"),
        (adam, {**good, "steps": -1}, "steps must be a whole number"),
        (adam, {**good, "steps": 2.5}, "steps must be a whole number"),
        (adam, {**good, "steps": True}, "steps must be a whole number"),
        (adam, {**good, "velocities": [[0, 0]]}, "Adam's memory holds no velocities"),
        (adam, [1, 2], "must be a dictionary"),
    ]
    for optimizer, stored, message in cases:
        with pytest.raises(ValueError, match=message):
            optimizer.check_memory(stored, [parameter])
    with pytest.raises(ValueError, match="this memory is Adam's, not RMSProp's"):
        make_optimizer("rmsprop").step([parameter], [np.ones(2)], 0.1, memory)
    assert memory["steps"] == 1  # a refused memory is not changed


def test_optimizers_are_a_registry_and_say_whether_momentum_applies():
    from playground.engine import OPTIMIZERS

    assert list(OPTIMIZERS) == ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
    assert [name for name, cls in OPTIMIZERS.items() if cls.uses_momentum] == ["momentum", "nesterov"]
    assert make_optimizer("nesterov", 0.5).momentum == 0.5 and make_optimizer("nesterov").nesterov
