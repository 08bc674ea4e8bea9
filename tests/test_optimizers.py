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
