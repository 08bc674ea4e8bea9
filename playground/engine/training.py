"""Mini-batch gradient descent: shuffle, slice a batch, backpropagate, update, repeat.

A ``Trainer`` owns everything that changes while a network learns (the
optimizer's memory, the shuffling, the epoch count), so the command line runs
whole epochs while the app can take one batch at a time between frames.

Divergence is a lesson, not a crash: when the cost or a parameter stops being
finite, or a parameter's size passes 1e6, training stops, the parameters from
before the bad step are put back, and ``diverged`` says what happened.

With data augmentation, ``train`` prepares the next mini-batch (gather, augment, input
noise) in a helper thread while the current one is learned from, so the two cores of a
small machine share the work. The helper draws from the same random stream in the same
order as the serial path would, so the weights are bit-identical either way.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from playground.engine.network import Network
from playground.engine.optimizers import OPTIMIZERS, make_optimizer

Array = np.ndarray

DIVERGENCE_LIMIT = 1e6
GRADIENT_METHODS = ["backprop", "finite_differences"]
FINITE_DIFFERENCE_STEP = 1e-4


@dataclass
class TrainingSettings:
    """The knobs of gradient descent, with the defaults the command line documents."""

    learn_rate: float = 0.1
    batch_size: int = 32
    optimizer: str = "sgd"
    momentum: float = 0.9
    l2: float = 0.0
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
            (self.decay >= 0, "decay must be ≥ 0"),
            (self.input_noise >= 0, "input noise must be ≥ 0"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of: {', '.join(OPTIMIZERS)}"),
            (self.gradient in GRADIENT_METHODS, f"gradient must be one of: {', '.join(GRADIENT_METHODS)}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        self.batch_size = int(self.batch_size)


@dataclass
class BatchEvent:
    """What happened in one mini-batch."""

    epoch: int  # epochs completed before this batch
    batch: int  # batches done in this epoch, this one included
    batch_cost: float  # cost of this batch before the update (without L2)
    learn_rate: float
    end_of_epoch: bool


@dataclass
class EpochEvent:
    """The state after a whole epoch; test figures are None without test data."""

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

    def as_dict(self) -> dict:
        return asdict(self)


def blas_threads(threads: int | None):
    """A context limiting BLAS to ``threads`` threads (None: leave it as it is).

    Results are bit-identical only for the same thread count, and small batches run
    fastest on one thread, so training chooses deliberately.
    """
    return threadpool_limits(limits=threads, user_api="blas") if threads else nullcontext()


class Trainer:
    """Trains ``network`` on (inputs, labels) with mini-batch gradient descent.

    ``augment(batch, rng)`` changes every training batch (never the test data); with
    ``prefetch`` (the default) ``train`` prepares the next augmented batch in a helper
    thread, bit-identical to preparing it in turn.
    """

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
    ) -> None:
        self.network = network
        self.settings = settings or TrainingSettings()
        self.inputs = network.check_inputs(inputs)
        if len(self.inputs) == 0:
            raise ValueError("there is no training data: add some samples first")
        self.labels = network.check_labels(labels, len(self.inputs))
        self.targets = network.one_hot(self.labels, len(self.inputs))
        self.test_inputs = None if test_inputs is None else network.check_inputs(test_inputs)
        self.test_labels = None if test_labels is None else network.check_labels(test_labels, len(self.test_inputs))
        self.augment = augment
        # Prepare the next augmented batch in a helper thread during ``train`` (see the module doc).
        self.prefetch = bool(prefetch) and augment is not None
        self._executor: ThreadPoolExecutor | None = None
        self._pending: tuple[Array, Future] | None = None  # (indices, inputs being prepared)
        self._prefetch_until_epoch = 0
        self.optimizer = make_optimizer(self.settings.optimizer, self.settings.momentum)
        # Input noise has its own random stream, so turning it on does not change the batch order.
        self.noise_rng = np.random.default_rng([self.settings.seed, 2])
        self.epoch = 0
        self.batch_in_epoch = 0
        self._order: Array | None = None
        self._position = 0
        self.last_batch: Array | None = None  # the training indices of the latest mini-batch (the page shows a step's)
        self._saved = [np.empty_like(p) for p in network.parameters()]
        self.diverged: str | None = None
        self.stop_requested = False

    @property
    def learn_rate(self) -> float:
        """The learn rate now, after decay: learn_rate / (1 + decay · epoch)."""
        return self.settings.learn_rate / (1 + self.settings.decay * self.epoch)

    def stop(self) -> None:
        """Ask a running ``train`` to stop after the current batch."""
        self.stop_requested = True

    def epoch_order(self, epoch: int) -> Array:
        """The shuffled sample order of an epoch: a function of seed and epoch alone, so
        training can stop after any batch and resume exactly (as the app does)."""
        return np.random.default_rng([self.settings.seed, 1, epoch]).permutation(len(self.inputs))

    def resume_at(self, epoch: int, position: int) -> None:
        """Continue from ``position`` samples into ``epoch`` (both from an earlier trainer)."""
        self._drop_pending()
        self.epoch = int(epoch)
        self._position = int(position)
        self._order = self.epoch_order(self.epoch) if 0 < self._position < len(self.inputs) else None
        self.batch_in_epoch = -(-self._position // self.settings.batch_size) if self._order is not None else 0

    @property
    def position(self) -> int:
        """How many samples of the current epoch have been used."""
        return self._position if self._order is not None and self._position < len(self.inputs) else 0

    def next_batch(self) -> tuple[Array, Array]:
        """The next mini-batch of inputs and one-hot targets, reshuffling at each epoch."""
        n_samples = len(self.inputs)
        if self._order is None or self._position >= n_samples:
            self._order = self.epoch_order(self.epoch)
            self._position = 0
        indices = self._order[self._position : self._position + self.settings.batch_size]
        self._position += len(indices)
        self.last_batch = indices
        inputs = self._take_pending(indices)
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
        return self._order[self._position : self._position + size]

    def _prefetch_next(self, end_of_epoch: bool) -> None:
        """Start preparing the next batch in the helper thread (only inside ``train``)."""
        if self._executor is None or (end_of_epoch and self.epoch + 1 >= self._prefetch_until_epoch):
            return
        indices = self._upcoming_indices()
        self._pending = (indices, self._executor.submit(self.prepare_inputs, indices))

    def _take_pending(self, indices: Array) -> Array | None:
        """The prefetched inputs of this batch, or None when none were prepared."""
        if self._pending is None:
            return None
        pending_indices, future = self._pending
        self._pending = None
        inputs = future.result()
        if not np.array_equal(pending_indices, indices):  # cannot happen unless the order was changed
            raise RuntimeError("a prefetched batch does not match the batch order")
        return inputs

    def _drop_pending(self) -> None:
        if self._pending is not None:
            self._pending[1].result()  # let it finish before anything else draws random numbers
            self._pending = None

    def train_batch(self) -> BatchEvent | None:
        """One gradient-descent step on one mini-batch; None once training has diverged."""
        if self.diverged:
            return None
        network = self.network
        learn_rate = self.learn_rate
        inputs, targets = self.next_batch()
        self._prefetch_next(end_of_epoch=self._position >= len(self.inputs))
        gradients, batch_cost = self.batch_gradients(inputs, targets)
        if not np.isfinite(batch_cost):
            self.diverged = f"the cost became {batch_cost} at epoch {self.epochs_done()}"
            return None

        parameters = network.parameters()
        for saved, parameter in zip(self._saved, parameters):
            np.copyto(saved, parameter)
        flat_gradients = [g for pair in gradients for g in pair]
        self.optimizer.update(parameters, flat_gradients, learn_rate)
        self._check_divergence(parameters)

        event = BatchEvent(self.epoch, self.batch_in_epoch + 1, batch_cost, learn_rate,
                           end_of_epoch=self._position >= len(self.inputs))
        self.count_batch()
        return event

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

    def batch_gradients(self, inputs: Array, targets: Array) -> tuple[list[tuple[Array, Array]], float]:
        """Gradients of one batch, by backpropagation or by finite differences, and its cost."""
        network, l2 = self.network, self.settings.l2
        if self.settings.gradient == "backprop":
            return network.backpropagate(inputs, targets, l2)
        labels = targets.argmax(axis=1)
        gradients = network.finite_difference_gradients(inputs, labels, h=FINITE_DIFFERENCE_STEP,
                                                        method="forward", l2=l2)
        return gradients, network.batch_cost(inputs, targets)

    def epochs_done(self) -> str:
        """How far training has come in epochs, as the app's counter shows it ('0.31', '3')."""
        done = self.epoch + self._position / max(len(self.inputs), 1)
        return f"{done:.2f}".rstrip("0").rstrip(".")

    def _check_divergence(self, parameters: list[Array]) -> None:
        # `not (x <= limit)` is also true for NaN, so one comparison catches both.
        largest = max(float(np.abs(p).max()) for p in parameters)
        if not largest <= DIVERGENCE_LIMIT:
            for saved, parameter in zip(self._saved, parameters):
                np.copyto(parameter, saved)
            what = "not finite" if not np.isfinite(largest) else f"{largest:.3g} (limit {DIVERGENCE_LIMIT:g})"
            self.diverged = (
                f"diverged at epoch {self.epochs_done()}: a parameter became {what} "
                f"at learn rate {self.learn_rate:g}; kept the parameters from before that step"
            )

    def evaluate(self, seconds: float = 0.0) -> EpochEvent:
        """Cost and accuracy on all training data and, when given, the test data."""
        test_cost = test_accuracy = None
        if self.test_inputs is not None and len(self.test_inputs):
            test_cost, test_accuracy = score(self.network, self.test_inputs, self.test_labels, self.settings.l2)
        train_cost, train_accuracy = score(self.network, self.inputs, self.labels, self.settings.l2)
        return EpochEvent(epoch=self.epoch, learn_rate=self.learn_rate, train_cost=train_cost,
                          train_accuracy=train_accuracy, test_cost=test_cost, test_accuracy=test_accuracy,
                          seconds=seconds)

    @contextmanager
    def _prefetching(self, target_epoch: int):
        """Run the helper thread of ``prefetch`` for the duration of one ``train`` call.

        A batch still being prepared when training stops is kept, finished, for the next
        call (the random stream has already moved past it).
        """
        if not self.prefetch:
            yield
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playground-batches")
        self._prefetch_until_epoch = target_epoch
        try:
            yield
        finally:
            executor, self._executor = self._executor, None
            executor.shutdown(wait=True)

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
        with blas_threads(threads), self._prefetching(target_epoch):
            while self.epoch < target_epoch and not self.diverged:
                if self.stop_requested or (should_stop is not None and should_stop()):
                    break
                event = self.train_batch()
                if event is None:
                    break
                if on_batch is not None:
                    on_batch(event)
                if event.end_of_epoch and evaluate:
                    summary = self.evaluate(time.perf_counter() - start)
                    history.append(summary)
                    if on_epoch is not None:
                        on_epoch(summary)
        stopped = self.epoch < target_epoch and not self.diverged
        return TrainingResult(
            epochs=self.epoch,
            seconds=time.perf_counter() - start,
            diverged=self.diverged is not None,
            stopped=stopped,
            message=self.diverged or ("stopped" if stopped else "finished"),
            history=history,
        )


def score(network: Network, inputs: Array, labels: Array, l2: float = 0.0) -> tuple[float, float]:
    """How the engine scores a network on some data: average cost (with the L2 term) and accuracy."""
    return network.cost(inputs, labels) + network.l2_cost(l2), network.accuracy(inputs, labels)


def train(
    network: Network,
    inputs: Array,
    labels: Array,
    epochs: int = 10,
    settings: TrainingSettings | None = None,
    **kwargs,
) -> TrainingResult:
    """Train ``network`` for ``epochs`` epochs: a one-call shortcut around ``Trainer``."""
    test_inputs = kwargs.pop("test_inputs", None)
    test_labels = kwargs.pop("test_labels", None)
    trainer = Trainer(network, inputs, labels, settings, test_inputs, test_labels)
    return trainer.train(epochs, **kwargs)
