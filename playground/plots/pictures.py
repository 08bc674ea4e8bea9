"""Images for the browser: NumPy arrays as PNG data URIs (for ``html.Img`` and ``go.Image``).

A PNG is a signature and three chunks: the header, the zlib-compressed rows (each led by
filter byte 0) and the end; nothing else is needed for grey or RGB pictures, so no imaging
library is.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def to_bytes(image: np.ndarray) -> np.ndarray:
    """uint8 pixels from floats in [0, 1] (or uint8 as they are)."""
    if image.dtype == np.uint8:
        return image
    return np.rint(np.clip(np.nan_to_num(image), 0, 1) * 255).astype(np.uint8)


def png_bytes(image: np.ndarray) -> bytes:
    """A grey (H, W) or colour (H, W, 3) image as a PNG file."""
    pixels = to_bytes(np.asarray(image))
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] != 3):
        raise ValueError(f"a picture is (H, W) or (H, W, 3), not {pixels.shape}")
    height, width = pixels.shape[:2]
    colour_type = 2 if pixels.ndim == 3 else 0
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, -1)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def png_data_uri(image: np.ndarray) -> str:
    """The image as a ``data:image/png;base64,…`` URI."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode()


def grid(images: np.ndarray, columns: int, pad: int = 2, pad_value: float = 1.0) -> np.ndarray:
    """Images (N, H, W) or (N, H, W, 3) in [0, 1] tiled row by row, ``columns`` wide."""
    images = np.asarray(images, dtype=np.float32)
    count, height, width = images.shape[:3]
    rows = max(-(-count // columns), 1)
    tiled = np.full(
        (rows * (height + pad) - pad, columns * (width + pad) - pad, *images.shape[3:]), pad_value, dtype=np.float32
    )
    for index, image in enumerate(images):
        top, left = (index // columns) * (height + pad), (index % columns) * (width + pad)
        tiled[top : top + height, left : left + width] = image
    return tiled
