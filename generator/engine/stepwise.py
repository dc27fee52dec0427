"""MkDocs' build, step by step, with the theme run over the pages on every core."""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from generator.core import parallel
from generator.engine import choice

log = logging.getLogger(f"{choice.LOGGER}.commands.build")


# What the build keeps of a page read in a worker: its anchors, and the anchors it links to
# by source (``Page.links_to_anchors``, whose keys are files: the worker's are copies).
_Read = tuple[set[str] | None, dict[str, dict[str, str]] | None]


class _Theme:
    """What a worker needs to read a page not in the navigation and put it through the theme,
    set before the workers fork."""

    def __init__(self, config: Any, files: Files, doc_files: Any, nav: Any, env: Any):
        self.config, self.files, self.doc_files = config, files, doc_files
        self.nav, self.env = nav, env

    def __call__(self, item: tuple[File, bool]) -> _Read:
        file, read = item
        page = file.page
        assert page is not None
        if read:
            mkdocs_build._populate_page(page, self.config, self.files, False)
        mkdocs_build._build_page(
            page, self.config, self.doc_files, self.nav, self.env, False, excluded=False
        )
        # Written: nothing reads this copy's text again. A worker held the HTML, Markdown and
        # front matter of every page it built, 190-280 MB each by 10,000 pages.
        page.content = page.markdown = None
        page.__dict__.pop("render", None)  # the plugin's converted page (engine.plugin)
        if not read:  # in the navigation: the theme shows it on other pages
            return None, None
        page.meta = {}
        linked = page.links_to_anchors
        by_src = {f.src_uri: dict(a) for f, a in linked.items()} if linked is not None else None
        return page.present_anchor_ids, by_src


def _add_files_from_theme(files: Files, config: Any) -> None:
    """``Files.add_files_from_theme``, without listing what it then leaves out.

    MkDocs lists every file of the theme folders (Jinja's ``list_templates``), about 14,000
    for Material, whose ``.icons`` folder is SVG icons, then drops the hidden ones with the
    patterns below (0.3 s a build). Here hidden folders are not entered; the rest is MkDocs'
    filter and order, so the same files are added.
    """
    patterns = [".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml"]
    patterns.append("locales/*")
    patterns.extend(f"*{x}" for x in utils.markdown_extensions)
    patterns.extend(config.theme.static_templates)
    names: set[str] = set()
    for root in config.theme.dirs:
        for folder, dirs, filenames in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = os.path.relpath(folder, root)
            for name in filenames:
                path = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
                if not any(fnmatch.fnmatch(path.lower(), p) for p in patterns):
                    names.add(path)
    for path in sorted(names):
        if files.get_file_from_path(path) is None:
            for folder in config.theme.dirs:
                if os.path.isfile(os.path.join(folder, path)):
                    files.append(File(path, folder, config.site_dir, config.use_directory_urls))
                    break


def run(
    config: Any,
    *,
    jobs: int,
    done: Callable[[int], None] | None = None,
    reuse: Mapping[str, tuple[str, frozenset[str]]] | None = None,
    place: Callable[[str, str], None] | None = None,
) -> Live:
    """Build the site MkDocs' way into ``config.site_dir``; ``done(n)`` as pages are written.

    ``reuse`` maps the sources of pages an earlier build made, unchanged since, to that
    build's output and the page's anchor ids: those pages are neither read nor rendered, and
    their output is put into the new site by ``place(kept, dest)``. Returns MkDocs' files and
    structures, with which some of the pages can be built again (``Live.rebuild``).
    """
    reuse = reuse or {}
    logger = logging.getLogger(choice.LOGGER)
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)

        files = get_files(config)
        env = config.theme.get_env()
        _add_files_from_theme(files, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)

        # The pages in the navigation are read here: every page shows their titles. The others
        # are read where they are put through the theme, on every core.
        in_nav = {id(page) for page in nav.pages}
        later: set[str] = set()
        for file in files.documentation_pages(inclusion=inclusion):
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            assert file.page is not None
            if file.src_uri in reuse:  # for the anchor checks: the page itself is not needed
                file.page.present_anchor_ids = set(reuse[file.src_uri][1])
            elif id(file.page) in in_nav:
                mkdocs_build._populate_page(file.page, config, files, False)
            else:
                later.add(file.src_uri)

        log.debug("Read the pages in the navigation in %.1f s", time.monotonic() - start)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=False, inclusion=inclusion)
        for template in config.theme.static_templates:
            mkdocs_build._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mkdocs_build._build_extra_template(template, files, config, nav)

        doc_files = files.documentation_pages(inclusion=inclusion)
        todo = [f for f in doc_files if f.src_uri not in reuse]
        for file in doc_files:
            if file.src_uri in reuse:
                assert place is not None
                place(reuse[file.src_uri][0], file.abs_dest_path)
        counters = [warning_counter] if config.strict else []
        theme = _Theme(config, files, doc_files, nav, env)
        themed = time.monotonic()
        work = [(file, file.src_uri in later) for file in todo]
        read = parallel.map_ordered(theme, work, jobs=jobs, done=done, counters=counters)
        for file, (anchors, linked) in zip(todo, read, strict=True):
            if file.src_uri in later:
                assert file.page is not None
                file.page.present_anchor_ids = anchors
                file.page.links_to_anchors = (
                    None if linked is None else {files.src_uris[s]: a for s, a in linked.items()}
                )
        log.debug("Read the other pages and built them all in %.1f s", time.monotonic() - themed)

        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)

        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
        return Live(config, files, nav, env, doc_files)
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(warning_counter)


class Live:
    """MkDocs' files, navigation and theme after a build: what building a few of its pages
    again needs, kept by a preview between saves."""

    def __init__(self, config: Any, files: Files, nav: Any, env: Any, doc_files: Any):
        self.config, self.files, self.nav, self.env = config, files, nav, env
        self.doc_files = doc_files
        for file in doc_files:  # each page's HTML is in the site; only its anchors are needed
            if file.page is not None:
                file.page.content = None
                file.page.markdown = None
                file.page.__dict__.pop("render", None)

    def rebuild(
        self, pages: Mapping[str, str], site: str, linked: Callable[[str], set[str]]
    ) -> dict[str, str] | None:
        """Read and render ``pages`` (source → new Markdown, or the content of another file)
        again, and write each beside its output under ``site``, the folder the site is now
        in: returns each source's new file (to be renamed over its output), or None when the
        change reaches beyond these pages (a page gone or new, anchors or a title in the
        navigation changed, a link broken, a warning), which only a whole build handles.
        ``linked(src)``: the anchors of the page ``src`` that generated pages link to."""
        written: dict[str, str] = {}
        warnings = utils.CountHandler()
        warnings.setLevel(logging.WARNING)
        logger = logging.getLogger(choice.LOGGER)
        logger.addHandler(warnings)
        done = False
        try:
            for src, text in pages.items():
                if not self._rebuild_one(src, text, site, written, linked):
                    return None
            done = not warnings.get_counts()
            return written if done else None
        finally:
            logger.removeHandler(warnings)
            if not done:
                for out in written.values():
                    with contextlib.suppress(OSError):
                        os.unlink(out)

    def _rebuild_one(
        self,
        src: str,
        text: str,
        site: str,
        written: dict[str, str],
        linked: Callable[[str], set[str]],
    ) -> bool:
        config, files = self.config, self.files
        file = files.get_file_from_path(src)
        if file is None:
            return False
        out = os.path.join(site, file.dest_uri) + ".new"
        written[src] = out
        if not src.endswith(".md"):
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
            return True
        page = file.page
        if page is None:
            return False
        anchors = set(page.present_anchor_ids or ())
        in_nav = file.inclusion.is_in_nav()
        title = page.title if in_nav else None
        file.content_string = text
        page.__dict__.pop("render", None)  # an earlier read's (engine.plugin)
        mkdocs_build._populate_page(page, config, files, False)
        if in_nav and page.title != title:
            return False
        if gone := anchors - set(page.present_anchor_ids or ()):  # a heading's text changed
            if gone & linked(src) or any(
                gone & set(other.page.links_to_anchors.get(file, ()))
                for other in self.doc_files
                if other.page is not None and other.page.links_to_anchors
            ):
                return False
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        file.abs_dest_path = out
        try:
            mkdocs_build._build_page(
                page, config, self.doc_files, self.nav, self.env, False, excluded=False
            )
        finally:
            del file.abs_dest_path  # MkDocs' own again, in the folder it built into
            page.content = page.markdown = None
        return True
