"""The filter-normalised slice of a big network (SPEC F11): what it is drawn from (pure functions)."""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Callable

import numpy as np

from playground.app.server.jobs import JobStore, check_session_key
from playground.app.server.models import model_about, model_bytes
from playground.app.session import model
from playground.data.images import IMAGE_DATASETS
from playground.engine import ModelFileError, Network, blas_threads, load_network, load_network_bytes
from playground.engine.landscape import cost_slice
from playground.limits import current as current_limits
from playground.recipes import Recipe, fit_problem, load_data

SLICE_DATA_SETS = IMAGE_DATASETS
MAX_SAMPLES = 10_000


def session_slice_inputs(network_dict: dict, data_dict: dict):
    """The session's network on all its points."""
    network, dataset = model.session_problem(network_dict, data_dict)
    return (
        network,
        dataset.inputs,
        dataset.labels,
        f"the playground's {network.describe()} on its {len(dataset.labels)} points",
    )


def slice_upload_bytes() -> int:
    """The largest model file the slice's upload takes: it arrives inside a callback request
    (base64, a third larger), so the callback's body limit bounds it too."""
    return min(current_limits().model_upload_bytes, current_limits().callback_body_bytes * 3 // 4 - 100_000)


def model_slice_inputs(contents: str | None, filename: str | None, data_name: str, samples: int):
    """An uploaded model on the first ``samples`` test images of a data set; ValueError with a message."""
    if not contents:
        raise ValueError("load a model (.npz) first, or choose the playground's network")
    limit = slice_upload_bytes()
    encoded = contents.split(",", 1)[-1]
    if len(encoded) * 3 // 4 > limit + 3:
        raise ValueError(
            f"{filename}: models of at most {limit:,} bytes are taken here "
            "(draw a bigger one's slice with the playground landscape command)"
        )
    raw = base64.b64decode(encoded)
    with tempfile.NamedTemporaryFile(suffix=".npz") as file:
        file.write(raw)
        file.flush()
        try:
            network = load_network(
                file.name, max_bytes=current_limits().model_file_bytes, **current_limits().model_limits()
            )
        except ModelFileError as error:
            raise ValueError(str(error).replace(file.name, filename or "the model")) from None
    data = load_data(Recipe(data=data_name))
    problem = fit_problem(network, data)
    if problem:
        raise ValueError(f"{filename} does not fit {data_name}: {problem}")
    count = int(min(max(samples or 0, 10), MAX_SAMPLES, len(data.test_labels)))
    return (
        network,
        data.test_inputs[:count],
        data.test_labels[:count],
        f"{filename}: {network.describe()} on {count:,} {data_name} test images",
    )


def image_page_slice_inputs(session_key: str | None, samples: int):
    """The image page's trained (or loaded) network, on the first ``samples`` test images of the
    data set it was trained on; ValueError with a message when the session has none."""
    with JobStore() as store:
        session = check_session_key(session_key)
        raw, about = model_bytes(store, session), model_about(store, session)
    if raw is None or not about:
        raise ValueError("the image page has no network in this session yet: train or load one there first")
    network = load_network_bytes(raw)
    data = load_data(Recipe(data=about["data"]))
    count = int(min(max(samples or 0, 10), MAX_SAMPLES, len(data.test_labels)))
    return (
        network,
        data.test_inputs[:count],
        data.test_labels[:count],
        f"the image page's {network.describe()} on {count:,} {about['data']} test images",
    )


def check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, float)) or steps != int(steps):
        raise ValueError("the grid needs an odd number of steps from 3 to 101")
    steps = int(steps)
    if steps % 2 == 0 or not 3 <= steps <= 101:
        raise ValueError("the grid needs an odd number of steps from 3 to 101")
    return steps


SPAN_RANGE = (0.1, 2.0)  # what the page's span slider offers
NORMALISATIONS = ("filter", "layer", "none")


def check_span(span) -> float:
    """The span the page offers (0.1 to 2), else ValueError: a wider one is another picture's work."""
    if isinstance(span, bool) or not isinstance(span, (int, float)) or not SPAN_RANGE[0] <= span <= SPAN_RANGE[1]:
        raise ValueError(f"the span must be a number from {SPAN_RANGE[0]:g} to {SPAN_RANGE[1]:g}")
    return float(span)


def check_normalisation(normalisation) -> str:
    if normalisation not in NORMALISATIONS:
        raise ValueError(f"the directions are scaled by {', '.join(NORMALISATIONS)}")
    return normalisation


def compute_slice(
    network: Network,
    inputs: np.ndarray,
    labels: np.ndarray,
    steps: int,
    span: float,
    normalisation: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alphas, betas, costs) of the page's slice (``cost_slice``, seed 0), on one BLAS thread."""
    # A job runs in a process of its own, where OpenBLAS starts one thread per core; when other
    # work shares the two cores, those threads wait for each other: a 51×51 slice of 784-100-10
    # on 2,000 images took 44-54 s on two threads against 4-7 s on one (bench/slice.py).
    with blas_threads(1):
        return cost_slice(
            network, inputs, labels, steps=steps, span=span, seed=0, normalisation=normalisation, progress=progress
        )


def centre_cost(costs: np.ndarray) -> float:
    middle = costs.shape[0] // 2
    return float(costs[middle, middle])
