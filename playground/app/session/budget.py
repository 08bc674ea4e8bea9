"""One rule for the work a drawing request may do: past its budget, a view computes on a sample.

A view of the data (a cost surface, the optimizer race on the network, the evolution race)
costs *evaluations × points × multiply-adds per point*: 3,600 grid points × 10,000 points ×
5,504 multiply-adds is 2·10¹¹, some fifty seconds of a core. The server gives each request
``limits.view_multiply_adds`` (about 0.4 s of a core here). A view that would pass it is computed
on a fixed random sample of the points, as many as the budget allows, and says so on the page;
the same request always draws the same sample, so a surface does not flicker from step to step.
Views that step (races, evolution) also stop at the run loop's CPU budget: the sample keeps
them meaningful, the loop keeps them bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine.footprint import footprint
from playground.engine.network import Network
from playground.limits import current as current_limits

FEWEST_POINTS = 50  # below this a sample says too little; the run loop's CPU budget bounds what remains


@dataclass(frozen=True)
class Sample:
    """Which points a view computes on: all of them (``rows`` None) or a sorted random sample."""

    rows: np.ndarray | None
    total: int

    @property
    def size(self) -> int:
        return self.total if self.rows is None else len(self.rows)

    def of(self, array: np.ndarray) -> np.ndarray:
        """The sampled rows of ``array`` (``array`` itself when every point is used)."""
        return array if self.rows is None else array[self.rows]

    @property
    def note(self) -> str:
        """'' or the words a page shows: 'on a sample of 900 of the 10,000 points (…)'."""
        if self.rows is None:
            return ""
        return f"on a sample of {self.size:,} of the {self.total:,} points (the server's work budget)"


def sample_within_budget(
    total: int, evaluations: int, multiply_adds: int, seed: int = 0, fewest: int = FEWEST_POINTS
) -> Sample:
    """The points a view of ``evaluations`` passes over ``total`` points, each costing
    ``multiply_adds``, may use within ``limits.view_multiply_adds`` (at least ``fewest``)."""
    per_point = max(1, int(evaluations) * int(multiply_adds))
    affordable = max(fewest, current_limits().view_multiply_adds // per_point)
    if total <= affordable:
        return Sample(None, total)
    rows = np.sort(np.random.default_rng([seed, total]).choice(total, int(affordable), replace=False))
    return Sample(rows, total)


def network_sample(network: Network, total: int, evaluations: int, seed: int = 0) -> Sample:
    """``sample_within_budget`` for ``evaluations`` forward passes of ``network`` (a backward pass
    counts as two more)."""
    return sample_within_budget(total, evaluations, footprint(network).multiply_adds, seed)
