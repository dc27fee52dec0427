"""Live preview: build the site, serve it, rebuild when an entry, page or template changes.

The build is the same pipeline as ``build`` (feeds and data included), run into a private
folder; MkDocs' LiveReloadServer serves that folder, watches the sources, and reloads open
browser tabs after each successful rebuild. A failed rebuild keeps the last good site.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import click
from mkdocs.livereload import LiveReloadServer

from generator.build import build_site
from generator.config import load_config
from generator.errors import ConfigError, ValidationFailed
from generator.render import TEMPLATES_DIR

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


def serve(
    entries_dir: Path | None = None,
    config_path: Path | None = None,
    dev_addr: str = DEFAULT_ADDR,
    *,
    open_browser: bool = False,
) -> None:
    """Serve a preview at ``dev_addr`` until interrupted (Ctrl+C)."""
    config = load_config(config_path)
    entries_dir = entries_dir or config.root / "entries"
    host, port = parse_addr(dev_addr)
    url = f"http://{host}:{port}/"
    scratch = Path(tempfile.mkdtemp(prefix="rednote-record-serve-"))
    site_dir = scratch / "site"

    def builder() -> None:
        try:
            build_site(entries_dir, site_dir, config.path, site_url=url)
        except ValidationFailed as exc:
            for problem in exc.problems:
                log.error("%s", problem)
            log.error(
                "%s; the preview keeps the last good build until they are fixed",
                exc.format_message(),
            )
        except click.ClickException as exc:
            log.error("%s; the preview keeps the last good build", exc.format_message())

    try:
        builder()
        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir))

        def error_page(code: int) -> bytes | None:
            page = site_dir / f"{code}.html"
            return page.read_bytes() if code == 404 and page.is_file() else None

        server.error_handler = error_page
        docs_dir = config.root / str(config.raw.get("docs_dir") or "docs")
        for path in watched_paths(entries_dir, config.path, docs_dir):
            server.watch(str(path))
        try:
            server.serve(open_in_browser=open_browser)
        except KeyboardInterrupt:
            log.info("Stopping the preview")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
