"""Proportions with a 95 % Wilson score interval, and the "too few to say" rule (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
TOO_FEW = 30  # a group smaller than this is shown as "too few to say"


@dataclass(frozen=True)
class Proportion:
    """`hits` of `n`, with its 95 % Wilson interval (None when n is 0)."""

    hits: int
    n: int
    low: float | None
    high: float | None

    @property
    def rate(self) -> float | None:
        """hits / n, or None for an empty group."""
        return self.hits / self.n if self.n else None

    @property
    def too_few(self) -> bool:
        """True under 30: the interval is too wide to say anything."""
        return self.n < TOO_FEW

    def share(self) -> str:
        """"62 % (55–68 %)" or "too few to say": the counts stand in their own columns."""
        if self.too_few or self.rate is None or self.low is None or self.high is None:
            return "too few to say"
        return f"{self.rate:.0%} ({self.low:.0%}–{self.high:.0%})"

    def describe(self) -> str:
        """"62 % (55–68 %), 140 plans" or "too few to say (12 plans)"."""
        noun = "plan" if self.n == 1 else "plans"
        if self.too_few or self.rate is None or self.low is None or self.high is None:
            return f"too few to say ({self.n} {noun})"
        return (f"{self.rate:.0%} ({self.low:.0%}–{self.high:.0%}), {self.hits} of {self.n} "
                f"{noun}")


def wilson(hits: int, n: int, z: float = Z95) -> Proportion:
    """The Wilson score interval for `hits` successes in `n` trials (Wilson 1927)."""
    if n < 0 or hits < 0 or hits > n:
        raise ValueError("A proportion needs 0 ≤ hits ≤ n.")
    if n == 0:
        return Proportion(hits=0, n=0, low=None, high=None)
    p = hits / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Proportion(hits=hits, n=n, low=max(0.0, centre - half), high=min(1.0, centre + half))
