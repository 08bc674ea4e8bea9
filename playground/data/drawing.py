"""Prepare a drawing from the browser canvas the way each image data set's images were made.

A network trained on MNIST has only ever seen digits of a certain size, at a certain place,
with soft edges. A drawing straight off a 280 × 280 canvas looks nothing like that, so before
the network sees it we repeat the steps that made the data set's images:

- MNIST (:func:`to_mnist`): crop to the ink, scale so the longer side is 20 px (aspect kept,
  anti-aliased), put it in a 28 × 28 field and move it so its centre of mass sits where
  MNIST's do. :func:`mnist_steps` returns every stage, for showing the steps in the app.
- Fashion-MNIST uses :func:`to_mnist`'s framing too (the two share the 28 × 28 format).
  Zalando made those pictures differently, though: the longer edge resized to 28 px and the
  picture centred by its bounding box, so its articles fill the field (measured: 9,833 of
  the 10,000 test images have ink from edge to edge), while a prepared drawing keeps a margin.
- scikit-learn digits (:func:`to_digits`): the UCI optdigits recipe: normalise the digit
  into a 32 × 32 bitmap (full height, at most 20 px wide, strokes thickened to the data
  set's amount of ink), count the ink in each 4 × 4 block (0-16), then scale to [0, 1].
- Quick, Draw! (:func:`to_quickdraw`): framed like the official numpy_bitmap files: centred,
  longer side about 25 px of the 28.
- CIFAR-10 (:func:`to_cifar`): a colour picture, centre-cropped to a square and shrunk to 32 × 32.

Drawings are 2D float arrays of any size with values in [0, 1], ink high (1 = full ink).
Every function returns float32 in [0, 1], the scale the engine trains on (the uint8 images
divided by 255). ``PREPARE`` maps each data set's name to its function.

Coordinates: pixel (row i, column j) has its centre at (i, j), as in
``scipy.ndimage.center_of_mass``; so the middle of a 28 × 28 image is at (13.5, 13.5).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

Array = np.ndarray

INK_THRESHOLD = 0.1  # fainter pixels (anti-aliasing fringes, smudges) do not count as ink

MNIST_SIZE = 28
MNIST_BOX = 20  # LeCun: "size normalized to fit in a 20x20 pixel box while preserving their aspect ratio"
# Where MNIST's centre of mass sits, in ndimage coordinates. Measured on the 60,000 training
# images: mean (13.996, 14.007), every image within [13.5, 14.5] on both axes. MNIST was
# translated by whole pixels to put the centre of mass on pixel 28 / 2 = 14, half a pixel
# below and right of the geometric middle (13.5). We copy that, so drawings sit like MNIST's.
MNIST_CENTRE = (14.0, 14.0)

DIGITS_BITMAP = 32  # optdigits: 32 x 32 bitmaps ...
DIGITS_BLOCK = 4  # ... counted in non-overlapping 4 x 4 blocks, giving 8 x 8 counts of 0-16
# Measured on sklearn's 1,797 digits: every digit spans all 8 rows, and no wider than about
# 20 of the 32 bitmap columns (0s are 6 blocks wide in 177 of 178, 8 blocks in 4 digits of all).
DIGITS_MAX_WIDTH = 20
# Every class holds about the same ink: 19.5 of 64 blocks (std 2.2), 312 of the 1,024 bitmap
# pixels, whether a "1" or an "8". So a "1" has a much thicker stroke than a "0": NIST
# normalised the amount of ink, and we thicken a drawing's strokes to that amount.
DIGITS_INK = 312.0

QUICKDRAW_SIZE = 28
# The official bitmaps were rendered from strokes scaled to 0-255, centred in a 256-unit
# square, drawn with a 16-unit pen and 24 units of padding on each side (304 units across).
# So the ink's longer side is (255 + 16) / 304 * 28 = 24.96 px, centred in the 28 x 28 field.
# Measured on the real files (cat, bicycle, helicopter, octopus, tractor): ink in rows/columns
# 1..26 on the longer side (long side 26 px counting faint pixels), equal margins on both sides.
QUICKDRAW_SPAN = (255 + 16) / 304 * QUICKDRAW_SIZE

CIFAR_SIZE = 32


# ---------------------------------------------------------------------------
# Shared steps


def _as_array(image: Array, ndim: int, what: str) -> Array:
    """``image`` as float64, checked: ``ndim`` dimensions, not empty, finite, in [0, 1]."""
    array = np.asarray(image, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{what} must be a {ndim}D array, got {array.ndim}D with shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{what} is empty (shape {array.shape})")
    if not np.isfinite(array).all():
        raise ValueError(f"{what} holds NaN or infinite values")
    low, high = array.min(), array.max()
    if low < -1e-3 or high > 1 + 1e-3:
        raise ValueError(
            f"{what} values must lie in [0, 1], got {low:g} to {high:g} (divide 0-255 pixels by 255 first)"
        )
    return np.clip(array, 0.0, 1.0)  # remove rounding overshoot, e.g. 1.0000001


def _as_drawing(image: Array) -> Array:
    """A checked 2D drawing (float64 in [0, 1])."""
    return _as_array(image, 2, "the drawing")


def crop_to_ink(drawing: Array) -> Array:
    """The smallest rectangle of ``drawing`` holding all its ink (pixels above INK_THRESHOLD).

    Raises ValueError when there is no ink: the drawing is blank.
    """
    ink = drawing > INK_THRESHOLD
    if not ink.any():
        raise ValueError("the drawing is blank: draw something first")
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    return drawing[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]


def _coverage(n_in: int, n_out: int, start: float, length: float) -> Array:
    """(n_out, n_in) weights: how much of output pixel k each input pixel j covers.

    The n_in input pixels are laid side by side over [start, start + length), measured in
    output pixels; output pixel k is the interval [k, k + 1). Each output pixel becomes the
    ink-weighted share of its area, as an anti-aliasing renderer computes it (a box filter:
    shrinking averages every input pixel instead of skipping most of them).
    """
    edges = start + length * np.arange(n_in + 1) / n_in  # input pixel edges
    k = np.arange(n_out)[:, None]
    overlap = np.minimum(edges[1:], k + 1) - np.maximum(edges[:-1], k)
    return np.clip(overlap, 0.0, None)


def _resample(image: Array, size: tuple[int, int], top: float, left: float, height: float, width: float) -> Array:
    """Draw ``image`` into a blank ``size`` image, stretched over the given rectangle (in pixels).

    Separable: rows and columns are resampled by one matrix product each.
    """
    rows = _coverage(image.shape[0], size[0], top, height)
    columns = _coverage(image.shape[1], size[1], left, width)
    return rows @ image @ columns.T


def fit_in_box(cropped: Array, size: int, span: float) -> Array:
    """A ``size`` × ``size`` image with ``cropped`` scaled so its longer side is ``span`` pixels.

    The aspect ratio is kept and the picture is centred (by its bounding box).
    """
    scale = span / max(cropped.shape)
    height, width = cropped.shape[0] * scale, cropped.shape[1] * scale
    return _resample(cropped, (size, size), (size - height) / 2, (size - width) / 2, height, width)


def _to_output(image: Array) -> Array:
    """float32 in [0, 1] (the engine's scale); clipping only removes rounding error."""
    return np.clip(image, 0.0, 1.0).astype(np.float32)


# ---------------------------------------------------------------------------
# MNIST (and Fashion-MNIST)


def centre_by_mass(fitted: Array, size: int = MNIST_SIZE, centre: tuple[float, float] = MNIST_CENTRE) -> Array:
    """Place ``fitted`` in a ``size`` × ``size`` field, moved so its centre of mass is at ``centre``.

    The move is by whole pixels, as MNIST's was, so the digit stays exactly as sharp as it
    was fitted; the centre of mass ends within half a pixel of ``centre`` (exactly half a
    pixel for a symmetric drawing, whose centre of mass is the middle of its 20 px box; real
    MNIST digits spread over that same [13.5, 14.5]). Ink moved past the edge is lost (only
    for very lopsided drawings, as in MNIST).
    """
    margin = (size - fitted.shape[0]) // 2, (size - fitted.shape[1]) // 2
    field = np.pad(
        fitted, [(margin[0], size - fitted.shape[0] - margin[0]), (margin[1], size - fitted.shape[1] - margin[1])]
    )
    mass_centre = np.array(ndimage.center_of_mass(field))
    offset = np.round(np.array(centre) - mass_centre)
    return ndimage.shift(field, offset, order=0, mode="constant", cval=0.0)


def mnist_steps(image: Array) -> dict[str, Array]:
    """Every stage of :func:`to_mnist`, for showing them one after another.

    - ``"raw"``: the drawing as given (float32);
    - ``"cropped"``: cut down to its ink;
    - ``"fitted"``: 20 × 20, the longer side scaled to 20 px, aspect kept;
    - ``"centred"``: 28 × 28, moved so the centre of mass sits where MNIST's do;
    - ``"network"``: what the network sees, (28, 28) float32 in [0, 1].
    """
    drawing = _as_drawing(image)
    cropped = crop_to_ink(drawing)
    fitted = fit_in_box(cropped, MNIST_BOX, MNIST_BOX)
    centred = centre_by_mass(fitted)
    return {
        "raw": drawing.astype(np.float32),
        "cropped": cropped.astype(np.float32),
        "fitted": _to_output(fitted),
        "centred": _to_output(centred),
        "network": _to_output(centred),
    }


def to_mnist(image: Array) -> Array:
    """A drawing (2D, any size, [0, 1], ink high) made the way MNIST's digits were: (28, 28) float32.

    LeCun: the digits were "size normalized to fit in a 20x20 pixel box while preserving
    their aspect ratio", then "centered in a 28x28 image by computing the center of mass of
    the pixels, and translating the image so as to position this point at the center".
    That point is MNIST_CENTRE = (14, 14) in ndimage coordinates, where real MNIST digits have
    theirs (the geometric middle is 13.5; MNIST's translation was by whole pixels to pixel 14).
    Raises ValueError for a blank, empty, non-2D or non-finite drawing, or values outside [0, 1].
    """
    return mnist_steps(image)["network"]


# ---------------------------------------------------------------------------
# scikit-learn digits (UCI optdigits)


def _digits_bitmap(ink: Array) -> Array:
    """A boolean ink mask cropped and scaled into optdigits' 32 × 32 frame (grey at the edges).

    The height fills the 32 rows; the width keeps the aspect ratio up to DIGITS_MAX_WIDTH
    columns and is squeezed to it beyond (a round "0" becomes an upright oval, as in the data).
    """
    cropped = crop_to_ink(ink.astype(np.float64))
    height = float(DIGITS_BITMAP)
    width = min(cropped.shape[1] * height / cropped.shape[0], DIGITS_MAX_WIDTH)
    return _resample(cropped, (DIGITS_BITMAP, DIGITS_BITMAP), 0.0, (DIGITS_BITMAP - width) / 2, height, width)


def _digits_thickened(cropped: Array, steps: int = 10) -> Array:
    """The 32 × 32 bitmap of ``cropped`` with strokes thickened until it holds DIGITS_INK pixels of ink.

    Thickening by r pixels inks everything within r of the drawing (a distance transform).
    More r, more ink, so the right r is found by halving an interval (``steps`` times).
    Drawings that already hold enough ink are left as they are (never thinned).
    """
    # Work at twice the bitmap's size: plenty for an 8 x 8 result, and fast (the distance
    # transform of a full 280 x 280 canvas alone would take about 5 ms).
    scale = 2 * DIGITS_BITMAP / max(cropped.shape)
    size = max(1, round(cropped.shape[0] * scale)), max(1, round(cropped.shape[1] * scale))
    small = _resample(cropped, size, 0.0, 0.0, *size)
    margin = DIGITS_BITMAP  # room for the strokes to grow into
    ink = np.pad(small, margin) > INK_THRESHOLD
    bitmap = _digits_bitmap(ink)
    if bitmap.sum() >= DIGITS_INK:
        return bitmap
    distance = ndimage.distance_transform_edt(~ink)  # from each pixel to the nearest ink
    low, high = 0.0, float(margin)
    for _ in range(steps):
        middle = (low + high) / 2
        if _digits_bitmap(distance <= middle).sum() < DIGITS_INK:
            low = middle
        else:
            high = middle
    return _digits_bitmap(distance <= high)


def to_digits(image: Array) -> Array:
    """A drawing made the way scikit-learn's 8 × 8 digits were: (8, 8) float32 in [0, 1].

    optdigits (UCI) took NIST's normalised 32 × 32 black-and-white bitmaps and counted the
    ink in each 4 × 4 block (0-16); the app divides the counts by 16 (16 → 1.0), so we do
    too. We repeat the normalisation as measured on sklearn's digits: the digit fills the
    bitmap's height, is at most 20 columns wide, is centred across, and its strokes are
    thickened until it holds as much ink as those digits (DIGITS_INK).
    Raises ValueError for a blank, empty, non-2D or non-finite drawing, or values outside [0, 1].
    """
    bitmap = _digits_thickened(crop_to_ink(_as_drawing(image)))
    n_blocks = DIGITS_BITMAP // DIGITS_BLOCK
    counts = bitmap.reshape(n_blocks, DIGITS_BLOCK, n_blocks, DIGITS_BLOCK).sum(axis=(1, 3))
    return _to_output(counts / DIGITS_BLOCK**2)


# ---------------------------------------------------------------------------
# Quick, Draw!


def to_quickdraw(image: Array) -> Array:
    """A drawing framed like Quick, Draw!'s numpy_bitmap files: (28, 28) float32 in [0, 1].

    The stroke data was scaled so its longer side spans 0-255 (aligned top-left), but the
    bitmaps were then rendered centred with padding: the ink's longer side is about 25 px
    (QUICKDRAW_SPAN), centred in the 28 × 28 field, leaving a margin of 1-2 px.
    Raises ValueError for a blank, empty, non-2D or non-finite drawing, or values outside [0, 1].
    """
    cropped = crop_to_ink(_as_drawing(image))
    return _to_output(fit_in_box(cropped, QUICKDRAW_SIZE, QUICKDRAW_SPAN))


# ---------------------------------------------------------------------------
# CIFAR-10


def to_cifar(image: Array) -> Array:
    """A colour picture (H, W, 3) in [0, 1], any size, as CIFAR-10 sees it: (32, 32, 3) float32.

    The middle square is kept (CIFAR images are square) and shrunk to 32 × 32 by area
    averaging, each channel on its own. Raises ValueError for a picture that is not
    (H, W, 3), is empty, holds NaN or infinite values, or values outside [0, 1].
    """
    picture = _as_array(image, 3, "the picture")
    if picture.shape[2] != 3:
        raise ValueError(f"the picture must have 3 colour channels (red, green, blue), got shape {picture.shape}")
    side = min(picture.shape[:2])
    top, left = (picture.shape[0] - side) // 2, (picture.shape[1] - side) // 2
    square = picture[top : top + side, left : left + side]
    size = (CIFAR_SIZE, CIFAR_SIZE)
    channels = [_resample(channel, size, 0, 0, *size) for channel in np.moveaxis(square, -1, 0)]
    return _to_output(np.stack(channels, axis=-1))


PREPARE: dict[str, Callable[[Array], Array]] = {
    "mnist": to_mnist,
    "fashion-mnist": to_mnist,
    "digits": to_digits,
    "quickdraw": to_quickdraw,
    "cifar-10": to_cifar,
}
