"""Looking inside a trained image network (SPEC F17, F23): pure functions of the network and images.

- ``first_layer_pictures``, ``enlarged``: the weights into each first-layer node, drawn as an
  image (the library's, ``playground.plots.weights``), and what they are (``first_layer_caption``);
- ``noise_answer``: what the network says about pure noise (often something, confidently);
- ``layer_map``: test images placed by a layer's activations (PCA, or t-SNE), to watch classes
  separate layer by layer;
- ``robustness``: accuracy as rotation, pixel noise, shift or stroke width grow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from playground.data.augment import transform_batch
from playground.engine import Conv2D, Network

Array = np.ndarray
ROBUSTNESS_LEVELS: dict[
    str, list[float]
] = {  # degrees, fraction of pixels replaced, pixels, pixels (+ thicker, − thinner)
    "rotation °": [0, 10, 20, 30, 45, 60, 90],
    "pixel noise": [0, 0.05, 0.1, 0.2, 0.3, 0.5],
    "shift px": [0, 1, 2, 3, 4, 6],
    "stroke width px": [-2, -1, 0, 1, 2, 3],
}
MAP_SAMPLES = 1000
# t-SNE's time grows faster than the points': 2,500 take about 1.5 s of one core, the page's whole
# job (its process's imports, the data, the forward pass, the figure) about 3 s (bench/tsne_map.py),
# which leaves room within SPEC's 5 s when other work shares the two cores.
TSNE_SAMPLES = 2500
TSNE_STEPS = (100, 200)  # exaggerated, then plain (openTSNE's defaults 250 + 500: see ``tsne``)
TSNE_EVERY = 25  # t-SNE steps between two progress lines (about every 0.2 s here)
Said = Callable[[str], None] | None  # where a long computation says how far it has come
CHUNK = 250  # images per forward pass of a map: a conv network's layers for 2,500 at once are 100s of MB


def first_layer_caption(network: Network, shown: int) -> str:
    """What the first-layer pictures are, for this network."""
    first = network.weighted_layers[0]
    if isinstance(first, Conv2D):
        kh, kw, channels, filters = first.weights.shape
        return (
            f"The first conv layer's {filters} filters ({kh}×{kw}×{channels}{', showing ' + str(shown) if shown < filters else ''}), "
            f"each scaled by its largest weight: a filter slides over the image, and its feature map "
            f"(below) lights up where the image looks like it. "
            + (
                "Each colour channel's weights in that colour, grey at 0."
                if channels == 3
                else "Red weights push the output up, blue ones down, white ones do not matter."
            )
        )
    nodes = first.weights.shape[1]
    return (
        f"The weights into each of the first layer's {nodes:,} nodes{' (the first ' + str(shown) + ')' if shown < nodes else ''}, "
        "laid out like the image: red pixels push the node up, blue ones down, white ones do not matter."
    )


def feature_maps(network: Network, image: Array) -> Array | None:
    """The first conv layer's output for one image, one (H, W) map per filter scaled to [0, 1]
    (None for a network without conv layers)."""
    first = network.weighted_layers[0]
    if not isinstance(first, Conv2D):
        return None
    maps = np.moveaxis(first.forward(image.reshape(1, *network.input_shape), keep=False)[0], -1, 0)
    low, high = maps.min(axis=(1, 2), keepdims=True), maps.max(axis=(1, 2), keepdims=True)
    return ((maps - low) / np.maximum(high - low, 1e-12)).astype(np.float32)


def noise_answer(network: Network, image_shape: tuple[int, ...], seed: int) -> tuple[Array, Array]:
    """A picture of uniform noise and the network's outputs for it."""
    noise = np.random.default_rng([seed, 6]).random((1, *image_shape), dtype=np.float32)
    return noise[0], network.forward(noise.reshape(1, -1))[0]


def layer_choices(network: Network) -> list[dict]:
    """The layers a map can be drawn from: the input pixels, each layer's output (value: its
    place in ``forward_pass``'s activations), the last one being the network's output."""
    choices = [{"label": f"input pixels ({network.input_size:,})", "value": 0}]
    for index, layer in enumerate(network.layers[:-1], start=1):
        size = f"{int(np.prod(network.shapes[index])):,}"
        if isinstance(layer, Conv2D):
            choices.append(
                {
                    "label": f"conv {index} ({'×'.join(map(str, network.shapes[index]))} {layer.activation})",
                    "value": index,
                }
            )
        elif layer.activation is not None:
            choices.append({"label": f"hidden layer {index} ({size} {layer.activation})", "value": index})
        elif layer.kind != "flatten":
            choices.append({"label": f"{layer.kind} {index} ({size})", "value": index})
    return choices + [{"label": f"output ({network.layer_sizes[-1]})", "value": len(network.layers)}]


def layer_activations(network: Network, inputs: Array, layer: int, said: Said = None) -> Array:
    """The activations of ``layer`` (0: the inputs themselves) for each row of ``inputs``
    (``said``: told how far the forward pass has come, chunk by chunk)."""
    chunks = []
    for start in range(0, len(inputs), CHUNK):
        _, activations = network.forward_pass(inputs[start : start + CHUNK])  # activations[0] is the inputs
        chunks.append(activations[layer].reshape(len(activations[layer]), -1))
        if said:
            said(f"forward pass: {min(start + CHUNK, len(inputs)):,} of {len(inputs):,} images")
    return np.concatenate(chunks) if chunks else np.zeros((0, int(np.prod(network.shapes[layer]))), np.float32)


def layer_map(activations: Array, method: str = "pca", seed: int = 0, said: Said = None) -> Array:
    """Two coordinates per image from its activations: PCA (instant) or t-SNE (PCA to 50
    dimensions first, then ``tsne``; ``said``: told each stage and t-SNE's steps)."""
    if method == "tsne":
        if said:
            said("PCA to 50 dimensions")
        start = layer_map(activations, "pca50", seed) if activations.shape[1] > 50 else activations
        return tsne(start, seed, said)
    from sklearn.decomposition import PCA

    components = 50 if method == "pca50" else 2
    components = min(components, activations.shape[1], len(activations))
    return PCA(components, random_state=seed).fit_transform(activations).astype(np.float32)


def tsne(points: Array, seed: int = 0, said: Said = None) -> Array:
    """A t-SNE map (N, 2) of ``points`` by openTSNE's Barnes-Hut method, on one thread.

    Why these settings (measured in bench/tsne_map.py on an MNIST network's hidden layer):
    openTSNE on one thread was the fastest of scikit-learn's and openTSNE's t-SNE, and two
    threads were several times slower whenever other work shared the two cores (a server's
    usual state); one thread also gives the same map run after run. Fewer iterations than the
    default (100 exaggerated + 200, not 250 + 500), a coarser Barnes-Hut (θ 0.8, not 0.5) and
    exact neighbours (a few thousand points: faster than the approximate search) took 3.8 s of
    CPU down to 1.8 s for 3,000 points, and the classes separate as well: the same share of
    same-class neighbours on the map, the same trustworthiness.
    """
    from openTSNE import TSNE

    if len(points) < 10:  # too few for neighbourhoods to mean anything: the first two PCA axes
        return layer_map(points, "pca", seed)
    steps = TSNE_STEPS[0] + TSNE_STEPS[1]
    done = [0]

    def step(iteration: int, error: float, embedding: Array) -> bool:
        done[0] += TSNE_EVERY
        if said:
            said(f"t-SNE: step {min(done[0], steps)} of {steps}")
        return False  # go on

    if said:
        said(f"t-SNE: finding each image's neighbours among {len(points):,}")
    return np.asarray(
        TSNE(
            perplexity=min(30.0, (len(points) - 1) / 3),  # openTSNE needs 3 × perplexity neighbours
            negative_gradient_method="bh",
            theta=0.8,
            neighbors="exact",
            early_exaggeration_iter=TSNE_STEPS[0],
            n_iter=TSNE_STEPS[1],
            n_jobs=1,
            random_state=seed,
            callbacks=step,
            callbacks_every_iters=TSNE_EVERY,
        ).fit(np.ascontiguousarray(points, dtype=np.float64)),
        dtype=np.float32,
    )


def changed(images: Array, kind: str, level: float, rng: np.random.Generator) -> Array:
    """Test images (N, H, W[, 3]) in [0, 1] changed by ``level`` of one kind of ``ROBUSTNESS_LEVELS``."""
    if kind.startswith("rotation"):
        return transform_batch(images, angles=rng.choice([-level, level], len(images)))
    if kind.startswith("shift"):
        directions = rng.choice([-1.0, 1.0], (len(images), 2))
        return transform_batch(images, shifts=directions * level / np.sqrt(2))
    if kind.startswith("pixel noise"):
        noisy = images.copy()
        replace = rng.random(images.shape[:3]) < level
        noisy[replace] = rng.random(noisy[replace].shape, dtype=np.float32)
        return noisy
    size = (1, 1 + 2 * int(abs(level)), 1 + 2 * int(abs(level))) + (1,) * (images.ndim - 3)
    if level == 0:
        return images
    return (ndimage.grey_dilation if level > 0 else ndimage.grey_erosion)(images, size=size)


def robustness(network: Network, images: Array, labels: Array, seed: int = 0) -> dict[str, tuple[list, list]]:
    """Accuracy on the images at each level of each change: {kind: (levels, accuracies)}."""
    curves = {}
    for number, (kind, levels) in enumerate(ROBUSTNESS_LEVELS.items()):
        accuracies = []
        for step, level in enumerate(levels):
            rng = np.random.default_rng([seed, 7, number, step])
            rows = changed(images, kind, level, rng).reshape(len(images), -1)
            accuracies.append(float(np.mean(network.predict(rows) == labels)))
        curves[kind] = (levels, accuracies)
    return curves
