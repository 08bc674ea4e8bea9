"""The image page's evaluation maths (pages/images/evaluation.py): the confusion matrix, per-class
accuracy, a cell's images, the next and the surest mistakes, the top classes, the threshold
curve and its summary.

Oracles: scikit-learn's confusion matrix and hand counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.app.pages.images import evaluation

from helpers.images_page import TINY_LABELS, TINY_OUTPUTS

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


# ------------------------------------------------------------------ evaluation


def random_outputs(n=200, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    outputs = rng.random((n, classes))
    return rng.integers(0, classes, n), outputs / outputs.sum(axis=1, keepdims=True)


def test_confusion_equals_sklearn_and_a_hand_count():
    from sklearn.metrics import confusion_matrix

    labels, outputs = random_outputs()
    matrix = evaluation.confusion(labels, outputs, 5)  # class 4 has no images
    hand = np.zeros((5, 5), int)
    for label, predicted in zip(labels, outputs.argmax(axis=1)):
        hand[label, predicted] += 1
    np.testing.assert_array_equal(matrix, hand)
    np.testing.assert_array_equal(matrix, confusion_matrix(labels, outputs.argmax(axis=1), labels=range(5)))


def test_per_class_accuracy_with_an_empty_class():
    matrix = np.array([[3, 1, 0], [0, 0, 0], [2, 0, 2]])
    np.testing.assert_allclose(evaluation.per_class_accuracy(matrix), [0.75, 0.0, 0.5])


def test_cell_indices_are_that_cells_images_most_confident_first():
    labels, outputs = random_outputs()
    cell = [i for i in range(len(labels)) if labels[i] == 1 and outputs[i].argmax() == 2]
    expected = sorted(cell, key=lambda i: -outputs[i, 2])
    assert len(cell) > 5
    np.testing.assert_array_equal(evaluation.cell_indices(labels, outputs, 1, 2, limit=5), expected[:5])
    np.testing.assert_array_equal(evaluation.cell_indices(labels, outputs, 1, 2, limit=1000), expected)


def test_next_mistake_wraps_round_and_is_none_without_mistakes():
    labels = np.array([0, 1, 2, 0])
    outputs = np.eye(3)[[0, 2, 2, 1]]  # mistakes at 1 and 3
    assert [evaluation.next_mistake(labels, outputs, after) for after in (-1, 1, 3, 10)] == [1, 3, 1, 1]
    assert evaluation.next_mistake(labels, np.eye(3)[labels], 0) is None


def test_confident_mistakes_surest_first():
    labels, outputs = random_outputs()
    wrong = [i for i in range(len(labels)) if outputs[i].argmax() != labels[i]]
    expected = sorted(wrong, key=lambda i: -outputs[i].max())[:10]
    np.testing.assert_array_equal(evaluation.confident_mistakes(labels, outputs, 10), expected)


def test_top_classes_are_shares_in_order():
    ranked = evaluation.top_classes(np.array([1.0, 6.0, 3.0]))
    assert [k for k, _ in ranked] == [1, 2, 0]
    np.testing.assert_allclose([s for _, s in ranked], [0.6, 0.3, 0.1])
    assert evaluation.top_classes(np.array([1.0, 3.0]), 1) == [(1, 0.75)]


def test_threshold_curve_against_a_hand_count():
    thresholds, answered, accuracy = evaluation.threshold_curve(TINY_LABELS, TINY_OUTPUTS)
    confidence, right = [0.905, 0.615, 0.705, 0.505], [True, False, True, True]
    assert len(thresholds) == 100 and thresholds[55] == 0.55
    for t, share, acc in zip(thresholds, answered, accuracy):
        chosen = [r for c, r in zip(confidence, right) if c >= t]
        assert share == len(chosen) / 4
        assert (np.isnan(acc) and not chosen) or acc == pytest.approx(sum(chosen) / len(chosen))
    assert (answered[55], accuracy[55]) == (0.75, pytest.approx(2 / 3))


def test_threshold_summary_says_the_counts():
    text = evaluation.threshold_summary(TINY_LABELS, TINY_OUTPUTS, 0.55)
    assert "answers 75.0% of the test images (3 of 4)" in text and "66.67% of those" in text
    assert "the other 1 " in text
    assert "to every test image" in evaluation.threshold_summary(TINY_LABELS, TINY_OUTPUTS, 0.95)
