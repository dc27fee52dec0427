"""The entry format, defined once: JSON Schemas the validator interprets and the site publishes.

Keywords starting with ``x-`` are ours (JSON Schema lets tools ignore unknown keywords):
``x-format`` names a check the schema language cannot express (a real calendar date, a safe
Markdown link), ``x-ref`` names the kind an id must point at, and ``x-message`` is what a
contributor reads when the value does not match ``pattern``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.model import ID_PATTERN, KINDS, PLURAL

SCHEMA_VERSION = "1.1.0"  # 1.1.0: limits on lengths, counts and characters
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Patterns are ECMA-262 regular expressions, as JSON Schema says: "$" ends the text (the
# validator reads it as Python's \Z, not as "before a final newline"), and digits are written
# [0-9], because Python's \d also matches full-width and Arabic-Indic digits.
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
# BCP 47, the common shapes: language, optional script, region and variants (en, zh-Hans, pt-BR).
LANG_PATTERN = (
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?"
    r"(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*$"
)
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
ENGLISH_PATTERN = r"^[eE][nN](-|$)"

# Limits that no real entry meets, so that no entry can make validation or the build slow: the
# longest text in the record is a 1,300-character summary, and no entry has more than 3 tags.
# CONTRIBUTING.md states them; tests/test_limits.py proves the time they bound.
TEXT_MAX = 500  # a title, a name, a term
LONG_TEXT_MAX = 5_000  # a quotation and its translation
MARKDOWN_MAX = 10_000  # a summary, a description, a context
NOTE_MAX = 2_000  # a list item's note, a correction's note
URL_MAX = 2_000
SLUG_MAX = 80  # an id or a tag: a file and folder name on every system
TAGS_MAX = 20
SOURCES_MAX = 50
IDS_MAX = 50  # actors, related
ITEMS_MAX = 5_000  # the items of one censorship list
CORRECTIONS_MAX = 100
HANDLES_MAX = 20

ACTOR_KINDS = ["person", "account", "organisation", "government", "platform", "media"]

DEFS: dict[str, Any] = {
    "text": {
        "type": "string",
        "minLength": 1,
        "maxLength": TEXT_MAX,
        "description": "Plain text.",
    },
    "long_text": {
        "type": "string",
        "minLength": 1,
        "maxLength": LONG_TEXT_MAX,
        "description": "Plain text, verbatim; blank lines separate paragraphs.",
    },
    "markdown": {
        "type": "string",
        "minLength": 1,
        "maxLength": MARKDOWN_MAX,
        "x-format": "markdown",
        "description": (
            "Markdown text. Raw HTML is shown as text; links must be http(s); no images."
        ),
    },
    "note": {
        "type": "string",
        "minLength": 1,
        "maxLength": NOTE_MAX,
        "x-format": "markdown",
        "description": "A short Markdown note. Raw HTML is shown as text; links must be http(s).",
    },
    "day": {
        "type": "string",
        "pattern": DAY_PATTERN,
        "x-format": "date",
        "x-message": "must be a date written YYYY-MM-DD",
        "description": "A calendar day, YYYY-MM-DD.",
    },
    "partial_date": {
        # A bare year is an integer to YAML 1.2 tools (editors, check-jsonschema); the
        # validator reads the text written, so both shapes describe the same entries.
        "type": ["string", "integer"],
        "minimum": 1000,
        "maximum": 9999,
        "pattern": PARTIAL_DATE_PATTERN,
        "x-format": "date",
        "x-message": "must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
        "description": "A date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD.",
    },
    "event_date": {
        # A bare year is an integer to YAML 1.2 tools (editors, check-jsonschema); the
        # validator reads the text written, so both shapes describe the same entries.
        "type": ["string", "integer"],
        "minimum": 1000,
        "maximum": 9999,
        "anyOf": [{"pattern": PARTIAL_DATE_PATTERN}, {"pattern": DATETIME_PATTERN}],
        "x-format": "date",
        "x-message": (
            "must be a date written YYYY, YYYY-MM or YYYY-MM-DD, or a date-time with "
            "offset such as 2025-01-18T22:30:00-05:00"
        ),
        "description": (
            "When it happened, at the precision known: YYYY, YYYY-MM, YYYY-MM-DD, or an "
            "ISO 8601 date-time with offset. 2024-04 means April 2024, not 1 April."
        ),
    },
    "url": {
        "type": "string",
        "maxLength": URL_MAX,
        "pattern": URL_PATTERN,
        "format": "uri",
        "x-message": "must be a full http:// or https:// URL",
        "description": "A web address starting with http:// or https://.",
    },
    "lang": {
        "type": "string",
        "pattern": LANG_PATTERN,
        "x-message": "must be a BCP 47 language tag such as en, zh-Hans or zh-Hant",
        "description": "A BCP 47 language tag such as en, zh-Hans or zh-Hant.",
    },
    "slug": {
        "type": "string",
        "maxLength": SLUG_MAX,
        "pattern": ID_PATTERN,
        "x-message": "must be a lowercase slug such as us-law (a-z, 0-9 and single hyphens)",
        "description": "A lowercase slug: a-z, 0-9 and single hyphens.",
    },
    "tags": {
        "type": "array",
        "uniqueItems": True,
        "maxItems": TAGS_MAX,
        "items": {"$ref": "#/$defs/slug"},
        "description": "Tags (slugs) a reader can follow, e.g. [censorship, migration].",
    },
    "source": {
        "type": "object",
        "additionalProperties": False,
        "required": ["url", "title"],
        "properties": {
            "url": {"$ref": "#/$defs/url", "description": "The page's address."},
            "title": {"$ref": "#/$defs/text", "description": "The page's title."},
            "publisher": {"$ref": "#/$defs/text", "description": "The original outlet."},
            "date": {"$ref": "#/$defs/partial_date", "description": "Publication date."},
            "archive_url": {"$ref": "#/$defs/url", "description": "An archived copy."},
            "lang": {"$ref": "#/$defs/lang", "description": "The page's language."},
        },
    },
    "sources": {
        "type": "array",
        "minItems": 1,
        "maxItems": SOURCES_MAX,
        "items": {"$ref": "#/$defs/source"},
        "x-message": "needs at least one source (url and title)",
        "description": "Published sources that support the entry.",
    },
    "correction": {
        "type": "object",
        "additionalProperties": False,
        "required": ["date", "note"],
        "properties": {
            "date": {"$ref": "#/$defs/day", "description": "When the fix was made."},
            "note": {"$ref": "#/$defs/note", "description": "What was fixed, and why."},
        },
    },
}


def _id_list(target: str | None, description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "uniqueItems": True,
        "maxItems": IDS_MAX,
        "items": {"$ref": "#/$defs/slug", "x-ref": target or "any"},
        "description": description,
    }


def _id(target: str, description: str) -> dict[str, Any]:
    return {"$ref": "#/$defs/slug", "x-ref": target, "description": description}


COMMON: dict[str, Any] = {
    "added": {
        "$ref": "#/$defs/day",
        "description": "When the entry entered the knowledge base (YYYY-MM-DD). Feeds use it.",
    },
    "updated": {"$ref": "#/$defs/day", "description": "When the entry last changed."},
    "tags": {"$ref": "#/$defs/tags"},
    "related": _id_list(None, "Ids of related entries of any kind."),
    "corrections": {
        "type": "array",
        "maxItems": CORRECTIONS_MAX,
        "items": {"$ref": "#/$defs/correction"},
        "description": "A public log of fixes to the entry.",
    },
}

SOURCES = {"sources": {"$ref": "#/$defs/sources"}}

KIND_SPECS: dict[str, dict[str, Any]] = {
    "event": {
        "title": "RedNote Record event",
        "description": "A dated event on the timeline.",
        "required": ["title", "date", "summary", "sources", "added"],
        "properties": {
            "title": {"$ref": "#/$defs/text", "description": "A short, neutral headline."},
            "date": {"$ref": "#/$defs/event_date"},
            "end_date": {
                "$ref": "#/$defs/event_date",
                "description": "When it ended, for events that span time; not before date.",
            },
            "summary": {"$ref": "#/$defs/markdown", "description": "What happened (Markdown)."},
            "actors": _id_list("actor", "Ids of the actors involved."),
            "zh": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "title": {"$ref": "#/$defs/text", "description": "Title in Chinese."},
                    "summary": {"$ref": "#/$defs/markdown", "description": "Summary in Chinese."},
                },
                "description": "Chinese title and summary.",
            },
            **SOURCES,
        },
    },
    "quote": {
        "title": "RedNote Record quote",
        "description": "A verbatim quotation, attributed, in its original language.",
        "required": ["text", "lang", "speaker", "date", "sources", "added"],
        "properties": {
            "text": {
                "$ref": "#/$defs/long_text",
                "description": "The quotation, verbatim, in the original language.",
            },
            "lang": {"$ref": "#/$defs/lang", "description": "The language of text."},
            "translation": {
                "$ref": "#/$defs/long_text",
                "description": "English translation; required when lang is not English.",
            },
            "speaker": _id("actor", "Id of the actor who said or wrote it."),
            "date": {"$ref": "#/$defs/event_date", "description": "When it was said."},
            "platform": {"$ref": "#/$defs/text", "description": "Where it was said."},
            "context": {
                "$ref": "#/$defs/markdown",
                "description": "Circumstances, and how the quote reached us (Markdown).",
            },
            "event": _id("event", "Id of the event the quote belongs to."),
            **SOURCES,
        },
        "if": {
            "required": ["lang"],
            "properties": {"lang": {"type": "string", "not": {"pattern": ENGLISH_PATTERN}}},
        },
        "then": {
            "required": ["translation"],
            "x-message": "needs a 'translation' into English because 'lang' is not English",
        },
    },
    "list": {
        "title": "RedNote Record censorship list",
        "description": "Topics or terms that get posts removed or accounts suspended.",
        "required": [
            "title",
            "platform",
            "compiled_by",
            "date",
            "summary",
            "items",
            "sources",
            "added",
        ],
        "properties": {
            "title": {"$ref": "#/$defs/text", "description": "The list's title."},
            "platform": {"$ref": "#/$defs/text", "description": "The platform it concerns."},
            "compiled_by": _id("actor", "Id of the actor who compiled the list."),
            "date": {"$ref": "#/$defs/event_date", "description": "When it was compiled."},
            "summary": {"$ref": "#/$defs/markdown", "description": "What the list is (Markdown)."},
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": ITEMS_MAX,
                "x-message": "needs at least one item (term and translation)",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["term", "translation"],
                    "properties": {
                        "term": {"$ref": "#/$defs/text", "description": "The term as written."},
                        "translation": {"$ref": "#/$defs/text", "description": "In English."},
                        "category": {"$ref": "#/$defs/text", "description": "A grouping."},
                        "note": {"$ref": "#/$defs/note", "description": "Notes (Markdown)."},
                        "first_seen": {
                            "$ref": "#/$defs/partial_date",
                            "description": "When the term was first reported.",
                        },
                    },
                },
                "description": "The terms or topics.",
            },
            **SOURCES,
        },
    },
    "actor": {
        "title": "RedNote Record actor",
        "description": "A person, account, organisation, government, platform or media outlet.",
        "required": ["name", "kind", "added"],
        "properties": {
            "name": {"$ref": "#/$defs/text", "description": "Name in English or as known."},
            "kind": {
                "type": "string",
                "enum": ACTOR_KINDS,
                "description": "One of: " + ", ".join(ACTOR_KINDS) + ".",
            },
            "name_zh": {"$ref": "#/$defs/text", "description": "Name in Chinese."},
            "handles": {
                "type": "array",
                "maxItems": HANDLES_MAX,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["platform", "handle"],
                    "properties": {
                        "platform": {"$ref": "#/$defs/text"},
                        "handle": {"$ref": "#/$defs/text"},
                        "url": {"$ref": "#/$defs/url"},
                    },
                },
                "description": "Accounts on platforms.",
            },
            "description": {"$ref": "#/$defs/markdown", "description": "Who they are (Markdown)."},
            "sources": {
                "type": "array",
                "maxItems": SOURCES_MAX,
                "items": {"$ref": "#/$defs/source"},
                "description": "Published sources (optional for actors).",
            },
        },
    },
}


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for kind in KINDS:
        spec = KIND_SPECS[kind]
        properties = {**spec["properties"], **COMMON}
        schema: dict[str, Any] = {
            "$schema": DRAFT,
            "$id": f"{kind}.schema.json",
            "title": spec["title"],
            "description": spec["description"]
            + f" One YAML file per entry under entries/{PLURAL[kind]}/; its id is the file name.",
            "x-schema-version": SCHEMA_VERSION,
            "type": "object",
            "additionalProperties": False,
            "required": spec["required"],
            "properties": properties,
            "$defs": DEFS,
        }
        for key in ("if", "then"):
            if key in spec:
                schema[key] = spec[key]
        out[kind] = schema
    return out


def json_schemas() -> dict[str, dict[str, Any]]:
    """kind → its JSON Schema (a fresh copy each call)."""
    return copy.deepcopy(_schemas())


def schema_for(kind: str) -> dict[str, Any]:
    """The shared (read-only) schema of a kind, for the validator."""
    return _schemas()[kind]


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def export(directory: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` files into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in json_schemas().items():
        path = directory / f"{kind}.schema.json"
        path.write_text(dumps(schema), encoding="utf-8")
        written.append(path)
    return written


def field_names(kind: str) -> list[str]:
    """Top-level field names of a kind, in schema order."""
    return list(_schemas()[kind]["properties"])
