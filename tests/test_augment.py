"""Data augmentation: exact geometry, identity at zero ranges, determinism, parsing, preview."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.augment import (
    AugmentSpec,
    augment_batch,
    parse_augment_spec,
    preview_grid,
    transform_batch,
)


@pytest.fixture
def images():
    return np.random.default_rng(0).random((5, 28, 28), dtype=np.float32)


def test_rotation_by_90_degrees_equals_rot90(images):
    # Positive angles turn counter-clockwise as displayed, like np.rot90.
    assert np.array_equal(transform_batch(images, 90), np.rot90(images, 1, axes=(1, 2)))
    assert np.array_equal(transform_batch(images, -90), np.rot90(images, -1, axes=(1, 2)))
    assert np.array_equal(transform_batch(images, 180), np.rot90(images, 2, axes=(1, 2)))
    odd = np.arange(25, dtype=np.float32).reshape(1, 5, 5) / 25  # odd size: centre on a pixel
    assert np.array_equal(transform_batch(odd, 90), np.rot90(odd, axes=(1, 2)))
    colour = np.random.default_rng(1).random((2, 32, 32, 3), dtype=np.float32)
    assert np.array_equal(transform_batch(colour, [90, 270]), np.stack([np.rot90(colour[0]), np.rot90(colour[1], 3)]))


def test_known_image_rotates_counter_clockwise():
    # A bar along the top row ends up along the left column after +90°.
    image = np.zeros((1, 5, 5), dtype=np.float32)
    image[0, 0, :] = 1
    turned = transform_batch(image, 90)[0]
    assert turned[:, 0].tolist() == [1] * 5 and turned[:, 1:].sum() == 0


def test_shift_moves_right_and_down_with_zero_fill(images):
    moved = transform_batch(images, shifts=(2, 1))  # dx = 2, dy = 1
    assert np.array_equal(moved[:, 1:, 2:], images[:, :-1, :-2])
    assert not moved[:, :1, :].any() and not moved[:, :, :2].any()


def test_scale_enlarges_about_the_centre():
    image = np.zeros((1, 9, 9), dtype=np.float32)
    image[0, 3:6, 3:6] = 1  # a 3×3 square in the middle
    doubled = transform_batch(image, scales=2.0)[0]
    # Output row r samples source row (r − 4) / 2 + 4: rows 2–6 fall inside the square.
    assert doubled[2:7, 4].tolist() == [1] * 5 and doubled[1, 4] == 0.5 and doubled[0, 4] == 0
    big = np.zeros((1, 17, 17), dtype=np.float32)
    big[0, 3:14, 3:14] = 1  # 11×11 about the centre (8, 8)
    halved = transform_batch(big, scales=0.5)[0]  # output row r samples (r − 8) · 2 + 8
    assert halved[5:12, 8].tolist() == [0, 1, 1, 1, 1, 1, 0]


def test_zero_ranges_are_the_identity(images):
    assert np.array_equal(augment_batch(images, np.random.default_rng(0)), images)
    assert np.array_equal(augment_batch(images, np.random.default_rng(0), 0, 0, 0, 0), images)
    assert np.array_equal(transform_batch(images, 0.0, 1.0, (0.0, 0.0)), images)
    assert AugmentSpec().is_identity and str(AugmentSpec()) == "none"
    as_uint8 = (images * 255).astype(np.uint8)
    assert np.array_equal(augment_batch(as_uint8, np.random.default_rng(0)), as_uint8 * np.float32(1 / 255))


def test_same_seed_same_batch(images):
    settings = dict(rotate=15, scale=0.1, shift=2, noise=0.05)
    first = augment_batch(images, np.random.default_rng(7), **settings)
    again = augment_batch(images, np.random.default_rng(7), **settings)
    other = augment_batch(images, np.random.default_rng(8), **settings)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.dtype == np.float32 and first.shape == images.shape
    assert 0 <= first.min() and first.max() <= 1
    assert not np.array_equal(first, images)


def test_every_image_gets_its_own_transform():
    same = np.repeat(np.random.default_rng(2).random((1, 28, 28), dtype=np.float32), 4, axis=0)
    out = augment_batch(same, np.random.default_rng(0), rotate=30)
    assert len({out[i].tobytes() for i in range(4)}) == 4


def test_pixel_noise_rate():
    images = np.zeros((200, 28, 28), dtype=np.float32)
    out = augment_batch(images, np.random.default_rng(0), noise=0.05)
    assert np.mean(out > 0) == pytest.approx(0.05, abs=0.003)
    colour = augment_batch(np.zeros((50, 32, 32, 3), np.float32), np.random.default_rng(0), noise=0.1)
    hit = colour.any(axis=-1)
    assert np.mean(hit) == pytest.approx(0.1, abs=0.01)
    assert colour[hit].all(axis=-1).mean() > 0.99  # a hit pixel gets a random colour


def test_flat_rows_via_spec(images):
    spec = parse_augment_spec("rotate=10,shift=1")
    flat = images.reshape(5, -1)
    out = spec.apply(flat, np.random.default_rng(3), image_shape=(28, 28))
    assert out.shape == (5, 784)
    assert np.array_equal(out, augment_batch(images, np.random.default_rng(3), rotate=10, shift=1).reshape(5, -1))
    hook = spec.batch_function((28, 28))  # the trainer's per-batch hook
    assert np.array_equal(hook(flat, np.random.default_rng(3)), out)
    assert AugmentSpec().batch_function((28, 28)) is None


def test_parse_augment_spec():
    spec = parse_augment_spec("rotate=15,scale=0.1,shift=2,noise=0.05")
    assert spec == AugmentSpec(rotate=15, scale=0.1, shift=2, noise=0.05)
    assert str(spec) == "rotate=15,scale=0.1,shift=2,noise=0.05"
    assert parse_augment_spec(str(spec)) == spec
    assert parse_augment_spec(" Shift = 3 , rotation=5 ") == AugmentSpec(rotate=5, shift=3)
    assert parse_augment_spec("") == parse_augment_spec("none") == parse_augment_spec(None) == AugmentSpec()


@pytest.mark.parametrize(
    "text, message",
    [
        ("rotate", r"augmentation 'rotate': expected key=value, e\.g\. rotate=15"),
        ("spin=3", r"unknown augmentation 'spin'; choose from rotate, scale, shift, noise"),
        ("rotate=ten", r"augmentation rotate: 'ten' is not a number"),
        ("rotate=5,rotate=6", r"augmentation rotate given twice"),
        ("rotate=200", r"rotate must be between 0 and 180 degrees, got 200"),
        ("rotate=-5", r"rotate must be between 0 and 180 degrees, got -5"),
        ("scale=1.5", r"scale must be a fraction in \[0, 1\), got 1\.5"),
        ("shift=-1", r"shift must be ≥ 0 pixels, got -1"),
        ("noise=2", r"noise must be a probability in \[0, 1\], got 2"),
        ("noise=nan", r"augmentation noise must be a finite number"),
    ],
)
def test_parse_errors_are_clear(text, message):
    with pytest.raises(ValueError, match=message):
        parse_augment_spec(text)


def test_bad_shapes():
    with pytest.raises(ValueError, match=r"expected images shaped \(N, H, W\) or \(N, H, W, C\), got shape \(784,\)"):
        augment_batch(np.zeros(784, np.float32), np.random.default_rng(0), rotate=5)


def test_preview_grid_layout(images):
    grid = preview_grid(images, np.random.default_rng(0), rotate=20, noise=0.02, n=4, rows=3, pad=2)
    assert grid.shape == (3 * 30 - 2, 4 * 30 - 2) and grid.dtype == np.float32
    assert np.array_equal(grid[:28, 30:58], images[1])  # top row: the originals
    assert grid[28:30].min() == grid[28:30].max() == 0.5  # separators
    again = preview_grid(images, np.random.default_rng(0), rotate=20, noise=0.02, n=4, rows=3, pad=2)
    assert np.array_equal(grid, again)
    colour = preview_grid(np.zeros((3, 32, 32, 3), np.uint8), np.random.default_rng(0), shift=3)
    assert colour.shape == (4 * 34 - 2, 3 * 34 - 2, 3)
