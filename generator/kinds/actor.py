"""Actors: the people, accounts, organisations, governments, platforms and media outlets that
entries refer to. A directory rather than news: they have no feed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.core import i18n
from generator.core.citations import sentences
from generator.core.i18n import N_
from generator.format.fields import HANDLES_MAX, SOURCES_MAX, array_of, object_of, spec
from generator.format.kinds import Checking, CorpusView, Kind, Linking, Option
from generator.format.model import Entry, Source

ACTOR_KINDS = [
    N_("person"),
    N_("account"),
    N_("organisation"),
    N_("government"),
    N_("platform"),
    N_("media"),
]
# Each kind of actor as schema.org types it. An account may be a person's or an outlet's, and
# schema.org has no type for it: it is named as a Thing, without claiming which.
SCHEMA_TYPES = {
    "person": "Person",
    "account": "Thing",
    "organisation": "Organization",
    "government": "GovernmentOrganization",
    "platform": "Organization",
    "media": "NewsMediaOrganization",
}


@dataclass(frozen=True, kw_only=True)
class Handle:
    platform: str = spec("text")
    handle: str = spec("text")
    url: str | None = spec("url", default=None)


@dataclass(frozen=True, kw_only=True)
class Actor(Entry):
    name: str = spec("text", "Name in English or as known.")
    kind: str = spec(
        {"type": "string", "enum": ACTOR_KINDS}, "One of: " + ", ".join(ACTOR_KINDS) + "."
    )
    name_zh: str | None = spec("text", "Name in Chinese.", default=None)
    handles: tuple[Handle, ...] = spec(
        array_of(object_of(Handle), HANDLES_MAX),
        "Accounts on platforms.",
        default=(),
        search=False,
    )
    description: str | None = spec(
        "markdown",
        "Who they are, in one sentence (a name and a role); more needs sources (Markdown).",
        default=None,
    )
    sources: tuple[Source, ...] = spec(
        array_of({"$ref": "#/$defs/source"}, SOURCES_MAX),
        "Published sources: needed once the description says more than one sentence.",
        default=(),
        search=False,
    )

    @property
    def title(self) -> str:
        return self.name

    @property
    def local_name(self) -> str | None:
        """Its name in the interface's language, when that is Chinese and it has one."""
        return self.name_zh if i18n.in_interface("zh") else None


NAME_PLACEHOLDER = "TODO: the name, in English or as known"


class ActorKind(Kind):
    def skeleton(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "name": values.get("name") or NAME_PLACEHOLDER}

    def check(self, checker: Checking) -> None:
        """A description that says more than who the actor is states facts: they need sources."""
        data = checker.loaded.data
        description = data.get("description")
        if not isinstance(description, str) or data.get("sources"):
            return
        count = len(sentences(description))
        if count > 1:
            checker.report(
                ("description",),
                f"'description' has {count} sentences, and the actor has no sources: a "
                "description that says more than a name and a role states facts, which need "
                "their sources. Add them under 'sources' and cite them ([1]), or keep one "
                "sentence saying who the actor is",
            )

    def known_as(self, data: dict[str, Any]) -> list[Any]:
        """Its name, its Chinese name and its accounts' handles."""
        handles = data.get("handles") or []
        return [
            data.get("name"),
            data.get("name_zh"),
            *(h.get("handle") for h in handles if isinstance(h, dict)),
        ]

    def headline(self, entry: Entry, corpus: CorpusView) -> str:
        """Its Chinese name in the Chinese interface, where it has one; else its name."""
        assert isinstance(entry, Actor)
        return entry.local_name or entry.name

    def listed(self, entries: Sequence[Entry]) -> Sequence[Entry]:
        return sorted(entries, key=lambda a: a.title.casefold())

    def schema_type(self, entry: Entry) -> str:
        assert isinstance(entry, Actor)
        return SCHEMA_TYPES.get(entry.kind, "Thing")  # the schema allows no other kind

    def linked_data(self, entry: Entry, links: Linking) -> dict[str, Any]:
        """A ``Person`` or an organisation, by the actor's kind, with its accounts as the same
        actor elsewhere."""
        assert isinstance(entry, Actor)
        return {
            **links.node(entry),
            "alternateName": entry.name_zh,
            "sameAs": [h.url for h in entry.handles if h.url],
            "subjectOf": links.sources(entry),
        }


KIND = ActorKind(
    name="actor",
    entry=Actor,
    folder="actors",
    label=N_("Actor"),
    plural_label=N_("Actors"),
    schema_title="Actor entry",
    schema_description=("A person, account, organisation, government, platform or media outlet."),
    feed=False,
    options=(
        Option("name", "the name.  [default: a TODO to fill in]"),
        Option(
            "actor_kind",
            "what the actor is.",
            default="person",
            choices=tuple(ACTOR_KINDS),
        ),
    ),
    cited=("description",),
)
