"""Open data: every entry as JSON, the censorship lists' terms as CSV, and the JSON Schemas."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from generator import schema
from generator.config import SiteConfig
from generator.markup import strip_control_chars
from generator.model import KIND_LABEL, KINDS, PLURAL, CensorshipList, Corpus, Entry, PartialDate

log = logging.getLogger(__name__)

# Schema field → model attribute, where the model had to use another name.
_ATTRIBUTE = {
    ("event", "title"): "headline",
    ("list", "title"): "headline",
    ("actor", "kind"): "actor_kind",
}

TERMS_COLUMNS = (
    "list_id",
    "term",
    "translation",
    "category",
    "note",
    "first_seen",
    "list_permalink",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a
# leading apostrophe makes it text. Tab and carriage return count too (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- entries as JSON --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A model value → what the entry's YAML said: dates as written, Markdown as Markdown."""
    if isinstance(value, PartialDate):
        return value.text or str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return strip_control_chars(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return _fields((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    return value


def _fields(pairs: Any) -> dict[str, Any]:
    # Optional fields an entry does not have are left out, as in its YAML file.
    return {name: _plain(v) for name, v in pairs if v is not None and v != ()}


def entry_fields(entry: Entry) -> dict[str, Any]:
    """The entry's fields, named and ordered as in its kind's JSON Schema."""
    return _fields(
        (name, getattr(entry, _ATTRIBUTE.get((entry.kind, name), name)))
        for name in schema.field_names(entry.kind)
    )


def entry_record(entry: Entry, base: str) -> dict[str, Any]:
    """``{id, kind, permalink, fields}``; ``fields`` validates against the kind's schema."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "permalink": base + entry.url,
        "fields": entry_fields(entry),
    }


def _ordered(corpus: Corpus, kind: str | None = None) -> list[Entry]:
    """By kind (in the site's order: events, quotes, lists, actors), then id."""
    chosen = [e for e in corpus.entries.values() if kind is None or e.kind == kind]
    return sorted(chosen, key=lambda e: (KINDS.index(e.kind), e.id))


def _json(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _schema_url(base: str, kind: str) -> str:
    return f"{base}schemas/{kind}.schema.json"


# --- terms as CSV -----------------------------------------------------------------------------


def csv_cell(value: str | None) -> str:
    """Text safe to open in a spreadsheet: no control characters, no formula."""
    text = strip_control_chars(value or "")
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def terms_csv(corpus: Corpus, base: str) -> bytes:
    """One row per term of every censorship list, lists by id, terms as listed."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: comma, double quotes, CRLF
    writer.writerow(TERMS_COLUMNS)
    for entry in _ordered(corpus, "list"):
        assert isinstance(entry, CensorshipList)
        for item in entry.items:
            writer.writerow(
                [
                    csv_cell(entry.id),
                    csv_cell(item.term),
                    csv_cell(item.translation),
                    csv_cell(item.category),
                    csv_cell(item.note),
                    csv_cell(item.first_seen.text if item.first_seen else None),
                    csv_cell(base + entry.url),
                ]
            )
    return out.getvalue().encode("utf-8")


# --- what the build calls ---------------------------------------------------------------------


def build_data(corpus: Corpus, config: SiteConfig) -> dict[str, bytes]:
    """Every data file as bytes, keyed by site-relative path, without writing anything."""
    base = config.require_site_url()
    files: dict[str, bytes] = {}
    everything = _ordered(corpus)
    files["api/entries.json"] = _json(
        {
            "schema_version": schema.SCHEMA_VERSION,
            "schemas": {kind: _schema_url(base, kind) for kind in KINDS},
            "count": len(everything),
            "entries": [entry_record(e, base) for e in everything],
        }
    )
    for kind in KINDS:
        chosen = _ordered(corpus, kind)
        files[f"api/{PLURAL[kind]}.json"] = _json(
            {
                "schema_version": schema.SCHEMA_VERSION,
                "kind": kind,
                "schema": _schema_url(base, kind),
                "count": len(chosen),
                "entries": [entry_record(e, base) for e in chosen],
            }
        )
    files["api/terms.csv"] = terms_csv(corpus, base)
    for kind, kind_schema in schema.json_schemas().items():
        files[f"schemas/{kind}.schema.json"] = schema.dumps(kind_schema).encode("utf-8")
    return files


def write_data(corpus: Corpus, config: SiteConfig, site_dir: Path) -> None:
    """Write ``api/`` and ``schemas/`` under ``site_dir``; fails before writing without site_url."""
    files = build_data(corpus, config)
    for rel, content in files.items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    log.info("wrote %d data files", len(files))


# --- what the Data page says ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldDoc:
    name: str
    required: bool
    description: str


def _description(prop: dict[str, Any]) -> str:
    if prop.get("description"):
        return str(prop["description"])
    ref = prop.get("$ref", "")
    target = schema.DEFS.get(ref.rpartition("/")[2], {})
    return str(target.get("description", ""))


def field_docs(kind: str) -> list[FieldDoc]:
    """Each top-level field of a kind, from its schema: the page describes what validates."""
    kind_schema = schema.json_schemas()[kind]
    required = set(kind_schema["required"])
    return [
        FieldDoc(name, name in required, _description(prop))
        for name, prop in kind_schema["properties"].items()
    ]


def page_context(corpus: Corpus, config: SiteConfig) -> dict[str, Any]:
    """What data.md.j2 needs: the files with their absolute URLs, counts, the schema fields."""
    base = config.require_site_url()
    counts = {kind: sum(1 for e in corpus.entries.values() if e.kind == kind) for kind in KINDS}
    terms = sum(len(e.items) for e in corpus.entries.values() if isinstance(e, CensorshipList))
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "entries_url": f"{base}api/entries.json",
        "terms_url": f"{base}api/terms.csv",
        "total": sum(counts.values()),
        "terms_count": terms,
        "terms_columns": TERMS_COLUMNS,
        "kinds": [
            {
                "kind": kind,
                "label": KIND_LABEL[kind],
                "plural": PLURAL[kind],
                "count": counts[kind],
                "data_url": f"{base}api/{PLURAL[kind]}.json",
                "schema_url": _schema_url(base, kind),
                "fields": field_docs(kind),
            }
            for kind in KINDS
        ],
        "licence": str(config.raw.get("copyright") or ""),
    }
