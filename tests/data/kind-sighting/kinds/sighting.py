"""A kind of this knowledge base's own, which the tool does not ship: sightings of birds.

Its mkdocs.yml lists it as ``- sighting: {module: kinds/sighting.py}``; its templates are in
``templates/kinds/sighting/`` beside this folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from generator.core.dates import PartialDate
from generator.format.fields import ref, refs, spec
from generator.format.ids import make_id
from generator.format.kinds import FormAnswers, Kind, Option
from generator.format.model import Dated, Entry, Source


@dataclasses.dataclass(frozen=True, kw_only=True)
class Sighting(Dated, Entry):
    """Something seen, where, and who reported it."""

    title: str = spec("text", "What was seen.")
    date: PartialDate = spec("partial_date", "When it was seen.")
    place: str = spec("text", "Where it was seen.")
    reported_by: str = spec(ref("actor"), "Who reported it.", label="reporter")
    # The field a reviewer adds: this line, and the one in page.md.j2 that shows it.
    witnesses: tuple[str, ...] = spec(
        refs("actor"), "Who else saw it.", default=(), label="witness"
    )
    sources: tuple[Source, ...] = spec("sources")


class SightingKind(Kind):
    """What the sighting kind knows of its own: its skeleton's place, and its issue form."""

    def skeleton(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "place": values.get("place") or "TODO: where"}

    def from_form(self, answers: FormAnswers, added: str) -> tuple[str, dict[str, Any], str]:
        title, when = answers.required("title"), answers.when("date", answers.required("date"))
        reporter = answers.required("reported_by")
        data = {
            "title": title,
            "date": when,
            "place": answers.required("place"),
            "reported_by": answers.entry("reported_by", reporter, "actor", "actor")
            if reporter
            else None,
            "sources": answers.sources("sources"),
            "added": added,
        }
        return make_id(when or "", title or ""), data, "title"


KIND = SightingKind(
    name="sighting",
    entry=Sighting,
    folder="sightings",
    label="Sighting",
    plural_label="Sightings",
    schema_title="Sighting",
    schema_description="Something seen.",
    templates=Path(__file__).resolve().parent.parent / "templates",
    options=(
        Option("place", "where it was seen."),
        Option(
            "reported_by", "the reporter's actor id (required).", required=True, refers_to="actor"
        ),
    ),
    form="sighting",
)
