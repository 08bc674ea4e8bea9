"""Optimizers: how a gradient becomes a change of the parameters.

Each optimizer is a small class with one ``update`` step that changes the
parameter arrays in place. Anything it remembers between steps (velocities,
averages of squared gradients) lives in the optimizer, not in the network, so
a fresh optimizer forgets it (as the app's shared state does on purpose).
``state_dict()`` / ``load_state_dict()`` hand that memory out and back (the app
carries it from one request to the next). ``OPTIMIZERS`` maps names to the classes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray


class Optimizer:
    """The shared part: what an optimizer remembers, and how it is handed out and back."""

    name = "optimizer"
    uses_momentum = False  # does the momentum setting change anything?
    state_arrays: tuple[str, ...] = ()  # lists of arrays, one per parameter
    state_counters: tuple[str, ...] = ()  # whole numbers

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Its memory: copies of its arrays and its counters (empty before the first step)."""
        state: dict[str, Any] = {}
        for name in self.state_arrays:
            arrays = getattr(self, name)
            if arrays is not None:
                state[name] = [array.copy() for array in arrays]
        for name in self.state_counters:
            state[name] = int(getattr(self, name))
        return state

    def load_state_dict(self, state: dict[str, Any], parameters: list[Array] | None = None) -> None:
        """Take back a memory from ``state_dict``; with ``parameters``, its arrays must fit them.

        Raises ValueError naming what does not fit; the optimizer is unchanged then.
        """
        unknown = set(state) - set(self.state_arrays) - set(self.state_counters)
        if unknown:
            raise ValueError(f"{self.name} keeps no {', '.join(sorted(unknown))}")
        loaded: dict[str, Any] = {}
        for name in self.state_arrays:
            if name not in state:
                continue
            arrays = [np.array(values) for values in state[name]]
            if parameters is not None:
                shapes, expected = [a.shape for a in arrays], [p.shape for p in parameters]
                if shapes != expected:
                    raise ValueError(f"{self.name} {name} have shapes {shapes}, the parameters {expected}")
                arrays = [array.astype(p.dtype, copy=False) for array, p in zip(arrays, parameters)]
            loaded[name] = arrays
        for name in self.state_counters:
            if name in state:
                value = state[name]
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                    raise ValueError(f"{self.name} {name} must be a whole number ≥ 0, not {value!r}")
                loaded[name] = int(value)
        for name, value in loaded.items():
            setattr(self, name, value)


class SGD(Optimizer):
    """Plain gradient descent: w ← w − learn_rate · g."""

    name = "sgd"

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        for parameter, gradient in zip(parameters, gradients):
            parameter -= learn_rate * gradient


class Momentum(Optimizer):
    """A ball rolling downhill: v ← μ·v − learn_rate·g,  w ← w + v.

    With ``nesterov=True`` it looks ahead: the step uses the gradient where the velocity is
    taking us, written in the usual rearranged form (Sutskever et al. 2013) so the gradient
    is still taken at the current parameters:  v ← μ·v − lr·g,  w ← w + μ·v − lr·g.
    """

    name = "momentum"
    uses_momentum = True
    state_arrays = ("velocities",)

    def __init__(self, momentum: float = 0.9, nesterov: bool = False) -> None:
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities: list[Array] | None = None

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in parameters]
        for parameter, gradient, velocity in zip(parameters, gradients, self.velocities):
            velocity *= self.momentum
            velocity -= learn_rate * gradient
            if self.nesterov:
                parameter += self.momentum * velocity - learn_rate * gradient
            else:
                parameter += velocity


class Nesterov(Momentum):
    """Momentum with Nesterov's look-ahead (see ``Momentum``)."""

    name = "nesterov"

    def __init__(self, momentum: float = 0.9) -> None:
        super().__init__(momentum, nesterov=True)


class RMSProp(Optimizer):
    """Divide each step by a running average of the gradient's size: s ← ρ·s + (1−ρ)·g²."""

    name = "rmsprop"
    state_arrays = ("squares",)

    def __init__(self, decay_rate: float = 0.9, epsilon: float = 1e-8) -> None:
        self.decay_rate = decay_rate
        self.epsilon = epsilon
        self.squares: list[Array] | None = None

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        if self.squares is None:
            self.squares = [np.zeros_like(p) for p in parameters]
        for parameter, gradient, square in zip(parameters, gradients, self.squares):
            square *= self.decay_rate
            square += (1 - self.decay_rate) * gradient * gradient
            parameter -= learn_rate * gradient / (np.sqrt(square) + self.epsilon)


class Adam(Optimizer):
    """Momentum and RMSProp together, with both averages corrected for starting at zero."""

    name = "adam"
    state_arrays = ("means", "squares")
    state_counters = ("steps",)

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.means: list[Array] | None = None
        self.squares: list[Array] | None = None
        self.steps = 0

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        if self.means is None:
            self.means = [np.zeros_like(p) for p in parameters]
            self.squares = [np.zeros_like(p) for p in parameters]
        self.steps += 1
        # Fold both bias corrections into the step size (Kingma & Ba, section 2).
        step_size = learn_rate * (1 - self.beta2**self.steps) ** 0.5 / (1 - self.beta1**self.steps)
        for parameter, gradient, mean, square in zip(parameters, gradients, self.means, self.squares):
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
    return optimizer_class(momentum) if optimizer_class.uses_momentum else optimizer_class()
