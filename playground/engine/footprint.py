"""What a network costs to run, known before it runs: the work and the memory of one sample.

A model file is a few kilobytes however much work it describes (a conv layer with 400 pixels of
padding, or 2,048 filters of zeros, compresses to almost nothing), so a file is judged by what
it would cost, not by its size or its parameter count: the multiply-adds of one sample's forward
pass, and the bytes of its parameters plus the largest layer's working numbers for one sample.
Every number is a Python integer, exact however absurd the sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.engine.network import Network

MAX_MULTIPLY_ADDS = 50_000_000  # per sample: conv32x5,pool2,conv64x5,pool2,256 on CIFAR-10 takes 16.6 M
MAX_MEMORY_BYTES = 150_000_000  # parameters + one sample's largest layer: within a request's 200 MB


@dataclass(frozen=True)
class Footprint:
    """The cost of one sample through a network."""

    multiply_adds: int  # of its forward pass (the backward pass costs about twice as many)
    parameter_bytes: int
    working_bytes: int  # the largest layer's working numbers (its output; a conv layer's patches too)
    layer_multiply_adds: tuple[int, ...]  # each layer's share, in order
    layer_working_bytes: tuple[int, ...]

    @property
    def memory_bytes(self) -> int:
        return self.parameter_bytes + self.working_bytes


def footprint(network: Network) -> Footprint:
    """The work and memory of one sample through ``network`` (from its shapes alone)."""
    size = network.dtype.itemsize
    shapes = network.shapes
    work = tuple(layer.multiply_adds(shape) for layer, shape in zip(network.layers, shapes))
    working = tuple(layer.working_numbers(shape) * size for layer, shape in zip(network.layers, shapes))
    return Footprint(sum(work), sum(p.size for p in network.parameters()) * size, max(working), work, working)


def check_footprint(
    network: Network, max_multiply_adds: int = MAX_MULTIPLY_ADDS, max_memory_bytes: int = MAX_MEMORY_BYTES
) -> Footprint:
    """``network``'s footprint, or ValueError naming the layer that takes the most when it is over
    either limit."""
    cost = footprint(network)
    if cost.multiply_adds > max_multiply_adds:
        heaviest = max(range(len(network.layers)), key=cost.layer_multiply_adds.__getitem__)
        raise ValueError(
            f"it takes {cost.multiply_adds:,} multiply-adds per sample, more than the "
            f"{max_multiply_adds:,} allowed (layer {heaviest + 1}, {network.layers[heaviest]!r}: "
            f"{cost.layer_multiply_adds[heaviest]:,})"
        )
    if cost.memory_bytes > max_memory_bytes:
        largest = max(range(len(network.layers)), key=cost.layer_working_bytes.__getitem__)
        raise ValueError(
            f"it needs {cost.memory_bytes / 1e6:,.0f} MB to run (parameters "
            f"{cost.parameter_bytes / 1e6:,.0f} MB, layer {largest + 1}, {network.layers[largest]!r}: "
            f"{cost.layer_working_bytes[largest] / 1e6:,.0f} MB per sample), more than the "
            f"{max_memory_bytes / 1e6:,.0f} MB allowed"
        )
    return cost
