"""Saving and loading networks as plain ``.npz`` files, never pickle.

The file holds the architecture as small arrays of numbers and strings and one
array per weight matrix and bias vector, so loading a file a stranger handed
you can never run code (``allow_pickle=False``).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from playground.engine.network import Network

FORMAT = "neural-playground-network"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be read: the message names the file and the problem."""


def save_network(network: Network, path: str | os.PathLike) -> Path:
    """Write ``network`` to ``path`` (.npz); returns the path written."""
    path = Path(path)
    arrays = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "layer_sizes": np.array(network.layer_sizes, dtype=np.int64),
        "activations": np.array(network.activations, dtype="U16"),
        "output_activation": np.array(network.output_activation),
        "cost": np.array(network.cost_name),
        "dtype": np.array(network.dtype.name),
    }
    for index, (W, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"weights_{index}"] = W
        arrays[f"biases_{index}"] = b
    # Write beside the target and rename, so a crash never leaves half a model in place.
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as file:
        np.savez(file, **arrays)
    os.replace(partial, path)
    return path


def load_network(path: str | os.PathLike) -> Network:
    """Read a network written by ``save_network``; raises ``ModelFileError`` naming any problem."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            contents = {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        # (zipfile says NotImplementedError or RuntimeError for damaged compression or encryption flags)
        raise ModelFileError(f"{path}: not a model file, or truncated or corrupted ({error})") from None
    except ValueError:
        # numpy takes anything that is not an .npz or .npy for a pickle, and refuses it.
        raise ModelFileError(
            f"{path}: not a model file (not an .npz archive of plain arrays; pickled data is never loaded)"
        ) from None
    return _network_from_arrays(path, contents)


def _network_from_arrays(path: Path, contents: dict[str, np.ndarray]) -> Network:
    def field(name: str) -> np.ndarray:
        if name not in contents:
            raise ModelFileError(f"{path}: not a Neural Playground model (missing {name!r})")
        return contents[name]

    if str(field("format")) != FORMAT:
        raise ModelFileError(f"{path}: not a Neural Playground model (format {str(field('format'))!r})")
    if int(field("version")) > VERSION:
        raise ModelFileError(f"{path}: made by a newer version (file format {int(field('version'))})")
    try:
        network = Network(
            [int(n) for n in field("layer_sizes")],
            activation=[str(a) for a in field("activations")],
            output_activation=str(field("output_activation")),
            cost=str(field("cost")),
            dtype=np.dtype(str(field("dtype"))),
        )
    except (ValueError, TypeError) as error:
        raise ModelFileError(f"{path}: invalid architecture ({error})") from None
    for index in range(len(network.weights)):
        for kind, arrays in (("weights", network.weights), ("biases", network.biases)):
            stored = field(f"{kind}_{index}")
            if stored.shape != arrays[index].shape:
                raise ModelFileError(
                    f"{path}: {kind}_{index} has shape {stored.shape}, "
                    f"expected {arrays[index].shape} for layers {network.layer_sizes}"
                )
            if stored.dtype != network.dtype:
                raise ModelFileError(f"{path}: {kind}_{index} is {stored.dtype}, expected {network.dtype}")
            if not np.all(np.isfinite(stored)):
                raise ModelFileError(f"{path}: {kind}_{index} holds values that are not finite")
            arrays[index] = stored.copy()
    return network
