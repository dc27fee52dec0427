"""Events: what happened, when, at the precision the sources give. Their listing is the
timeline (``kinds/timeline.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.core import i18n
from generator.core.dates import PartialDate
from generator.core.paging import Page
from generator.format.fields import object_of, refs, spec
from generator.format.ids import make_id
from generator.format.kinds import Checking, CorpusView, FormAnswers, Kind, Linking
from generator.format.model import Dated, Entry, Source
from generator.kinds import timeline
from generator.validate.guardrails import id_date

if TYPE_CHECKING:
    from generator.format.corpus import Corpus
    from generator.site.structure import Site


@dataclass(frozen=True, kw_only=True)
class ZhText:
    title: str | None = spec("text", "Title in Chinese.", default=None)
    summary: str | None = spec("markdown", "Summary in Chinese.", default=None)  # Markdown


@dataclass(frozen=True, kw_only=True)
class Event(Dated, Entry):
    title: str = spec("text", "A short, neutral headline.")
    date: PartialDate = spec("event_date")
    end_date: PartialDate | None = spec(
        "event_date",
        "When it ended, for events that span time; not before date.",
        default=None,
    )
    summary: str = spec("markdown", "What happened (Markdown).")
    actors: tuple[str, ...] = spec(
        refs("actor"), "Ids of the actors involved.", default=(), label="actor"
    )
    zh: ZhText | None = spec(object_of(ZhText), "Chinese title and summary.", default=None)
    sources: tuple[Source, ...] = spec("sources")
    key_moment: bool = spec(
        "flag",
        "true for the few events that tell the story: the home page lists them.",
        default=False,
    )

    @property
    def when(self) -> str:
        return i18n.when_range(self.date, self.end_date)

    @property
    def local_title(self) -> str | None:
        """The title in the interface's language, where the event has one: its ``zh`` title
        in a Chinese interface (the record's translation); None otherwise."""
        return self.zh.title if self.zh and _reads_chinese() else None

    @property
    def local_summary(self) -> str | None:
        """The summary in the interface's language, as ``local_title``; the English one stays
        the sourced text."""
        return self.zh.summary if self.zh and _reads_chinese() else None


def _reads_chinese() -> bool:
    """Whether the interface is in Chinese, the language of an event's ``zh`` fields."""
    return i18n.current().split("-")[0] == "zh"


SUMMARY_PLACEHOLDER = "TODO: what happened, in your own words (Markdown)."


class EventKind(Kind):
    """Events are listed on the timeline (``kinds/timeline.py``) and, as a table, at /events/."""

    def summary(self, entry: Entry) -> str:
        """The summary in the interface's language where the event has one (its Chinese)."""
        assert isinstance(entry, Event)
        return entry.local_summary or entry.summary

    def headline(self, entry: Entry, corpus: CorpusView) -> str:
        """The title in the interface's language where the event has one (its Chinese)."""
        assert isinstance(entry, Event)
        return entry.local_title or entry.title

    def feed_title(self, entry: Entry, corpus: CorpusView) -> str:
        """ "13 January 2025: The bridge closes": a reader learns when it happened, whenever
        the item was added or changed."""
        assert isinstance(entry, Event)
        when, title = entry.when, self.headline(entry, corpus)
        return i18n.gettext("%(when)s: %(title)s") % {"when": when, "title": title}

    @property
    def local_plural_label(self) -> str:
        """ "Events" in the interface's language; a knowledge base's own label as written."""
        return i18n.gettext(self.plural_label)

    def count(self, n: int, num: str | None = None) -> str:
        """ "54 events" in the interface's language (``num``: the number as written, such as
        a placeholder for a script); a knowledge base's own label ("54 floods") as written."""
        num = i18n.number(n) if num is None else num
        if (self.label, self.plural_label) != (KIND.label, KIND.plural_label):
            return f"{num} {(self.label if n == 1 else self.plural_label).lower()}"
        return i18n.ngettext("%(num)s event", "%(num)s events", n) % {"num": num}

    def skeleton(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"summary": SUMMARY_PLACEHOLDER, **values}

    def check(self, checker: Checking) -> None:
        start, end = checker.dates.get(("date",)), checker.dates.get(("end_date",))
        if start and end and end.end < start.start:
            checker.report(
                ("end_date",),
                f"'end_date': {end} is before 'date' {start}; swap them or fix the date",
            )
        stem = checker.loaded.path.stem
        if self.dated_ids and start and id_date(stem) is None:
            checker.report(
                ("date",),
                f"an event's id starts with its date, so that its file sorts in time: rename "
                f"the file to {start.text[:10]}-{stem}.yaml",
            )

    def from_form(self, answers: FormAnswers, added: str) -> tuple[str, dict[str, Any], str]:
        r = answers
        title, when = r.required("title"), r.when("date", r.required("date"))
        zh = {"title": r.text("zh_title"), "summary": r.text("zh_summary")}
        data = {
            "title": title,
            "date": when,
            "end_date": r.when("end_date", r.text("end_date")),
            "summary": r.required("summary"),
            "actors": r.entries("actors", "actor", "actor"),
            "zh": zh if any(zh.values()) else None,
            "tags": r.tags("tags"),
            "related": r.entries("related", None, "entry"),
            "sources": r.sources("sources"),
            "added": added,
        }
        return make_id((when or "")[:10], title or ""), data, "title"

    @property
    def index_src(self) -> str:
        return timeline.TIMELINE.src()

    @property
    def browse(self) -> tuple[str, str]:
        return self.index_src, i18n.gettext("the timeline")

    def index(self, corpus: Corpus) -> timeline.Timeline:
        return timeline.Timeline.of(corpus.of(self.name))

    def pages(self, site: Site) -> Iterable[Page]:
        yield from site.index(self).pages(site.corpus, self)
        yield from super().pages(site)  # /events/: every event in a table

    def home(self, site: Site) -> dict[str, Any]:
        line: timeline.Timeline = site.index(self)
        return {
            "chart": line.chart,
            "key_moments": [e for e in line.events if e.key_moment],
        }

    def schema_type(self, entry: Entry) -> str:
        return "Event"

    def linked_data(self, entry: Entry, links: Linking) -> dict[str, Any]:
        """An ``Event`` (not a ``NewsArticle``: the entry is what happened, dated at the
        precision its sources give, not a report written on the day it was added). The actors
        are what it is about; the sources are works about it."""
        assert isinstance(entry, Event)
        return {
            **links.node(entry),
            "alternateName": entry.zh.title if entry.zh else None,
            "startDate": links.date(entry.date),
            "endDate": links.date(entry.end_date),
            "about": [links.mention(a) for a in entry.actors],
            "subjectOf": links.sources(entry),
        }

    def entry_pages(self, site: Site, entry: Entry) -> tuple[dict[str, Any], list[Page]]:
        line: timeline.Timeline = site.index(self)
        before, after = line.neighbours(entry)
        return {
            "timeline_src": line.page_of[entry.id],
            "previous_event": before,
            "next_event": after,
        }, []


KIND = EventKind(
    name="event",
    entry=Event,
    folder="events",
    label=i18n.N_("Event"),
    plural_label=i18n.N_("Events"),
    schema_title="Event entry",
    schema_description="A dated event on the timeline.",
    routes=timeline.ROUTES,
    leads=True,
    form="event",
    dated_ids=True,
    cited=("summary",),
)
