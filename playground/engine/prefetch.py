"""The next mini-batch prepared in a helper thread while the current one is learned from.

With data augmentation, preparing a batch (gather, augment, input noise) costs about as much
as learning from it, so the two cores of a small machine share the work. ``prepare`` draws
from the trainer's random stream; it is called once per batch, in batch order, whether in
the helper or in turn, so the weights are bit-identical either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

Array = np.ndarray


class Prefetcher:
    """One helper thread preparing ``prepare(indices)`` for the batch after the current one."""

    def __init__(self, prepare: Callable[[Array], Array]) -> None:
        self.prepare = prepare
        self._executor: ThreadPoolExecutor | None = None
        self._pending: tuple[Array, Future[Array]] | None = None  # (indices, inputs being prepared)

    @property
    def running(self) -> bool:
        return self._executor is not None

    @contextmanager
    def helper(self) -> Iterator[None]:
        """The helper thread, for the duration of one run of batches.

        A batch still being prepared when the run ends is kept, finished, for the next run
        (the random stream has already moved past it).
        """
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playground-batches")
        try:
            yield
        finally:
            executor, self._executor = self._executor, None
            executor.shutdown(wait=True)

    def start(self, indices: Array) -> None:
        """Begin preparing the batch of these training indices (only while the helper runs)."""
        if self._executor is not None:
            self._pending = (indices, self._executor.submit(self.prepare, indices))

    def take(self, indices: Array) -> Array | None:
        """The prepared inputs of this batch, or None when none were prepared."""
        if self._pending is None:
            return None
        pending_indices, future = self._pending
        self._pending = None
        inputs = future.result()
        if not np.array_equal(pending_indices, indices):  # cannot happen unless the order was changed
            raise RuntimeError("a prefetched batch does not match the batch order")
        return inputs

    def drop(self) -> None:
        """Forget a prepared batch (the order changed), after letting it finish: nothing else may
        draw random numbers while it does."""
        if self._pending is not None:
            self._pending[1].result()
            self._pending = None
