"""What a kind of entry is: its fields (the dataclass), its schema, its labels, where its pages
are, how many fit on one, and whether it has a feed.

Each kind is one module in this package declaring a ``Kind``; ``generator.kinds`` lists them.
The generic pipeline reads everything kind-specific from here, so a kind's module and its
templates (``templates/kinds/<name>/``) are the only places that know about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import urls
from generator.paging import ROWS_PER_PAGE, Page, listing
from generator.urls import Route

if TYPE_CHECKING:
    from generator.checker import Checker
    from generator.corpus import Corpus
    from generator.model import Entry
    from generator.site import Site

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


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

    def __post_init__(self) -> None:
        self.entry.KIND = self

    def __repr__(self) -> str:
        return f"<Kind {self.name}>"

    def template(self, name: str) -> str:
        return f"kinds/{self.name}/{name}"

    @property
    def index_src(self) -> str:
        """The kind's main listing: where its section of the site starts, and its feed's page."""
        return urls.KIND_INDEX.src(folder=self.folder)

    def listed(self, entries: Sequence[Entry]) -> Sequence[Entry]:
        """The kind's entries in the order its listing shows them (by default, by date)."""
        return entries

    def index(self, corpus: Corpus) -> Any:
        """Whatever the kind's pages share, computed once per site (``site.index(kind)``)."""
        return None

    def pages(self, site: Site) -> Iterable[Page]:
        """The kind's listing pages, and any other pages of its own."""
        return listing(
            self.listed(site.corpus.of(self.name)),
            self.page_size,
            lambda n: urls.KIND_INDEX.src(n, folder=self.folder),
            self.template("index.md.j2"),
            "entries",
            self.weight,
        )

    def home(self, site: Site) -> dict[str, Any]:
        """What the home page shows of the kind beyond its line in the table of sections."""
        return {}

    def entry_pages(self, site: Site, entry: Entry) -> tuple[dict[str, Any], list[Page]]:
        """More context for an entry's page, and pages of its own (a long list's items)."""
        return {}, []

    def check(self, checker: Checker) -> None:
        """Report what the kind's schema cannot say about one entry's data (``checker.loaded``),
        after the schema checks; ``checker.report`` names the file and line."""

    def summary(self, entry: Entry) -> str:
        """Markdown saying what the entry is: a feed item's summary."""
        return getattr(entry, "summary", None) or ""

    def page_patterns(self) -> list[str]:
        """Every page source under the kind's folder, with placeholders, for reserved ids."""
        routes = [urls.ENTRY, urls.REFERRED_BY, urls.KIND_INDEX, *self.routes.values()]
        return [p for route in routes for p in route.patterns(folder=self.folder)]
