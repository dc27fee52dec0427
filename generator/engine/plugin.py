"""The generator's MkDocs plugin: the generated pages, handed to MkDocs in memory."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from generator.core.errors import BuildError
from generator.core.problems import display_path
from generator.engine import html_pages
from generator.engine.pagecheck import front_matter_problem
from generator.format.kinds import TEMPLATES_DIR
from generator.site.langmark import mark_chinese
from generator.site.render import install_gettext

THEME = TEMPLATES_DIR / "theme"  # the generator's overrides of the theme's templates
# Under this prefix, a template as the theme dirs after the generator's own have it: what an
# override of the generator's extends or includes (partials/nav.html).
BELOW = "record-below"


class RecordPlugin(BasePlugin):
    """Hands MkDocs the generated pages (in memory, never written into docs/) and counts pages."""

    def __init__(
        self,
        pages: dict[str, str],
        links: dict[str, list[tuple[str, str]]],
        reused: dict[str, tuple[str, frozenset[str]]],
        bytecode_cache: Any = None,
    ):
        super().__init__()
        self.pages = pages
        self.links = links
        self.reused = reused
        self.bytecode_cache = bytecode_cache
        self.files: Files | None = None
        self.nav_memo = NavMemo()

    def on_files(self, files: Files, *, config: Any) -> Files:
        if config.extra.get("interface"):  # a site in several languages: the switch's style
            css = (TEMPLATES_DIR / "interfaces.css").read_text(encoding="utf-8")
            files.append(File.generated(config, "assets/record-interfaces.css", content=css))
        for src, text in self.pages.items():
            files.append(File.generated(config, src, content=text))
        for src, (kept, _) in self.reused.items():
            # A reused page is neither read nor rendered (engine.build); a reused data file
            # (the timeline's JSON) is copied from the cache like any static file.
            if src.endswith(".md"):
                files.append(File.generated(config, src, content=""))
            else:
                files.append(File.generated(config, src, abs_src_path=str(kept)))
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        # MkDocs has parsed the front matter by now, and would swallow a parse error: the
        # page's own text is read again and held to what MkDocs made of it.
        src = page.file.src_uri
        page.__dict__.pop("render", None)  # a rebuild reads the page again
        self.nav_memo.read(page)
        generated = src in self.pages
        source = self.pages[src] if generated else page.file.content_string
        name = src if generated else display_path(Path(page.file.abs_src_path))
        problem = front_matter_problem(name, source, page.meta, markdown, generated=generated)
        if problem:
            raise BuildError(problem)
        if generated and (converted := html_pages.convert(markdown)) is not None:
            page.render = functools.partial(_render_converted, page, converted)
        return markdown

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        # Chinese inside English (a name, a quoted term), on every page the theme writes: in
        # the Chinese interface, inside its English (an entry shown in English).
        return mark_chinese(output)

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        self.files = files  # for on_post_build
        if self.bytecode_cache is not None:  # the theme's templates, compiled once
            env.bytecode_cache = self.bytecode_cache
        # The theme's own words (partials/header.html) in the interface's language.
        env.add_extension("jinja2.ext.i18n")
        install_gettext(env)
        dirs = [str(d) for d in config.theme.dirs]
        below = dirs[dirs.index(str(THEME)) + 1 :] if str(THEME) in dirs else dirs
        env.loader = jinja2.ChoiceLoader(
            [env.loader, jinja2.PrefixLoader({BELOW: jinja2.FileSystemLoader(below)})]
        )
        self.nav_memo = NavMemo()
        env.globals["record_nav"] = self.nav_memo
        return env

    def on_post_build(self, *, config: Any) -> None:
        # Every page has been read and converted by now (most of them in the workers that put
        # them through the theme: engine.stepwise), so every anchor is known.
        assert self.files is not None
        for src, links in self.links.items():
            for to_src, anchor in links:
                problem = link_problem(self.files, to_src, anchor)
                if problem:
                    raise BuildError(f"the generated page {src} links to {problem}")


def link_problem(files: Files, to_src: str, anchor: str) -> str | None:
    """What is wrong with a generated HTML link (MkDocs checks only Markdown links), or None."""
    target = files.src_uris.get(to_src)  # sources are POSIX paths already
    if target is None:
        return f"{to_src}, which is not a page of the site"
    if anchor and target.page is not None and anchor not in (target.page.present_anchor_ids or ()):
        return f"{to_src}#{anchor}, which has no such anchor"
    return None


def _render_converted(page: Any, converted: html_pages.Converted, config: Any, files: Any) -> None:
    """Page.render for a page that generator.engine.html_pages converted: what MkDocs' would set."""
    page.content = converted.content
    page.toc = get_toc(converted.toc_tokens)
    page._title_from_render = converted.title
    page.present_anchor_ids = converted.anchor_ids
    page.links_to_anchors = {}  # no Markdown links: the page is headings and HTML


class NavMemo:
    """Material's navigation as written for pages outside it, kept by the addresses its links
    have from the page (partials/nav.html): at 10,000 entries the theme wrote it 20,000 times
    over, 6.5% of a cold build, for a few folders' worth of different ones."""

    def __init__(self) -> None:
        self._nav: Any = None
        self._in_nav: frozenset[int] = frozenset()
        self._targets: list[str] = []
        self._kept: dict[str, str] = {}

    def targets(self, nav: Any, page: Any) -> list[str] | None:
        """Every address the navigation links to (but the home page), or None when ``page``
        is in the navigation, which then marks it as the current page."""
        if nav is None or page is None:
            return None
        if nav is not self._nav:
            self._nav, self._kept = nav, {}
            self._in_nav = frozenset(id(p) for p in nav.pages)
            self._targets = list(_addresses(nav.items))
        return None if id(page) in self._in_nav else self._targets

    def kept(self, key: str) -> str | None:
        return self._kept.get(key)

    def keep(self, key: str, html: str) -> str:
        self._kept[key] = html
        return html

    def read(self, page: Any) -> None:
        """``page`` is read (again): if the navigation shows it, what was kept may be stale."""
        if self._nav is not None and id(page) in self._in_nav:
            self._kept = {}


def _addresses(items: Any) -> Iterator[str]:
    for item in items:
        if getattr(item, "is_section", False):
            yield from _addresses(item.children)
        else:  # a page or a link
            yield item.url
