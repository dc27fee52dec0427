"""The vocabulary of the entry format: the JSON Schema pieces fields are declared with."""

from __future__ import annotations

import dataclasses
from typing import Any

# An id or a tag: lowercase letters, digits and single hyphens.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

SCHEMA_VERSION = "1.4.0"  # 1.1.0: limits on lengths, counts and characters; 1.2.0: key_moment;
# 1.3.0: aliases (renamed entries), list items with a term or a topic, and their evidence;
# 1.4.0: sources read on a copy (copy, original_url), quotes in translation (original_lang,
# translated_by); citation markers ([2]) in Markdown text are checked
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Patterns are ECMA-262 regular expressions, as JSON Schema says: "$" ends the text (the
# validator reads it as Python's \Z, not as "before a final newline"), and digits are written
# [0-9], because Python's \d also matches full-width and Arabic-Indic digits.
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
YEAR_OR_MONTH_PATTERN = r"^[0-9]{4}(-[0-9]{2})?$"
# A partial date to a JSON Schema tool: a year or a month, or a day that format "date" holds to
# the calendar (2026-02-30 is refused in an editor, as by the validator).
PARTIAL_DATE_ANY_OF = [{"pattern": YEAR_OR_MONTH_PATTERN}, {"format": "date"}]
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
# BCP 47, the common shapes: language, optional script, region and variants (en, zh-Hans, pt-BR).
LANG_PATTERN = (
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?"
    r"(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*$"
)
# A former id, or folder/id for an entry that was once of another kind (quotes/quote-…).
ALIAS_PATTERN = r"^([a-z]+/)?[a-z0-9]+(-[a-z0-9]+)*$"
# No character RFC 3986 leaves out of a URI (a raw quote, angle brackets, braces): a link with
# one is broken in some browsers and unsafe in others; and a % only as a code (%20). Non-ASCII
# letters stay (RFC 3987).
URL_PATTERN = r'^https?://[^\s/$.?#%"<>\\^`{|}]([^\s"<>\\^`{|}%]|%[0-9A-Fa-f]{2})*$'
ENGLISH_PATTERN = r"^[eE][nN](-|$)"

# Limits that no real entry meets, so that no entry can make validation or the build slow: the
# longest text in the record is a 1,300-character summary, and no entry has more than 3 tags.
# CONTRIBUTING.md states them; tests/security/test_limits.py proves the time they bound.
TEXT_MAX = 500  # a title, a name, a term
LONG_TEXT_MAX = 5_000  # a quotation and its translation
MARKDOWN_MAX = 10_000  # a summary, a description, a context
NOTE_MAX = 2_000  # a list item's note, a correction's note
URL_MAX = 2_000
SLUG_MAX = 80  # an id or a tag: a file and folder name on every system
TAGS_MAX = 20
SOURCES_MAX = 50
IDS_MAX = 50  # actors, related
ITEMS_MAX = 5_000  # the items of one entry (a list's terms)
CORRECTIONS_MAX = 100
HANDLES_MAX = 20

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
        "format": "date",
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
        "anyOf": PARTIAL_DATE_ANY_OF,
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
        "anyOf": [*PARTIAL_DATE_ANY_OF, {"pattern": DATETIME_PATTERN}],
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
    "flag": {
        "type": "boolean",
        "description": "true or false.",
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
    "aliases": {
        "type": "array",
        "uniqueItems": True,
        "maxItems": IDS_MAX,
        "items": {
            "type": "string",
            "maxLength": SLUG_MAX + 20,
            "pattern": ALIAS_PATTERN,
            "x-message": (
                "must be a former id such as 2021-07-14-old-name, or folder/id such as "
                "quotes/quote-old-name for an entry that was of another kind"
            ),
        },
        "description": (
            "Ids the entry had before it was renamed, oldest first: each old address redirects "
            "here, and feeds keep the first as the entry's id."
        ),
    },
    "tags": {
        "type": "array",
        "uniqueItems": True,
        "maxItems": TAGS_MAX,
        "items": {"$ref": "#/$defs/slug"},
        "description": "Tags (slugs) a reader can follow, e.g. [elections, court-rulings].",
    },
}


SOURCES_DEF: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "maxItems": SOURCES_MAX,
    "items": {"$ref": "#/$defs/source"},
    "x-message": "needs at least one source (url and title)",
    "description": "Published sources that support the entry.",
}


# --- declaring fields -------------------------------------------------------------------------


def spec(
    node: str | dict[str, Any],
    description: str | None = None,
    *,
    default: Any = dataclasses.MISSING,
    label: str | None = None,
    search: bool = True,
) -> Any:
    """A dataclass field declared with its JSON Schema.

    ``node`` is the name of one of the definitions above (``"text"``) or a schema of its own.
    A field without ``default`` is required. ``label`` says how a reference field reads under
    "Referred to by" on the page of the entry it points at ("speaker"); every field with an
    ``x-ref`` needs one. ``search=False`` keeps the field's text out of the search index.
    """
    schema = {"$ref": f"#/$defs/{node}"} if isinstance(node, str) else dict(node)
    if description:
        schema["description"] = description
    metadata: dict[str, Any] = {"schema": schema}
    if label:
        metadata["label"] = label
    if not search:
        metadata["search"] = False
    return dataclasses.field(default=default, metadata=metadata)


# Definitions whose values are not text a reader searches for: sources, tags, former ids and
# a language tag.
NOT_SEARCHED = frozenset({"sources", "aliases", "tags", "lang"})


def searched(f: dataclasses.Field[Any]) -> bool:
    """Whether the search index holds the field's text."""
    node = f.metadata.get("schema", {})
    definition = node.get("$ref", "").rpartition("/")[2]
    return f.metadata.get("search", True) and definition not in NOT_SEARCHED


def schema_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields of a dataclass that entries write (those declared with ``spec``)."""
    return [f for f in dataclasses.fields(cls) if "schema" in f.metadata]


def is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def object_of(cls: type) -> dict[str, Any]:
    """The JSON Schema of a mapping whose fields are those of the dataclass ``cls``."""
    declared = schema_fields(cls)
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False}
    required = [f.name for f in declared if is_required(f)]
    if required:
        schema["required"] = required
    schema["properties"] = {f.name: f.metadata["schema"] for f in declared}
    return schema


def ref(target: str) -> dict[str, Any]:
    """The id of one entry of kind ``target``."""
    return {"$ref": "#/$defs/slug", "x-ref": target}


def refs(target: str | None) -> dict[str, Any]:
    """A list of ids of entries of kind ``target`` (None: of any kind)."""
    return {
        "type": "array",
        "uniqueItems": True,
        "maxItems": IDS_MAX,
        "items": {"$ref": "#/$defs/slug", "x-ref": target or "any"},
    }


def array_of(item: dict[str, Any], most: int) -> dict[str, Any]:
    """A list of at most ``most`` ``item``s."""
    return {"type": "array", "maxItems": most, "items": item}
