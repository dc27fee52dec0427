"""The preview's server: MkDocs' LiveReloadServer, watching with the system's notifications
(inotify) instead of polling, telling the build which files changed, and able to show one page
in place of every page (the preview's error page while the last build failed)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import watchdog.events
import watchdog.observers
from mkdocs.livereload import LiveReloadServer

from generator.core.errors import ConfigError


class LiveServer(LiveReloadServer):
    """MkDocs' LiveReloadServer (pinned, 1.6.1), which serves a page only once the build in
    progress is over and injects its reload script into every HTML page, plus: when
    ``instead(path)`` gives a page for a page's path, the request gets it (status 200, with
    that script).

    ``rebuild`` must never raise, so that MkDocs' build loop publishes a new version after a
    failed build as after a good one: open tabs reload when an error appears, changes or is
    fixed. It asks ``changes()`` which files changed since it last asked.

    MkDocs polls the watched folders every half second, which at 10,000 entries kept a third
    of a core busy while nothing changed; the system's observer (inotify on Linux) waits for
    the kernel to say something did.
    """

    def __init__(
        self,
        rebuild: Callable[[], None],
        instead: Callable[[str], bytes | None],
        host: str,
        port: int,
        root: Path,
    ):
        self.instead = instead
        try:
            super().__init__(builder=rebuild, host=host, port=port, root=str(root))
        except OSError as exc:  # no socket for this address (IPv6 off, say)
            raise ConfigError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        self.error_handler = self._not_found_page
        self.observer = watchdog.observers.Observer()
        self._changed: set[str] = set()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Watch ``path`` (a folder, with what it holds, or a file): a change starts a build."""
        path = os.path.abspath(path)
        if path in self._watched_paths:
            return
        self._watched_paths[path] = 1
        one_file = os.path.isfile(path)
        handler = _Changes(self, path if one_file else None)
        folder = os.path.dirname(path) if one_file else path
        self._watch_refs[path] = self.observer.schedule(
            handler, folder, recursive=recursive and not one_file, event_filter=_CHANGES
        )

    def changed(self, paths: list[str]) -> None:
        """``paths`` changed: ask for a build (MkDocs' loop waits for the saves to stop)."""
        with self._rebuild_cond:
            self._changed.update(paths)
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def changes(self) -> set[str]:
        """The files changed since the last call."""
        with self._rebuild_cond:
            changed, self._changed = self._changed, set()
        return changed

    def server_bind(self) -> None:
        try:
            super().server_bind()
        except OSError as exc:  # port taken, address not local: an error message, no traceback
            raise ConfigError(f"cannot serve on {self.url}: {exc.strerror or exc}") from None

    def _not_found_page(self, code: int) -> bytes | None:
        page = Path(self.root) / "404.html"
        return page.read_bytes() if code == 404 and page.is_file() else None

    def _serve_request(
        self, environ: dict[str, Any], start_response: Any
    ) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "replace")
        if path.startswith("/livereload/") or not is_page(path):
            return super()._serve_request(environ, start_response)
        with self._epoch_cond:  # as MkDocs does: wait for the build in progress, if any
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
            epoch, page = self._visible_epoch, self.instead(path)
        if page is None:
            return super()._serve_request(environ, start_response)
        content = self._inject_js_into_html(page, epoch)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(content))),
            ("Cache-Control", "no-store"),
        ]
        start_response("200 OK", headers)
        return [content]


# The events that say something changed. Without this list inotify also reports every file
# opened and closed after reading: a save's validation reads every entry file, and at 10,000
# entries the watcher's threads then handled 20,000 events, taking turns with the save for the
# interpreter (its validation took 1.1-1.8 s instead of 0.4 s).
_CHANGES: list[type[watchdog.events.FileSystemEvent]] = [
    watchdog.events.FileCreatedEvent,
    watchdog.events.FileDeletedEvent,
    watchdog.events.FileMovedEvent,
    watchdog.events.FileModifiedEvent,
    watchdog.events.FileClosedEvent,
    watchdog.events.DirCreatedEvent,
    watchdog.events.DirDeletedEvent,
    watchdog.events.DirMovedEvent,
]


class _Changes(watchdog.events.FileSystemEventHandler):
    """Tells the server which files changed under a watched folder, or that one file did."""

    def __init__(self, server: LiveServer, only: str | None):
        self.server, self.only = server, only

    def on_any_event(self, event: watchdog.events.FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # a file read: nothing changed
        if event.is_directory and event.event_type == "modified":
            return  # a folder's times: what changed in it has an event of its own
        paths = [os.fsdecode(p) for p in (event.src_path, event.dest_path) if p]
        if self.only is not None:
            paths = [p for p in paths if p == self.only]
        if paths:
            self.server.changed(paths)


def is_page(path: str) -> bool:
    """Whether a request path asks for a page (``/``, ``/events/x/``, ``…/index.html``, ``/about``)
    rather than an asset such as a stylesheet, a feed or the search index."""
    if path.endswith("/"):
        return True
    name = posixpath.basename(path)
    return name.endswith((".html", ".htm")) or "." not in name
