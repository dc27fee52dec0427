"""Live preview: build the site, serve it, rebuild when an entry, page or template changes."""

from __future__ import annotations

import logging
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator import COMMAND
from generator.build.session import Session
from generator.core import i18n
from generator.core.config import load_config
from generator.core.errors import ConfigError
from generator.engine.preview import LiveServer
from generator.site.render import TEMPLATES_DIR
from generator.tools.serve_errors import BuildFailure, attempt, error_page

log = logging.getLogger(__name__)

DEFAULT_ADDR = "127.0.0.1:8000"


def parse_addr(addr: str) -> tuple[str, int]:
    """``HOST:PORT`` → (host, port); raises ConfigError with the expected shape."""
    host, sep, port = addr.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--dev-addr {addr!r} is not HOST:PORT (for example {DEFAULT_ADDR})")
    return host.strip("[]"), int(port)


def watched_paths(entries_dir: Path, config_path: Path, docs_dir: Path) -> list[Path]:
    """Everything a page depends on: entries, hand-written pages, templates and the
    interface's catalogues, the config."""
    paths = [entries_dir, docs_dir, TEMPLATES_DIR, i18n.LOCALE_DIR, config_path]
    snippets = config_path.parent / "CONTRIBUTING.md"  # included by docs/contributing.md
    if snippets.is_file():
        paths.append(snippets)
    return [p for p in paths if p.exists()]


class PreviewServer(LiveServer):
    """The preview's server: while the last build failed, every page request gets the error
    page listing its problems (``serve_errors``).

    ``build(paths)`` builds after ``paths`` changed (None: the first build). The files
    changed since the last build that succeeded are all given: a save that failed may have
    been a template's, which the next build must still see."""

    def __init__(
        self, build: Callable[[set[str] | None], object], host: str, port: int, root: Path
    ):
        self.run_build = build
        self.failure: BuildFailure | None = None
        self.pending: set[str] | None = None  # None until the first build has succeeded
        super().__init__(self.rebuild, self._error_page, host, port, root)

    def rebuild(self) -> None:
        changes = self.changes()
        pending = None if self.pending is None else self.pending | changes
        self.failure = attempt(lambda: self.run_build(pending))
        if self.failure is None:
            self.pending = set()
        elif pending is not None:
            self.pending = pending

    def _error_page(self, path: str) -> bytes | None:
        failure = self.failure
        return error_page(failure, path) if failure is not None else None


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """``kill`` stops the preview as Ctrl+C does (exit 143): its site folder is removed.
    A build in progress handles SIGTERM itself (``publish.sigterm``), the same way."""
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


def check_free(host: str, port: int) -> None:
    """ConfigError when nothing can listen at ``host``:``port`` (another preview holds it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot serve on http://{host}:{port}/: {exc.strerror or exc}; stop what "
                "uses it, or choose another address with --dev-addr (make serve ADDR=…)"
            ) from None


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
    check_free(host, port)  # before the first build, which takes a while on a large record
    scratch = Path(tempfile.mkdtemp(prefix=f"{COMMAND}-serve-"))
    site_dir = scratch / "site"
    session: Session | None = None

    def build(changed: set[str] | None) -> None:
        nonlocal session
        if session is None:
            session = Session(entries_dir, site_dir, config.path, site_url=url, cache_dir=cache_dir)
        if changed is None:
            session.build()
        else:
            session.update([Path(p) for p in changed])

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
        if session is not None:
            session.close()
        shutil.rmtree(scratch, ignore_errors=True)
