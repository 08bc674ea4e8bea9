"""Preparing canvas drawings like MNIST's images (playground.data.drawing): centred, 20 px, the
aspect kept, the steps the page shows.

Drawings are made with NumPy (tests/helpers/drawings.py). Tests that compare with the real
data set read PLAYGROUND_DATA_DIR and skip without it (fail instead under
PLAYGROUND_REQUIRE_DATA=1).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from playground.data.drawing import MNIST_CENTRE, mnist_steps, to_mnist

from helpers.drawings import (
    CANVAS,
    blank,
    corner_rectangle,
    corner_ring,
    corner_seven,
    ink_box,
    ink_size,
    stroke,
    tall_stroke,
)
from helpers.needs import real_data_dir

# ---------------------------------------------------------------------------
# Real data (PLAYGROUND_DATA_DIR)


@pytest.fixture(scope="module")
def mnist_test_images() -> np.ndarray:
    from playground.data.images import load_mnist

    return load_mnist(real_data_dir("mnist")).test_images[:1000].astype(np.float64) / 255


def assert_centred(image: np.ndarray) -> None:
    """The centre of mass within half a pixel of MNIST_CENTRE.

    Moves are by whole pixels (as MNIST's), so a symmetric drawing, whose centre of mass is
    the middle of its 20 px box, lands exactly half a pixel off: 1e-5 allows for float32.
    """
    centre_of_mass = np.array(ndimage.center_of_mass(image))
    assert np.abs(centre_of_mass - MNIST_CENTRE).max() <= 0.5 + 1e-5, centre_of_mass


# ---------------------------------------------------------------------------
# MNIST


@pytest.mark.parametrize(
    "drawing", [corner_seven(), corner_rectangle(), corner_ring()], ids=["seven", "rectangle", "ring"]
)
def test_a_drawing_in_a_corner_comes_out_centred_and_20_px(drawing):
    image = to_mnist(drawing)
    assert image.shape == (28, 28)
    assert_centred(image)
    assert max(ink_size(image)) in (19, 20)


def test_the_centre_is_mnists_convention():
    # ndimage coordinates: pixel i's centre is at i, so the middle of 28 pixels is 13.5;
    # MNIST's digits sit at 14 (see test_real_mnist_centres_of_mass_sit_at_mnist_centre).
    assert MNIST_CENTRE == (14.0, 14.0)


def test_the_aspect_ratio_is_kept():
    height, width = ink_size(to_mnist(tall_stroke(pen=16)))
    assert height in (19, 20)
    assert width <= 4  # a 16 px pen on a 216 px stroke: 1.5 px of 20


def test_a_wide_drawing_keeps_its_aspect_too():
    height, width = ink_size(to_mnist(corner_rectangle()))  # 100 × 160 on the canvas
    assert width in (19, 20)
    assert 12 <= height <= 13  # 100 / 160 × 20 = 12.5


def test_any_canvas_size_works():
    small = stroke(stroke(blank(56), (6, 6), (6, 30), 4), (6, 30), (40, 14), 4)
    image = to_mnist(small)
    assert image.shape == (28, 28)
    assert_centred(image)
    assert max(ink_size(image)) in (19, 20)


def test_steps_have_their_shapes_and_end_in_what_the_network_sees():
    drawing = corner_seven()
    steps = mnist_steps(drawing)
    assert list(steps) == ["raw", "cropped", "fitted", "centred", "network"]
    top, bottom, left, right = ink_box(drawing, 0.1)
    assert steps["raw"].shape == (CANVAS, CANVAS)
    np.testing.assert_allclose(steps["raw"], drawing, atol=1e-7)
    assert steps["cropped"].shape == (bottom - top + 1, right - left + 1)
    assert steps["fitted"].shape == (20, 20)
    assert steps["centred"].shape == (28, 28)
    assert steps["network"].shape == (28, 28)
    np.testing.assert_array_equal(steps["network"], to_mnist(drawing))
    for name, stage in steps.items():
        assert stage.dtype == np.float32, name
        assert 0 <= stage.min() and stage.max() <= 1, name


def test_the_fitted_digit_is_the_centred_one_moved_by_whole_pixels():
    steps = mnist_steps(corner_seven())
    # Moving by whole pixels loses nothing: the same ink, just elsewhere.
    assert steps["centred"].sum() == pytest.approx(steps["fitted"].sum(), rel=1e-5)
    assert sorted(steps["centred"][steps["centred"] > 0]) == pytest.approx(sorted(steps["fitted"][steps["fitted"] > 0]))


def test_real_mnist_centres_of_mass_sit_at_mnist_centre(mnist_test_images):
    centres = np.array([ndimage.center_of_mass(image) for image in mnist_test_images])
    assert np.abs(centres.mean(axis=0) - MNIST_CENTRE).max() < 0.05
    assert np.abs(centres - MNIST_CENTRE).max() <= 0.5 + 1e-9


def test_real_mnist_digits_drawn_large_come_back_as_they_were(mnist_test_images):
    # A real MNIST digit blown up to canvas size (10 × 10 blocks per pixel) and prepared again
    # must land where it was: same centre-of-mass pixel, nearly the same picture.
    correlations, same_centre = [], []
    for image in mnist_test_images[:300]:
        prepared = to_mnist(np.kron(image, np.ones((10, 10))))
        correlations.append(np.corrcoef(prepared.ravel(), image.ravel())[0, 1])
        same_centre.append(
            np.array_equal(np.round(ndimage.center_of_mass(prepared)), np.round(ndimage.center_of_mass(image)))
        )
    assert np.median(correlations) > 0.99
    assert np.percentile(correlations, 5) > 0.85
    assert np.mean(same_centre) > 0.95
