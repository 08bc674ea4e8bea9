"""Fair turns for the server's work: a few requests at a time, the least busy sender first.

A worker process has one interpreter lock, so more than a couple of requests computing at
once adds no speed, only switching: thirty threads taking 5 ms slices of one lock each wait
for all the others. So at most ``slots`` requests work at once and the rest wait their turn.

Whose turn is next is fair between senders (client addresses), not first come first served:
a playing session asks again the moment its answer arrives, and with plain queueing twenty
of them would keep every stepping student waiting behind their frames. Each sender's recent
use is counted, fading by half every ``HALF_LIFE`` seconds; the waiting request whose sender
asked least lately goes next. A student pressing *step* every two seconds is served at once,
and the playing sessions share what is left, round by round.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_SENDERS = 10_000  # senders remembered (only their recent use): beyond it, everyone starts afresh
HALF_LIFE = 2.0  # seconds for a sender's count of recent requests to fade by half


class Turns:
    """``with turns.turn(sender): work()`` waits for a slot, the sender that asked least lately first."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self.lock = threading.Lock()
        self.waiting: list[tuple[float, int, threading.Event]] = []  # (sender's recent use, arrival, wake-up)
        self.use: dict[str, tuple[float, float]] = {}  # sender → (recent use, when it was counted)
        self.arrivals = itertools.count()

    @contextmanager
    def turn(self, sender: str) -> Iterator[None]:
        """Wait for this sender's turn, work, and hand the slot on."""
        self.acquire(sender)
        try:
            yield
        finally:
            self.release(sender)

    def recent_use(self, sender: str, now: float) -> float:
        """How many requests the sender made lately, each fading by half every HALF_LIFE seconds."""
        count, counted = self.use.get(sender, (0.0, now))
        return count * 0.5 ** ((now - counted) / HALF_LIFE)

    def acquire(self, sender: str) -> None:
        with self.lock:
            if self.free and not self.waiting:
                self.free -= 1
                return
            woken = threading.Event()
            heapq.heappush(self.waiting, (self.recent_use(sender, time.monotonic()), next(self.arrivals), woken))
        woken.wait()  # the slot is handed over by release

    def release(self, sender: str) -> None:
        with self.lock:
            if len(self.use) >= MAX_SENDERS and sender not in self.use:
                self.use.clear()  # forget everyone at once: all are equal again
            now = time.monotonic()
            self.use[sender] = (self.recent_use(sender, now) + 1, now)
            if self.waiting:
                heapq.heappop(self.waiting)[2].set()  # the slot passes straight on
            else:
                self.free += 1
