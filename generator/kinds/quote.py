"""Quotes: verbatim, attributed, in the original language, with an English translation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.core import i18n
from generator.core.dates import PartialDate
from generator.core.i18n import N_
from generator.core.markup import mostly_han, written_in_han
from generator.format.fields import ENGLISH_PATTERN, LANG_PATTERN, ref, spec
from generator.format.ids import make_id, slug
from generator.format.kinds import Checking, CorpusView, FormAnswers, Kind, Linking, Option
from generator.format.model import Dated, Entry, Source


@dataclass(frozen=True, kw_only=True)
class Quote(Dated, Entry):
    text: str = spec("long_text", "The quotation, verbatim, in the original language.")
    lang: str = spec("lang", "The language of text.")
    translation: str | None = spec(
        "long_text", "English translation; required when lang is not English.", default=None
    )
    original_lang: str | None = spec(
        "lang",
        "The language the speaker used, when text is a translation because the original "
        "is not at hand (BCP 47).",
        default=None,
    )
    translated_by: str | None = spec(
        "text",
        "Who translated the original into the text given (an outlet or a person), when "
        "original_lang is set.",
        default=None,
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
    def language(self) -> str | None:
        return self.lang

    @property
    def in_translation(self) -> bool:
        """Whether ``text`` is someone's translation, not the speaker's own words."""
        return bool(self.original_lang)

    @property
    def written_in_english(self) -> bool:
        return is_english(self.lang)

    @property
    def original_leads(self) -> bool:
        """Whether the interface is in the quote's own language, other than English: its
        original words come first (in English, the English translation does)."""
        return not i18n.is_english() and i18n.in_interface(self.lang)

    @property
    def title(self) -> str:
        words = (self.translation or self.text).split()
        short = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        if not words:  # Chinese or another language written without spaces
            short = self.text[:40] + ("…" if len(self.text) > 40 else "")
        return f"“{short}”"

    @property
    def local_title(self) -> str | None:
        """The quote's title in its original words, when those are the interface's language."""
        if not self.original_leads:
            return None
        if written_in_han(self.lang):  # no spaces between words: cut at a character count
            text = " ".join(self.text.split())
            return f"“{text[:40]}{'…' if len(text) > 40 else ''}”"
        words = self.text.split()
        return f"“{' '.join(words[:12])}{'…' if len(words) > 12 else ''}”"


def quote_weight(q: Any) -> int:
    return 500 + 2 * (len(q.text) + len(q.translation or ""))


# The quote form's dropdown: plain names, and the BCP 47 tags the entries use.
LANGUAGES = {
    "English": "en",
    "Chinese (simplified)": "zh-Hans",
    "Chinese (traditional)": "zh-Hant",
    "Cantonese": "yue",
    "Japanese": "ja",
    "Korean": "ko",
    "Tibetan": "bo",
    "Uyghur": "ug",
    "Russian": "ru",
    "Spanish": "es",
    "French": "fr",
    "German": "de",
}
OTHER_LANGUAGE = "Another language (say which under Context)"  # a curator sets it


def is_english(lang: str) -> bool:
    return lang.lower() == "en" or lang.lower().startswith("en-")


_TAG_RE = re.compile(LANG_PATTERN.strip("^$"))  # with fullmatch: the schema's own tag


def _check_translated(checker: Checking, data: dict[str, Any]) -> None:
    """A text in translation says from what, and by whom."""
    original, lang, by = data.get("original_lang"), data.get("lang"), data.get("translated_by")
    if isinstance(original, str) and isinstance(lang, str) and original.lower() == lang.lower():
        checker.report(
            ("original_lang",),
            f"'original_lang' is {original!r}, the language of the text: remove it, unless "
            "the text is a translation, in which case 'lang' is the translation's language",
        )
    elif original and not by:
        checker.report(
            ("original_lang",),
            "the text is a translation (it has an 'original_lang'): say who translated it "
            "under 'translated_by', for example translated_by: Rest of World",
        )
    if by and not original:
        checker.report(
            ("translated_by",),
            "'translated_by' says the text is a translation: give the language the speaker "
            "used under 'original_lang', for example original_lang: zh-Hans",
        )


class QuoteKind(Kind):
    def check(self, checker: Checking) -> None:
        data = checker.loaded.data
        _check_translated(checker, data)
        text, lang = data.get("text"), data.get("lang")
        if not (isinstance(text, str) and isinstance(lang, str)) or not _TAG_RE.fullmatch(lang):
            return  # the schema reports a missing or malformed tag
        if written_in_han(lang):
            return
        if mostly_han(text):
            checker.report(
                ("lang",),
                f"'lang' is {lang!r}, but the text is written in Chinese characters: set "
                "'lang' to zh-Hans (simplified) or zh-Hant (traditional), and give the English "
                "'translation'",
            )

    def skeleton(self, values: dict[str, Any]) -> dict[str, Any]:
        """The quote to fill in, and its translation unless the language is English."""
        lang = values.get("lang") or "en"
        translation = None if is_english(lang) else "TODO: the English translation"
        text = "TODO: the quotation, verbatim, in its original language"
        return {"text": text, "translation": translation, **values}

    def from_form(self, answers: FormAnswers, added: str) -> tuple[str, dict[str, Any], str]:
        r = answers
        language = r.required("lang")
        lang = LANGUAGES.get(language or "")
        if language and not lang:
            r.fail(
                "lang", f"{language!r}: a curator has to set this language; pick one of the list"
            )
        translation = r.text("translation")
        if lang and lang != "en" and not translation:
            r.fail("translation", f"needed, because the quote is in {language}")
        speaker_name = r.required("speaker")
        speaker = r.entry("speaker", speaker_name, "actor", "actor") if speaker_name else None
        event_name = r.text("event")
        text = r.required("text")
        data = {
            "text": text,
            "lang": lang,
            "translation": translation,
            "speaker": speaker,
            "date": r.when("date", r.required("date")),
            "platform": r.text("platform"),
            "context": r.text("context"),
            "event": r.entry("event", event_name, "event", "event") if event_name else None,
            "tags": r.tags("tags"),
            "related": r.entries("related", None, "entry"),
            "sources": r.sources("sources"),
            "added": added,
        }
        words = " ".join(slug(translation or text or "").split("-")[:6])
        return make_id("quote", speaker or "", words), data, "text"

    def headline(self, entry: Entry, corpus: CorpusView) -> str:
        """ "Shou Zi Chew: “…”": a quote is never listed without who said it."""
        assert isinstance(entry, Quote)
        speaker = corpus.entries.get(entry.speaker)
        name = speaker.KIND.headline(speaker, corpus) if speaker else entry.speaker
        quote = entry.local_title or entry.title
        return i18n.gettext("%(speaker)s: %(quote)s") % {"speaker": name, "quote": quote}

    def schema_type(self, entry: Entry) -> str:
        return "Quotation"

    def linked_data(self, entry: Entry, links: Linking) -> dict[str, Any]:
        """A ``Quotation``: its words in their language, said by the speaker (its creator), with
        the sources that report it and the English translation, if any."""
        assert isinstance(entry, Quote)
        speaker = links.mention(entry.speaker)
        translation = entry.translation and {
            "@type": "Quotation",
            "text": entry.translation,
            "inLanguage": "en",
        }
        return {
            **links.node(entry),
            "text": entry.text,
            "inLanguage": entry.lang,
            "creator": speaker,
            "spokenByCharacter": speaker,
            "dateCreated": links.date(entry.date),
            "about": links.mention(entry.event),
            "workTranslation": translation,
            "citation": links.sources(entry),
        }

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
    label=N_("Quote"),
    plural_label=N_("Quotes"),
    schema_title="Quote entry",
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
    options=(
        Option("speaker", "the speaker's actor id (required).", required=True, refers_to="actor"),
        Option("lang", "BCP 47 language tag.", default="en"),
    ),
    form="quote",
    cited=("context",),
)
