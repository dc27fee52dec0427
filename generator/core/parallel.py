"""Work spread over forked processes, with results in the order of the input."""

from __future__ import annotations

import ctypes
import functools
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from generator.core import collector

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200  # below this, forking costs more than it saves
CHUNKS_PER_WORKER = 16  # small chunks: workers finish together, and progress moves often

# What the forked workers read: set just before the pool starts, cleared after.
_work: tuple[Callable[[Any], Any], Sequence[Any], list[tuple[int, int]], list[Any]] | None = None


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity, where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def forks(items: int, jobs: int) -> bool:
    """Whether ``map_ordered`` gives ``items`` items to forked workers (else it runs them
    in this process)."""
    return jobs > 1 and items >= MIN_ITEMS and can_fork()


def map_ordered(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int,
    done: Callable[[int], None] | None = None,
    counters: list[logging.Handler] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]``, computed by up to ``jobs`` forked workers.

    ``done(n)`` is called in this process as each run of ``n`` items finishes. ``counters``
    are MkDocs ``CountHandler``\\ s (strict mode counts warnings): the counts a worker adds are
    added to this process's too, so a warning logged in a worker still fails a strict build.
    An exception raised by ``fn`` in a worker is raised here.
    """
    global _work
    if not forks(len(items), jobs):
        results = []
        for item in items:
            results.append(fn(item))
            if done:
                done(1)
        return results
    size = max(1, -(-len(items) // (jobs * CHUNKS_PER_WORKER)))
    bounds = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    _work = (fn, items, bounds, counters or [])
    results = []
    # What the workers inherit is left out of their collector's passes, which would write to
    # every object's header and so copy each page of memory they share with this process
    # (the workers grew by 190 MB each over 10,000 pages). Python's gc.freeze documents this.
    try:
        with collector.unfrozen_after(freeze=True):
            _give_back_freed_memory()
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init) as pool:
                for chunk, counts in pool.map(_run_chunk, range(len(bounds))):
                    results.extend(chunk)
                    for handler, added in zip(counters or [], counts, strict=True):
                        for level, n in added.items():
                            handler.counts[level] += n  # type: ignore[attr-defined]
                    if done:
                        done(len(chunk))
    finally:
        _work = None
    return results


def _give_back_freed_memory() -> None:
    """Return the memory the C allocator holds free to the system (glibc's ``malloc_trim``),
    before forking: a worker allocating where it inherited freed memory copied each page
    of it. At 10,000 entries the build's process tree peaked at 1,070 MB without this, and
    at 850 MB with it. Elsewhere (macOS, musl) nothing is done."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim  # this process's own C library
    except (OSError, AttributeError):
        return None


def _worker_init() -> None:
    # Ctrl+C reaches the whole process group: the build's own process handles it and stops
    # the pool; a worker would only print a traceback. SIGTERM kills a worker outright.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_chunk(index: int) -> tuple[list[Any], list[dict[int, int]]]:
    assert _work is not None, "map_ordered's state is set before the workers fork"
    fn, items, bounds, counters = _work
    before = [dict(h.counts) for h in counters]  # type: ignore[attr-defined]
    start, end = bounds[index]
    results = [fn(items[i]) for i in range(start, end)]
    added = [
        {level: n - old.get(level, 0) for level, n in h.counts.items() if n != old.get(level, 0)}  # type: ignore[attr-defined]
        for h, old in zip(counters, before, strict=True)
    ]
    return results, added
