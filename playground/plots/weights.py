"""What the first layer of an image network looks for: the weights into each of its nodes laid
out like the image (or a conv layer's filters), as pictures and as one tiled image.

    figure = first_layer_figure(network, (28, 28))      # a Plotly figure of the tiled pictures
    image = first_layer_image(network, (28, 28))         # the same as an (H, W, 3) array in [0, 1]
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.engine import Conv2D, Network
from playground.plots.pictures import grid, png_data_uri

Array = np.ndarray


def diverging(values: Array) -> Array:
    """Values in [−1, 1] as RGB: blue below 0, white at 0, red above (the weights' sign and size)."""
    v = np.clip(values, -1, 1)[..., None]
    blue, white, red = np.array([0.16, 0.38, 0.72]), np.ones(3), np.array([0.79, 0.19, 0.15])
    return np.where(v < 0, white + (blue - white) * -v, white + (red - white) * v).astype(np.float32)


def first_layer_pictures(network: Network, image_shape: tuple[int, ...], count: int | None = None) -> Array:
    """(count, h, w, 3) pictures of what the first layer looks for, each scaled by its own
    largest magnitude: a dense layer's node j's incoming weights laid out like the image, or a
    conv layer's filters. Grey: blue negative, red positive; colour: each channel's weights as
    that colour, grey at 0. ``count`` None: ``first_layer_count``."""
    count = count or first_layer_count(network)
    first = network.weighted_layers[0]
    if isinstance(first, Conv2D):
        weights = np.moveaxis(first.weights[..., :count], -1, 0)  # (filters, kh, kw, channels)
        shape = weights.shape[1:] if weights.shape[-1] == 3 else weights.shape[1:3]
    else:
        weights, shape = first.weights[:, :count].T, image_shape  # (nodes, inputs)
    flat = weights.reshape(len(weights), -1)
    scale = np.maximum(np.abs(flat).max(axis=1, keepdims=True), 1e-12)
    shaped = (flat / scale).reshape(-1, *shape)
    if len(shape) == 3:
        return (0.5 + 0.5 * shaped).astype(np.float32)
    return diverging(shaped)


def enlarged(pictures: Array, at_least: int = 24) -> Array:
    """Pictures (N, h, w[, 3]) with each pixel repeated so a picture is at least ``at_least``
    pixels tall: a 5×5 filter tiled beside its neighbours is then a visible square, not a
    speck between the grid's 2-pixel gaps."""
    factor = -(-at_least // pictures.shape[1])
    return np.repeat(np.repeat(pictures, factor, axis=1), factor, axis=2)


def first_layer_count(network: Network) -> int:
    """How many pictures are shown: one per class for a network without hidden layers (10 at most),
    else the first 64 nodes or filters."""
    return 10 if len(network.weighted_layers) == 1 else 64


def tiled_pictures(pictures: Array, network: Network) -> Array:
    """First-layer pictures enlarged and tiled in one (H, W, 3) image: 10 a row for a network
    without hidden layers (one per class), 16 otherwise (what the image page shows)."""
    alone = len(network.weighted_layers) == 1
    return grid(enlarged(pictures), columns=min(len(pictures), 10 if alone else 16))


def first_layer_image(network: Network, image_shape: tuple[int, ...], count: int | None = None) -> Array:
    """The first layer's pictures tiled in one image (``first_layer_pictures``, ``tiled_pictures``)."""
    return tiled_pictures(first_layer_pictures(network, image_shape, count), network)


def first_layer_figure(network: Network, image_shape: tuple[int, ...], count: int | None = None) -> go.Figure:
    """The first layer's pictures as a Plotly figure (one image, its pixels kept sharp, no axes)."""
    image = first_layer_image(network, image_shape, count)
    figure = go.Figure(go.Image(source=png_data_uri(image), hoverinfo="skip"))
    height, width = image.shape[:2]
    figure.update_layout(
        width=min(900, width * 2) + 20,
        height=min(900, width * 2) * height / width + 50,
        margin=dict(l=10, r=10, t=40, b=10),
        title=dict(text="what the first layer looks for: red pushes a node up, blue down", font=dict(size=13)),
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
    )
    return figure
