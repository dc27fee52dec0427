"""Where every page is: the routes, a page's URL, and links between pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

from generator.format.fields import ID_PATTERN

# What each placeholder of a route can be. ``id`` and ``tag`` are what contributors choose;
# the others are the generator's own.
PLACEHOLDERS: dict[str, str] = {
    "id": ID_PATTERN.strip("^$"),
    "tag": ID_PATTERN.strip("^$"),
    "n": r"[0-9]+",
    "year": r"[0-9]{4}",
    "month": r"[0-9]{2}|undated",
    "span": r"[0-9]{4}(?:-[0-9]{4})?",
}
_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
_NOT_PLAIN = re.compile(r"[:;?#\s\x00-\x1f\x7f]")  # a scheme, parameters, query, fragment, space


@dataclass(frozen=True)
class Route:
    """The source of a page, and of its numbered continuations when it is paginated.

    ``first`` holds placeholders such as ``{folder}`` and ``{id}``; ``rest`` is page n's
    source (with ``{n}``), for listings split over several pages.
    """

    first: str
    rest: str | None = None

    def src(self, number: int = 1, **values: Any) -> str:
        if number == 1:
            return self.first.format(**values)
        if self.rest is None:
            raise ValueError(f"{self.first} has no numbered pages")
        return self.rest.format(n=number, **values)

    def patterns(self, **values: str) -> list[str]:
        """The route's sources with ``values`` filled in and the other placeholders kept."""
        fill = {**{name: "{" + name + "}" for name in PLACEHOLDERS}, **values}
        return [p.format(**fill) for p in (self.first, self.rest) if p]


HOME = Route("index.md")
ENTRY = Route("{folder}/{id}.md")
REFERRED_BY = Route("{folder}/{id}/referred-by.md", "{folder}/{id}/referred-by/{n}.md")
KIND_INDEX = Route("{folder}/index.md", "{folder}/page/{n}.md")
TAGS = Route("tags/index.md", "tags/page/{n}.md")
TAG = Route("tags/{tag}.md", "tags/{tag}/{n}.md")
SEARCH = Route("search.md")

# Files that are not pages: feeds (without the extension of each format) and open data.
FEED_ALL = Route("feeds/all")
FEED_KIND = Route("feeds/{folder}")
FEED_TAG = Route("feeds/tags/{tag}")
API_ALL = Route("api/entries.json")
API_KIND = Route("api/{folder}.json")
API_TERMS = Route("api/terms.csv")
API_PACKAGE = Route("api/datapackage.json")  # the Data Package that describes api/
SCHEMA = Route("schemas/{name}.schema.json")


class Addressed(Protocol):
    """An entry, as far as its address goes (``generator.format.model.Entry``)."""

    id: str
    KIND: Any  # its kind, whose folder is the address's first part


def entry_src(entry: Addressed) -> str:
    """The source of an entry's page: ``events/<id>.md``, published at ``/events/<id>/``."""
    return ENTRY.src(folder=entry.KIND.folder, id=entry.id)


def tag_src(tag: str, number: int = 1) -> str:
    return TAG.src(number, tag=tag)


# --- URLs and links ---------------------------------------------------------------------------


def page_url(src: str) -> str:
    """The URL (relative to the site root) MkDocs gives ``src`` with directory URLs."""
    stem = src[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def absolute(base: str, url: str) -> str:
    """``urljoin(base, url)``, for a page's address ``url`` relative to the site's ``base``.
    A plain path (every page's: no scheme, query or fragment, no ".", ".." or empty segment,
    no leading "/") is appended to a base ending in "/": urljoin took 0.6 s of a build at
    10,000 entries."""
    plain = not url.startswith(("/", ".")) and "/." not in url and "//" not in url
    plain = plain and not _NOT_PLAIN.search(url)
    if plain and base.endswith("/") and not _NOT_PLAIN.search(base.partition("//")[2]):
        return base + url
    return urljoin(base, url)


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


# --- values a contributor may not choose ------------------------------------------------------


def reserved(chosen: Iterable[str], fixed: Iterable[str], slot: str) -> frozenset[str]:
    """Values of ``{slot}`` that would make a page of ``chosen`` clash with one of ``fixed``.

    Both are source patterns (``lists/{id}.md`` and ``lists/terms/index.md``). Two pages clash
    when their sources or their URLs can be equal. Raises ValueError when every value of some
    pattern would clash (a kind whose folder holds numbered pages of its own, say).
    """
    out: set[str] = set()
    for value_pattern in chosen:
        for other in fixed:
            for a, b in ((value_pattern[:-3], other[:-3]), _urls(value_pattern, other)):
                word = _clash(a.split("/"), b.split("/"), slot)
                if word == "*":
                    raise ValueError(f"every {slot} would clash: {value_pattern} and {other}")
                if word:
                    out.add(word)
    return frozenset(out)


def _urls(a: str, b: str) -> tuple[str, str]:
    return page_url(a).rstrip("/"), page_url(b).rstrip("/")


def _clash(a: list[str], b: list[str], slot: str) -> str | None:
    """The value of ``{slot}`` in ``a`` for which ``a`` and ``b`` are the same path, if any."""
    if len(a) != len(b):
        return None
    value = None
    for x, y in zip(a, b, strict=True):
        if x == "{" + slot + "}":
            if _PLACEHOLDER_RE.fullmatch(y):
                value = "*"
            elif re.fullmatch(PLACEHOLDERS[slot], y):
                value = y
            else:
                return None
        elif not _segments_meet(x, y):
            return None
    return value


def _segments_meet(x: str, y: str) -> bool:
    """Whether two segments, each literal or a placeholder, can be the same text."""
    px, py = _PLACEHOLDER_RE.fullmatch(x), _PLACEHOLDER_RE.fullmatch(y)
    if px and py:
        return True
    if px:
        return bool(re.fullmatch(PLACEHOLDERS[px[1]], y))
    if py:
        return bool(re.fullmatch(PLACEHOLDERS[py[1]], x))
    return x == y
