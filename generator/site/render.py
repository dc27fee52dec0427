"""Render the site's pages (``structure.plan``) into Markdown through one Jinja2 environment."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import jinja2
from babel.lists import format_list
from markupsafe import Markup, escape

from generator.core import i18n, markup, parallel
from generator.core.config import SiteConfig
from generator.core.dates import PartialDate
from generator.core.errors import BuildError
from generator.core.i18n import N_
from generator.core.markup import (
    HAN_RE,
    escape_markdown,
    is_safe_url,
    plain_text,
    render_inline,
    render_markdown,
    strip_control_chars,
    yaml_quote,
)
from generator.core.paging import Page
from generator.format import kinds, urls
from generator.format.corpus import Corpus
from generator.format.kinds import TEMPLATES_DIR
from generator.format.model import Entry
from generator.site import cite, structure, structured

log = logging.getLogger(__name__)

DESCRIPTION_CHARS = 200


# --- filters ----------------------------------------------------------------------------------


# Python-Markdown only removes the backslash before these; markup.escape_markdown escapes more
# (" ' : ~ ^ = and, outside tables, |), which would then show as a literal backslash.
def _md(text: str | None) -> Markup:
    """Plain text → Markdown showing exactly that text (already HTML-safe)."""
    return Markup(escape_markdown(text))


def _front_matter_text(text: str | None) -> Markup:
    """Text for a front-matter value, which Material prints into HTML without escaping.

    HTML-escaped here (unless it is already Markup), then written as a YAML double-quoted
    string of printable ASCII, so that no character of entry text can end the value or the
    front matter (NEL, LS and PS end a line for YAML). The build checks that every page's
    front matter parses (engine.plugin.RecordPlugin). A carriage return, which
    strip_control_chars keeps for text that YAML has already normalised, becomes a space:
    the validator refuses it, and a page's description is one line.
    """
    text = strip_control_chars(str(escape(text or ""))).replace("\r", " ")
    return Markup(yaml_quote(text))


def _front_matter_data(value: Any) -> Markup:
    """Structured data (dicts, lists, text, numbers) for a front-matter value: YAML flow style
    on one line, every string as ``yaml_quote`` writes it. Not HTML-escaped: the theme prints
    it with ``tojson``, which escapes what would end a <script>."""
    if isinstance(value, dict):
        items = (f"{yaml_quote(str(k))}: {_front_matter_data(v)}" for k, v in value.items())
        return Markup("{" + ", ".join(items) + "}")
    if isinstance(value, (list, tuple)):
        return Markup("[" + ", ".join(_front_matter_data(v) for v in value) + "]")
    if isinstance(value, bool):
        return Markup("true" if value else "false")
    if isinstance(value, int):
        return Markup(str(value))
    return Markup(yaml_quote(strip_control_chars(str(value))))


def _description(text: str | None) -> str:
    """The first ~200 characters of entry Markdown as plain text, cut at a word."""
    plain = plain_text(text)
    if len(plain) <= DESCRIPTION_CHARS:
        return plain
    return plain[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def _paragraphs(text: str | None) -> list[list[str]]:
    """Verbatim text → paragraphs (split at blank lines) of lines, for quotes shown as written."""
    if not text:
        return []
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks]


def _is_chinese(text: str | None) -> bool:
    return bool(text and HAN_RE.search(text))


def _safe_href(url: str | None) -> str | None:
    """The URL if its scheme is http(s)/mailto (the validator checks too: belt and braces)."""
    return url if url and is_safe_url(url) else None


def _date_sort(d: PartialDate | None) -> str:
    """A string that sorts dates chronologically (the sortable tables compare text)."""
    if d is None:
        return ""
    return f"{d.start.isoformat()}-{d.PRECISIONS.index(d.precision)}"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and a noun: "1,234 tags"; in another interface the noun as its catalogue has it
    (``count`` is for messages marked as wholes)."""
    noun = singular if n == 1 else (plural or singular + "s")
    if i18n.is_english():
        return f"{n:,} {noun}"
    things = i18n.gettext(noun)
    return i18n.gettext("%(num)s %(things)s") % {"num": i18n.number(n), "things": things}


def _day(day: date) -> str:
    """A calendar day (when an entry was added): "2 February 2025", "2025年2月2日"."""
    if i18n.is_english():
        return f"{day.day} {day.strftime('%B %Y')}"
    return i18n.when(PartialDate.parse(day.isoformat()))


def _entry_when(entry: Entry) -> str:
    """An entry's date (an event's range) as a reader sees it, in the interface's language
    (``Dated.when`` and the kinds' own follow ``i18n``)."""
    return entry.when  # type: ignore[attr-defined, no-any-return]


def count(n: int, singular: str, plural: str) -> str:
    """``n`` things in the interface's language: ``count(n, "%(num)s list", "%(num)s lists")``
    (an ngettext the catalogue extracts: babel's keyword ``count:2,3``)."""
    return i18n.ngettext(singular, plural, n) % {"num": i18n.number(n)}


@jinja2.pass_context
def _md_link(ctx: jinja2.runtime.Context, to_src: str, anchor: str = "") -> str:
    return urls.md_link(ctx["page_src"], to_src, anchor)


@jinja2.pass_context
def _href(ctx: jinja2.runtime.Context, to_src: str, anchor: str = "") -> str:
    links = ctx.get("links_out")
    if links is not None:  # MkDocs does not check links in HTML: the build does (check_links)
        links.add((to_src, anchor))
    return urls.html_href(ctx["page_src"], to_src, anchor)


@jinja2.pass_context
def _cited(
    ctx: jinja2.runtime.Context, text: str | None, entry: Entry, inline: bool = False
) -> Markup:
    """Entry Markdown whose citation markers ([2]) link to the entry's numbered sources: on its
    page, or from another (``cite_base``: the page's absolute address, for a feed)."""
    base = ctx.get("cite_base")
    if base is None:
        src = urls.entry_src(entry)
        base = "" if ctx.get("page_src") == src else _href(ctx, src)
    titles = tuple(
        f"{s.title} ({s.publisher})" if s.publisher else s.title
        for s in getattr(entry, "sources", ())
    )
    return (render_inline if inline else render_markdown)(text, (base, titles))


@jinja2.pass_context
def _headline(ctx: jinja2.runtime.Context, entry: Entry) -> str:
    """How the entry is named where it is listed among others (a quote with its speaker)."""
    return entry.KIND.headline(entry, ctx["corpus"])


# How a page names a language tag (BCP 47); a tag not listed here is shown as written.
LANGUAGES = {"en": N_("English"), "zh": N_("Chinese"), "ja": N_("Japanese"), "ko": N_("Korean")}
SCRIPTS = {"Hans": N_("simplified characters"), "Hant": N_("traditional characters")}
REGIONS = {
    "CN": N_("mainland China"),
    "TW": N_("Taiwan"),
    "HK": N_("Hong Kong"),
    "US": N_("United States"),
}


def language_name(tag: str | None) -> str:
    """``zh-Hans`` → "Chinese (simplified characters)"; ``en-US`` → "English (United States)"."""
    if not tag:
        return ""
    language, *rest = tag.split("-")
    name = LANGUAGES.get(language.lower())
    if name is None:
        return tag
    details = [SCRIPTS.get(p.title()) or REGIONS.get(p.upper()) for p in rest]
    if not all(details):
        return tag
    name = i18n.gettext(name)
    if not details:
        return name
    said = i18n.gettext(details[0])  # type: ignore[arg-type]
    for detail in details[1:]:
        said = i18n.gettext("%(first)s, %(next)s") % {"first": said, "next": i18n.gettext(detail)}  # type: ignore[arg-type]
    return i18n.gettext("%(language)s (%(details)s)") % {"language": name, "details": said}


def languages_read(config: SiteConfig) -> str:
    """The entries' languages as the interface names them: "English or Chinese", "英语或中文"."""
    names = [i18n.language_name(code, i18n.current()) for code in config.languages]
    return words(dict.fromkeys(names), "or")


def words(items: Iterable[str], last: str = "and") -> str:
    """["events", "quotes", "lists"] → "events, quotes and lists" ("or": "… or lists"); in
    another interface as its language lists things: "事件、引语和审查清单"."""
    items = [str(item) for item in items]
    if not i18n.is_english() and len(items) > 1:
        style = "or" if last == "or" else "standard"
        return format_list(items, style=style, locale=i18n.locale(i18n.current()))
    return (
        f" {last} ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
    )


def make_environment(bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The one Jinja2 environment every page, partial, feed item and skeleton goes through
    (``bytecode_cache``: where compiled templates are kept between builds)."""
    roots = dict.fromkeys([TEMPLATES_DIR, *(k.templates for k in kinds.current())])
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(root) for root in roots]),
        # On for every template: HTML blocks are escaped by default, and Markdown text must go
        # through |md, which escapes Markdown syntax as well.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache,
        extensions=["jinja2.ext.i18n"],
    )
    install_gettext(env)
    env.filters.update(
        md=_md,
        markdown=render_markdown,
        cited=_cited,
        headline=_headline,
        inline=render_inline,
        plain=plain_text,
        description=_description,
        front_matter_text=_front_matter_text,
        front_matter_data=_front_matter_data,
        paragraphs=_paragraphs,
        is_chinese=_is_chinese,
        safe_href=_safe_href,
        date_sort=_date_sort,
        src=urls.entry_src,
        plural=_count,
        day=_day,
        # A message marked where it is defined (N_: a kind's label), in the interface's
        # language: for map(); {{ _(value) }} prints one.
        translate=i18n.gettext,
        languages_read=languages_read,
        entry_when=_entry_when,
        json=lambda value: Markup(json.dumps(value, ensure_ascii=False)),
        apa=cite.apa,
        bibtex=cite.bibtex,
        permalink=cite.permalink,
        language=language_name,
        words=words,
        when=i18n.when,
        number=i18n.number,
        foreign=_foreign,
        foreign_block=_foreign_block,
    )
    env.globals.update(
        md_link=_md_link,
        href=_href,
        tag_src=urls.tag_src,
        count=count,
        english=i18n.is_english,
    )
    return env


def _foreign(text: Any, language: str = "en") -> Markup:
    """Inline text in ``language``, marked as such (``lang`` and a visible "(English)") when
    the interface is in another language; as it is otherwise."""
    text = escape(text)
    if not language or i18n.in_interface(language):
        return text
    mark = i18n.gettext("(%(language)s)") % {"language": _language_word(language)}
    return Markup(
        '<span lang="{}" class="record-foreign">{}</span> '
        '<span class="record-foreign-mark">{}</span>'
    ).format(language, text, mark)


def _foreign_block(html: Any, language: str = "en") -> Markup:
    """Block HTML (rendered Markdown) in ``language``, marked as ``foreign`` marks a phrase."""
    html = escape(html)
    if not language or i18n.in_interface(language):
        return html
    mark = i18n.gettext("In %(language)s:") % {"language": _language_word(language)}
    return Markup(
        '<div lang="{}" class="record-foreign">'
        '<p class="record-foreign-mark" lang="{}">{}</p>\n{}</div>'
    ).format(language, i18n.current(), mark, html)


def _language_word(language: str) -> str:
    """A language's name in the interface's language: "English", "英语"."""
    return i18n.language_name(language, i18n.current())


def install_gettext(env: jinja2.Environment) -> None:
    """``_``, ``gettext`` and ``ngettext`` in templates: the interface's language, read when
    each page renders (``i18n.interface``), so one environment serves every language."""
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]


# --- the pages --------------------------------------------------------------------------------


def render_pages(
    corpus: Corpus,
    config: SiteConfig,
    env: jinja2.Environment | None = None,
    *,
    docs_pages: Iterable[str] = (),
    jobs: int = 1,
    links: dict[str, list[tuple[str, str]]] | None = None,
    reuse: Callable[[structure.Site, list[Page]], set[str]] | None = None,
    dates: dict[str, date] | None = None,
    plan: structure.Plan | None = None,
) -> dict[str, str]:
    """Every generated Markdown page, keyed by its docs-relative path, in a stable order.

    ``docs_pages`` names the hand-written pages (``about.md``, …): Home links to those that
    exist, and a generated page that would publish at the same URL is an error. ``jobs``
    processes render them (``generator.core.parallel``); the pages are the same for any number.
    ``links``, if given, receives each page's HTML links as (target source, anchor) pairs.
    ``reuse``, given the site and every planned page, says which pages need not be rendered
    (an incremental build has them already); those are left out of the result. ``dates``, if
    given, receives when what each planned page shows last changed, reused pages included
    (``structure.page_dates``: the sitemap's dates). ``plan``: the corpus's, if made already
    (for another interface language, say).
    """
    plan = plan or structure.Plan.of(corpus, config)
    with i18n.interface(config.interface):
        return _render_pages(corpus, config, env, docs_pages, jobs, links, reuse, dates, plan)


def _render_pages(
    corpus: Corpus,
    config: SiteConfig,
    env: jinja2.Environment | None,
    docs_pages: Iterable[str],
    jobs: int,
    links: dict[str, list[tuple[str, str]]] | None,
    reuse: Callable[[structure.Site, list[Page]], set[str]] | None,
    dates: dict[str, date] | None,
    plan: structure.Plan,
) -> dict[str, str]:
    env = env or make_environment()
    the_site = plan.site
    docs = frozenset(docs_pages)
    shared = {"site": the_site, "corpus": corpus, "config": config, "docs_pages": docs}
    planned: list[Page] = []
    published: dict[str, str] = {
        urls.page_url(src): src for src in sorted(docs) if src.endswith(".md")
    }
    for page in plan.pages:
        # A page is Markdown; any other file (the timeline's JSON) is published as it is.
        url = urls.page_url(page.src) if page.src.endswith(".md") else page.src
        if url in published:
            raise BuildError(
                f"two pages would be published at /{url}: {published[url]} and {page.src}. "
                "Rename one of them (an entry's file name is its id)."
            )
        published[url] = page.src
        planned.append(page)
    if dates is not None:
        dates.update(structure.page_dates(the_site, planned))
    if reuse is not None:
        reused = reuse(the_site, planned)
        planned = [page for page in planned if page.src not in reused]
    with markup.shared_by_workers():  # the next interface and the feeds convert less
        rendered = parallel.map_ordered(
            _Renderer(env, shared, links is not None), planned, jobs=jobs
        )
    log.debug("rendered %d pages", len(rendered))
    pages = {}
    for page, (text, page_links, converted) in zip(planned, rendered, strict=True):
        markup.learn(converted)
        pages[page.src] = text
        if links is not None and page_links:
            links[page.src] = page_links
    return pages


class _Renderer:
    """Renders one planned page; called in this process or in forked workers."""

    def __init__(self, env: jinja2.Environment, shared: dict[str, object], links: bool):
        self.env, self.shared, self.links = env, shared, links

    def __call__(self, page: Page) -> tuple[str, list[tuple[str, str]], list[Any]]:
        template = self.env.get_template(page.template)
        links: set[tuple[str, str]] | None = set() if self.links else None
        corpus: Corpus = self.shared["corpus"]  # type: ignore[assignment]
        config: SiteConfig = self.shared["config"]  # type: ignore[assignment]
        linked_data, breadcrumb = structured.page_data(page, config, corpus.entries)
        text = template.render(
            **self.shared,
            **page.context,
            page_src=page.src,
            links_out=links,
            linked_data=linked_data,
            breadcrumb=breadcrumb,
        )
        return text, sorted(links or ()), markup.learned()
