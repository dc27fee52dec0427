"""The sitemaps: every page with the day what it shows last changed, and the feeds' own."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from generator.core.config import SiteConfig
from generator.format import urls
from generator.format.corpus import Corpus
from generator.publish import feeds
from generator.site.render import make_environment

log = logging.getLogger(__name__)

SITEMAP = "sitemap.xml"
URLS_MAX = 50_000  # in one sitemap (sitemaps.org); a bigger site's sitemap.xml is an index


@dataclass(frozen=True)
class Location:
    """One ``<url>`` of a sitemap: an absolute address, and the day its content last changed."""

    loc: str
    lastmod: date | None
    # The same page in each language of a site in several: (BCP 47, absolute address).
    alternates: tuple[tuple[str, str], ...] = ()


def page_locations(
    pages: Mapping[str, str],
    dates: Mapping[str, date],
    base: str,
    alternates: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
) -> list[Location]:
    """Every page (source → its address relative to ``base``), dated by ``dates`` (source →
    day; ``structure.page_dates``), in the order of their addresses, with its ``alternates``
    (source → its addresses in each language) if any."""
    alternates = alternates or {}
    found = [
        Location(urls.absolute(base, url), dates.get(src), alternates.get(src, ()))
        for src, url in pages.items()
    ]
    return sorted(found, key=lambda location: location.loc)


def feed_locations(corpus: Corpus, config: SiteConfig) -> dict[str, list[Location]]:
    """The feed files of each folder of feeds (``feeds``, ``feeds/tags``, relative to the
    interface's root), each dated by the newest entry its feed follows, in the order of their
    addresses."""
    base = config.require_site_url()  # the feeds' paths start with the interface's root
    root = config.interface_root()
    folders: dict[str, list[Location]] = {}
    for feed in feeds.catalogue(corpus, config):
        for _, rel in feeds.feed_files(feed):
            folder = rel.rpartition("/")[0].removeprefix(root)
            folders.setdefault(folder, []).append(Location(base + rel, feed.updated))
    return {folder: sorted(found, key=lambda x: x.loc) for folder, found in sorted(folders.items())}


def render_sitemap(
    locations: list[Location], env: jinja2.Environment, template: str = "sitemap.xml.j2"
) -> bytes:
    """A sitemap (or with ``template``, an index) of ``locations``: 1 to URLS_MAX of them."""
    if not 0 < len(locations) <= URLS_MAX:
        raise ValueError(f"a sitemap lists 1 to {URLS_MAX:,} addresses, not {len(locations):,}")
    return env.get_template(template).render(locations=locations).encode("utf-8")


def _sitemaps(
    folder: str, locations: list[Location], base: str, env: jinja2.Environment
) -> dict[str, bytes]:
    """``<folder>/sitemap.xml`` of ``locations`` (``folder``: "" for the site's own); beyond
    URLS_MAX of them, an index of ``<folder>/sitemap-<n>.xml``, which list them."""
    prefix = f"{folder}/" if folder else ""
    if len(locations) <= URLS_MAX:
        return {prefix + SITEMAP: render_sitemap(locations, env)}
    files, parts = {}, []
    for start in range(0, len(locations), URLS_MAX):
        chunk = locations[start : start + URLS_MAX]
        rel = f"{prefix}sitemap-{start // URLS_MAX + 1}.xml"
        files[rel] = render_sitemap(chunk, env)
        newest = max((x.lastmod for x in chunk if x.lastmod), default=None)
        parts.append(Location(base + rel, newest))
    return {prefix + SITEMAP: render_sitemap(parts, env, "sitemap-index.xml.j2"), **files}


def build_sitemaps(
    corpus: Corpus,
    config: SiteConfig,
    pages: Mapping[str, str],
    dates: Mapping[str, date],
    env: jinja2.Environment | None = None,
    alternates: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
) -> dict[str, bytes]:
    """Every sitemap file, keyed by path relative to the interface's root: the interface's
    (``sitemap.xml``, and gzipped) of ``pages`` (source → address relative to that root)
    dated by ``dates``, each with its ``alternates``, and one in each folder of feeds.

    The feeds' are for Material: its JavaScript takes every ``<link rel="alternate">`` for a
    language version of the site and fetches the sitemap.xml beside it, which would be a 404
    on every page (a tag's page links its own feed, in feeds/tags/). A sitemap may list only
    addresses in its own folder and below, so each lists the feed files of its folder.
    """
    env = env or make_environment()
    base = config.require_site_url() + config.interface_root()
    files = _sitemaps("", page_locations(pages, dates, base, alternates), base, env)
    files[f"{SITEMAP}.gz"] = gzip.compress(files[SITEMAP], mtime=0)  # as MkDocs writes it
    for folder, locations in feed_locations(corpus, config).items():
        files.update(_sitemaps(folder, locations, base, env))
    return files


def write_sitemaps(
    corpus: Corpus,
    config: SiteConfig,
    site_dir: Path,
    pages: Mapping[str, str],
    dates: Mapping[str, date],
    env: jinja2.Environment | None = None,
    alternates: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
) -> None:
    """Write every sitemap (``build_sitemaps``) under ``site_dir``, the interface's root."""
    files = build_sitemaps(corpus, config, pages, dates, env, alternates)
    for rel, content in files.items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    log.info("wrote %d sitemap files for %d pages", len(files), len(pages))
