"""One line per event on stdout: what a container platform collects."""

from __future__ import annotations

import logging
import sys

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_finance_tracker", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_OneLineFormatter(_FORMAT))
    handler._finance_tracker = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


class _OneLineFormatter(logging.Formatter):
    """Tracebacks and multi-line messages folded onto one line, so one event is one line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")
