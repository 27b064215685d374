"""Small measuring tools shared by the phases: deadlines and percentiles in milliseconds."""

from __future__ import annotations

import time

import numpy as np


class Deadline:
    """The end of a phase: loops check it and stop with what they have measured."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


def ms(seconds: list[float], quantile: float) -> float | None:
    """A percentile of durations, in milliseconds (None without any)."""
    return round(float(np.percentile(seconds, quantile)) * 1000, 2) if seconds else None
