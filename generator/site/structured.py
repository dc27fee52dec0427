"""Schema.org descriptions of the generated pages (JSON-LD), which the theme prints in each head."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.core.config import SiteConfig
from generator.core.dates import PartialDate
from generator.core.markup import is_safe_url, plain_text
from generator.core.paging import Page
from generator.format import urls
from generator.format.model import Entry

CONTEXT = "https://schema.org"


class Links:
    """Schema.org nodes made of entries' parts, with absolute addresses (``kinds.Linking``)."""

    def __init__(self, base: str, entries: Mapping[str, Entry]):
        self.base, self.entries = base, entries

    def url(self, entry: Entry) -> str:
        return self.base + entry.url

    def mention(self, entry_id: str | None) -> dict[str, Any] | None:
        """Another entry, named and typed, so that each page can be read alone."""
        entry = self.entries.get(entry_id) if entry_id else None
        if entry is None:
            return None
        url = self.url(entry)
        return {
            "@type": entry.KIND.schema_type(entry),
            # The thing the page describes, not the page: a person has a page.
            "@id": f"{url}#{entry.KIND.name}",
            "name": entry.title,
            "url": url,
        }

    def node(self, entry: Entry) -> dict[str, Any]:
        return {
            **(self.mention(entry.id) or {}),
            "description": plain_text(entry.KIND.summary(entry)),
            "keywords": list(entry.tags),
        }

    def sources(self, entry: Entry) -> list[dict[str, Any]]:
        return [
            {
                "@type": "CreativeWork",
                "name": s.title,
                "url": s.link if is_safe_url(s.link) else None,
                "publisher": {"@type": "Organization", "name": s.publisher}
                if s.publisher
                else None,
                "datePublished": self.date(s.date),
                "inLanguage": s.lang,
                "archivedAt": s.archive_url
                if s.archive_url and is_safe_url(s.archive_url)
                else None,
            }
            for s in getattr(entry, "sources", ())
        ]

    @staticmethod
    def date(value: PartialDate | None) -> str | None:
        """ISO 8601 at the date's own precision: ``2025``, ``2025-01``, ``2025-01-13``."""
        if value is None:
            return None
        return value.moment.isoformat() if value.moment else value.text


def publisher(config: SiteConfig) -> dict[str, Any]:
    base = config.require_site_url()
    return {
        "@type": "Organization",
        "@id": base + "#publisher",
        "name": config.site_name,
        "url": base,
    }


def website(config: SiteConfig) -> dict[str, Any]:
    """The home page's node: the site, and how to search it (the search page reads ``q``)."""
    base = config.require_site_url() + config.interface_root()
    search = base + urls.page_url(urls.SEARCH.src())
    return {
        "@type": "WebSite",
        "@id": base + "#website",
        "name": config.site_name,
        "url": base,
        "description": " ".join(config.site_description.split()),
        "inLanguage": list(config.languages),
        "publisher": publisher(config),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


def page_data(
    page: Page, config: SiteConfig, entries: Mapping[str, Entry]
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """A generated page's schema.org node, if it has one, and the pages above it after Home
    (its breadcrumb, each ``name`` and ``url``; the theme adds Home and the page itself).
    Nothing without ``site_url``: schema.org wants absolute addresses."""
    if not config.site_url:
        return None, []
    base = config.require_site_url() + config.interface_root()  # this interface's pages
    links = Links(base, entries)
    if page.src == urls.HOME.src():
        return clean(website(config)), []
    trail: list[dict[str, str]] = []
    entry = page.context.get("entry")
    if isinstance(entry, Entry):
        kind = entry.KIND
        index = urls.KIND_INDEX.src(folder=kind.folder)  # where its pages' addresses start
        trail.append({"name": kind.plural_label, "url": base + urls.page_url(index)})
        if page.src == urls.entry_src(entry):
            return clean(kind.linked_data(entry, links)), trail
        trail.append({"name": entry.title, "url": links.url(entry)})
    listed = page.context.get(page.context.get("listed_as", ""))
    if listed is None:
        return None, trail
    # A listing of entries, or of (entry, how it refers) pairs, is an ItemList of their pages,
    # each by its address alone (a summary list: a page of 200 rows stays small). Other rows
    # (tags, a list's terms) have no page of an entry to point at.
    shown = [item[0] if isinstance(item, tuple) and item else item for item in listed]
    if not shown or not all(isinstance(e, Entry) for e in shown):
        return None, trail
    node = {
        "@type": "ItemList",
        "url": base + urls.page_url(page.src),
        "numberOfItems": len(shown),
        "itemListElement": [
            {"@type": "ListItem", "position": n, "url": links.url(entry)}
            for n, entry in enumerate(shown, start=1)
        ],
    }
    return node, trail


def dataset(
    config: SiteConfig, files: list[tuple[str, str]], modified: str | None
) -> dict[str, Any]:
    """The Data page's node: the record as a data set, each file (URL, what it holds) a
    distribution."""
    base = config.require_site_url()
    stated = config.data_licence
    licence: str | None = stated.path if stated else str(config.raw.get("copyright") or "") or None
    return clean(
        {
            "@type": "Dataset",
            "@id": base + urls.page_url("data.md") + "#dataset",
            "name": config.site_name,
            "description": " ".join(config.site_description.split())
            or f"Every entry of {config.site_name}, as open data.",
            "url": base + urls.page_url("data.md"),
            "inLanguage": list(config.languages),
            # the data licence's address (extra.record.data_licence), else the copyright line
            "license": licence
            if stated
            else ({"@type": "CreativeWork", "name": licence} if licence else None),
            "creator": publisher(config),
            "publisher": publisher(config),
            "isAccessibleForFree": True,
            "dateModified": modified,
            "distribution": [
                {
                    "@type": "DataDownload",
                    "name": url.removeprefix(base),
                    "description": what,
                    "contentUrl": url,
                    "encodingFormat": _media_type(url),
                }
                for url, what in files
            ],
        }
    )


# Fixed here, not read from the system's MIME tables: every machine builds the same page.
MEDIA_TYPES = {".json": "application/json", ".csv": "text/csv", ".xml": "application/xml"}


def _media_type(url: str) -> str:
    return MEDIA_TYPES.get(url[url.rfind(".") :], "application/octet-stream")


def clean(value: Any) -> Any:
    """``value`` without empty parts (None, "", [] or {}), which schema.org reads as said."""
    if isinstance(value, dict):
        out = {k: clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (clean(v) for v in value) if v not in (None, "", [], {})]
    return value
