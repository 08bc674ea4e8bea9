"""The from-scratch NumPy engine: layers, networks, activations, costs, optimizers, training.

Pure NumPy (and threadpoolctl to choose BLAS threads); nothing here knows about Dash.
"""

from playground.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from playground.engine.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from playground.engine.costs import COSTS
from playground.engine.footprint import Footprint, check_footprint, footprint
from playground.engine.layers import LAYER_TYPES, Dense, Layer, Parameter, layer_from_dict
from playground.engine.loop import RunResult, StepEvent, StepRefused, run
from playground.engine.network import Network
from playground.engine.optimizers import OPTIMIZERS, make_optimizer, memory_as_json
from playground.engine.persistence import (
    DescriptionError,
    ModelFileError,
    ModelTooCostly,
    load_network,
    load_network_bytes,
    network_bytes,
    network_from_json,
    network_to_json,
    save_network,
)
from playground.engine.specs import layers_from_spec, parse_layer_sizes, parse_spec
from playground.engine.training import (
    BatchEvent,
    EpochEvent,
    Trainer,
    TrainingResult,
    TrainingSettings,
    blas_threads,
    score,
    train,
    use_blas_threads,
)

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "COSTS",
    "OPTIMIZERS",
    "LAYER_TYPES",
    "Dense",
    "Conv2D",
    "MaxPool2D",
    "AvgPool2D",
    "Flatten",
    "Layer",
    "Parameter",
    "layer_from_dict",
    "parse_spec",
    "layers_from_spec",
    "Network",
    "parse_layer_sizes",
    "make_optimizer",
    "memory_as_json",
    "run",
    "RunResult",
    "StepEvent",
    "StepRefused",
    "Footprint",
    "footprint",
    "check_footprint",
    "DescriptionError",
    "ModelFileError",
    "ModelTooCostly",
    "load_network",
    "load_network_bytes",
    "network_bytes",
    "network_from_json",
    "network_to_json",
    "save_network",
    "BatchEvent",
    "EpochEvent",
    "Trainer",
    "TrainingResult",
    "TrainingSettings",
    "blas_threads",
    "score",
    "train",
    "use_blas_threads",
]
