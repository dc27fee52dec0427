"""SIGTERM during a build: stop it like Ctrl+C, but never between the renames of the swap."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Terminated(SystemExit):
    """SIGTERM during a build: unwinds like Ctrl+C, so the temporary folder is removed."""


class SigtermGuard:
    """The state of the SIGTERM handler while a build runs in the main thread."""

    active: SigtermGuard | None = None

    def __init__(self) -> None:
        self.raised = False  # once: a second SIGTERM must not interrupt the cleanup
        self.held = False  # during the swap
        self.pending = False
        self.replaced = False  # the new site is in place

    def handle(self, signum: int, frame: Any) -> None:
        if self.held:
            self.pending = True
        elif not self.raised:
            self.raised = True
            raise _Terminated(128 + signum)


@contextmanager
def sigterm_stops_the_build() -> Iterator[None]:
    """Turn SIGTERM (a CI runner cancelling, ``kill``) into _Terminated in the main thread.

    Python only runs signal handlers in the main thread; a build in another thread (the
    preview server's rebuilds) keeps the default, and its leftovers go at the next build.
    """
    if threading.current_thread() is not threading.main_thread() or SigtermGuard.active:
        yield
        return
    guard = SigtermGuard()
    SigtermGuard.active = guard
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, guard.handle)  # inside the try: put back however it ends
        yield
    except _Terminated:
        if guard.replaced:
            print(
                "Error: the build was stopped by SIGTERM, after the new site was in place",
                file=sys.stderr,
            )
        else:
            print(
                "Error: the build was stopped by SIGTERM; the previous site is unchanged",
                file=sys.stderr,
            )
        raise
    finally:
        SigtermGuard.active = None
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextmanager
def sigterm_held() -> Iterator[SigtermGuard | None]:
    """Defer SIGTERM until the block is done, then stop the build as it would have."""
    guard = SigtermGuard.active
    if threading.current_thread() is not threading.main_thread() or guard is None:
        yield None
        return
    guard.held = True
    try:
        yield guard
    finally:
        guard.held = False
    if guard.pending and not guard.raised:
        guard.raised = True
        raise _Terminated(128 + signal.SIGTERM)
