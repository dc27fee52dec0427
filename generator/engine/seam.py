"""What the build asks of the site engine (MkDocs 1.6 and Material): the rest of the
generator reaches MkDocs only through these functions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mkdocs.config
import mkdocs.exceptions
from pymdownx.snippets import SnippetMissingError

from generator import COMMAND, NAME, __version__
from generator.core.errors import BuildError
from generator.core.problems import display_path
from generator.engine import choice, stepwise
from generator.engine.plugin import RecordPlugin, link_problem

# The generator's theme: overrides of Material's templates and the assets they load. It ships
# in the package, and is found here, never through a path in mkdocs.yml.
THEME = Path(__file__).resolve().parent.parent / "templates" / "theme"
ASSETS_CSS = ("assets/palette.css", "assets/record.css")
ASSETS_JS = ("assets/record.js", "assets/record-search.js")
# A site in several languages has this too (the language switch): engine.plugin adds it.
INTERFACES_CSS = "assets/record-interfaces.css"
# What the generated pages are written with: anchors ({#2016}), tables, notes.
EXTENSIONS = ("admonition", "attr_list", "tables", "toc")


@dataclass
class Setup:
    """The engine's configuration for one build, and the folders the build checks."""

    native: Any  # MkDocs' own configuration, handed back to ``build``
    docs_dir: Path
    theme_dir: Path | None  # the knowledge base's own overrides (custom_dir), if any


@dataclass(frozen=True)
class Interface:
    """One language of a site built in several: where its pages are and how to reach the others."""

    language: str  # BCP 47, as Material names its translations: "en", "zh"
    docs_dir: Path | None  # its hand-written pages; None for the first interface (docs_dir)
    # The other interfaces: [{lang, name, root (relative, "zh/" or "../"), url (absolute)}]
    others: list[dict[str, str]]
    url: str  # this interface's absolute root, for hreflang
    default_url: str  # the first interface's (hreflang's x-default)
    # Sources of this interface's pages with no counterpart in the others (no switch there).
    alone: frozenset[str] = frozenset()
    exclude_docs: str | None = None  # MkDocs' exclude_docs, leaving out the others' pages
    nav_title: Any = None  # a nav entry's title → this interface's (a gettext)


@dataclass(frozen=True)
class BuiltPage:
    """A page the engine wrote: its output path in the site and its anchor ids."""

    dest: str
    anchors: frozenset[str]
    url: str  # its address, relative to the site's ("events/x/"; "./" for the home page)


def configure(
    config_file: Path,
    site_dir: Path,
    site_url: str | None,
    not_in_nav: str | None,
    *,
    font_given: bool = False,
    search_languages: str = "",
    interface: Interface | None = None,
) -> Setup:
    """Read ``config_file`` for a strict build into ``site_dir``; ``not_in_nav``, if given,
    replaces its ``not_in_nav`` patterns. Raises BuildError naming the file.

    Whatever the file says, the build uses the generator's theme (under the knowledge base's
    own ``custom_dir``, which may override it), its assets, the Markdown extensions its pages
    need, Pagefind rather than MkDocs' search, and system fonts unless ``font_given``. The
    header's search names ``search_languages`` ("English or Chinese"), if any. A site in
    several languages is configured once per ``interface``."""
    overrides: dict[str, Any] = {"site_dir": str(site_dir), "strict": True}
    if interface and interface.docs_dir:
        overrides["docs_dir"] = str(interface.docs_dir)
    if interface and interface.exclude_docs is not None:
        overrides["exclude_docs"] = interface.exclude_docs
    if not_in_nav is not None:
        overrides["not_in_nav"] = not_in_nav
    if site_url:
        overrides["site_url"] = site_url
    errors = _Errors()
    logging.getLogger("mkdocs.config").addHandler(errors)
    try:
        with quiet_loggers():
            native = mkdocs.config.load_config(config_file=str(config_file), **overrides)
    except mkdocs.exceptions.ConfigurationError as exc:
        raise BuildError(f"{display_path(config_file)}: {exc}") from None
    except mkdocs.exceptions.Abort:  # the reasons were logged, one per wrong setting
        raise BuildError(f"{display_path(config_file)}: {'; '.join(errors.messages)}") from None
    finally:
        logging.getLogger("mkdocs.config").removeHandler(errors)
    theme_dir = native.theme.custom_dir
    _add_generator_needs(native, font_given)
    if interface:
        _set_interface(native, interface)
    native.extra["search_languages"] = search_languages
    native.extra["built_with"] = f"{NAME} {__version__}"  # the footer says what built the site
    return Setup(native, Path(native.docs_dir), Path(theme_dir) if theme_dir else None)


def _set_interface(native: Any, interface: Interface) -> None:
    """The theme's language, the navigation's titles, and the links to the other languages."""
    if interface.docs_dir:  # not the first: Material's words, the nav's and the palette's
        native.theme["language"] = interface.language
        native.nav = _nav_titles(native.nav, interface.nav_title)
        palette = native.theme.get("palette")
        for scheme in palette if isinstance(palette, list) else []:
            toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
            if isinstance(toggle, dict) and isinstance(toggle.get("name"), str):
                toggle["name"] = interface.nav_title(toggle["name"])
    native.extra_css.append(INTERFACES_CSS)
    native.extra["interface"] = {
        "language": interface.language,
        "url": interface.url,
        "default_url": interface.default_url,
        # From this interface's root to the first's (search's bundle is there): "" or "../".
        "first_root": "" if interface.docs_dir is None else "../",
        "others": interface.others,
        "alone": sorted(interface.alone),
    }


def _nav_titles(nav: Any, title: Any) -> Any:
    """The nav with each entry's title as ``title`` gives it."""
    if isinstance(nav, list):
        return [_nav_titles(item, title) for item in nav]
    if isinstance(nav, dict):
        return {
            title(k) if isinstance(k, str) else k: _nav_titles(v, title) for k, v in nav.items()
        }
    return nav


def theme_values(setup: Setup, **values: Any) -> None:
    """Give the theme's templates values they read as ``config.extra.<name>``."""
    setup.native.extra.update(values)


class _Errors(logging.Handler):
    """Keeps the errors MkDocs logs while it reads its configuration."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _add_generator_needs(native: Any, font_given: bool) -> None:
    theme = native.theme
    dirs = theme.dirs
    if str(THEME) not in dirs:
        dirs.insert(1 if theme.custom_dir else 0, str(THEME))
    if not font_given:
        theme["font"] = False  # no request to Google Fonts
    # The generator writes the sitemap, dating each page by its entries (publish/sitemap.py):
    # the engine's would date every page by the day of the build.
    theme.static_templates.discard("sitemap.xml")
    for listed, assets in ((native.extra_css, ASSETS_CSS), (native.extra_javascript, ASSETS_JS)):
        present = {str(a) for a in listed}
        listed.extend(a for a in assets if a not in present)
    for name in EXTENSIONS:
        if name not in native.markdown_extensions:
            native.markdown_extensions.append(name)
    if "permalink" not in native.mdx_configs.get("toc", {}):
        native.mdx_configs.setdefault("toc", {})["permalink"] = True
    plugins = native.plugins
    for name in ("search", "material/search"):  # MkDocs adds it when mkdocs.yml names none
        plugin = plugins.pop(name, None)
        if plugin is not None:
            for methods in plugins.events.values():
                methods[:] = [m for m in methods if getattr(m, "__self__", None) is not plugin]


class Built(dict[str, BuiltPage]):
    """Every page a build wrote, by source, and the engine's structures after it (``rebuild``)."""

    def __init__(self, pages: dict[str, BuiltPage], live: stepwise.Live, plugin: RecordPlugin):
        super().__init__(pages)
        self.live, self.plugin = live, plugin

    def addresses(self) -> dict[str, str]:
        """Each page's address, by source (relative to the site's: "events/x/")."""
        return {src: page.url for src, page in self.items()}


def build(
    setup: Setup,
    *,
    pages: dict[str, str],
    links: dict[str, list[tuple[str, str]]],
    reuse: dict[str, tuple[str, frozenset[str]]],
    place: Callable[[str, str], None],
    bytecode_cache: Any,
    jobs: int,
    done: Callable[[int], None],
) -> Built:
    """Build the site: the hand-written pages and ``pages`` (source → Markdown); the pages in
    ``reuse`` (source → kept file, anchor ids) are put in place by ``place(kept, dest)``.
    Returns every page written, by source; raises BuildError when the engine fails."""
    mk = setup.native
    plugin = mk.plugins[COMMAND] = RecordPlugin(pages, links, reuse, bytecode_cache)
    mk.plugins.on_startup(command="build", dirty=False)
    try:
        with quiet_loggers():
            live = stepwise.run(mk, jobs=jobs, done=done, reuse=reuse, place=place)
    except mkdocs.exceptions.Abort as exc:
        # The warnings that caused it were logged just before (broken links, missing pages).
        raise BuildError(f"{choice.LABEL}: {exc.message}") from None
    except mkdocs.exceptions.MkDocsException as exc:
        raise BuildError(f"{choice.LABEL}: {exc}") from None
    except SnippetMissingError as exc:  # a hand-written page includes a file that is not there
        raise BuildError(
            f"{exc}: a page under docs/ includes it with --8<--; restore the file, or remove "
            "the line that includes it"
        ) from None
    finally:
        mk.plugins.on_shutdown()
    plugin.pages, plugin.links = {}, {}  # what a rebuild needs it is given again
    for src in pages:  # nor is a written page's Markdown kept with its file (Live.rebuild)
        if (file := live.files.get_file_from_path(src)) is not None:
            file.content_string = ""
    built = {
        f.src_uri: BuiltPage(
            f.dest_uri,
            frozenset(f.page.present_anchor_ids or ()) if f.page else frozenset(),
            f.url,
        )
        for f in live.files.documentation_pages()
    }
    return Built(built, live, plugin)


def rebuild(
    built: Built,
    pages: dict[str, str],
    links: dict[str, list[tuple[str, str]]],
    site: Path,
    linked: Callable[[str], set[str]],
) -> dict[str, str] | None:
    """Build some pages of ``built`` again (source → their new Markdown; ``links``: their
    HTML links), each into a file beside its output in ``site``: returns those files by
    source, to be renamed over the outputs, or None when only a whole build can show the
    change (``stepwise.Live.rebuild``; ``linked``: see there). Raises BuildError as ``build``
    does."""
    plugin = built.plugin
    plugin.pages = pages
    try:
        with quiet_loggers():
            written = built.live.rebuild(pages, str(site), linked)
    except mkdocs.exceptions.MkDocsException as exc:
        raise BuildError(f"{choice.LABEL}: {exc}") from None
    finally:
        plugin.pages = {}
    if written is not None and any(
        link_problem(built.live.files, to_src, anchor)
        for page_links in links.values()
        for to_src, anchor in page_links
    ):
        for path in written.values():
            Path(path).unlink(missing_ok=True)
        return None
    return written


@contextmanager
def quiet_loggers() -> Iterator[None]:
    """Keep MkDocs' per-step INFO lines and the Pagefind service's chatter out of the output."""
    verbose = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    saved = {}
    for name in dict.fromkeys(("mkdocs", choice.LOGGER, "pagefind")):
        logger = logging.getLogger(name)
        saved[name] = logger.level
        if not verbose:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
