"""Data augmentation (SPEC F14): random rotation, scaling, shift and pixel noise.

Applied to each mini-batch on the fly, so every epoch sees new variants of the training
images; never to test images. Everything is drawn from the ``np.random.Generator``
passed in, so the same seed gives the same batches.

The geometric part is one affine map per image, done for the whole batch at once: one
matrix product gives the source position of every output pixel, and four flat gathers
fetch its neighbours (bilinear interpolation, zero outside the image). No Python loop
runs over images, so augmenting a batch costs about as much as one training step of a
784-100-10 MLP (see ``bench/augment_speed.py``).

Conventions: pixel centres sit at integer coordinates and the image turns about its
centre ((H − 1) / 2, (W − 1) / 2); a positive angle turns the picture counter-clockwise
as displayed (row 0 at the top), so +90° equals ``np.rot90``; a scale above 1 enlarges
the picture; a shift (dx, dy) moves it right and down.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

Array = np.ndarray

_KEYS = ("rotate", "scale", "shift", "noise")
_KEY_ALIASES = {"rotation": "rotate", "scaling": "scale", "zoom": "scale", "translate": "shift", "translation": "shift"}


@dataclass(frozen=True)
class AugmentSpec:
    """The ranges of the random changes; all zero is no augmentation.

    - ``rotate``: largest angle in degrees; each image turns by a uniform angle in ±rotate.
    - ``scale``: fraction; each image is scaled by a uniform factor in [1 − scale, 1 + scale].
    - ``shift``: pixels; each image moves by uniform dx, dy in ±shift.
    - ``noise``: probability that a pixel is replaced by a uniform random value in [0, 1].
    """

    rotate: float = 0.0
    scale: float = 0.0
    shift: float = 0.0
    noise: float = 0.0

    def __post_init__(self) -> None:
        for key in _KEYS:
            value = getattr(self, key)
            if not isinstance(value, (int, float, np.number)) or not math.isfinite(value):
                raise ValueError(f"augmentation {key} must be a finite number, got {value!r}")
            object.__setattr__(self, key, float(value))
        if not 0 <= self.rotate <= 180:
            raise ValueError(f"rotate must be between 0 and 180 degrees, got {self.rotate:g}")
        if not 0 <= self.scale < 1:
            raise ValueError(f"scale must be a fraction in [0, 1), got {self.scale:g}")
        if self.shift < 0:
            raise ValueError(f"shift must be ≥ 0 pixels, got {self.shift:g}")
        if not 0 <= self.noise <= 1:
            raise ValueError(f"noise must be a probability in [0, 1], got {self.noise:g}")

    @property
    def is_identity(self) -> bool:
        """True when every range is zero: images pass through unchanged."""
        return not (self.rotate or self.scale or self.shift or self.noise)

    def as_dict(self) -> dict[str, float]:
        """The four ranges by name (keyword arguments of ``augment_batch``; JSON-ready)."""
        return asdict(self)

    def __str__(self) -> str:
        """The command-line form, e.g. ``rotate=15,scale=0.1,shift=2,noise=0.05`` (``none`` when off)."""
        parts = [f"{key}={getattr(self, key):g}" for key in _KEYS if getattr(self, key)]
        return ",".join(parts) or "none"

    def batch_function(self, image_shape: tuple[int, ...]) -> Callable[[Array, np.random.Generator], Array] | None:
        """A per-batch hook for the trainer: flat rows in, augmented flat rows out (None when off)."""
        if self.is_identity:
            return None
        return lambda inputs, rng: self.apply(inputs, rng, image_shape)

    def apply(self, images: Array, rng: np.random.Generator, image_shape: tuple[int, ...] | None = None) -> Array:
        """Augment one mini-batch; flat rows (N, D) are reshaped to ``image_shape`` and back."""
        if image_shape is None:
            return augment_batch(images, rng, **self.as_dict())
        images = np.asarray(images)
        shaped = images.reshape((len(images), *image_shape))
        return augment_batch(shaped, rng, **self.as_dict()).reshape(images.shape)


def parse_augment_spec(text: str | None) -> AugmentSpec:
    """Parse a command-line string such as ``"rotate=15,scale=0.1,shift=2,noise=0.05"``.

    Keys may come in any order and be left out (zero); an empty string or ``none`` means
    no augmentation. Errors name the offending part.
    """
    if text is None or text.strip().lower() in ("", "none", "off"):
        return AugmentSpec()
    values: dict[str, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, raw = part.partition("=")
        key = key.strip().lower()
        key = _KEY_ALIASES.get(key, key)
        if not sep:
            raise ValueError(f"augmentation {part!r}: expected key=value, e.g. rotate=15")
        if key not in _KEYS:
            raise ValueError(f"unknown augmentation {part.partition('=')[0].strip()!r}; choose from {', '.join(_KEYS)}")
        if key in values:
            raise ValueError(f"augmentation {key} given twice in {text!r}")
        try:
            values[key] = float(raw)
        except ValueError:
            raise ValueError(f"augmentation {key}: {raw.strip()!r} is not a number") from None
    return AugmentSpec(**values)


def _as_float_images(images: Array) -> Array:
    """float32 images; integer images (uint8 0–255) are scaled to [0, 1]."""
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"expected images shaped (N, H, W) or (N, H, W, C), got shape {images.shape}")
    if np.issubdtype(images.dtype, np.integer):
        return np.multiply(images, np.float32(1 / 255), dtype=np.float32)
    return images.astype(np.float32, copy=False)


def transform_batch(
    images: Array,
    angles: Array | float = 0.0,
    scales: Array | float = 1.0,
    shifts: Array | tuple[float, float] = (0.0, 0.0),
) -> Array:
    """Rotate, scale and shift each image of a batch by its own amount (bilinear, zero fill).

    ``images``: (N, H, W) or (N, H, W, C); ``angles`` in degrees (counter-clockwise as
    displayed), ``scales`` as factors and ``shifts`` as (dx, dy) pixels, each either one
    value for all images or one per image ((N,) and (N, 2)). Returns float32, same shape.
    """
    images = _as_float_images(images)
    n, height, width = images.shape[:3]
    angles = np.broadcast_to(np.asarray(angles, dtype=np.float64), (n,))
    scales = np.broadcast_to(np.asarray(scales, dtype=np.float64), (n,))
    shifts = np.broadcast_to(np.asarray(shifts, dtype=np.float64), (n, 2))
    if np.any(scales <= 0):
        raise ValueError("scale factors must be positive")

    # Inverse map, output → source, about the centre c:
    #   source = R(angle) · (output − c − shift) / scale + c,
    # with R chosen so that +90° reproduces np.rot90 (counter-clockwise on screen).
    theta = np.deg2rad(angles)
    cos, sin = np.cos(theta) / scales, np.sin(theta) / scales
    # Snap values within rounding error of a whole number (cos 90° = 6e-17) so quarter
    # turns land exactly on pixel centres and give exact results.
    cos, sin = _snap(cos), _snap(sin)
    cy, cx = (height - 1) / 2, (width - 1) / 2
    ty, tx = cy + shifts[:, 1], cx + shifts[:, 0]
    # source_x = cos·(x − tx) − sin·(y − ty) + cx ;  source_y = sin·(x − tx) + cos·(y − ty) + cy,
    # written as one affine row per image and axis, in the padded frame of _bilinear (+1).
    affine = np.empty((2, n, 3))
    affine[0] = np.stack([cos, -sin, cx - cos * tx + sin * ty + 1], axis=1)
    affine[1] = np.stack([sin, cos, cy - sin * tx - cos * ty + 1], axis=1)
    ys, xs = np.indices((height, width), dtype=np.float32).reshape(2, -1)
    grid = np.stack([xs, ys, np.ones_like(xs)])
    # One matrix product gives every source coordinate of the batch: (2N, 3) @ (3, H·W).
    coords = (affine.reshape(2 * n, 3).astype(np.float32) @ grid).reshape(2, n, height, width)
    return _bilinear(images, coords)


def _snap(values: Array, tolerance: float = 1e-12) -> Array:
    rounded = np.rint(values)
    return np.where(np.abs(values - rounded) < tolerance, rounded, values)


def _bilinear(images: Array, coords: Array) -> Array:
    """Sample every image at its own source coordinates (bilinear); zero outside the image.

    ``coords`` is (2, N, H, W): x then y of the point each output pixel comes from, in
    the frame of the padded image below (original coordinates + 1). It is overwritten.
    Operations run in place where they can: on this kind of machine a fresh 300 kB
    temporary costs page faults comparable to the arithmetic itself.
    """
    n, height, width = images.shape[:3]
    channels = images.shape[3:]
    # A zero border (1 pixel before, 2 after) lets every neighbour of a clipped
    # coordinate land inside the padded array, so no masks are needed: points beyond
    # the image are clipped onto the border, where the neighbours are zero or weigh 0.
    pad_height, pad_width = height + 3, width + 3
    padded = np.zeros((n, pad_height, pad_width, *channels), dtype=np.float32)
    padded[:, 1 : height + 1, 1 : width + 1] = images
    flat = padded.reshape(n * pad_height * pad_width, *channels)

    upper = width + 1 if width == height else np.array([width + 1, height + 1], np.float32)[:, None, None, None]
    np.clip(coords, 0, upper, out=coords)
    whole = np.floor(coords)
    weights = np.subtract(coords, whole, out=coords)
    weight_x, weight_y = weights
    # Flat index of the top-left neighbour, computed in floating point (exact for whole
    # numbers below 2**24 in float32) and converted to integers once.
    if len(flat) >= 2**24:
        whole = whole.astype(np.float64)
    whole_x, index = whole
    index *= pad_width
    index += whole_x
    index += (np.arange(n, dtype=whole.dtype) * (pad_height * pad_width))[:, None, None]
    index = index.astype(np.intp)
    del whole, whole_x
    # Four gathers with one index array, from views that start 1, pad_width and
    # pad_width + 1 elements later. Every index is in range, so the mode changes
    # nothing but speed: "wrap" is the fastest here (about 30 % faster than the default).
    top_left = np.take(flat, index, axis=0, mode="wrap")
    top_right = np.take(flat[1:], index, axis=0, mode="wrap")
    bottom_left = np.take(flat[pad_width:], index, axis=0, mode="wrap")
    bottom_right = np.take(flat[pad_width + 1 :], index, axis=0, mode="wrap")
    if channels:
        weight_y, weight_x = weight_y[..., None], weight_x[..., None]
    # top = tl + wx (tr − tl);  bottom = bl + wx (br − bl);  result = top + wy (bottom − top)
    top_right -= top_left
    top_right *= weight_x
    top_left += top_right
    bottom_right -= bottom_left
    bottom_right *= weight_x
    bottom_left += bottom_right
    bottom_left -= top_left
    bottom_left *= weight_y
    top_left += bottom_left
    return top_left


def augment_batch(
    images: Array,
    rng: np.random.Generator,
    rotate: float = 0.0,
    scale: float = 0.0,
    shift: float = 0.0,
    noise: float = 0.0,
) -> Array:
    """A randomly changed copy of a mini-batch of images, float32 in [0, 1].

    ``images``: (N, H, W) or (N, H, W, C), float in [0, 1] or uint8. Each image gets its
    own angle in ±``rotate`` degrees, scale factor in [1 − ``scale``, 1 + ``scale``] and
    shift in ±``shift`` pixels; then each pixel is, with probability ``noise``, replaced
    by a uniform random value. All ranges zero returns the images unchanged (as float32).
    """
    spec = AugmentSpec(rotate, scale, shift, noise)  # validates the ranges
    images = _as_float_images(images)
    n = len(images)
    if spec.rotate or spec.scale or spec.shift:
        angles = rng.uniform(-spec.rotate, spec.rotate, n) if spec.rotate else 0.0
        scales = rng.uniform(1 - spec.scale, 1 + spec.scale, n) if spec.scale else 1.0
        shifts = rng.uniform(-spec.shift, spec.shift, (n, 2)) if spec.shift else (0.0, 0.0)
        out = transform_batch(images, angles, scales, shifts)
    else:
        out = images.copy()
    if spec.noise:
        # Each pixel position (all channels of a colour pixel together) is hit with
        # probability `noise`. Drawing the binomial number of hits and then that many
        # distinct positions has exactly that distribution, at a fraction of the cost
        # of one random number per pixel.
        positions = out.reshape(n * out.shape[1] * out.shape[2], *out.shape[3:])
        hits = rng.binomial(len(positions), spec.noise)
        chosen = rng.choice(len(positions), hits, replace=False, shuffle=False)
        positions[chosen] = rng.random((hits, *out.shape[3:]), dtype=np.float32)
    return out


def preview_grid(
    images: Array,
    rng: np.random.Generator,
    rotate: float = 0.0,
    scale: float = 0.0,
    shift: float = 0.0,
    noise: float = 0.0,
    n: int = 8,
    rows: int = 4,
    pad: int = 2,
    pad_value: float = 0.5,
) -> Array:
    """A picture of ``n`` sample images (top row) and ``rows − 1`` random augmentations of each below.

    Returns one float32 image in [0, 1], (rows·(H + pad) − pad, n·(W + pad) − pad), with a
    trailing channel axis for colour images, tiles separated by ``pad`` pixels of ``pad_value``.
    """
    images = _as_float_images(images)[:n]
    if len(images) == 0:
        raise ValueError("no images to preview")
    if rows < 1:
        raise ValueError("rows must be at least 1")
    tiles = [images] + [augment_batch(images, rng, rotate, scale, shift, noise) for _ in range(rows - 1)]
    count, height, width = images.shape[:3]
    channels = images.shape[3:]
    grid = np.full((rows * (height + pad) - pad, count * (width + pad) - pad, *channels), pad_value, dtype=np.float32)
    for row, batch in enumerate(tiles):
        for column, image in enumerate(batch):
            top, left = row * (height + pad), column * (width + pad)
            grid[top : top + height, left : left + width] = image
    return np.clip(grid, 0, 1, out=grid)
