"""Preparing canvas drawings like the other data sets' images (playground.data.drawing):
scikit-learn's digits, Quick, Draw!'s bitmaps, CIFAR-10's pictures; the drawings every
preparation refuses, and what holds for all of them.

Drawings are made with NumPy (tests/helpers/drawings.py). Tests that compare with the real
data sets read PLAYGROUND_DATA_DIR and skip without it (fail instead under
PLAYGROUND_REQUIRE_DATA=1).
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.drawing import PREPARE, mnist_steps, to_cifar, to_digits, to_mnist, to_quickdraw
from playground.data.images import IMAGE_DATASETS

from helpers.drawings import CANVAS, blank, corner_ring, corner_seven, ink_box, stroke, tall_stroke, zero
from helpers.needs import real_data_dir

# ---------------------------------------------------------------------------
# Real data (PLAYGROUND_DATA_DIR)


@pytest.fixture(scope="module")
def quickdraw_bitmaps() -> np.ndarray:
    """Official numpy_bitmap rows (cat and bicycle are official files in ../shared/data)."""
    from playground.data.images import read_quickdraw_file

    folder = real_data_dir("quickdraw") / "quickdraw"
    rows = [read_quickdraw_file(folder / f"{name}.npy", max_rows=500) for name in ("cat", "bicycle")]
    return np.concatenate(rows).astype(np.float64) / 255


@pytest.fixture(scope="module")
def digit_means() -> np.ndarray:
    """sklearn's digits, class by class: the mean 8 × 8 image on the app's scale (16 → 1.0)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return np.array([digits.images[digits.target == label].mean(axis=0) / 16 for label in range(10)])


def nearest_class(image: np.ndarray, means: np.ndarray) -> int:
    return int(np.argmin(((means - image) ** 2).sum(axis=(1, 2))))


# ---------------------------------------------------------------------------
# Refused inputs


DRAWING_FUNCTIONS = [to_mnist, mnist_steps, to_digits, to_quickdraw]


@pytest.mark.parametrize("prepare", DRAWING_FUNCTIONS, ids=lambda function: function.__name__)
@pytest.mark.parametrize(
    "drawing, message",
    [
        (blank(), "blank: draw something first"),
        (np.full((CANVAS, CANVAS), 0.05), "blank"),  # only a faint smudge
        (np.where(corner_seven() > 0.5, np.nan, 0.0), "NaN or infinite"),
        (np.where(corner_seven() > 0.5, np.inf, 0.0), "NaN or infinite"),
        (np.ones(CANVAS), "must be a 2D array, got 1D"),
        (np.ones((CANVAS, CANVAS, 3)), "must be a 2D array, got 3D"),
        (np.zeros((0, 0)), "empty"),
        (corner_seven() * 255, r"values must lie in \[0, 1\]"),
    ],
    ids=["blank", "faint", "nan", "inf", "1d", "3d", "empty", "0-255"],
)
def test_bad_drawings_are_refused(prepare, drawing, message):
    with pytest.raises(ValueError, match=message):
        prepare(drawing)


@pytest.mark.parametrize(
    "picture, message",
    [
        (np.ones((40, 40)), "must be a 3D array, got 2D"),
        (np.ones((40, 40, 4)), "3 colour channels"),
        (np.full((40, 40, 3), np.nan), "NaN or infinite"),
        (np.zeros((0, 40, 3)), "empty"),
        (np.full((40, 40, 3), 2.0), r"values must lie in \[0, 1\]"),
    ],
    ids=["2d", "rgba", "nan", "empty", "range"],
)
def test_bad_pictures_are_refused(picture, message):
    with pytest.raises(ValueError, match=message):
        to_cifar(picture)


# ---------------------------------------------------------------------------
# scikit-learn digits


@pytest.mark.parametrize("pen", [6, 14, 30])
def test_a_vertical_stroke_is_a_digits_one(pen, digit_means):
    image = to_digits(tall_stroke(pen))
    assert image.shape == (8, 8)
    assert nearest_class(image, digit_means) == 1


@pytest.mark.parametrize("pen", [6, 14, 30])
@pytest.mark.parametrize("width_ratio", [1.0, 0.75], ids=["round", "oval"])
def test_a_ring_is_a_digits_zero(pen, width_ratio, digit_means):
    assert nearest_class(to_digits(zero(pen, width_ratio)), digit_means) == 0


def test_digits_fill_the_height_and_hold_the_data_sets_ink():
    # sklearn's digits use all 8 rows, at most about 6 columns, and 15.7-24.8 blocks of ink
    # (1st-99th percentile; a block is 16 on-pixels).
    for drawing in (tall_stroke(pen=4), zero(pen=4), corner_seven(pen=4)):
        image = to_digits(drawing)
        rows = np.flatnonzero((image > 0).any(axis=1))
        columns = np.flatnonzero((image > 0.05).any(axis=0))
        assert (rows[0], rows[-1]) == (0, 7)
        assert columns[-1] - columns[0] + 1 <= 6
        assert 15.5 <= image.sum() <= 25


# ---------------------------------------------------------------------------
# Quick, Draw!


def house() -> np.ndarray:
    corners = [(100, 40), (250, 40), (250, 240), (100, 240), (100, 40), (20, 140), (100, 240)]
    canvas = blank()
    for start, end in zip(corners, corners[1:]):
        stroke(canvas, start, end, pen=12)
    return canvas


def test_quickdraw_framing_is_centred_with_a_25_px_long_side():
    image = to_quickdraw(corner_seven())
    assert image.shape == (28, 28)
    top, bottom, left, right = ink_box(image, 0.0)
    assert (top, 27 - bottom) == (1, 1)  # the longer side: rows 1..26, as in the official files
    assert abs(left - (27 - right)) <= 1  # the shorter side is centred


def test_quickdraw_framing_matches_the_official_bitmaps(quickdraw_bitmaps):
    def framing(images):
        boxes = np.array([ink_box(image, 0.0) for image in images])
        top, bottom, left, right = boxes.T
        long_side = np.maximum(bottom - top, right - left) + 1
        centre = np.stack([(top + bottom) / 2, (left + right) / 2], axis=1)
        return long_side, centre

    real_long, real_centre = framing(quickdraw_bitmaps)
    ours_long, ours_centre = framing([to_quickdraw(drawing) for drawing in (house(), corner_seven(), corner_ring())])
    most_common = np.bincount(real_long).argmax()
    assert most_common == 26
    assert (ours_long == most_common).all()
    # The official bitmaps are centred: their ink boxes' centres average 13.5 (the middle).
    assert np.abs(real_centre.mean(axis=0) - 13.5).max() < 0.1
    assert np.abs(ours_centre - 13.5).max() <= 0.5


def test_official_bitmaps_drawn_large_come_back_framed_as_they_were(quickdraw_bitmaps):
    shifts, correlations = [], []
    for bitmap in quickdraw_bitmaps[::5]:
        prepared = to_quickdraw(np.kron(bitmap, np.ones((10, 10))))
        shifts.append(np.abs(np.subtract(ink_box(prepared, 0.1), ink_box(bitmap, 0.1))).max())
        correlations.append(np.corrcoef(prepared.ravel(), bitmap.ravel())[0, 1])
    assert max(shifts) <= 2
    assert np.mean(np.array(shifts) <= 1) > 0.95
    assert np.median(correlations) > 0.9


# ---------------------------------------------------------------------------
# CIFAR-10


def test_a_red_picture_stays_red():
    red = np.zeros((300, 400, 3))
    red[..., 0] = 1.0
    image = to_cifar(red)
    assert image.shape == (32, 32, 3)
    np.testing.assert_allclose(image[..., 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(image[..., 1:], 0.0, atol=1e-6)


def test_cifar_keeps_the_middle_square():
    picture = np.zeros((100, 300, 3))
    picture[:, :100, 0] = 1.0  # red on the left
    picture[:, 100:200, 1] = 1.0  # green in the middle
    picture[:, 200:, 2] = 1.0  # blue on the right
    np.testing.assert_allclose(to_cifar(picture), np.broadcast_to([0.0, 1.0, 0.0], (32, 32, 3)), atol=1e-6)


def test_cifar_averages_the_area_it_shrinks():
    # A fine checkerboard becomes even grey (point sampling would keep only black or white).
    checkerboard = np.indices((320, 320)).sum(axis=0) % 2
    image = to_cifar(np.repeat(checkerboard[..., None], 3, axis=2).astype(float))
    np.testing.assert_allclose(image, 0.5, atol=1e-6)


# ---------------------------------------------------------------------------
# All of them


def test_every_image_data_set_has_its_preparation():
    assert set(PREPARE) == set(IMAGE_DATASETS)
    assert PREPARE["fashion-mnist"] is to_mnist


@pytest.mark.parametrize(
    "name, shape",
    [
        ("mnist", (28, 28)),
        ("fashion-mnist", (28, 28)),
        ("digits", (8, 8)),
        ("quickdraw", (28, 28)),
        ("cifar-10", (32, 32, 3)),
    ],
)
def test_outputs_are_float32_in_0_1(name, shape):
    rng = np.random.default_rng(0)
    if name == "cifar-10":
        inputs = [rng.random((280, 280, 3)), rng.random((17, 50, 3)), np.ones((5, 5, 3))]
    else:
        noisy = np.clip(corner_seven() + rng.random((CANVAS, CANVAS)) * 0.05, 0, 1)
        dot = blank(56)
        dot[30, 20] = 1.0
        inputs = [corner_seven(), noisy, dot, np.ones((3, 7)), tall_stroke()]
    for drawing in inputs:
        image = PREPARE[name](drawing)
        assert image.shape == shape
        assert image.dtype == np.float32
        assert np.isfinite(image).all()
        assert 0.0 <= image.min() and image.max() <= 1.0


def test_inputs_are_left_unchanged():
    drawing = corner_seven()
    copy = drawing.copy()
    for name in ("mnist", "digits", "quickdraw"):
        PREPARE[name](drawing)
    mnist_steps(drawing)
    np.testing.assert_array_equal(drawing, copy)
