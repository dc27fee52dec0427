"""What a kind of entry is (``Kind``), and the registry of the kinds a knowledge base holds."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from generator.core import i18n
from generator.core.paging import ROWS_PER_PAGE, Page, listing
from generator.core.problems import Path_
from generator.format import urls
from generator.format.urls import Route

if TYPE_CHECKING:
    from generator.format.model import Entry

# The package whose ``BUILT_IN`` lists the kinds a knowledge base holds.
BUILT_IN_KINDS = "generator.kinds"

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


class CorpusView(Protocol):
    """What a kind reads of the validated entries (``generator.format.corpus.Corpus``)."""

    entries: dict[str, Entry]

    def of(self, kind: str) -> Sequence[Entry]: ...


class Checking(Protocol):
    """What a kind's ``check`` is handed (``generator.validate.checker.Checker``)."""

    loaded: Any  # the file being checked (``generator.load.loaded.LoadedFile``)
    dates: dict[Path_, Any]  # the dates met so far, by where they are (``PartialDate``)

    def report(self, at: Path_, message: str) -> None: ...


class SiteView(Protocol):
    """What a kind's pages are made from (``generator.site.structure.Site``)."""

    corpus: CorpusView

    def index(self, kind: Kind) -> Any: ...


class FormAnswers(Protocol):
    """What a kind reads a proposal from (``generator.tools.intake.Resolver``): the answers of
    an issue form, by its fields' ids, turned into entry data, each problem named by label."""

    def fail(self, form_id: str, message: str) -> None: ...
    def text(self, form_id: str) -> str | None: ...
    def required(self, form_id: str) -> str | None: ...
    def when(self, form_id: str, value: str | None, moment: bool = True) -> str | None: ...
    def entry(self, form_id: str, name: str, kind: str | None, what: str) -> str | None: ...
    def entries(self, form_id: str, kind: str | None, what: str) -> list[str]: ...
    def tags(self, form_id: str) -> list[str]: ...
    def sources(self, form_id: str, required: bool = True) -> list[dict[str, str | None]]: ...


class Linking(Protocol):
    """What a kind's ``linked_data`` is handed (``generator.site.structured.Links``): schema.org
    nodes made of an entry's parts, with absolute addresses."""

    def node(self, entry: Entry) -> dict[str, Any]: ...  # @type, @id, url, name, description
    def mention(self, entry_id: str | None) -> dict[str, Any] | None: ...  # another entry
    def sources(self, entry: Entry) -> list[dict[str, Any]]: ...  # each as a CreativeWork
    def date(self, value: Any) -> str | None: ...  # a PartialDate at its own precision


@dataclass(frozen=True)
class Option:
    """A value ``new`` takes on its command line for the kind's skeleton (``--speaker ID``)."""

    name: str  # in the skeleton's context; the flag is its name with hyphens
    help: str
    default: str | None = None
    required: bool = False  # new writes nothing without it
    choices: tuple[str, ...] | None = None
    flag: str | None = None  # another flag than the name's (--actor-kind for kind)
    refers_to: str | None = None  # a kind: the value is the id of an entry of it

    @property
    def option(self) -> str:
        return "--" + (self.flag or self.name.replace("_", "-"))


@dataclass(frozen=True, kw_only=True, eq=False)
class Kind:
    """One kind of entry. Subclass it for pages of its own (the timeline, the index of terms).

    Templates, under ``templates`` (the package's templates by default), are named
    ``kinds/<name>/``: ``page.md.j2`` (an entry's page, extending ``entry.md.j2``),
    ``index.md.j2`` (the kind's listing), ``home.md.j2`` (its line on the home page),
    ``feed.html.j2`` (a feed item, extending ``feeds/item.html.j2``) and ``skeleton.yaml.j2``
    (what ``new`` writes).
    """

    name: str  # "event": in feed ids, the dataset and the schema's file name
    entry: type[Entry]  # its dataclass: the fields, each with its JSON Schema
    folder: str  # "events": under entries/, and the first part of its pages' URLs
    label: str  # "Event"
    plural_label: str  # "Events"
    schema_title: str
    schema_description: str
    schema_extra: dict[str, Any] = field(default_factory=dict)  # keywords such as if/then
    page_size: int = ROWS_PER_PAGE  # entries per page of the kind's listing
    weight: Callable[[Any], int] | None = None  # an estimate of a listed entry's HTML bytes
    feed: bool = True  # whether new entries of the kind are news (actors are not)
    routes: dict[str, Route] = field(default_factory=dict)  # pages of its own
    templates: Path = TEMPLATES_DIR
    # The kind's own pages come before the entry pages in the site (the timeline does).
    leads: bool = False
    options: tuple[Option, ...] = ()  # what ``new`` takes for the kind's skeleton
    form: str | None = None  # the issue form that proposes a new entry (``from_form``)
    change_form: str | None = None  # the issue form that adds to an entry (``change_from_form``)
    dataset_formats: tuple[str, ...] = ()  # of its ``datasets`` beyond JSON ("CSV")
    dated_ids: bool = False  # its ids start with the entry's date (2025-01-13-…), to sort in time
    cited: tuple[str, ...] = ()  # its text fields that cite_every_sentence holds to the rule
    cite_every_sentence: bool = False  # each sentence of those fields cites a source ([2])

    def __post_init__(self) -> None:
        self.entry.KIND = self

    def __repr__(self) -> str:
        return f"<Kind {self.name}>"

    def template(self, name: str) -> str:
        return f"kinds/{self.name}/{name}"

    @property
    def rules(self) -> str:
        """The settings that change what its checks find (a part of what validation keeps)."""
        return f"cite_every_sentence={self.cite_every_sentence}"

    @property
    def index_src(self) -> str:
        """The kind's main listing: where its section of the site starts, and its feed's page."""
        return urls.KIND_INDEX.src(folder=self.folder)

    @property
    def browse(self) -> tuple[str, str]:
        """The page a reader without search browses the kind on, and how a link names it."""
        kinds = i18n.gettext(self.plural_label).lower()
        return self.index_src, i18n.gettext("the %(kinds)s") % {"kinds": kinds}

    def listed(self, entries: Sequence[Entry]) -> Sequence[Entry]:
        """The kind's entries in the order its listing shows them (by default, by date)."""
        return entries

    def index(self, corpus: CorpusView) -> Any:
        """Whatever the kind's pages share, computed once per site (``site.index(kind)``)."""
        return None

    def pages(self, site: SiteView) -> Iterable[Page]:
        """The kind's listing pages, and any other pages of its own."""
        return listing(
            self.listed(site.corpus.of(self.name)),
            self.page_size,
            lambda n: urls.KIND_INDEX.src(n, folder=self.folder),
            self.template("index.md.j2"),
            "entries",
            self.weight,
        )

    def home(self, site: SiteView) -> dict[str, Any]:
        """What the home page shows of the kind beyond its line in the table of sections."""
        return {}

    def entry_pages(self, site: SiteView, entry: Entry) -> tuple[dict[str, Any], list[Page]]:
        """More context for an entry's page, and pages of its own (a long list's items)."""
        return {}, []

    def check(self, checker: Checking) -> None:
        """Report what the kind's schema cannot say about one entry's data (``checker.loaded``),
        after the schema checks; ``checker.report`` names the file and line."""

    def skeleton(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values ``new`` renders the skeleton with: ``values`` (the options, the title, the
        date, the source) and the placeholders the kind's fields start with."""
        return values

    def datasets(self, corpus: CorpusView, base: str) -> dict[str, bytes]:
        """Open-data files of the kind's own beyond its entries as JSON, by site path."""
        return {}

    def table_schemas(self) -> dict[str, dict[str, Any]]:
        """The Table Schema (Frictionless) of each CSV file ``datasets`` writes, by site path:
        its columns, in order, with their types and meaning."""
        return {}

    def data_page(self, corpus: CorpusView, base: str) -> dict[str, Any]:
        """What the Data page says of those files, if anything: ``intro`` (its first sentence's
        words for them), ``file``, ``url`` and ``what`` (their row in its table), ``section``
        (a template, which reads this dict as ``d``)."""
        return {}

    def known_as(self, data: dict[str, Any]) -> list[Any]:
        """What a contributor may call an entry of the kind besides its id, from its file's
        data (a proposal names entries so): its title."""
        return [data.get("title")]

    def from_form(self, answers: FormAnswers, added: str) -> tuple[str, dict[str, Any], str]:
        """A proposal made with the kind's ``form``: the new entry's id, its data, and the form
        field the id comes from (named when an entry with that id exists already)."""
        raise NotImplementedError(f"the {self.name} kind has no issue form")

    def change_from_form(self, answers: FormAnswers, day: str) -> tuple[str | None, dict[str, Any]]:
        """A proposal made with the kind's ``change_form``: the id of the entry to change, and
        what to add to it."""
        raise NotImplementedError(f"the {self.name} kind has no issue form for changes")

    def summary(self, entry: Entry) -> str:
        """Markdown saying what the entry is: a feed item's summary."""
        return getattr(entry, "summary", None) or ""

    def headline(self, entry: Entry, corpus: CorpusView) -> str:
        """Plain text naming the entry wherever it is listed among others (a quote: its
        speaker's name and the quote)."""
        return entry.title

    def feed_title(self, entry: Entry, corpus: CorpusView) -> str:
        """Plain text titling the entry's feed item, read away from the site."""
        return self.headline(entry, corpus)

    def schema_type(self, entry: Entry) -> str:
        """The schema.org type of what an entry describes, for its page's structured data."""
        return "CreativeWork"

    def linked_data(self, entry: Entry, links: Linking) -> dict[str, Any]:
        """The entry as one schema.org node (JSON-LD) on its page."""
        return {
            **links.node(entry),
            "dateCreated": entry.added.isoformat(),
            "dateModified": entry.last_modified.isoformat(),
            "citation": links.sources(entry),
        }

    def page_patterns(self) -> list[str]:
        """Every page source under the kind's folder, with placeholders, for reserved ids."""
        routes = [urls.ENTRY, urls.REFERRED_BY, urls.KIND_INDEX, *self.routes.values()]
        return [p for route in routes for p in route.patterns(folder=self.folder)]


class Registry:
    """Kinds in order, looked up by name or folder, with what the pipeline derives from them."""

    def __init__(self, kinds: tuple[Kind, ...]):
        self.kinds = kinds
        self.names = tuple(k.name for k in kinds)
        self._by_name = {k.name: k for k in kinds}
        self._by_folder = {k.folder: k for k in kinds}
        self._position = {k.name: i for i, k in enumerate(kinds)}
        if len(self._by_name) < len(kinds) or len(self._by_folder) < len(kinds):
            raise ValueError("two kinds share a name or a folder")

    def __iter__(self) -> Iterator[Kind]:
        return iter(self.kinds)

    def __getitem__(self, name: str) -> Kind:
        return self._by_name[name]

    def by_folder(self, folder: str | None) -> Kind | None:
        return self._by_folder.get(folder or "")

    def position(self, name: str) -> int:
        """Where the kind comes in the site's order (sorting entries asks for every entry)."""
        return self._position[name]

    @cached_property
    def feed_kinds(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.feed)

    @cached_property
    def _fixed_pages(self) -> list[str]:
        """Source patterns of the pages whose address no contributor chooses (listings)."""
        routes = (urls.HOME, urls.TAGS)
        every = [p for k in self.kinds for p in k.page_patterns()]
        every += [p for route in routes for p in route.patterns()]
        return [p for p in every if "{id}" not in p and "{tag}" not in p]

    @cached_property
    def reserved_ids(self) -> dict[str, frozenset[str]]:
        """kind name → ids whose pages would publish where a listing page is."""
        return {
            kind.name: urls.reserved(
                [p for p in kind.page_patterns() if "{id}" in p], self._fixed_pages, "id"
            )
            for kind in self.kinds
        }

    @cached_property
    def reserved_tags(self) -> frozenset[str]:
        """Tags whose pages would publish where the list of tags is."""
        return urls.reserved(urls.TAG.patterns(), self._fixed_pages, "tag")


_current: Registry | None = None


def current() -> Registry:
    """The kinds in use: the built-in ones, unless a test has registered more."""
    global _current
    if _current is None:
        _current = Registry(importlib.import_module(BUILT_IN_KINDS).BUILT_IN)
    return _current


@contextmanager
def using(registry: Registry) -> Iterator[Registry]:
    """Use ``registry``'s kinds for a while (a build of one knowledge base), then the kinds in
    use before, each entry class bound again to its kind."""
    global _current
    before = current()
    _current = registry
    _bind(registry)
    try:
        yield registry
    finally:
        _current = before
        _bind(before)


def _bind(registry: Registry) -> None:
    for kind in registry:  # a kind with the knowledge base's labels is a copy of the built-in
        kind.entry.KIND = kind


@contextmanager
def registered(*extra: Kind) -> Iterator[Registry]:
    """Use the kinds in use and ``extra`` for a while (tests declare kinds of their own)."""
    with using(Registry(current().kinds + extra)) as registry:
        yield registry
