"""Censorship lists: terms or topics that got posts removed or accounts suspended, as someone
compiled them. Each term is also listed in the index of terms across all lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.dates import PartialDate
from generator.fields import ITEMS_MAX, object_of, ref, spec
from generator.kinds.base import Kind
from generator.model import Dated, Entry, Source
from generator.paging import Page, listing, paginate
from generator.urls import Route

if TYPE_CHECKING:
    from generator.corpus import Corpus
    from generator.site import Site

TERMS_PER_PAGE = 300  # the index of terms, and the items of one list
TERM_LISTS_SHOWN = 8  # lists named per term in the index of terms; the rest are counted

ITEMS = Route("{folder}/{id}.md", "{folder}/{id}/items/{n}.md")
TERMS = Route("{folder}/terms/index.md", "{folder}/terms/{n}.md")


@dataclass(frozen=True, kw_only=True)
class ListItem:
    term: str = spec("text", "The term as written.")
    translation: str = spec("text", "In English.")
    category: str | None = spec("text", "A grouping.", default=None)
    note: str | None = spec("note", "Notes (Markdown).", default=None)
    first_seen: PartialDate | None = spec(
        "partial_date", "When the term was first reported.", default=None
    )


@dataclass(frozen=True, kw_only=True)
class CensorshipList(Dated, Entry):
    title: str = spec("text", "The list's title.")
    platform: str = spec("text", "The platform it concerns.")
    compiled_by: str = spec(
        ref("actor"), "Id of the actor who compiled the list.", label="compiler"
    )
    date: PartialDate = spec("event_date", "When it was compiled.")
    summary: str = spec("markdown", "What the list is (Markdown).")
    items: tuple[ListItem, ...] = spec(
        {
            "type": "array",
            "minItems": 1,
            "maxItems": ITEMS_MAX,
            "x-message": "needs at least one item (term and translation)",
            "items": object_of(ListItem),
        },
        "The terms or topics.",
    )
    sources: tuple[Source, ...] = spec("sources")


@dataclass
class Term:
    """One term as written, with every list item that holds it."""

    term: str
    translations: list[str]
    lists: list[Entry]


def _item_weight(item: ListItem) -> int:
    return 300 + 2 * (len(item.term) + len(item.translation) + len(item.note or ""))


def _term_weight(t: Term) -> int:
    return 200 + 2 * len(t.term) + 120 * min(len(t.lists), TERM_LISTS_SHOWN)


class ListKind(Kind):
    def index(self, corpus: Corpus) -> list[Term]:
        """Every term of every list, in alphabetical order."""
        terms: dict[str, Term] = {}
        for lst in corpus.of(self.name):
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

    def pages(self, site: Site) -> Iterable[Page]:
        yield from super().pages(site)
        yield from listing(
            site.index(self),
            TERMS_PER_PAGE,
            lambda n: TERMS.src(n, folder=self.folder),
            self.template("terms.md.j2"),
            "terms",
            _term_weight,
            lists_shown=TERM_LISTS_SHOWN,
        )

    def entry_pages(self, site: Site, entry: Entry) -> tuple[dict[str, Any], list[Page]]:
        """A very long list: its page shows the first items, the rest go on numbered pages."""
        assert isinstance(entry, CensorshipList)
        pages = paginate(
            entry.items,
            TERMS_PER_PAGE,
            lambda n: ITEMS.src(n, folder=self.folder, id=entry.id),
            _item_weight,
        )
        more = [
            Page(
                pager.src,
                self.template("items.md.j2"),
                {
                    "entry": entry,
                    "items": chunk,
                    "pager": pager,
                    "first": sum(len(c) for _, c in pages[: pager.number - 1]) + 1,
                },
            )
            for pager, chunk in pages[1:]
        ]
        return {"items": pages[0][1], "items_pager": pages[0][0]}, more

    def terms_src(self) -> str:
        return TERMS.src(folder=self.folder)


KIND = ListKind(
    name="list",
    entry=CensorshipList,
    folder="lists",
    label="Censorship list",
    plural_label="Censorship lists",
    schema_title="RedNote Record censorship list",
    schema_description="Topics or terms that get posts removed or accounts suspended.",
    routes={"items": ITEMS, "terms": TERMS},
)

__all__ = ["KIND", "CensorshipList", "ListItem", "Term"]
