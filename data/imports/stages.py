"""Seconds per step of an import, for the benchmark (bench/import_job.py): off unless asked;
and the pause of the cyclic collector that bulk steps run under.

`recording()` collects into a dict the `stage(name)` blocks run inside it in this context;
outside it a stage costs one context-variable read.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_current: ContextVar[Stages | None] = ContextVar("import_stages", default=None)


@dataclass
class Stages:
    """Seconds by stage name: on the clock, and of the CPU of the thread that ran the stage
    (the figure that holds on a machine shared with other work; on PostgreSQL the server's CPU
    is not in it, nor that of the import's COPY thread while another stage runs)."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


@contextmanager
def recording() -> Iterator[Stages]:
    """The seconds of each stage run in the block, summed by name."""
    found = Stages()
    token = _current.set(found)
    try:
        yield found
    finally:
        _current.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    found = _current.get()
    if found is None:
        yield
        return
    started, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        found.wall[name] = found.wall.get(name, 0.0) + time.perf_counter() - started
        found.cpu[name] = found.cpu.get(name, 0.0) + time.thread_time() - cpu


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for a bulk step. An import of 50,000 lines makes
    about a million objects that all live until it ends: the collector would walk them again
    at every generation-2 pass, a fifth of the import's CPU, to free nothing (the objects hold
    no cycles). Reference counting still frees everything as usual. Nested or concurrent
    uses are safe: only the one that found it enabled enables it again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
