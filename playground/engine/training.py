"""Mini-batch gradient descent: shuffle, slice a batch, backpropagate, update, repeat.

A ``Trainer`` owns everything that changes while a network learns (the
optimizer's memory, the shuffling, the epoch count), so the command line runs
whole epochs while the app can take one batch at a time between frames. It is a
stepper of ``playground.engine.loop``: ``step()`` is one mini-batch, and every run of
batches (``train``, ``train_batch``, a page's ``loop.run``) goes through ``loop.run``.

Divergence is a lesson, not a crash: when the cost or a parameter stops being
finite, or a parameter's size passes 1e6, training stops, the parameters from
before the bad step are put back, and ``diverged`` says what happened (the rule
itself is ``loop.run``'s).

With data augmentation, ``train`` prepares the next mini-batch in a helper thread
(``playground.engine.prefetch``), bit-identical to preparing it in turn.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import numpy as np
from threadpoolctl import ThreadpoolController

from playground.engine.loop import Snapshot, StepEvent, run
from playground.engine.network import Network
from playground.engine.optimizers import OPTIMIZERS, Memory, make_optimizer
from playground.engine.prefetch import Prefetcher

Array = np.ndarray
GRADIENT_METHODS = ["backprop", "finite_differences"]
FINITE_DIFFERENCE_STEP = 1e-4


@dataclass
class TrainingSettings:
    """The knobs of gradient descent, with the defaults the command line documents."""

    learn_rate: float = 0.1
    batch_size: int = 32
    optimizer: str = "sgd"
    momentum: float = 0.9
    l2: float = 0.0  # cost term ½·l2·Σ W²
    l1: float = 0.0  # cost term l1·Σ |W| (weights only, as for L2)
    decay: float = 0.0  # learn rate at epoch e: learn_rate / (1 + decay · e)
    input_noise: float = 0.0  # std of Gaussian noise added to every training input
    seed: int = 0
    gradient: str = "backprop"  # or "finite_differences": the seed's slow forward differences

    def __post_init__(self) -> None:
        checks = [
            (self.learn_rate > 0 and np.isfinite(self.learn_rate), "learn rate must be a positive number"),
            (int(self.batch_size) == self.batch_size and self.batch_size >= 1, "batch size must be a whole number ≥ 1"),
            (0 <= self.momentum < 1, "momentum must be in [0, 1)"),
            (self.l2 >= 0, "L2 must be ≥ 0"),
            (self.l1 >= 0 and np.isfinite(self.l1), "L1 must be a number ≥ 0"),
            (self.decay >= 0, "decay must be ≥ 0"),
            (self.input_noise >= 0, "input noise must be ≥ 0"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of: {', '.join(OPTIMIZERS)}"),
            (self.gradient in GRADIENT_METHODS, f"gradient must be one of: {', '.join(GRADIENT_METHODS)}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        self.batch_size = int(self.batch_size)


@dataclass(kw_only=True)
class BatchEvent(StepEvent):
    """What happened in one mini-batch: ``cost`` is the batch's cost before the update (without L1 or L2)."""

    epoch: int  # epochs completed before this batch
    batch: int  # batches done in this epoch, this one included
    learn_rate: float

    @property
    def batch_cost(self) -> float:
        return self.cost


@dataclass
class EpochEvent:
    """The state after a whole epoch; test figures are None without test data. The costs include
    the L1 and L2 terms; a regression network's "accuracy" is its R² (``tasks.r_squared``)."""

    epoch: int
    learn_rate: float
    train_cost: float
    train_accuracy: float
    test_cost: float | None
    test_accuracy: float | None
    seconds: float


@dataclass
class TrainingResult:
    """How a training run ended."""

    epochs: int
    seconds: float
    diverged: bool = False
    stopped: bool = False
    message: str = ""
    history: list[EpochEvent] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@functools.cache
def blas_controller() -> ThreadpoolController:
    """The process's BLAS libraries, found once: finding them reads the process's memory map
    (about 1 ms, as long as a whole training request of the 2-D playground)."""
    return ThreadpoolController()


def use_blas_threads(threads: int) -> None:
    """Limit BLAS to ``threads`` threads in this whole process from now on (a server's processes,
    once: per request it costs about as much as a small request, and the setting is the
    process's, not the thread's, so a worker's threads would undo each other's)."""
    blas_controller().limit(limits=threads, user_api="blas")


def blas_threads(threads: int | None) -> AbstractContextManager[Any]:
    """A context limiting BLAS to ``threads`` threads (None: leave it as it is).

    Results are bit-identical only for the same thread count, and small batches run
    fastest on one thread, so training chooses deliberately.
    """
    return blas_controller().limit(limits=threads, user_api="blas") if threads else nullcontext()


class Trainer:
    """Trains ``network`` on (inputs, labels) with mini-batch gradient descent.

    ``augment(batch, rng)`` changes every training batch (never the test data); with
    ``prefetch`` (the default) ``train`` prepares the next augmented batch in a helper
    thread, bit-identical to preparing it in turn.

    ``memory`` is the optimizer's memory from an earlier run (``trainer.memory`` then, or its
    ``memory_as_json``); one that does not fit raises ValueError, it never starts afresh in
    silence. ``train_only`` lists (index into ``network.parameters()``, flat index) pairs: only
    those numbers learn, stepped by the optimizer as one float64 vector (its memory is over
    that vector) and written back (the cost-landscape page walks two parameters this way).
    """

    unit = "batch"  # what the run loop calls a step
    snapshot: Snapshot  # the run loop's copy of the parameters, set by its first run

    def __init__(
        self,
        network: Network,
        inputs: Array,
        labels: Array,
        settings: TrainingSettings | None = None,
        test_inputs: Array | None = None,
        test_labels: Array | None = None,
        augment: Callable[[Array, np.random.Generator], Array] | None = None,
        prefetch: bool = True,
        memory: Memory | None = None,
        train_only: list[tuple[int, int]] | None = None,
    ) -> None:
        self.network = network
        self.settings = settings or TrainingSettings()
        self.inputs = network.check_inputs(inputs)
        if len(self.inputs) == 0:
            raise ValueError("there is no training data: add some samples first")
        self.labels = network.check_labels(labels, len(self.inputs))
        self.targets = network.targets(self.labels, len(self.inputs))
        self.test_inputs = None if test_inputs is None else network.check_inputs(test_inputs)
        self.test_labels = (  # labels without inputs: a TypeError, as ever
            None if test_labels is None else network.check_labels(test_labels, len(cast(Array, self.test_inputs)))
        )
        self.augment = augment
        # Prepare the next augmented batch in a helper thread during ``train`` (see the module doc).
        self.prefetch = bool(prefetch) and augment is not None
        self._prefetcher = Prefetcher(self.prepare_inputs)
        self._prefetch_until_epoch = 0
        self.optimizer = make_optimizer(self.settings.optimizer, self.settings.momentum)
        self.train_only = None if train_only is None else check_train_only(train_only, network.parameters())
        learning = network.parameters() if self.train_only is None else [np.zeros(len(self.train_only))]
        self.memory = self.optimizer.check_memory(memory, learning)
        # Input noise has its own random stream, so turning it on does not change the batch order.
        self.noise_rng = np.random.default_rng([self.settings.seed, 2])
        self.epoch = 0
        self.batch_in_epoch = 0
        self._order: Array | None = None
        self._position = 0
        self.last_batch: Array | None = None  # the training indices of the latest mini-batch (the page shows a step's)
        self.diverged: str | None = None  # set by the run loop
        self.stop_requested = False

    @property
    def learn_rate(self) -> float:
        """The learn rate now, after decay: learn_rate / (1 + decay · epoch)."""
        return self.settings.learn_rate / (1 + self.settings.decay * self.epoch)

    def stop(self) -> None:
        """Ask a running ``train`` to stop after the current batch."""
        self.stop_requested = True

    def epoch_order(self, epoch: int) -> Array:
        """The shuffled sample order of an epoch (``epoch_order``)."""
        return epoch_order(self.settings.seed, epoch, len(self.inputs))

    def resume_at(self, epoch: int, position: int) -> None:
        """Continue from ``position`` samples into ``epoch`` (both from an earlier trainer)."""
        self._prefetcher.drop()
        self.epoch = int(epoch)
        self._position = int(position)
        self._order = self.epoch_order(self.epoch) if 0 < self._position < len(self.inputs) else None
        self.batch_in_epoch = -(-self._position // self.settings.batch_size) if self._order is not None else 0

    @property
    def position(self) -> int:
        """How many samples of the current epoch have been used."""
        return self._position if self._order is not None and self._position < len(self.inputs) else 0

    def next_batch(self) -> tuple[Array, Array]:
        """The next mini-batch of inputs and targets y (one-hot, or real), reshuffling at each epoch."""
        n_samples = len(self.inputs)
        if self._order is None or self._position >= n_samples:
            self._order = self.epoch_order(self.epoch)
            self._position = 0
        indices = self._order[self._position : self._position + self.settings.batch_size]
        self._position += len(indices)
        self.last_batch = indices
        inputs = self._prefetcher.take(indices)
        if inputs is None:
            inputs = self.prepare_inputs(indices)
        return inputs, self.targets[indices]

    def prepare_inputs(self, indices: Array) -> Array:
        """The training inputs of one batch, augmented and with input noise when those are on.

        The only user of ``noise_rng``: called once per batch, in batch order.
        """
        inputs = self.inputs[indices]
        if self.augment is not None:
            inputs = self.augment(inputs, self.noise_rng)
        if self.settings.input_noise:
            noise = self.noise_rng.standard_normal(inputs.shape, dtype=inputs.dtype)
            inputs = inputs + self.settings.input_noise * noise
        return inputs

    def _upcoming_indices(self) -> Array:
        """The indices of the batch after the one ``next_batch`` just returned."""
        size = self.settings.batch_size
        if self._position >= len(self.inputs):  # that batch ended its epoch
            return self.epoch_order(self.epoch + 1)[:size]
        assert self._order is not None  # next_batch drew this epoch's order
        return self._order[self._position : self._position + size]

    def _prefetch_next(self, end_of_epoch: bool) -> None:
        """Start preparing the next batch in the helper thread (only inside ``train``)."""
        if self._prefetcher.running and not (end_of_epoch and self.epoch + 1 >= self._prefetch_until_epoch):
            self._prefetcher.start(self._upcoming_indices())

    def parameters(self) -> list[Array]:
        """What a step changes: the network's arrays (the run loop puts them back after a divergence)."""
        return self.network.parameters()

    def where(self) -> str:
        """Where training is, as the app's counter shows it: 'epoch 0.31'."""
        return f"epoch {self.epochs_done()}"

    def step(self) -> BatchEvent:
        """One gradient-descent step on one mini-batch (the run loop checks it for divergence)."""
        learn_rate = self.learn_rate
        inputs, targets = self.next_batch()
        end_of_epoch = self._position >= len(self.inputs)
        self._prefetch_next(end_of_epoch)
        gradients, batch_cost = self.batch_gradients(inputs, targets)
        self.update(gradients, learn_rate)
        event = BatchEvent(
            cost=batch_cost,
            end_of_epoch=end_of_epoch,
            epoch=self.epoch,
            batch=self.batch_in_epoch + 1,
            learn_rate=learn_rate,
        )
        self.count_batch()
        return event

    def train_batch(self) -> BatchEvent | None:
        """One step by the run loop's rules: its event, or None once training has diverged."""
        result = run(self, steps=1)
        return result.last if result.ended == "done" else None

    def update(self, gradients: list[Array], learn_rate: float) -> None:
        """The optimizer's step from the gradients of ``network.parameters()`` (of the chosen
        numbers only, with ``train_only``)."""
        parameters = self.network.parameters()
        if self.train_only is None:
            self.memory = self.optimizer.step(parameters, gradients, learn_rate, self.memory)
            return
        chosen = np.array([parameters[p].flat[i] for p, i in self.train_only], dtype=np.float64)
        slopes = np.array([gradients[p].flat[i] for p, i in self.train_only], dtype=np.float64)
        self.memory = self.optimizer.step([chosen], [slopes], learn_rate, self.memory)
        for (p, i), value in zip(self.train_only, chosen):
            parameters[p].flat[i] = value

    def count_batch(self) -> bool:
        """Count the batch ``next_batch`` just gave: after an epoch's last batch the epoch moves on.

        Returns whether that batch ended its epoch (for a caller that does its own update).
        """
        self.batch_in_epoch += 1
        end_of_epoch = self._position >= len(self.inputs)
        if end_of_epoch:
            self.epoch += 1
            self.batch_in_epoch = 0
        return end_of_epoch

    def batch_gradients(self, inputs: Array, targets: Array) -> tuple[list[Array], float]:
        """Gradients of one batch (one per array of ``network.parameters()``), by backpropagation
        or by finite differences, and its cost."""
        network, l2, l1 = self.network, self.settings.l2, self.settings.l1
        if self.settings.gradient == "backprop":
            parameters, batch_cost = network.backpropagate(inputs, targets, l2, l1)
            return [cast(Array, parameter.gradient) for parameter in parameters], batch_cost
        labels = targets if network.task == "regression" else targets.argmax(axis=1)
        gradients = network.finite_difference_gradients(
            inputs, labels, h=FINITE_DIFFERENCE_STEP, method="forward", l2=l2, l1=l1
        )
        return gradients, network.batch_cost(inputs, targets)

    def epochs_done(self) -> str:
        """How far training has come in epochs, as the app's counter shows it ('0.31', '3')."""
        done = self.epoch + self.position / max(len(self.inputs), 1)
        return f"{done:.2f}".rstrip("0").rstrip(".")

    def evaluate(self, seconds: float = 0.0) -> EpochEvent:
        """Cost and accuracy (R² for regression) on all training data and, when given, the test data."""
        test_cost = test_accuracy = None
        l2, l1 = self.settings.l2, self.settings.l1
        if self.test_inputs is not None and len(self.test_inputs):
            test_labels = cast(Array, self.test_labels)  # given with the test inputs
            test_cost, test_accuracy = score(self.network, self.test_inputs, test_labels, l2, l1)
        train_cost, train_accuracy = score(self.network, self.inputs, self.labels, l2, l1)
        return EpochEvent(
            epoch=self.epoch,
            learn_rate=self.learn_rate,
            train_cost=train_cost,
            train_accuracy=train_accuracy,
            test_cost=test_cost,
            test_accuracy=test_accuracy,
            seconds=seconds,
        )

    @contextmanager
    def _prefetching(self, target_epoch: int) -> Iterator[None]:
        """The helper thread of ``prefetch`` for the duration of one ``train`` call."""
        if not self.prefetch:
            yield
            return
        self._prefetch_until_epoch = target_epoch
        with self._prefetcher.helper():
            yield

    def train(
        self,
        epochs: int,
        on_batch: Callable[[BatchEvent], None] | None = None,
        on_epoch: Callable[[EpochEvent], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        threads: int | None = 1,
        evaluate: bool = True,
    ) -> TrainingResult:
        """Run ``epochs`` more epochs, calling ``on_batch``/``on_epoch`` after each one.

        Stops early when ``stop()`` was called, ``should_stop()`` returns True, or
        training diverges. ``threads`` limits BLAS threads (see ``blas_threads``).
        """
        start = time.perf_counter()
        history: list[EpochEvent] = []
        target_epoch = self.epoch + epochs

        def after_batch(event: BatchEvent) -> None:
            if on_batch is not None:
                on_batch(event)
            if event.end_of_epoch and evaluate:
                summary = self.evaluate(time.perf_counter() - start)
                history.append(summary)
                if on_epoch is not None:
                    on_epoch(summary)

        def stop_now() -> bool:
            return self.stop_requested or (should_stop is not None and should_stop())

        if self.epoch < target_epoch and not self.diverged:
            with blas_threads(threads), self._prefetching(target_epoch):
                run(self, until=lambda event: self.epoch >= target_epoch, should_stop=stop_now, on_step=after_batch)
        stopped = self.epoch < target_epoch and not self.diverged
        return TrainingResult(
            epochs=self.epoch,
            seconds=time.perf_counter() - start,
            diverged=self.diverged is not None,
            stopped=stopped,
            message=self.diverged or ("stopped" if stopped else "finished"),
            history=history,
        )


def check_train_only(train_only: list[tuple[int, int]], parameters: list[Array]) -> list[tuple[int, int]]:
    """(array, flat index) pairs naming numbers of ``parameters``, checked: within range, none twice."""
    pairs = []
    for pair in train_only:
        try:
            position, index = (int(number) for number in pair)
        except (TypeError, ValueError):
            raise ValueError(f"train_only: each number is (array, flat index), not {pair!r}") from None
        if not 0 <= position < len(parameters) or not 0 <= index < parameters[position].size:
            raise ValueError(f"train_only: the network has no number {index} in parameter array {position}")
        pairs.append((position, index))
    if not pairs or len(set(pairs)) != len(pairs):
        raise ValueError("train_only: name at least one number, and each only once")
    return pairs


def epoch_order(seed: int, epoch: int, n_samples: int) -> Array:
    """The shuffled sample order of an epoch: a function of seed and epoch alone, so training
    can stop after any batch and resume exactly (as the app does), and a page can tell which
    samples the next mini-batch holds."""
    return np.random.default_rng([seed, 1, epoch]).permutation(n_samples)


def score(network: Network, inputs: Array, labels: Array, l2: float = 0.0, l1: float = 0.0) -> tuple[float, float]:
    """How the engine scores a network on some data: average cost (with the L1 and L2 terms) and
    accuracy (R² for regression), from one forward pass."""
    cost, accuracy = network.cost_and_accuracy(inputs, labels)
    return cost + network.l2_cost(l2) + network.l1_cost(l1), accuracy


def train(
    network: Network,
    inputs: Array,
    labels: Array,
    epochs: int = 10,
    settings: TrainingSettings | None = None,
    **kwargs: Any,
) -> TrainingResult:
    """Train ``network`` for ``epochs`` epochs: a one-call shortcut around ``Trainer``."""
    test_inputs = kwargs.pop("test_inputs", None)
    test_labels = kwargs.pop("test_labels", None)
    trainer = Trainer(network, inputs, labels, settings, test_inputs, test_labels)
    return trainer.train(epochs, **kwargs)
