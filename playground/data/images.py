"""Image data sets read from their official file formats.

- MNIST and Fashion-MNIST: IDX files, gzip-compressed (``train-images-idx3-ubyte.gz`` …).
- Quick, Draw!: the ``numpy_bitmap`` files ``<category>.npy``, N × 784 uint8.
- CIFAR-10: the "binary version" (``data_batch_1..5.bin``, ``test_batch.bin``,
  ``batches.meta.txt``): records of 1 label byte and 3,072 pixel bytes. Never unpickled.
- scikit-learn's bundled 8×8 digits (no download).

Every loader returns an :class:`ImageDataset` holding uint8 images, shaped (N, H, W) for
grey images and (N, H, W, 3) for colour, and int64 labels. ``train_inputs()`` and
``test_inputs()`` give the float32 rows in [0, 1] that the engine trains on.

The data directory (``resolve_data_dir``) has the layout a download leaves behind::

    mnist/            train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-…
    fashion-mnist/    the same four file names
    quickdraw/        <category>.npy, e.g. "house plant.npy"
    cifar-10/         data_batch_1.bin … data_batch_5.bin, test_batch.bin, batches.meta.txt

What is read is validated (magic numbers, sizes against headers, label ranges, image and
label counts); a bad file raises :class:`DataFileError` naming the file and the problem,
a missing one :class:`DataNotFoundError` saying how to get it.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Array = np.ndarray

IMAGE_DATASETS = ("mnist", "fashion-mnist", "quickdraw", "cifar-10", "digits")
_ALIASES = {
    "fashion": "fashion-mnist",
    "fashion_mnist": "fashion-mnist",
    "fashionmnist": "fashion-mnist",
    "quick-draw": "quickdraw",
    "quick_draw": "quickdraw",
    "cifar10": "cifar-10",
    "cifar_10": "cifar-10",
    "cifar": "cifar-10",
    "sklearn-digits": "digits",
}

MNIST_CLASSES = tuple(str(digit) for digit in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
QUICKDRAW_CATEGORIES = (
    "helicopter",
    "house plant",
    "cat",
    "cruise ship",
    "windmill",
    "popsicle",
    "tractor",
    "umbrella",
    "bicycle",
    "octopus",
)
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
IDX_IMAGE_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
IDX_LABEL_MAGIC = 0x00000801  # unsigned bytes, 1 dimension

CIFAR_TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR_TEST_FILE = "test_batch.bin"
CIFAR_META_FILE = "batches.meta.txt"
CIFAR_RECORD_BYTES = 1 + 3 * 32 * 32

QUICKDRAW_PIXELS = 28 * 28
_CATEGORY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 '-]*")


class DataFileError(ValueError):
    """A data file is there but is not what its format promises (the message says why)."""


class DataNotFoundError(FileNotFoundError):
    """A data set's files are not in the data directory (the message says how to get them)."""


@dataclass(frozen=True)
class ImageDataset:
    """Training and held-out test images of one data set, as stored on disk.

    Images are uint8, 0 = background: (N, H, W) for grey, (N, H, W, 3) for colour
    (channels last, so an image can be shown as it is). Labels are int64 class indices
    into ``class_names``. The test images are never trained on.
    """

    name: str
    train_images: Array
    train_labels: Array
    test_images: Array
    test_labels: Array
    class_names: tuple[str, ...]
    notes: str = ""  # anything a user should know about this copy (e.g. which files were read)

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image: (H, W) or (H, W, 3)."""
        return tuple(self.train_images.shape[1:])

    @property
    def n_inputs(self) -> int:
        """Number of network inputs: pixels × channels."""
        return int(np.prod(self.image_shape))

    @property
    def n_classes(self) -> int:
        """Number of classes (network outputs)."""
        return len(self.class_names)

    def train_inputs(self, flatten: bool = True) -> Array:
        """Training images as float32 in [0, 1], one row per image when ``flatten``."""
        return to_float(self.train_images, flatten)

    def test_inputs(self, flatten: bool = True) -> Array:
        """Held-out test images as float32 in [0, 1], one row per image when ``flatten``."""
        return to_float(self.test_images, flatten)

    def summary(self) -> str:
        """One line for the command line: sizes, shape and classes."""
        shape = "×".join(str(size) for size in self.image_shape)
        return (
            f"{self.name}: {len(self.train_labels):,} training and {len(self.test_labels):,} test "
            f"images of {shape}, {self.n_classes} classes"
        )


def to_float(images: Array, flatten: bool = True) -> Array:
    """uint8 images → float32 in [0, 1]; flattened to (N, pixels × channels) when ``flatten``."""
    scaled = np.multiply(images, np.float32(1 / 255), dtype=np.float32)
    return scaled.reshape(len(images), -1) if flatten else scaled


# ---------------------------------------------------------------------------
# Data directory


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``data_dir`` if given, else ``$PLAYGROUND_DATA_DIR``, else a per-user cache.

    The cache is ``$XDG_CACHE_HOME/neural-playground``, or ``~/.cache/neural-playground``
    when XDG_CACHE_HOME is unset. The directory is not created here.
    """
    if data_dir is not None and str(data_dir) != "":
        return Path(data_dir).expanduser()
    from_env = os.environ.get("PLAYGROUND_DATA_DIR")
    if from_env:
        return Path(from_env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "neural-playground"


def _missing(dataset: str, path: Path, what: str = "") -> DataNotFoundError:
    detail = f" ({what})" if what else ""
    return DataNotFoundError(
        f"{dataset} data not found: {path} is missing{detail}. "
        f"Run `playground download {dataset}`, or point --data-dir (or PLAYGROUND_DATA_DIR) "
        f"at a folder that holds {dataset}/."
    )


def missing_data(name: str, data_dir: str | os.PathLike[str] | None = None, visitor: bool = False) -> str | None:
    """Why ``name`` cannot be loaded from the data directory (which file is missing and how
    to get it), or None when its files are there. Looks at file names only: fast enough to
    ask for every data set whenever a page is drawn. ``visitor``: for a web page's visitor,
    who is told who can fix it and never sees a path on the server."""
    name = canonical_name(name)
    folder = resolve_data_dir(data_dir) / name
    if name == "digits":
        return None
    if name in ("mnist", "fashion-mnist"):
        needed = [folder / file_name for file_name in IDX_FILES.values()]
        absent = [path for path in needed if _idx_path(folder, path.name) is None]
    elif name == "quickdraw":
        absent = [
            folder / f"{category}.npy"
            for category in QUICKDRAW_CATEGORIES
            if not (folder / f"{category}.npy").is_file()
        ]
    else:
        absent = (
            []
            if any((folder / file_name).is_file() for file_name in CIFAR_TRAIN_FILES)
            else [folder / CIFAR_TRAIN_FILES[0]]
        )
        absent += [] if (folder / CIFAR_TEST_FILE).is_file() else [folder / CIFAR_TEST_FILE]
    if not absent:
        return None
    if visitor:
        return f"{name} is not downloaded on this server: whoever runs it can add it with `playground download {name}`"
    return (
        f"not downloaded: {absent[0]} is missing. Run `playground download {name}`, or point "
        f"PLAYGROUND_DATA_DIR at a folder that holds {name}/ (the data directory now: {resolve_data_dir(data_dir)})"
    )


# ---------------------------------------------------------------------------
# IDX (MNIST, Fashion-MNIST)


def _read_gzip(path: Path) -> bytes:
    """The decompressed bytes of a gzip file, or DataFileError naming it."""
    try:
        return gzip.decompress(path.read_bytes())
    except EOFError:
        raise DataFileError(f"{path}: the gzip stream ends early (truncated download?)") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise DataFileError(f"{path}: not a valid gzip file ({error})") from None


def read_idx(path: str | os.PathLike[str], expected_magic: int) -> Array:
    """Read an IDX file of unsigned bytes (gzip-compressed when the name ends in .gz).

    Checks the magic number (0x803 for images, 0x801 for labels) and that the data is
    exactly as long as the header's dimensions say; returns a uint8 array of that shape.
    """
    path = Path(path)
    data = _read_gzip(path) if path.suffix == ".gz" else path.read_bytes()
    kind = {IDX_IMAGE_MAGIC: "image", IDX_LABEL_MAGIC: "label"}.get(expected_magic, "IDX")
    if len(data) < 4:
        raise DataFileError(f"{path}: only {len(data)} bytes, too short for an IDX header (truncated?)")
    magic = int.from_bytes(data[:4], "big")
    if magic != expected_magic:
        raise DataFileError(
            f"{path}: wrong magic number 0x{magic:08x}, expected 0x{expected_magic:08x} "
            f"(an IDX {kind} file of unsigned bytes)"
        )
    n_dims = magic & 0xFF
    header_bytes = 4 + 4 * n_dims
    if len(data) < header_bytes:
        raise DataFileError(f"{path}: the IDX header is cut short ({len(data)} of {header_bytes} bytes; truncated?)")
    dims = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=n_dims, offset=4))
    expected = int(np.prod(dims, dtype=np.int64))
    actual = len(data) - header_bytes
    if actual != expected:
        shape = " × ".join(str(size) for size in dims)
        problem = "truncated" if actual < expected else f"{actual - expected:,} bytes too many"
        raise DataFileError(
            f"{path}: the header says {shape} = {expected:,} bytes of data, but the file holds {actual:,} ({problem})"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_bytes).reshape(dims)


def _check_labels(path: Path, labels: Array, n_classes: int) -> Array:
    """Labels as int64, or DataFileError when one is not a class index."""
    if labels.size and int(labels.max()) >= n_classes:
        index = int(np.argmax(labels >= n_classes))
        raise DataFileError(f"{path}: label {int(labels[index])} at position {index} is outside 0–{n_classes - 1}")
    return labels.astype(np.int64)


def _idx_path(folder: Path, file_name: str) -> Path | None:
    """The file, gzip-compressed or not (some mirrors ship them decompressed)."""
    for candidate in (folder / file_name, folder / file_name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _load_idx_pair(folder: Path, dataset: str, split: str, n_classes: int) -> tuple[Array, Array]:
    paths = {}
    for part in ("images", "labels"):
        file_name = IDX_FILES[f"{split}_{part}"]
        path = _idx_path(folder, file_name)
        if path is None:
            raise _missing(dataset, folder / file_name)
        paths[part] = path
    images = read_idx(paths["images"], IDX_IMAGE_MAGIC)
    labels = _check_labels(paths["labels"], read_idx(paths["labels"], IDX_LABEL_MAGIC), n_classes)
    if len(images) != len(labels):
        raise DataFileError(
            f"{paths['images']} holds {len(images):,} images but {paths['labels']} holds "
            f"{len(labels):,} labels; they must match"
        )
    return images, labels


def _load_idx_dataset(name: str, folder: Path, class_names: tuple[str, ...]) -> ImageDataset:
    if not folder.is_dir():
        raise _missing(name, folder, "no such folder")
    train_images, train_labels = _load_idx_pair(folder, name, "train", len(class_names))
    test_images, test_labels = _load_idx_pair(folder, name, "test", len(class_names))
    if train_images.shape[1:] != test_images.shape[1:]:
        raise DataFileError(
            f"{folder}: training images are {train_images.shape[1:]} but test images are {test_images.shape[1:]}"
        )
    return ImageDataset(name, train_images, train_labels, test_images, test_labels, class_names)


def load_mnist(data_dir: str | os.PathLike[str] | None = None) -> ImageDataset:
    """MNIST handwritten digits from ``<data_dir>/mnist/`` (official IDX gzip files)."""
    return _load_idx_dataset("mnist", resolve_data_dir(data_dir) / "mnist", MNIST_CLASSES)


def load_fashion_mnist(data_dir: str | os.PathLike[str] | None = None) -> ImageDataset:
    """Fashion-MNIST from ``<data_dir>/fashion-mnist/`` (official IDX gzip files)."""
    return _load_idx_dataset("fashion-mnist", resolve_data_dir(data_dir) / "fashion-mnist", FASHION_MNIST_CLASSES)


# ---------------------------------------------------------------------------
# Quick, Draw! numpy_bitmap


def check_quickdraw_file(path: str | os.PathLike[str]) -> int:
    """Check that a file is a numpy_bitmap .npy (uint8, shape (N, 784), complete); return N.

    Only the header is parsed (never unpickled) and the file size compared with it, so
    this is cheap even for the official 100 MB+ files. Raises DataFileError naming the file.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as file:
        try:
            version = np.lib.format.read_magic(file)
            header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = header(file, max_header_size=10_000)
        except (ValueError, EOFError) as error:
            raise DataFileError(f"{path}: not a valid .npy file ({error})") from None
        data_start = file.tell()
    if dtype != np.uint8 or fortran_order or len(shape) != 2 or shape[1] != QUICKDRAW_PIXELS:
        layout = "Fortran-ordered " if fortran_order else ""
        raise DataFileError(
            f"{path}: holds {layout}{dtype} data of shape {shape}; a numpy_bitmap file holds "
            f"uint8 rows of shape (N, {QUICKDRAW_PIXELS})"
        )
    if shape[0] == 0:
        raise DataFileError(f"{path}: holds no drawings")
    expected = data_start + shape[0] * QUICKDRAW_PIXELS
    if size != expected:
        problem = "truncated" if size < expected else f"{size - expected:,} bytes too many"
        raise DataFileError(
            f"{path}: the header promises {shape[0]:,} × {QUICKDRAW_PIXELS} bytes ({expected:,} bytes in all) "
            f"but the file has {size:,} ({problem})"
        )
    return int(shape[0])


def read_quickdraw_file(path: str | os.PathLike[str], max_rows: int | None = None) -> Array:
    """The bitmaps of one numpy_bitmap file ``<category>.npy`` as a uint8 (N, 28, 28) array.

    Only the first ``max_rows`` rows are read (memory-mapped: official files are 100 MB and
    more). The file must be an .npy of uint8 with shape (N, 784); it is never unpickled.
    """
    path = Path(path)
    check_quickdraw_file(path)
    from playground.engine.persistence import load_array

    bitmaps = load_array(path, mmap_mode="r")
    rows = bitmaps if max_rows is None else bitmaps[:max_rows]
    return np.array(rows).reshape(-1, 28, 28)  # np.array copies out of the memory map


def parse_quickdraw_categories(categories: Sequence[str] | str | None) -> tuple[str, ...]:
    """Category names from a list or a comma-separated string; None means SPEC F12's 10."""
    if categories is None:
        return QUICKDRAW_CATEGORIES
    if isinstance(categories, str):
        categories = categories.split(",")
    names = tuple(name.strip() for name in categories if name.strip())
    if not names:
        raise ValueError("choose at least one Quick, Draw! category")
    for name in names:
        # Names become file names and URLs: letters, digits, spaces, ' and - only
        # (as in every official category, e.g. "The Eiffel Tower", "t-shirt").
        if not _CATEGORY_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a Quick, Draw! category name (letters, digits, spaces, ' and - only)")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"Quick, Draw! categories given twice: {', '.join(duplicates)}")
    return names


def load_quickdraw(
    data_dir: str | os.PathLike[str] | None = None,
    categories: Sequence[str] | str | None = None,
    per_category: int | None = 10_000,
    test_fraction: float = 0.2,
) -> ImageDataset:
    """Quick, Draw! doodles from ``<data_dir>/quickdraw/<category>.npy`` (official numpy_bitmap files).

    ``categories`` (a list or a comma-separated string) defaults to the 10 of SPEC F12, in
    that order; label i is ``categories[i]``. Each category keeps its first ``per_category``
    rows (None: all), and the last ``test_fraction`` of those rows are its test images, so
    a larger cap never moves a test image into training. A requested category whose file
    is missing is an error naming the file. Training images are grouped by category (the
    trainer shuffles).
    """
    names = parse_quickdraw_categories(categories)
    if per_category is not None and per_category < 1:
        raise ValueError(f"per_category must be at least 1 (or None for all rows), got {per_category}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    folder = resolve_data_dir(data_dir) / "quickdraw"
    missing = [folder / f"{name}.npy" for name in names if not (folder / f"{name}.npy").is_file()]
    if missing:
        listed = ", ".join(f'"{path.name}"' for path in missing)
        raise DataNotFoundError(
            f"quickdraw data not found: {listed} missing in {folder}. Run `playground download quickdraw`, "
            f"choose other categories, or point --data-dir (or PLAYGROUND_DATA_DIR) at a folder that holds quickdraw/."
        )
    train_parts, test_parts, counts = [], [], []
    for label, name in enumerate(names):
        bitmaps = read_quickdraw_file(folder / f"{name}.npy", per_category)
        n_test = int(round(len(bitmaps) * test_fraction))
        n_train = len(bitmaps) - n_test
        train_parts.append((bitmaps[:n_train], label))
        test_parts.append((bitmaps[n_train:], label))
        counts.append(f"{name} {len(bitmaps):,}")

    def stack(parts: list[tuple[Array, int]]) -> tuple[Array, Array]:
        images = np.concatenate([images for images, _ in parts])
        labels = np.concatenate([np.full(len(images), label, dtype=np.int64) for images, label in parts])
        return images, labels

    train_images, train_labels = stack(train_parts)
    test_images, test_labels = stack(test_parts)
    notes = f"rows per category (before the {test_fraction:.0%} test split): " + ", ".join(counts)
    return ImageDataset("quickdraw", train_images, train_labels, test_images, test_labels, names, notes)


# ---------------------------------------------------------------------------
# CIFAR-10 binary version


def read_cifar_batch(path: str | os.PathLike[str]) -> tuple[Array, Array]:
    """One CIFAR-10 binary batch: uint8 images (N, 32, 32, 3) and int64 labels.

    Each 3,073-byte record is a label byte (0–9) then the red, green and blue 32×32 planes.
    """
    path = Path(path)
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0:
        raise DataFileError(f"{path}: the file is empty")
    if raw.size % CIFAR_RECORD_BYTES:
        raise DataFileError(
            f"{path}: {raw.size:,} bytes is not a whole number of {CIFAR_RECORD_BYTES:,}-byte records "
            f"({raw.size // CIFAR_RECORD_BYTES:,} records and {raw.size % CIFAR_RECORD_BYTES:,} bytes over; truncated?)"
        )
    records = raw.reshape(-1, CIFAR_RECORD_BYTES)
    labels = _check_labels(path, records[:, 0], len(CIFAR10_CLASSES))
    # Planes (N, 3, 32, 32) → channels last, copied so the rows are contiguous.
    images = np.ascontiguousarray(records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return images, labels


def _read_cifar_meta(path: Path) -> tuple[str, ...]:
    if not path.is_file():
        return CIFAR10_CLASSES  # the names are fixed; the file is a convenience
    try:
        names = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a text file of class names") from None
    if len(names) != len(CIFAR10_CLASSES):
        raise DataFileError(f"{path}: lists {len(names)} class names, expected {len(CIFAR10_CLASSES)}")
    return names


def load_cifar10(data_dir: str | os.PathLike[str] | None = None) -> ImageDataset:
    """CIFAR-10 from ``<data_dir>/cifar-10/`` (the official binary version; never unpickled).

    Reads whichever of ``data_batch_1.bin`` … ``data_batch_5.bin`` are present (at least
    one) and ``test_batch.bin``; class names from ``batches.meta.txt``.
    """
    folder = resolve_data_dir(data_dir) / "cifar-10"
    train_files = [folder / name for name in CIFAR_TRAIN_FILES if (folder / name).is_file()]
    if not train_files:
        raise _missing("cifar-10", folder / CIFAR_TRAIN_FILES[0], "no data_batch_1..5.bin present")
    test_file = folder / CIFAR_TEST_FILE
    if not test_file.is_file():
        raise _missing("cifar-10", test_file)
    class_names = _read_cifar_meta(folder / CIFAR_META_FILE)
    batches = [read_cifar_batch(path) for path in train_files]
    train_images = np.concatenate([images for images, _ in batches])
    train_labels = np.concatenate([labels for _, labels in batches])
    test_images, test_labels = read_cifar_batch(test_file)
    notes = "training batches read: " + ", ".join(path.name for path in train_files)
    return ImageDataset("cifar-10", train_images, train_labels, test_images, test_labels, class_names, notes)


# ---------------------------------------------------------------------------
# scikit-learn digits


def load_sklearn_digits(test_fraction: float = 0.2, seed: int = 0) -> ImageDataset:
    """scikit-learn's bundled 8×8 digits (1,797 images, no download).

    Pixels 0–16 are scaled to uint8 0–255; the split is stratified and seeded.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = np.rint(digits.images * (255 / 16)).astype(np.uint8)
    labels = digits.target.astype(np.int64)
    train_images, test_images, train_labels, test_labels = train_test_split(
        images, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    return ImageDataset(
        "digits",
        train_images,
        train_labels,
        test_images,
        test_labels,
        MNIST_CLASSES,
        notes=f"held-out split: {test_fraction:.0%}, seed {seed}",
    )


# ---------------------------------------------------------------------------
# Dispatcher


def canonical_name(name: str) -> str:
    """The canonical data set name for ``name`` (case and a few aliases tolerated)."""
    key = re.sub(r"\s+", "", name.strip().lower())
    key = _ALIASES.get(key, key)
    if key not in IMAGE_DATASETS:
        raise ValueError(f"unknown image data set {name!r}; choose from {', '.join(IMAGE_DATASETS)}")
    return key


def load_image_dataset(name: str, data_dir: str | os.PathLike[str] | None = None, **options: Any) -> ImageDataset:
    """Load an image data set by name: mnist, fashion-mnist, quickdraw, cifar-10 or digits.

    ``options`` go to the loader: ``categories``, ``per_category`` and ``test_fraction``
    for quickdraw; ``test_fraction`` and ``seed`` for digits.
    """
    key = canonical_name(name)
    if key == "digits":
        return load_sklearn_digits(**options)
    if key in ("mnist", "fashion-mnist", "cifar-10") and options:
        raise ValueError(f"{key} takes no options, got: {', '.join(options)}")
    loaders = {
        "mnist": load_mnist,
        "fashion-mnist": load_fashion_mnist,
        "quickdraw": load_quickdraw,
        "cifar-10": load_cifar10,
    }
    return loaders[key](data_dir, **options)
