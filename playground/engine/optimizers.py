"""Optimizers: how a gradient becomes a change of the parameters.

An optimizer keeps its hyperparameters (momentum, betas, epsilon) and nothing else. What it
remembers between steps (velocities, running averages, a step count) is plain data, passed
in and handed back, as in cs231n's ``optim.py``:

    memory = optimizer.step(parameters, gradients, learn_rate, memory)   # parameters changed in place

``memory`` is ``{}`` (or None) for a fresh start, else a dict naming its optimizer, e.g.
``{"optimizer": "adam", "means": [...], "squares": [...], "steps": 3}``; its arrays are
updated in place. A memory that came from elsewhere (a request, a file) goes through
``check_memory`` first, which refuses one that does not fit with a ValueError, never
starting afresh in silence. ``memory_as_json`` gives the memory as lists, to store.
``OPTIMIZERS`` maps names to the classes.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

Array = np.ndarray
Memory = dict[str, Any]

MAX_STEPS = 2**53  # a step count beyond this cannot be a float exactly (Adam raises β to it)


class Optimizer:
    """The shared part: a step with its memory, and the checks of a memory from elsewhere."""

    name = "optimizer"
    label = "optimizer"  # its name in a sentence
    uses_momentum = False  # does the momentum setting change anything?
    memory_arrays: tuple[str, ...] = ()  # lists of arrays, one per parameter
    memory_counters: tuple[str, ...] = ()  # whole numbers

    def step(
        self, parameters: list[Array], gradients: list[Array], learn_rate: float, memory: Memory | None = None
    ) -> Memory:
        """One step: changes ``parameters`` in place and returns the memory after it.

        ``memory`` is what an earlier step returned (its arrays are updated in place), or
        empty for a fresh start; another optimizer's memory is refused.
        """
        if not memory:
            memory = self.fresh_memory(parameters)
        elif memory.get("optimizer") != self.name:
            raise ValueError(self._not_mine(memory.get("optimizer")))
        self.update(parameters, gradients, learn_rate, memory)
        return memory

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float, memory: Memory) -> None:
        """The step itself, in place on the parameters and the memory."""
        raise NotImplementedError

    def fresh_memory(self, parameters: list[Array]) -> Memory:
        """The memory before the first step: zeros shaped like the parameters, counters at 0."""
        memory: Memory = {"optimizer": self.name}
        for name in self.memory_arrays:
            memory[name] = [np.zeros_like(p) for p in parameters]
        for name in self.memory_counters:
            memory[name] = 0
        return memory

    def check_memory(self, memory: Any, parameters: list[Array]) -> Memory:
        """A memory from elsewhere (arrays, or plain JSON: nested lists and ints) as this
        optimizer's own: new arrays of each parameter's dtype and shape.

        Empty or None gives ``{}`` (a fresh start). Raises ValueError saying what does not fit:
        another optimizer's memory, a wrong number of arrays, a wrong shape, values that are not
        finite, a bad counter, anything else in it.
        """
        if memory is None or (isinstance(memory, dict) and not memory):
            return {}
        if not isinstance(memory, dict):
            raise ValueError(f"an optimizer's memory must be a dictionary, not {type(memory).__name__}")
        if memory.get("optimizer") != self.name:
            raise ValueError(self._not_mine(memory.get("optimizer")))
        unknown = set(memory) - {"optimizer", *self.memory_arrays, *self.memory_counters}
        if unknown:
            raise ValueError(f"{self.label}'s memory holds no {', '.join(sorted(map(str, unknown)))}")
        checked: Memory = {"optimizer": self.name}
        for name in self.memory_arrays:
            checked[name] = self._arrays(memory.get(name), name, parameters)
        for name in self.memory_counters:
            value = memory.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= MAX_STEPS:
                raise ValueError(f"{self.label}'s memory: {name} must be a whole number from 0 to 2**53, not {value!r}")
            checked[name] = int(value)
        return checked

    def _arrays(self, values: Any, name: str, parameters: list[Array]) -> list[Array]:
        """One list of arrays of a memory, checked against the parameters and converted to their dtype."""
        if not isinstance(values, (list, tuple)) or len(values) != len(parameters):
            count = f"{len(values)} arrays" if isinstance(values, (list, tuple)) else "none"
            raise ValueError(f"{self.label}'s memory has {count} of {name} for {len(parameters)} parameter arrays")
        arrays = []
        for index, (value, parameter) in enumerate(zip(values, parameters)):
            try:
                array = np.array(value, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(f"{self.label}'s memory: {name}[{index}] is not an array of numbers") from None
            if array.shape != parameter.shape:
                raise ValueError(
                    f"{self.label}'s memory: {name}[{index}] has shape {array.shape}, the parameter {parameter.shape}"
                )
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{self.label}'s memory: {name}[{index}] holds values that are not finite")
            arrays.append(array.astype(parameter.dtype, copy=False))
        return arrays

    def _not_mine(self, other: Any) -> str:
        if isinstance(other, str) and other in OPTIMIZERS:
            return f"this memory is {OPTIMIZERS[other].label}'s, not {self.label}'s"
        return f"this memory names no known optimizer ({other!r}), so it cannot be {self.label}'s"


def memory_as_json(memory: Memory | None) -> Memory:
    """A memory as plain JSON: arrays as nested lists (float32 values survive the round trip
    exactly), counters as ints."""
    return {
        key: [np.asarray(array).tolist() for array in value]
        if isinstance(value, (list, tuple))
        else value
        if isinstance(value, str)
        else int(value)
        for key, value in (memory or {}).items()
    }


class SGD(Optimizer):
    """Plain gradient descent: w ← w − learn_rate · g."""

    name, label = "sgd", "SGD"

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float, memory: Memory) -> None:
        for parameter, gradient in zip(parameters, gradients):
            parameter -= learn_rate * gradient


class Momentum(Optimizer):
    """A ball rolling downhill: v ← μ·v − learn_rate·g,  w ← w + v.

    With ``nesterov=True`` it looks ahead: the step uses the gradient where the velocity is
    taking us, written in the usual rearranged form (Sutskever et al. 2013) so the gradient
    is still taken at the current parameters:  v ← μ·v − lr·g,  w ← w + μ·v − lr·g.
    """

    name, label = "momentum", "momentum"
    uses_momentum = True
    memory_arrays = ("velocities",)

    def __init__(self, momentum: float = 0.9, nesterov: bool = False) -> None:
        self.momentum = momentum
        self.nesterov = nesterov

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float, memory: Memory) -> None:
        for parameter, gradient, velocity in zip(parameters, gradients, memory["velocities"]):
            velocity *= self.momentum
            velocity -= learn_rate * gradient
            if self.nesterov:
                parameter += self.momentum * velocity - learn_rate * gradient
            else:
                parameter += velocity


class Nesterov(Momentum):
    """Momentum with Nesterov's look-ahead (see ``Momentum``)."""

    name, label = "nesterov", "Nesterov"

    def __init__(self, momentum: float = 0.9) -> None:
        super().__init__(momentum, nesterov=True)


class RMSProp(Optimizer):
    """Divide each step by a running average of the gradient's size: s ← ρ·s + (1−ρ)·g²."""

    name, label = "rmsprop", "RMSProp"
    memory_arrays = ("squares",)

    def __init__(self, decay_rate: float = 0.9, epsilon: float = 1e-8) -> None:
        self.decay_rate = decay_rate
        self.epsilon = epsilon

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float, memory: Memory) -> None:
        for parameter, gradient, square in zip(parameters, gradients, memory["squares"]):
            square *= self.decay_rate
            square += (1 - self.decay_rate) * gradient * gradient
            parameter -= learn_rate * gradient / (np.sqrt(square) + self.epsilon)


class Adam(Optimizer):
    """Momentum and RMSProp together, with both averages corrected for starting at zero."""

    name, label = "adam", "Adam"
    memory_arrays = ("means", "squares")
    memory_counters = ("steps",)

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float, memory: Memory) -> None:
        memory["steps"] += 1
        steps = memory["steps"]
        # Fold both bias corrections into the step size (Kingma & Ba, section 2).
        step_size = learn_rate * (1 - self.beta2**steps) ** 0.5 / (1 - self.beta1**steps)
        for parameter, gradient, mean, square in zip(parameters, gradients, memory["means"], memory["squares"]):
            mean *= self.beta1
            mean += (1 - self.beta1) * gradient
            square *= self.beta2
            square += (1 - self.beta2) * gradient * gradient
            parameter -= step_size * mean / (np.sqrt(square) + self.epsilon)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    optimizer.name: optimizer for optimizer in (SGD, Momentum, Nesterov, RMSProp, Adam)
}


def make_optimizer(name: str, momentum: float = 0.9) -> Optimizer:
    """An optimizer by name; ``momentum`` is μ for momentum and Nesterov (the others ignore it)."""
    key = str(name).strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")
    optimizer_class = OPTIMIZERS[key]
    if optimizer_class.uses_momentum:  # Momentum or Nesterov, the two that take μ
        return cast(type[Momentum], optimizer_class)(momentum)
    return optimizer_class()
