"""Saving and loading networks as plain ``.npz`` files, never pickle.

A file holds the layer list as a JSON description (each layer's ``to_dict()``), the
cost, the number type, the task when it is regression (a file without one is a classifier,
as every file before regression was), the input names when known (``input_names``: e.g. the
feature inputs 'x1^2', 'x1*x2'), and one array per parameter: ``weights_<k>`` and
``biases_<k>`` of layer k (counted from 0). Loading a file a stranger handed you can
never run code: pickled members are refused (``allow_pickle=False``), and every size is
read from the zip directory and the array headers and checked before anything is
allocated; members the network does not need are never read.

Files of format version 1 (before layers were objects: ``layer_sizes``, ``activations``
and ``output_activation``, dense layers only) still load and give the same outputs.

The same description travels as JSON (the app's session, share links and routes):
``network_to_json`` / ``network_from_json``, each layer's ``to_dict()`` with its weights and
biases as nested lists. Both ways in check the layer list with ``check_layers`` (known types,
parameter shapes, the parameter count) before anything is allocated, so they cannot drift.
"""

from __future__ import annotations

import io
import json
import math
import os
import threading
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np

from playground.engine.footprint import MAX_MEMORY_BYTES, MAX_MULTIPLY_ADDS, check_footprint
from playground.engine.layers import LAYER_TYPES, check_dtype, layer_from_dict, whole_number
from playground.engine.network import Network

# NumPy parses .npy headers with ast.literal_eval, and CPython 3.11's AST constructor is not
# thread-safe (python/cpython#106905: "AST constructor recursion depth mismatch" when two
# threads parse at once). The app's server threads load models side by side: one at a time.
NPY_HEADER_LOCK = threading.Lock()

FORMAT = "neural-playground-network"
VERSION = 2
PARAMETER_NAMES = ("weights", "biases")  # what a weighted layer's parameters() are, in order
MAX_PARAMETERS = 50_000_000  # 200 MB of float32 weights
MAX_FILE_BYTES = 256_000_000  # a file of 50 M float32 parameters, with room to spare
MAX_DESCRIPTION_BYTES = 1_000_000  # the small members: format, version, layers, cost, …


class ModelFileError(ValueError):
    """A model file that cannot be read: the message names the file and the problem."""


class ModelTooCostly(ModelFileError):
    """A model file that is sound but would cost more to run than the limits allow."""


class DescriptionError(ValueError):
    """A network description (JSON) that cannot be used: the message names the layer and the problem."""


def check_layers(layers: Any, max_parameters: int = MAX_PARAMETERS) -> list[list[tuple[int, ...]]]:
    """The parameter shapes of every layer of a layer list (as a file or JSON holds it), checked
    before anything is allocated: a list of dicts of known layer types, with at most
    ``max_parameters`` weights and biases in all. Raises ValueError naming the layer (counted
    from 1) and the problem."""
    if not isinstance(layers, list) or not layers or not all(isinstance(layer, dict) for layer in layers):
        raise ValueError("the layer list must be a list of layer descriptions")
    shapes, total = [], 0
    for number, layer in enumerate(layers, start=1):
        layer_type = LAYER_TYPES.get(layer.get("type")) if isinstance(layer.get("type"), str) else None
        if layer_type is None:
            raise ValueError(
                f"layer {number}: unknown layer type {layer.get('type')!r}; known: {', '.join(LAYER_TYPES)}"
            )
        try:
            layer_shapes = layer_type.parameter_shapes(layer)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"layer {number} ({layer_type.kind}): {error}") from None
        total += sum(math.prod(shape) for shape in layer_shapes)  # exact: no overflow for absurd sizes
        shapes.append(layer_shapes)
    if total > max_parameters:
        raise ValueError(f"{total:,} parameters: more than the {max_parameters:,} allowed")
    return shapes


def save_network(network: Network, path: str | os.PathLike[str]) -> Path:
    """Write ``network`` to ``path`` (.npz); returns the path written."""
    path = Path(path)
    # Write beside the target and rename, so a crash never leaves half a model in place.
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as file:
        write_network(network, file)
    os.replace(partial, path)
    return path


def network_bytes(network: Network) -> bytes:
    """The ``.npz`` file of ``network``, in memory (for downloads and job stores)."""
    buffer = io.BytesIO()
    write_network(network, buffer)
    return buffer.getvalue()


def write_network(network: Network, file: BinaryIO) -> None:
    """Write ``network`` as an .npz into an open binary file."""
    arrays = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "layers": np.array(json.dumps([layer.to_dict() for layer in network.layers])),
        "input_shape": np.array(network.input_shape, dtype=np.int64),
        "cost": np.array(network.cost_name),
        "dtype": np.array(network.dtype.name),
    }
    if network.task != "classification":
        arrays["task"] = np.array(network.task)
    if network.input_names is not None:
        arrays["input_names"] = np.array(json.dumps(list(network.input_names)))
    for index, layer in enumerate(network.layers):
        for name, array in zip(PARAMETER_NAMES, layer.parameters()):
            arrays[f"{name}_{index}"] = array
    np.savez(file, **arrays)  # type: ignore[arg-type]  # NumPy's stub checks **kwds against allow_pickle: bool


def load_network(
    path: str | os.PathLike[str],
    max_parameters: int = MAX_PARAMETERS,
    max_bytes: int = MAX_FILE_BYTES,
    max_multiply_adds: int = MAX_MULTIPLY_ADDS,
    max_memory_bytes: int = MAX_MEMORY_BYTES,
) -> Network:
    """Read a network written by ``save_network``; raises ``ModelFileError`` naming any problem.

    At most ``max_bytes`` of file and ``max_parameters`` weights and biases are taken, and only a
    network that runs one sample within ``max_multiply_adds`` and ``max_memory_bytes``
    (``playground.engine.footprint``), checked before its weights are read.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    if size > max_bytes:
        raise ModelFileError(f"{path}: {size:,} bytes; model files of at most {max_bytes:,} bytes are read")
    if path.is_dir():
        raise ModelFileError(f"{path}: a folder, not a model file")
    return _read(path, path, max_parameters, max_multiply_adds, max_memory_bytes)


def load_network_bytes(
    raw: bytes,
    name: str = "the model",
    max_parameters: int = MAX_PARAMETERS,
    max_bytes: int = MAX_FILE_BYTES,
    max_multiply_adds: int = MAX_MULTIPLY_ADDS,
    max_memory_bytes: int = MAX_MEMORY_BYTES,
) -> Network:
    """``load_network`` for a file held in memory (an upload); ``name`` is used in messages."""
    if len(raw) > max_bytes:
        raise ModelFileError(f"{name}: {len(raw):,} bytes; model files of at most {max_bytes:,} bytes are read")
    return _read(io.BytesIO(raw), Path(name), max_parameters, max_multiply_adds, max_memory_bytes)


def _read(file: Path | IO[bytes], path: Path, *limits: int) -> Network:
    try:
        with zipfile.ZipFile(file) as archive:
            return _ModelReader(path, archive).network(*limits)
    except MemoryError:
        raise ModelFileError(f"{path}: too large to load on this machine") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: a folder, not a model file") from None
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, zlib.error) as error:
        # (zipfile says NotImplementedError or RuntimeError for damaged compression or encryption flags)
        raise ModelFileError(f"{path}: not a model file, or truncated or corrupted ({error})") from None


class _ModelReader:
    """Reads one archive's members, each checked by its header before its data."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path, self.archive = path, archive
        self.members = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}

    def fail(self, problem: str) -> ModelFileError:
        return ModelFileError(f"{self.path}: {problem}")

    def header(self, name: str, file: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
        """The shape and dtype a member declares, from its .npy header alone."""
        try:
            version = np.lib.format.read_magic(file)
            with NPY_HEADER_LOCK:
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(file)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(file)
                else:
                    raise ValueError(f"array format {version}")
        except ValueError as error:
            raise self.fail(f"{name} is not a plain array ({error})") from None
        if dtype.hasobject:
            raise self.fail(f"{name} holds Python objects: pickled data is never loaded")
        return tuple(shape), dtype

    def read(
        self,
        name: str,
        shape: tuple[int, ...] | None = None,
        dtype: np.dtype | None = None,
        max_bytes: int | None = None,
    ) -> np.ndarray:
        """A member's array, after its header is checked against the shape, dtype and size wanted."""
        if name not in self.members:
            raise self.fail(f"not a Neural Playground model (missing {name!r})")
        with self.archive.open(self.members[name]) as file:
            stored_shape, stored_dtype = self.header(name, file)
            if shape is not None and stored_shape != shape:
                raise self.fail(f"{name} has shape {stored_shape}, expected {shape}")
            if dtype is not None and stored_dtype != dtype:
                raise self.fail(f"{name} is {stored_dtype}, expected {dtype}")
            if max_bytes is not None and int(np.prod(stored_shape)) * stored_dtype.itemsize > max_bytes:
                raise self.fail(f"{name} is larger than {max_bytes:,} bytes")
        with self.archive.open(self.members[name]) as file, NPY_HEADER_LOCK:  # it reads the header again
            return np.lib.format.read_array(file, allow_pickle=False)

    def text(self, name: str) -> str:
        value = self.read(name, max_bytes=MAX_DESCRIPTION_BYTES)
        if value.shape != () or value.dtype.kind != "U":
            raise self.fail(f"{name} must be a text, not {value.dtype} of shape {value.shape}")
        return str(value)

    def whole_numbers(self, name: str) -> list[int]:
        value = self.read(name, max_bytes=MAX_DESCRIPTION_BYTES)
        if value.dtype.kind not in "iu" or value.ndim > 1:
            raise self.fail(f"{name} must be whole numbers, not {value.dtype} of shape {value.shape}")
        return [int(v) for v in np.atleast_1d(value)]

    # ------------------------------------------------------------------ the network

    def network(self, max_parameters: int, max_multiply_adds: int, max_memory_bytes: int) -> Network:
        if self.text("format") != FORMAT:
            raise self.fail(f"not a Neural Playground model (format {self.text('format')!r})")
        version = self.whole_numbers("version")
        if len(version) != 1:
            raise self.fail("version must be one whole number")
        if version[0] > VERSION:
            raise self.fail(f"made by a newer version (file format {version[0]})")
        layers, input_shape = self.description() if version[0] >= 2 else self.version_1_description()
        try:
            dtype = check_dtype(self.text("dtype"))
        except TypeError as error:
            raise self.fail(f"invalid dtype ({error})") from None
        except ValueError as error:
            raise self.fail(str(error)) from None
        cost = self.text("cost")
        task = self.text("task") if "task" in self.members else "classification"
        try:
            shapes = check_layers(layers, max_parameters)
        except ValueError as error:
            raise self.fail(f"invalid architecture ({error})") from None
        self.check_parameter_headers(shapes, dtype)
        parameter_bytes = sum(math.prod(shape) for layer_shapes in shapes for shape in layer_shapes) * dtype.itemsize
        if parameter_bytes > max_memory_bytes:  # before they are allocated
            raise ModelTooCostly(
                f"{self.path}: too large to run here: its parameters take "
                f"{parameter_bytes / 1e6:,.0f} MB, more than the {max_memory_bytes / 1e6:,.0f} MB allowed"
            )
        try:
            network = Network.from_layers([layer_from_dict(d, dtype) for d in layers], cost, input_shape, task)
        except (ValueError, TypeError) as error:
            raise self.fail(f"invalid architecture ({error})") from None
        try:  # before the weights are read, and before anything runs it
            check_footprint(network, max_multiply_adds, max_memory_bytes)
        except ValueError as error:
            raise ModelTooCostly(f"{self.path}: too costly to run here: {error}") from None
        for index, layer in enumerate(network.layers):
            for name, array in zip(PARAMETER_NAMES, layer.parameters()):
                stored = self.read(f"{name}_{index}", array.shape, network.dtype)
                if not np.all(np.isfinite(stored)):
                    raise self.fail(f"{name}_{index} holds values that are not finite")
                array[...] = stored
        if version[0] == 1:
            network.seed = 0
        if "input_names" in self.members:
            try:
                network.input_names = checked_input_names(json.loads(self.text("input_names")), network.input_size)
            except (ValueError, RecursionError) as error:
                raise self.fail(f"invalid input_names ({error})") from None
        return network

    def description(self) -> tuple[list[dict[str, Any]], tuple[int, ...] | None]:
        """The layer list and input shape of a version-2 file."""
        try:
            layers = json.loads(self.text("layers"))
        except (ValueError, RecursionError) as error:
            raise self.fail(f"the layer list is not valid JSON ({error})") from None
        input_shape = tuple(self.whole_numbers("input_shape")) if "input_shape" in self.members else None
        return layers, input_shape

    def version_1_description(self) -> tuple[list[dict[str, Any]], None]:
        """A version-1 file's dense layers, as version 2 describes them."""
        sizes = self.whole_numbers("layer_sizes")
        activations = self.read("activations", max_bytes=MAX_DESCRIPTION_BYTES)
        if activations.dtype.kind != "U" or activations.ndim != 1:
            raise self.fail("activations must be a list of names")
        names = [str(a) for a in activations] + [self.text("output_activation")]
        if len(sizes) < 2 or len(names) != len(sizes) - 1:
            raise self.fail(f"invalid architecture ({len(sizes)} layer sizes for {len(names)} activations)")
        return [
            {"type": "dense", "inputs": n_in, "outputs": n_out, "activation": name}
            for n_in, n_out, name in zip(sizes, sizes[1:], names)
        ], None

    def check_parameter_headers(self, shapes: list[list[tuple[int, ...]]], dtype: np.dtype) -> None:
        """Every parameter member is there with the shape and type its layer needs (headers only)."""
        for index, layer_shapes in enumerate(shapes):
            for name, shape in zip(PARAMETER_NAMES, layer_shapes):
                member = f"{name}_{index}"
                if member not in self.members:
                    raise self.fail(f"not a Neural Playground model (missing {member!r})")
                with self.archive.open(self.members[member]) as file:
                    stored_shape, stored_dtype = self.header(member, file)
                if stored_shape != shape:
                    raise self.fail(f"{member} has shape {stored_shape}, expected {shape}")
                if stored_dtype != dtype:
                    raise self.fail(f"{member} is {stored_dtype}, expected {dtype}")


def load_array(source: str | os.PathLike[str] | IO[bytes], **options: Any) -> np.ndarray:
    """``np.load`` of one .npy array (never pickle), safe beside other threads (see NPY_HEADER_LOCK)."""
    with NPY_HEADER_LOCK:
        return np.load(source, allow_pickle=False, **options)


# ------------------------------------------------------------------ the network as JSON


def network_to_json(network: Network) -> dict[str, Any]:
    """The network as plain JSON: what a .npz holds, each layer's parameters as nested lists
    (float32 values survive the round trip exactly)."""
    layers = []
    for layer in network.layers:
        description = layer.to_dict()
        for name, array in zip(PARAMETER_NAMES, layer.parameters()):
            description[name] = array.tolist()
        layers.append(description)
    description = {
        "format": FORMAT,
        "version": VERSION,
        "input_shape": list(network.input_shape),
        "cost": network.cost_name,
        "dtype": network.dtype.name,
        "seed": None if network.seed is None else int(network.seed),
        "layers": layers,
    }
    if network.task != "classification":  # absent: a classifier, as in every description before regression
        description["task"] = network.task
    if network.input_names is not None:
        description["input_names"] = list(network.input_names)
    return description


def network_from_json(description: Any, max_parameters: int = MAX_PARAMETERS, dtype: Any = None) -> Network:
    """A network from ``network_to_json``'s description (``dtype`` overrides the one it names).

    Everything is checked before anything is allocated (format, version, layer types, the
    parameter count within ``max_parameters``), then each layer's values for shape and
    finiteness; every problem is a ``DescriptionError`` naming the layer and the problem.
    """
    if not isinstance(description, dict):
        raise DescriptionError("a network description must be a dictionary")
    if description.get("format", FORMAT) != FORMAT:
        raise DescriptionError(f"not a Neural Playground network (format {description.get('format')!r})")
    version = description.get("version", VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise DescriptionError(
            f"made by a newer version (network format {version})"
            if newer
            else f"unknown network format version {version!r}"
        )
    layers: Any = description.get("layers")  # checked by check_layers
    cost: Any = description.get("cost")  # checked by cost_name (in from_layers)
    task: Any = description.get("task", "classification")  # checked by check_task (in from_layers)
    try:
        shapes = check_layers(layers, max_parameters)
        dtype = check_dtype(description.get("dtype", "float32") if dtype is None else dtype)
        input_shape = description.get("input_shape")
        if input_shape is not None:
            if not isinstance(input_shape, list) or not 1 <= len(input_shape) <= 3:
                raise ValueError("input_shape must list 1 to 3 whole numbers")
            input_shape = tuple(whole_number(n, "each number of input_shape") for n in input_shape)
        seed = description.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed must be a whole number ≥ 0 or nothing, not {seed!r}")
        network = Network.from_layers([layer_from_dict(layer, dtype) for layer in layers], cost, input_shape, task)
        if description.get("input_names") is not None:
            network.input_names = checked_input_names(description["input_names"], network.input_size)
    except (ValueError, TypeError) as error:
        raise DescriptionError(f"invalid network ({error})") from None
    network.seed = seed
    for number, (layer, stored, layer_shapes) in enumerate(zip(network.layers, layers, shapes), start=1):
        where = f"layer {number} ({layer.kind})"
        extra = [name for name in PARAMETER_NAMES[len(layer_shapes) :] if name in stored]
        if extra:
            raise DescriptionError(f"{where} has no {' or '.join(extra)}, but they were given")
        for name, array in zip(PARAMETER_NAMES, layer.parameters()):
            array[...] = checked_values(stored.get(name), array.shape, f"{where}: {name}")
    return network


def checked_values(values: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Nested lists of numbers as a float64 array of ``shape`` with finite values, or a
    DescriptionError saying ``what`` is wrong."""
    if values is None:
        raise DescriptionError(f"{what} are missing")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError, RecursionError):
        raise DescriptionError(f"{what} are not an array of numbers") from None
    if array.shape != shape:
        raise DescriptionError(f"{what} have shape {array.shape}, expected {shape}")
    if not np.all(np.isfinite(array)):
        raise DescriptionError(f"{what} hold values that are not finite")
    return array


def checked_input_names(names: Any, n_inputs: int) -> tuple[str, ...]:
    """Input names as a file or JSON holds them: one short text per input, or a ValueError."""
    if not isinstance(names, list) or len(names) != n_inputs:
        raise ValueError(f"input_names must list one name for each of the {n_inputs:,} inputs")
    if not all(isinstance(name, str) and 0 < len(name) <= 100 for name in names):
        raise ValueError("each input name must be a text of 1 to 100 characters")
    return tuple(names)
