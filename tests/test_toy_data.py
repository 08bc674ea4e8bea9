"""Toy data sets: shapes, ranges, balance, noise, splits and seeds."""

import numpy as np
import pytest

from playground.data.toy import TOY_DATASETS, make_dataset, make_fruit, make_toy


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_every_toy_set_has_the_right_shape_and_is_reproducible(name):
    data = make_dataset(name, n_samples=200, test_fraction=0.25, seed=3)
    assert data.train_inputs.shape == (150, 2) and data.test_inputs.shape == (50, 2)
    assert data.train_inputs.dtype == np.float32 and data.train_labels.dtype == np.int64
    again = make_dataset(name, n_samples=200, test_fraction=0.25, seed=3)
    np.testing.assert_array_equal(data.train_inputs, again.train_inputs)
    other = make_dataset(name, n_samples=200, test_fraction=0.25, seed=4)
    assert not np.array_equal(data.train_inputs, other.train_inputs)
    counts = np.bincount(data.labels)
    assert len(counts) == data.n_classes and counts.min() >= 0.25 * counts.max()  # about balanced


def test_fruit_follows_its_documented_boundaries():
    inputs, labels = make_fruit(1000, seed=0)
    assert inputs.min() >= 0 and inputs.max() <= 1
    np.testing.assert_array_equal(labels, inputs[:, 1] > 0.8 - 0.6 * inputs[:, 0])
    assert 0.45 < labels.mean() < 0.55
    inputs, labels = make_fruit(1000, seed=0, curved=True)
    np.testing.assert_array_equal(labels, inputs[:, 1] > 0.3 + 0.45 * (2 * inputs[:, 0] - 1) ** 2)
    assert 0.45 < labels.mean() < 0.65
    data = make_dataset("fruit")
    assert data.class_names == ["safe", "poisonous"] and data.feature_names == ["spot size", "spike length"]
    assert len(data.labels) == 200


def test_fruit_noise_flips_that_fraction_of_labels():
    clean_inputs, clean = make_fruit(4000, noise=0.0, seed=1)
    noisy_inputs, noisy = make_fruit(4000, noise=0.2, seed=1)
    np.testing.assert_array_equal(clean_inputs, noisy_inputs)
    assert 0.17 < np.mean(clean != noisy) < 0.23


def test_xor_is_the_four_quadrants_and_blobs_have_three_classes():
    inputs, labels = make_toy("xor", 400)
    np.testing.assert_array_equal(labels, inputs[:, 0] * inputs[:, 1] < 0)
    assert np.abs(inputs).min() >= 0.06
    assert set(make_toy("blobs", 90)[1]) == {0, 1, 2}
    assert set(make_toy("spiral", 90, n_arms=3)[1]) == {0, 1, 2}


def test_digits_are_bundled_and_scaled():
    data = make_dataset("digits")
    assert data.train_inputs.shape[1] == 64 and data.n_classes == 10
    assert data.train_inputs.min() == 0 and data.train_inputs.max() == 1
    assert len(data.train_labels) + len(data.test_labels) == 1797


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown data set 'donut'"):
        make_toy("donut")
    with pytest.raises(ValueError, match="noise must be ≥ 0"):
        make_toy("moons", noise=-1)
    with pytest.raises(ValueError, match="probability"):
        make_toy("fruit", noise=2)
    with pytest.raises(ValueError, match="test fraction"):
        make_dataset("moons", test_fraction=1.0)
