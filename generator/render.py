"""Render a Corpus into Markdown pages (docs-relative path → text) through one Jinja2 environment.

Templates live in ``generator/templates/``; this module only decides which pages exist and
what each one lists. Entry text reaches a page through the filters registered here
(``md`` for plain text placed in Markdown, ``markdown``/``inline`` for entry Markdown), and
Jinja's autoescape covers the HTML blocks, so no entry field is ever inserted raw.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup, escape

from generator import charts
from generator.config import SiteConfig
from generator.errors import BuildError
from generator.markup import (
    escape_markdown,
    is_safe_url,
    plain_text,
    render_inline,
    render_markdown,
    strip_control_chars,
    yaml_quote,
)
from generator.model import (
    KIND_LABEL,
    KINDS,
    PLURAL,
    Corpus,
    Entry,
    Event,
    PartialDate,
)

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Fixed page sizes keep every page small whatever the corpus size (each listed item is at
# most a few KB of HTML, and a page must stay well under 300 KB).
EVENTS_PER_PAGE = 100  # timeline: a year longer than this is split into month pages
ROWS_PER_PAGE = 200  # tables of entries: tag pages, indexes, "referred to by" pages
TERMS_PER_PAGE = 300  # the index of terms, and the items of one list
REFERRERS_SHOWN = 20  # per kind, on an entry's own page; the rest on its referred-by pages
TERM_LISTS_SHOWN = 8  # lists named per term in the index of terms; the rest are counted
PAGE_BUDGET = 200_000  # estimated bytes of listed items per page, leaving room for the theme
LATEST_ON_HOME = 10
DESCRIPTION_CHARS = 200

KIND_PLURAL_LABEL: dict[str, str] = {
    "event": "Events",
    "quote": "Quotes",
    "list": "Censorship lists",
    "actor": "Actors",
}
# How an entry refers to another, as shown under "Referred to by".
FIELD_LABEL: dict[str, str] = {
    "related": "related entry",
    "actors": "actor",
    "speaker": "speaker",
    "compiled_by": "compiler",
    "event": "the event quoted about",
}

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")

T = TypeVar("T")


# --- paths and links ---------------------------------------------------------------------


def entry_src(entry: Entry) -> str:
    """The docs-relative source of an entry's page: ``events/<id>.md`` → ``/events/<id>/``."""
    return f"{PLURAL[entry.kind]}/{entry.id}.md"


def tag_src(tag: str, number: int = 1) -> str:
    return f"tags/{tag}.md" if number == 1 else f"tags/{tag}/{number}.md"


def page_url(src: str) -> str:
    """The URL (relative to the site root) MkDocs gives ``src`` with directory URLs."""
    stem = src[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _relative(target: str, base_dir: str) -> str:
    """``target`` relative to the folder ``base_dir`` (both relative to the same root)."""
    t_parts = [p for p in target.split("/") if p]
    b_parts = [p for p in base_dir.split("/") if p]
    common = 0
    while common < min(len(t_parts), len(b_parts)) and t_parts[common] == b_parts[common]:
        common += 1
    parts = [".."] * (len(b_parts) - common) + t_parts[common:]
    return "/".join(parts)


def md_link(from_src: str, to_src: str, anchor: str = "") -> str:
    """A Markdown link target from one page's source to another's (MkDocs checks these)."""
    folder = from_src.rpartition("/")[0]
    rel = _relative(to_src, folder)
    return rel + (f"#{anchor}" if anchor else "")


def html_href(from_src: str, to_src: str, anchor: str = "") -> str:
    """An href for raw HTML blocks, which MkDocs does not rewrite: the final URL, relative."""
    rel = _relative(page_url(to_src), page_url(from_src))
    rel = rel + "/" if rel else "./"
    return rel + (f"#{anchor}" if anchor else "")


# --- filters -----------------------------------------------------------------------------


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
    front matter parses (build._RecordPlugin).
    """
    return Markup(yaml_quote(strip_control_chars(str(escape(text or "")))))


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
    return bool(text and _HAN_RE.search(text))


def _safe_href(url: str | None) -> str | None:
    """The URL if its scheme is http(s)/mailto (the validator checks too: belt and braces)."""
    return url if url and is_safe_url(url) else None


def _date_sort(d: PartialDate | None) -> str:
    """A string that sorts dates chronologically (the sortable tables compare text)."""
    if d is None:
        return ""
    return f"{d.start.isoformat()}-{d.PRECISIONS.index(d.precision)}"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def make_environment() -> jinja2.Environment:
    """The one Jinja2 environment every page, partial and chart is rendered through."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        # On for every template: HTML blocks are escaped by default, and Markdown text must go
        # through |md, which escapes Markdown syntax as well.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=_md,
        markdown=render_markdown,
        inline=render_inline,
        plain=plain_text,
        description=_description,
        front_matter_text=_front_matter_text,
        paragraphs=_paragraphs,
        is_chinese=_is_chinese,
        safe_href=_safe_href,
        date_sort=_date_sort,
        src=entry_src,
        plural=_count,
        json=lambda value: Markup(json.dumps(value, ensure_ascii=False)),
    )
    # Templates link relative to the page being rendered; _Pages.add says which one that is.
    here = _Here()
    env.globals.update(
        here=here,
        md_link=lambda to_src, anchor="": md_link(here.src, to_src, anchor),
        href=lambda to_src, anchor="": html_href(here.src, to_src, anchor),
        KINDS=KINDS,
        PLURAL=PLURAL,
        KIND_LABEL=KIND_LABEL,
        KIND_PLURAL_LABEL=KIND_PLURAL_LABEL,
        FIELD_LABEL=FIELD_LABEL,
        tag_src=tag_src,
    )
    return env


class _Here:
    """The source path of the page being rendered, read by the link helpers.

    A shared object rather than a template variable, so that macros imported without context
    (and so cached by Jinja) can link relative to the current page.
    """

    src = "index.md"


# --- what the pages list -----------------------------------------------------------------


@dataclass(frozen=True)
class Pager:
    """Where one page of a paginated listing sits among its siblings."""

    number: int
    sources: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.sources)

    @property
    def prev(self) -> str | None:
        return self.sources[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.sources[self.number] if self.number < self.count else None


def paginate(
    items: Sequence[T],
    size: int,
    sources: Callable[[int], str],
    weight: Callable[[T], int] | None = None,
) -> list[tuple[Pager, Sequence[T]]]:
    """Split ``items`` into pages of at most ``size`` items and PAGE_BUDGET bytes of ``weight``.

    ``sources(n)`` names page n (from 1). An item heavier than the budget gets a page alone.
    """
    chunks: list[Sequence[T]] = []
    start, used = 0, 0
    for i, item in enumerate(items):
        w = weight(item) if weight else 0
        if i > start and (i - start >= size or used + w > PAGE_BUDGET):
            chunks.append(items[start:i])
            start, used = i, 0
        used += w
    chunks.append(items[start:])
    names = tuple(sources(n) for n in range(1, len(chunks) + 1))
    return [(Pager(n, names), chunk) for n, chunk in enumerate(chunks, start=1)]


def event_weight(e: Event) -> int:
    """A generous estimate of an event card's HTML size, in bytes."""
    return 600 + 2 * len(e.summary) + 200 * len(e.sources) + 120 * (len(e.actors) + len(e.tags))


def _quote_weight(q: Any) -> int:
    return 500 + 2 * (len(q.text) + len(q.translation or ""))


def _item_weight(item: Any) -> int:
    return 300 + 2 * (len(item.term) + len(item.translation) + len(item.note or ""))


def _term_weight(t: Term) -> int:
    return 200 + 2 * len(t.term) + 120 * min(len(t.lists), TERM_LISTS_SHOWN)


@dataclass
class MonthGroup:
    """Events of one month of one year (month None: dated only to the year)."""

    year: int
    month: int | None
    events: list[Event]

    @property
    def label(self) -> str:
        if self.month is None:
            return f"Sometime in {self.year}"
        return PartialDate(self.year, self.month).display()

    @property
    def slug(self) -> str:
        return "undated" if self.month is None else f"{self.month:02d}"


@dataclass
class YearGroup:
    year: int
    months: list[MonthGroup]

    @property
    def events(self) -> list[Event]:
        return [e for m in self.months for e in m.events]

    @property
    def split(self) -> bool:
        """Too much for one page: the year page lists months, each on its own page(s)."""
        events = self.events
        return len(events) > EVENTS_PER_PAGE or sum(event_weight(e) for e in events) > PAGE_BUDGET

    @property
    def src(self) -> str:
        return f"timeline/{self.year}.md"

    def month_src(self, month: MonthGroup, number: int = 1) -> str:
        base = f"timeline/{self.year}/{month.slug}"
        return f"{base}.md" if number == 1 else f"{base}/{number}.md"


@dataclass
class Term:
    """One term as written, with every list item that holds it."""

    term: str
    translations: list[str]
    lists: list[Entry]


@dataclass
class Site:
    """Indexes computed once from the corpus and shared by every page."""

    corpus: Corpus
    config: SiteConfig
    years: list[YearGroup]
    # id → kind → [(entry, field)]: entries referring to it through a field other than
    # `related` (those show under "Related", in both directions).
    referrers: dict[str, dict[str, list[tuple[Entry, str]]]]
    event_page: dict[str, str] = field(default_factory=dict)  # event id → timeline page src
    terms: list[Term] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, corpus: Corpus, config: SiteConfig) -> Site:
        referrers: dict[str, dict[str, list[tuple[Entry, str]]]] = {}
        for target, backs in corpus.backlinks.items():
            by_kind: dict[str, list[tuple[Entry, str]]] = {}
            seen: set[str] = set()
            for other, fld in backs:
                if fld == "related" or other.id in seen:
                    continue
                seen.add(other.id)
                by_kind.setdefault(other.kind, []).append((other, fld))
            if by_kind:
                referrers[target] = {k: by_kind[k] for k in KINDS if k in by_kind}
        site = cls(
            corpus=corpus, config=config, years=_group_events(corpus.events), referrers=referrers
        )
        for year in site.years:
            for month in year.months:
                if not year.split:
                    src = year.src
                    for e in month.events:
                        site.event_page[e.id] = src
                    continue
                for pager, chunk in paginate(
                    month.events,
                    EVENTS_PER_PAGE,
                    lambda n, y=year, m=month: y.month_src(m, n),
                    event_weight,
                ):
                    for e in chunk:
                        site.event_page[e.id] = pager.sources[pager.number - 1]
        site.terms = _collect_terms(corpus)
        site.counts = {k: 0 for k in KINDS}
        for entry in corpus.entries.values():
            site.counts[entry.kind] += 1
        return site

    def referrer_count(self, entry: Entry) -> int:
        return sum(len(v) for v in self.referrers.get(entry.id, {}).values())


def _group_events(events: list[Event]) -> list[YearGroup]:
    years: dict[int, dict[int | None, list[Event]]] = {}
    for event in events:  # already in chronological order
        years.setdefault(event.date.year, {}).setdefault(event.date.month, []).append(event)
    out = []
    for year in sorted(years):
        months = years[year]
        # Year-only dates sort before the months they span (PartialDate.sort_key).
        order = sorted(months, key=lambda m: -1 if m is None else m)
        out.append(YearGroup(year, [MonthGroup(year, m, months[m]) for m in order]))
    return out


def _collect_terms(corpus: Corpus) -> list[Term]:
    terms: dict[str, Term] = {}
    for lst in corpus.lists:
        for item in lst.items:
            key = item.term.strip()
            term = terms.get(key)
            if term is None:
                term = terms[key] = Term(key, [], [])
            if item.translation not in term.translations:
                term.translations.append(item.translation)
            if not term.lists or term.lists[-1].id != lst.id:
                term.lists.append(lst)
    return sorted(terms.values(), key=lambda t: (t.term.casefold(), t.term))


# --- the pages ---------------------------------------------------------------------------


class _Pages:
    """Collects rendered pages, refusing two sources that would publish to the same URL."""

    def __init__(self, env: jinja2.Environment, site: Site, docs_pages: Iterable[str] = ()):
        self.env = env
        self.site = site
        self.docs_pages = frozenset(docs_pages)
        self.pages: dict[str, str] = {}
        self.urls: dict[str, str] = {
            page_url(src): src for src in sorted(self.docs_pages) if src.endswith(".md")
        }

    def add(self, src: str, template: str, **context: Any) -> None:
        url = page_url(src)
        if src in self.pages or url in self.urls:
            other = self.urls.get(url, src)
            raise BuildError(
                f"two pages would be published at /{url}: {other} and {src}. "
                "Rename one of them (an entry's file name is its id)."
            )
        self.urls[url] = src
        self.env.globals["here"].src = src
        self.pages[src] = self.env.get_template(template).render(
            site=self.site,
            corpus=self.site.corpus,
            config=self.site.config,
            docs_pages=self.docs_pages,
            **context,
        )


def render_pages(
    corpus: Corpus,
    config: SiteConfig,
    env: jinja2.Environment | None = None,
    *,
    docs_pages: Iterable[str] = (),
) -> dict[str, str]:
    """Every generated Markdown page, keyed by its docs-relative path, in a stable order.

    ``docs_pages`` names the hand-written pages (``about.md``, …): Home links to those that
    exist, and a generated page that would publish at the same URL is an error.
    """
    env = env or make_environment()
    site = Site.build(corpus, config)
    out = _Pages(env, site, docs_pages)
    _home(out)
    _timeline(out)
    for entry in corpus.sorted():
        _entry(out, entry)
    _quotes_index(out)
    _lists_index(out)
    _terms_index(out)
    _actors_index(out)
    _tags(out)
    log.debug("rendered %d pages", len(out.pages))
    return out.pages


def _home(out: _Pages) -> None:
    corpus = out.site.corpus
    latest = sorted(corpus.entries.values(), key=lambda e: (-e.added.toordinal(), e.id))
    out.add("index.md", "home.md.j2", latest=latest[:LATEST_ON_HOME])


def _filters(corpus: Corpus, events: Iterable[Event]) -> dict[str, Any]:
    """The tags and actors the timeline filter offers: those of the events on the page."""
    tags: set[str] = set()
    actors: set[str] = set()
    for e in events:
        tags.update(e.tags)
        actors.update(e.actors)
    people = sorted((corpus.entries[a] for a in actors), key=lambda a: (a.title.casefold(), a.id))
    return {"filter_tags": sorted(tags), "filter_actors": people}


def _timeline(out: _Pages) -> None:
    site = out.site
    chart = charts.events_per_month(site.corpus.events)
    out.add("timeline/index.md", "timeline_index.md.j2", chart=chart)
    for i, year in enumerate(site.years):
        nav = {
            "prev_year": site.years[i - 1] if i > 0 else None,
            "next_year": site.years[i + 1] if i + 1 < len(site.years) else None,
        }
        if not year.split:
            out.add(
                year.src,
                "timeline_page.md.j2",
                year=year,
                heading=str(year.year),
                groups=year.months,
                pager=None,
                **_filters(site.corpus, year.events),
                **nav,
            )
            continue
        out.add(year.src, "timeline_year.md.j2", year=year, **nav)
        for month in year.months:
            pages = paginate(
                month.events,
                EVENTS_PER_PAGE,
                lambda n, y=year, m=month: y.month_src(m, n),
                event_weight,
            )
            for pager, chunk in pages:
                group = MonthGroup(month.year, month.month, list(chunk))
                out.add(
                    pager.sources[pager.number - 1],
                    "timeline_page.md.j2",
                    year=year,
                    heading=month.label,
                    groups=[group],
                    pager=pager,
                    **_filters(site.corpus, chunk),
                    **nav,
                )


def _entry(out: _Pages, entry: Entry) -> None:
    site = out.site
    src = entry_src(entry)
    base = f"{PLURAL[entry.kind]}/{entry.id}"
    referring = site.referrers.get(entry.id, {})
    context: dict[str, Any] = {}
    if entry.kind == "list":
        # A very long list: its page shows the first items, the rest go on numbered pages.
        items = entry.items  # type: ignore[attr-defined]
        pages = paginate(
            items, TERMS_PER_PAGE, lambda n: src if n == 1 else f"{base}/items/{n}.md", _item_weight
        )
        context = {"items": pages[0][1], "items_pager": pages[0][0]}
        for pager, chunk in pages[1:]:
            out.add(
                pager.sources[pager.number - 1],
                "list_items.md.j2",
                entry=entry,
                items=chunk,
                pager=pager,
                first=sum(len(c) for _, c in pages[: pager.number - 1]) + 1,
            )
    out.add(
        src,
        f"{entry.kind}.md.j2",
        entry=entry,
        related=site.corpus.related_both_ways(entry),
        referring=referring,
        referrers_shown=REFERRERS_SHOWN,
        more_src=f"{base}/referred-by.md",
        **context,
    )
    if any(len(v) > REFERRERS_SHOWN for v in referring.values()):
        rows = [pair for kind in KINDS for pair in referring.get(kind, [])]
        for pager, chunk in paginate(
            rows,
            ROWS_PER_PAGE,
            lambda n: f"{base}/referred-by.md" if n == 1 else f"{base}/referred-by/{n}.md",
        ):
            out.add(
                pager.sources[pager.number - 1],
                "referred_by.md.j2",
                entry=entry,
                rows=chunk,
                pager=pager,
                total=len(rows),
            )


def _listing(
    out: _Pages,
    items: Sequence[Any],
    size: int,
    first: str,
    rest: str,
    template: str,
    name: str,
    weight: Callable[[Any], int] | None = None,
    **context: Any,
) -> None:
    """A listing on pages of ``size``: page 1 at ``first``, page n at ``rest.format(n=n)``."""
    pages = paginate(items, size, lambda n: first if n == 1 else rest.format(n=n), weight)
    for pager, chunk in pages:
        out.add(
            pager.sources[pager.number - 1],
            template,
            pager=pager,
            total=len(items),
            **{name: chunk},
            **context,
        )


def _quotes_index(out: _Pages) -> None:
    _listing(
        out,
        out.site.corpus.quotes,
        EVENTS_PER_PAGE,
        "quotes/index.md",
        "quotes/page/{n}.md",
        "quotes_index.md.j2",
        "quotes",
        _quote_weight,
    )


def _lists_index(out: _Pages) -> None:
    _listing(
        out,
        out.site.corpus.lists,
        ROWS_PER_PAGE,
        "lists/index.md",
        "lists/page/{n}.md",
        "lists_index.md.j2",
        "lists",
    )


def _terms_index(out: _Pages) -> None:
    _listing(
        out,
        out.site.terms,
        TERMS_PER_PAGE,
        "lists/terms/index.md",
        "lists/terms/{n}.md",
        "terms_index.md.j2",
        "terms",
        _term_weight,
        lists_shown=TERM_LISTS_SHOWN,
    )


def _actors_index(out: _Pages) -> None:
    _listing(
        out,
        out.site.corpus.actors,
        ROWS_PER_PAGE,
        "actors/index.md",
        "actors/page/{n}.md",
        "actors_index.md.j2",
        "actors",
    )


def _tags(out: _Pages) -> None:
    tags = out.site.corpus.tags
    _listing(
        out,
        list(tags),
        ROWS_PER_PAGE,
        "tags/index.md",
        "tags/page/{n}.md",
        "tags_index.md.j2",
        "tags",
    )
    for tag, entries in tags.items():
        _listing(
            out,
            entries,
            ROWS_PER_PAGE,
            tag_src(tag),
            f"tags/{tag}/{{n}}.md",
            "tag.md.j2",
            "rows",
            tag=tag,
        )


def write_pages(pages: dict[str, str], docs_dir: Path) -> None:
    """Write rendered pages under ``docs_dir`` (for inspecting a build, and for tests)."""
    for src, text in pages.items():
        path = docs_dir / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
