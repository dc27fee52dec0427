"""Censorship lists: terms or topics that got posts removed or accounts suspended, as someone
compiled them. Each term is also listed in the index of terms across all lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.core import i18n
from generator.core.dates import PartialDate
from generator.core.i18n import N_
from generator.core.markup import csv_cell
from generator.core.paging import Page, listing, paginate
from generator.format import urls
from generator.format.fields import (
    ID_PATTERN,
    ITEMS_MAX,
    PARTIAL_DATE_PATTERN,
    object_of,
    ref,
    spec,
)
from generator.format.kinds import CorpusView, FormAnswers, Kind, Linking, Option
from generator.format.model import Dated, Entry, Source
from generator.format.urls import Route

if TYPE_CHECKING:
    from generator.format.corpus import Corpus
    from generator.site.structure import Site
    from generator.validate.checker import Checker

TERMS_PER_PAGE = 300  # the index of terms, and the items of one list
TERM_LISTS_SHOWN = 8  # lists named per term in the index of terms; the rest are counted

ITEMS = Route("{folder}/{id}.md", "{folder}/{id}/items/{n}.md")
TERMS = Route("{folder}/terms/index.md", "{folder}/terms/{n}.md")


EVIDENCE = {
    N_("tested"): N_("someone posted it and saw the result"),
    N_("reported"): N_("a platform notice, or a user's account of what happened"),
    N_("leaked"): N_("an internal document"),
}


@dataclass(frozen=True, kw_only=True)
class ListItem:
    """A term (the word as it was written and censored) or a topic (a description, in English,
    of what was censored): one or the other, never a description dressed up as a term."""

    term: str | None = spec(
        "text",
        "The word as it was written and censored, in its own language and script. "
        "An item has a term or a topic, not both.",
        default=None,
    )
    translation: str | None = spec(
        "text",
        "The term in English; needed unless the term is already plain English.",
        default=None,
    )
    topic: str | None = spec(
        "text",
        "What was censored, described in English, when no source gives the word as written.",
        default=None,
    )
    topic_zh: str | None = spec(
        "text",
        "The topic in Chinese, for the Chinese interface: the source's words where it gives "
        "them, otherwise the record's own translation of 'topic'.",
        default=None,
    )
    evidence: str = spec(
        {"type": "string", "enum": list(EVIDENCE)},
        "How the source knows: " + "; ".join(f"{k}: {v}" for k, v in EVIDENCE.items()) + ".",
        search=False,
    )
    category: str | None = spec("text", "A grouping.", default=None)
    note: str | None = spec("note", "Notes (Markdown).", default=None)
    first_seen: PartialDate | None = spec(
        "partial_date", "When it was first reported.", default=None
    )

    @property
    def name(self) -> str:
        """What the item is called: its term, or its topic."""
        return self.term or self.topic or ""

    @property
    def local_topic(self) -> str | None:
        """Its topic in the interface's language, when that is Chinese and it has one."""
        return self.topic_zh if i18n.in_interface("zh") else None


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
            "x-message": "needs at least one item (a term or a topic, and its evidence)",
            "items": object_of(ListItem),
        },
        "The terms or topics.",
    )
    sources: tuple[Source, ...] = spec("sources")

    @property
    def terms(self) -> tuple[ListItem, ...]:
        """The items that give a word as written."""
        return tuple(item for item in self.items if item.term is not None)

    @property
    def topics(self) -> tuple[ListItem, ...]:
        """The items that describe what was censored."""
        return tuple(item for item in self.items if item.term is None)


@dataclass
class Term:
    """One term as written, with every list item that holds it."""

    term: str
    translations: list[str]
    lists: list[Entry]


def _item_weight(item: ListItem) -> int:
    return 300 + 2 * (len(item.name) + len(item.translation or "") + len(item.note or ""))


def _term_weight(t: Term) -> int:
    # Every translation is shown (only the lists are cut short): a term found in many lists
    # can have dozens, which made the index of terms' pages 450 KB at 50,000 entries.
    words = sum(len(x) + 2 for x in t.translations)
    return 200 + 2 * len(t.term) + 2 * words + 120 * min(len(t.lists), TERM_LISTS_SHOWN)


TERMS_COLUMNS = (
    "list_id",
    "term",
    "translation",
    "topic",
    "evidence",
    "category",
    "note",
    "first_seen",
    "list_permalink",
)


# What terms.csv's columns hold that a list item's fields do not say themselves.
_LIST_COLUMNS = {
    "list_id": {
        "description": "Id of the censorship list the item is in (the name of its file).",
        # Table Schema patterns match the whole value: no ^ and $.
        "constraints": {"required": True, "pattern": ID_PATTERN.strip("^$")},
    },
    "list_permalink": {
        "format": "uri",
        "description": "The address of the list's page.",
        "constraints": {"required": True},
    },
}


def terms_table_schema() -> dict[str, Any]:
    """terms.csv's Table Schema: each column with the description its list item field has in
    the list's JSON Schema, and the constraints that field's values meet."""
    items = object_of(ListItem)["properties"]
    constraints: dict[str, dict[str, Any]] = {
        "evidence": {"required": True, "enum": list(EVIDENCE)},
        "first_seen": {"pattern": PARTIAL_DATE_PATTERN.strip("^$")},
    }
    columns = []
    for name in TERMS_COLUMNS:
        column: dict[str, Any] = {"name": name, "type": "string"}
        if name in items:
            column["description"] = items[name]["description"]
            if name in constraints:
                column["constraints"] = constraints[name]
        else:
            column.update(_LIST_COLUMNS[name])
        columns.append(column)
    return {"fields": columns, "missingValues": [""]}


class ListKind(Kind):
    def skeleton(self, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "summary": "TODO: what happened, in your own words (Markdown).",
            "term": "TODO: the term as written",
            "term_translation": "TODO: its English translation",
            **values,
        }

    def schema_type(self, entry: Entry) -> str:
        return "Dataset"

    def linked_data(self, entry: Entry, links: Linking) -> dict[str, Any]:
        """A ``Dataset``: the terms and topics someone compiled, on the date they did."""
        assert isinstance(entry, CensorshipList)
        return {
            **links.node(entry),
            "creator": links.mention(entry.compiled_by),
            "dateCreated": links.date(entry.date),
            "dateModified": entry.last_modified.isoformat(),
            "citation": links.sources(entry),
        }

    def datasets(self, corpus: CorpusView, base: str) -> dict[str, bytes]:
        return {urls.API_TERMS.src(): self.terms_csv(corpus, base)}

    def table_schemas(self) -> dict[str, dict[str, Any]]:
        return {urls.API_TERMS.src(): terms_table_schema()}

    def data_page(self, corpus: CorpusView, base: str) -> dict[str, Any]:
        lists = corpus.of(self.name)
        terms = sum(len(e.terms) for e in lists)  # type: ignore[attr-defined]
        topics = sum(len(e.topics) for e in lists)  # type: ignore[attr-defined]
        held = []
        if terms:
            held.append(
                i18n.ngettext("%(num)s term as written", "%(num)s terms as written", terms)
                % {"num": i18n.number(terms)}
            )
        if topics:
            held.append(
                i18n.ngettext("%(num)s topic", "%(num)s topics", topics)
                % {"num": i18n.number(topics)}
            )
        if not terms:
            held.append(i18n.gettext("no terms as written yet"))
        return {
            "intro": i18n.gettext("the items of the censorship lists (%(held)s) as CSV")
            % {"held": i18n.gettext(", ").join(held)},
            "file": urls.API_TERMS.src(),
            "url": base + urls.API_TERMS.src(),
            "what": i18n.gettext("One row per item (term or topic) of every censorship list"),
            "columns": TERMS_COLUMNS,
            "section": self.template("data.md.j2"),
        }

    def terms_csv(self, corpus: CorpusView, base: str) -> bytes:
        """One row per item of every censorship list, lists by id, items as listed. An item is a
        term (with its translation) or a topic: the other columns are empty."""
        out = io.StringIO()
        writer = csv.writer(out)  # RFC 4180: comma, double quotes, CRLF
        writer.writerow(TERMS_COLUMNS)
        for entry in sorted(corpus.of(self.name), key=lambda e: e.id):
            for item in entry.items:  # type: ignore[attr-defined]
                writer.writerow(
                    [
                        csv_cell(entry.id),
                        csv_cell(item.term),
                        csv_cell(item.translation),
                        csv_cell(item.topic),
                        csv_cell(item.evidence),
                        csv_cell(item.category),
                        csv_cell(item.note),
                        csv_cell(item.first_seen.text if item.first_seen else None),
                        csv_cell(base + entry.url),
                    ]
                )
        return out.getvalue().encode("utf-8")

    def change_from_form(self, answers: FormAnswers, day: str) -> tuple[str | None, dict[str, Any]]:
        """A list item proposed with the list-item form, to add to the list it names."""
        r = answers
        name = r.required("entry")
        target = r.entry("entry", name, self.name, "censorship list") if name else None
        term, topic = r.text("items_term"), r.text("items_topic")
        evidence = r.required("items_evidence")  # "Tested: someone posted it …" → tested
        if (term is None) == (topic is None):
            r.fail("items_term", "give the term as written, or describe the topic: one of the two")
        item = {
            "term": term,
            "translation": r.text("items_translation") if term else None,
            "topic": topic,
            "evidence": evidence.split(":")[0].lower() if evidence else None,
            "category": r.text("items_category"),
            "note": r.text("items_note"),
            "first_seen": r.when("items_first_seen", r.text("items_first_seen"), moment=False),
        }
        return target, {"items": [item], "sources": r.sources("sources"), "updated": day}

    def index(self, corpus: Corpus) -> list[Term]:
        """Every term of every list, in alphabetical order: terms as written, not topics."""
        terms: dict[str, Term] = {}
        for lst in corpus.of(self.name):
            for item in lst.terms:
                key = item.term.strip()
                term = terms.get(key)
                if term is None:
                    term = terms[key] = Term(key, [], [])
                if item.translation and item.translation not in term.translations:
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
            topics=self.topic_count(site.corpus),
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
                    "evidence": EVIDENCE,
                },
            )
            for pager, chunk in pages[1:]
        ]
        return {"items": pages[0][1], "items_pager": pages[0][0], "evidence": EVIDENCE}, more

    def terms_src(self) -> str:
        return TERMS.src(folder=self.folder)

    def topic_count(self, corpus: Corpus) -> int:
        return sum(len(lst.topics) for lst in corpus.of(self.name))

    def check(self, checker: Checker) -> None:
        """An item has a term (with its translation) or a topic: never both, never neither,
        and never a translation that repeats the term (a topic written as a term)."""
        items = checker.loaded.data.get("items")
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            at = ("items", i)
            term, translation, topic = (item.get(k) for k in ("term", "translation", "topic"))
            if item.get("topic_zh") is not None and topic is None:
                checker.report(
                    at + ("topic_zh",),
                    f"'items[{i}].topic_zh' is the Chinese of a 'topic', and this item has none: "
                    "a term is shown as written; delete 'topic_zh'",
                    key=True,
                )
            if term is not None and topic is not None:
                checker.report(
                    at + ("topic",),
                    f"'items[{i}]' has both a 'term' and a 'topic': a term is the word as it "
                    "was written and censored, a topic a description of what was censored. "
                    "Keep the one the source gives",
                    key=True,
                )
            elif term is None and topic is None:
                checker.report(
                    at,
                    f"'items[{i}]' needs a 'term' (the word as it was written and censored, "
                    "with its 'translation') or a 'topic' (what was censored, described in "
                    "English)",
                )
            elif topic is not None and translation is not None:
                checker.report(
                    at + ("translation",),
                    f"'items[{i}].translation': a topic is already in English and has no "
                    "translation: delete the line",
                    key=True,
                )
            elif not isinstance(term, str) or not isinstance(translation, (str, type(None))):
                continue  # the schema checks said what is wrong
            elif translation is not None and translation.strip() == term.strip():
                checker.report(
                    at + ("translation",),
                    f"'items[{i}].translation' repeats the term {term.strip()!r}. If the source "
                    "gives this word as written and it is English, delete 'translation'; if it "
                    "describes what was censored, write it as 'topic:' instead of 'term:'",
                )
            elif translation is None and not term.isascii():
                checker.report(
                    at + ("term",),
                    f"'items[{i}]' needs a 'translation' of the term {term.strip()!r} into English",
                    key=True,
                )


KIND = ListKind(
    name="list",
    entry=CensorshipList,
    folder="lists",
    label=N_("Censorship list"),
    plural_label=N_("Censorship lists"),
    schema_title="Censorship list entry",
    schema_description="Topics or terms that get posts removed or accounts suspended.",
    routes={"items": ITEMS, "terms": TERMS},
    options=(
        Option(
            "compiled_by", "the compiler's actor id (required).", required=True, refers_to="actor"
        ),
        Option("platform", "the platform.", default="TODO: the platform"),
    ),
    change_form="list-item",
    dataset_formats=("CSV",),
    cited=("summary",),
)

__all__ = ["EVIDENCE", "KIND", "CensorshipList", "ListItem", "Term"]
