"""Quotes: verbatim, attributed, in the original language, with an English translation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.core.dates import PartialDate
from generator.format.fields import ENGLISH_PATTERN, ref, spec
from generator.format.kinds import Kind
from generator.format.model import Dated, Entry, Source


@dataclass(frozen=True, kw_only=True)
class Quote(Dated, Entry):
    text: str = spec("long_text", "The quotation, verbatim, in the original language.")
    lang: str = spec("lang", "The language of text.")
    translation: str | None = spec(
        "long_text", "English translation; required when lang is not English.", default=None
    )
    speaker: str = spec(ref("actor"), "Id of the actor who said or wrote it.", label="speaker")
    date: PartialDate = spec("event_date", "When it was said.")
    platform: str | None = spec("text", "Where it was said.", default=None)
    context: str | None = spec(
        "markdown", "Circumstances, and how the quote reached us (Markdown).", default=None
    )
    event: str | None = spec(
        ref("event"),
        "Id of the event the quote belongs to.",
        default=None,
        label="the event quoted about",
    )
    sources: tuple[Source, ...] = spec("sources")

    @property
    def title(self) -> str:
        words = (self.translation or self.text).split()
        short = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        if not words:  # Chinese or another language written without spaces
            short = self.text[:40] + ("…" if len(self.text) > 40 else "")
        return f"“{short}”"


def quote_weight(q: Any) -> int:
    return 500 + 2 * (len(q.text) + len(q.translation or ""))


class QuoteKind(Kind):
    def summary(self, entry: Entry) -> str:
        """The quote in English, then its context."""
        assert isinstance(entry, Quote)
        parts = [entry.translation or entry.text]
        if entry.context:
            parts.append(entry.context)
        return "\n\n".join(parts)


KIND = QuoteKind(
    name="quote",
    entry=Quote,
    folder="quotes",
    label="Quote",
    plural_label="Quotes",
    schema_title="RedNote Record quote",
    schema_description="A verbatim quotation, attributed, in its original language.",
    schema_extra={
        "if": {
            "required": ["lang"],
            "properties": {"lang": {"type": "string", "not": {"pattern": ENGLISH_PATTERN}}},
        },
        "then": {
            "required": ["translation"],
            "x-message": "needs a 'translation' into English because 'lang' is not English",
        },
    },
    page_size=100,
    weight=quote_weight,
)
