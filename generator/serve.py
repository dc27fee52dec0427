"""Live preview: build the site, serve it, rebuild when an entry, page or template changes.

The build is the same pipeline as ``build`` (feeds and data included), run into a private
folder; MkDocs' LiveReloadServer serves that folder, watches the sources, and reloads open
browser tabs after each rebuild. A failed build is reported in the terminal and in the
browser: while it stands, every page of the preview is an error page listing the problems
(``generator.serve_errors``); the last good site stays in the folder, its assets still
served, and comes back with the next build that succeeds.
"""

from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.livereload import LiveReloadServer

from generator.build import build_site
from generator.config import load_config
from generator.errors import ConfigError
from generator.render import TEMPLATES_DIR
from generator.serve_errors import BuildFailure, attempt, error_page, is_page

log = logging.getLogger(__name__)

DEFAULT_ADDR = "127.0.0.1:8000"


def parse_addr(addr: str) -> tuple[str, int]:
    """``HOST:PORT`` → (host, port); raises ConfigError with the expected shape."""
    host, sep, port = addr.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--dev-addr {addr!r} is not HOST:PORT (for example {DEFAULT_ADDR})")
    return host.strip("[]"), int(port)


def watched_paths(entries_dir: Path, config_path: Path, docs_dir: Path) -> list[Path]:
    """Everything a page depends on: entries, hand-written pages, templates, the config."""
    paths = [entries_dir, docs_dir, TEMPLATES_DIR, config_path]
    snippets = config_path.parent / "CONTRIBUTING.md"  # included by docs/contributing.md
    if snippets.is_file():
        paths.append(snippets)
    return [p for p in paths if p.exists()]


class PreviewServer(LiveReloadServer):
    """MkDocs' LiveReloadServer (pinned, 1.6.1), which serves a page only once the build in
    progress is over and injects its reload script into every HTML page, plus: while the
    last build failed, every page request gets the error page (status 200, with that script).

    The builder never raises, so MkDocs' build loop publishes a new version after a failed
    build as after a good one: open tabs reload when an error appears, changes or is fixed.
    """

    def __init__(self, build: Callable[[], object], host: str, port: int, root: Path):
        self.run_build = build
        self.failure: BuildFailure | None = None
        try:
            super().__init__(builder=self.rebuild, host=host, port=port, root=str(root))
        except OSError as exc:  # no socket for this address (IPv6 off, say)
            raise ConfigError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        self.error_handler = self._not_found_page

    def rebuild(self) -> None:
        self.failure = attempt(self.run_build)

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
            epoch, failure = self._visible_epoch, self.failure
        if failure is None:
            return super()._serve_request(environ, start_response)
        content = self._inject_js_into_html(error_page(failure, path), epoch)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(content))),
            ("Cache-Control", "no-store"),
        ]
        start_response("200 OK", headers)
        return [content]


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """``kill`` stops the preview as Ctrl+C does (exit 143): its site folder is removed.
    A build in progress handles SIGTERM itself (``generator.sitedir_sigterm``), the same way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def serve(
    entries_dir: Path | None = None,
    config_path: Path | None = None,
    dev_addr: str = DEFAULT_ADDR,
    *,
    open_browser: bool = False,
    cache_dir: Path | None = None,
) -> None:
    """Serve a preview at ``dev_addr`` until interrupted (Ctrl+C); ``cache_dir``: see
    build.build_site."""
    config = load_config(config_path)
    entries_dir = entries_dir or config.root / "entries"
    host, port = parse_addr(dev_addr)
    url = f"http://{host}:{port}/"
    scratch = Path(tempfile.mkdtemp(prefix="rednote-record-serve-"))
    site_dir = scratch / "site"

    def build() -> None:
        build_site(entries_dir, site_dir, config.path, site_url=url, cache_dir=cache_dir)

    server: PreviewServer | None = None
    try:
        with _sigterm_stops():
            server = PreviewServer(build, host, port, site_dir)
            server.rebuild()
            docs_dir = config.root / str(config.raw.get("docs_dir") or "docs")
            for path in watched_paths(entries_dir, config.path, docs_dir):
                server.watch(str(path))
            server.serve(open_in_browser=open_browser)
    except KeyboardInterrupt:
        log.info("Stopping the preview")
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)
