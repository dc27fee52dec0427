"""Open data: every entry as JSON, the kinds' own datasets (CSV), and the JSON Schemas."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.core import hashing, i18n
from generator.core.config import LICENCE_EXAMPLE, SiteConfig
from generator.core.dates import PartialDate
from generator.core.errors import BuildError
from generator.core.markup import strip_control_chars
from generator.core.problems import display_path
from generator.format import digest, fields, ids, kinds, schema, urls
from generator.format.corpus import Corpus
from generator.format.model import SCHEMA_DEFS, Entry, own_fields

log = logging.getLogger(__name__)

DATA_PAGE = "data.md"  # the generated page that documents the files

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
        declared = fields.schema_fields(type(value))
        return _fields((f.name, getattr(value, f.name)) for f in declared)
    return value


def _fields(pairs: Any) -> dict[str, Any]:
    # Optional fields an entry does not have are left out, as in its YAML file (a flag that
    # is false is as good as absent).
    return {name: _plain(v) for name, v in pairs if v is not None and v != () and v is not False}


def entry_fields(entry: Entry) -> dict[str, Any]:
    """The entry's fields, named and ordered as in its kind's JSON Schema."""
    return _fields((f.name, getattr(entry, f.name)) for f in own_fields(type(entry)))


def entry_record(entry: Entry, base: str) -> dict[str, Any]:
    """``{id, kind, permalink, fields}``; ``fields`` validates against the kind's schema."""
    return {
        "id": entry.id,
        "kind": entry.KIND.name,
        "permalink": base + entry.url,
        "fields": entry_fields(entry),
    }


def _ordered(corpus: Corpus, kind: str | None = None) -> list[Entry]:
    """By kind (in the site's order: events, quotes, lists, actors), then id."""
    registry = kinds.current()
    chosen = [e for e in corpus.entries.values() if kind is None or e.KIND.name == kind]
    return sorted(chosen, key=lambda e: (registry.position(e.KIND.name), e.id))


def _json(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_ENTRIES = "\0entries"  # a placeholder no entry can hold: JSON writes it "\u0000entries"


def _json_with_entries(head: dict[str, Any], entries: list[bytes]) -> bytes:
    """``_json({**head, "entries": [...]})``, from each entry already encoded for the list
    (``_encoded``): joined as bytes, neither indented nor encoded again here (at 10,000
    entries, 18 MB of JSON in each of two files took 0.47 s)."""
    if not entries:
        return _json({**head, "entries": []})
    text = json.dumps({**head, "entries": [_ENTRIES]}, ensure_ascii=False, indent=2)
    before, _, after = text.partition(json.dumps(_ENTRIES))
    return b"".join(
        (before.encode("utf-8"), b",\n    ".join(entries), after.encode("utf-8"), b"\n")
    )


def _encoded(entry: Entry, base: str, memo: dict[bytes, bytes] | None) -> bytes:
    """An entry's record as JSON in UTF-8, indented as an item of a file's "entries" (an
    entry encoded alone, ``indent=2``, is the same text as inside the list but for its lines'
    indentation, four spaces deeper there; JSON strings hold no raw newline); ``memo`` keeps
    them between builds (by content and base)."""
    if memo is None:
        return _listed(entry, base)
    key = digest.entry_digest(entry) + base.encode()
    text = memo.get(key)
    if text is None:
        text = memo[key] = _listed(entry, base)
    return text


def _listed(entry: Entry, base: str) -> bytes:
    alone = json.dumps(entry_record(entry, base), ensure_ascii=False, indent=2)
    return alone.replace("\n", "\n    ").encode("utf-8")


def _schema_url(base: str, kind: str) -> str:
    return base + urls.SCHEMA.src(name=kind)


def _licensed(head: dict[str, Any], config: SiteConfig) -> dict[str, Any]:
    """``head`` with the data's licence after its first key (``schema_version``), if one is set."""
    if config.data_licence is None:
        return head
    first, *rest = head.items()
    return dict([first, ("license", config.data_licence.descriptor()), *rest])


# --- the Data Package ------------------------------------------------------------------------

# Data Package 2.0 (https://datapackage.org/): the package names its profile, and a CSV file
# is a tabular resource ("type": "table") with a Table Schema.
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}
_NAME_RE = re.compile(r"[^a-z0-9._-]+")


def _resource_name(rel: str, taken: set[str]) -> str:
    """A resource's name: its file's stem (``entries``), or its file name if another has it."""
    file = rel.rpartition("/")[2]
    for candidate in (file.rpartition(".")[0], file):
        name = _NAME_RE.sub("-", candidate.lower()).strip("-")
        if name and name not in taken:
            taken.add(name)
            return name
    raise BuildError(f"two data files are named {file} ({rel} is one): rename one of them")


def _package_name(config: SiteConfig, base: str) -> str:
    """The site's name as a Data Package name (lowercase, hyphens), or its address's."""
    for text in (config.site_name, urlsplit(base).hostname or ""):
        if name := ids.slug(text):
            return name
    return "open-data"


def data_package(
    files: dict[str, bytes],
    config: SiteConfig,
    about: dict[str, str],
    tables: dict[str, dict[str, Any]],
) -> bytes:
    """``api/datapackage.json``: every other file in api/ among ``files``, with its size, hash,
    format and (``about``) description, the Table Schema of each CSV (``tables``), the data's
    licence, and a version that changes exactly when a file does."""
    base = config.require_site_url()
    folder = urls.API_PACKAGE.src().rpartition("/")[0] + "/"
    described = [rel for rel in files if rel.startswith(folder) and rel != urls.API_PACKAGE.src()]
    content = hashing.Key("data package")
    resources = []
    taken: set[str] = set()
    for rel in described:
        fmt = rel.rpartition(".")[2]  # build_data allows only MEDIA_TYPES' formats
        resource: dict[str, Any] = {
            "name": _resource_name(rel, taken),
            "path": rel.removeprefix(folder),
        }
        if rel in tables:
            resource["type"] = "table"
        resource.update(
            {
                "description": about[rel],
                "format": fmt,
                "mediatype": MEDIA_TYPES[fmt],
                "encoding": "utf-8",
                "bytes": len(files[rel]),
                "hash": "sha256:" + hashlib.sha256(files[rel]).hexdigest(),
            }
        )
        if rel in tables:
            resource["schema"] = tables[rel]
        resources.append(resource)
        content.add(rel, files[rel])
    package: dict[str, Any] = {
        "$schema": PACKAGE_PROFILE,
        "name": _package_name(config, base),
        "title": config.site_name,
    }
    if config.site_description:
        package["description"] = config.site_description
    package["homepage"] = base + urls.page_url(DATA_PAGE)
    # SemVer: the format's version, and after "+" (build metadata) the files' fingerprint.
    package["version"] = f"{fields.SCHEMA_VERSION}+{content.hexdigest()[:12]}"
    if config.data_licence is not None:
        package["licenses"] = [config.data_licence.descriptor()]
    package["resources"] = resources
    return _json(package)


# --- what the build calls ---------------------------------------------------------------------


def build_data(
    corpus: Corpus, config: SiteConfig, memo: dict[bytes, bytes] | None = None
) -> dict[str, bytes]:
    """Every data file as bytes, keyed by site-relative path, without writing anything.
    ``memo``: each entry's JSON, kept between builds (``generator.cache.incremental``)."""
    base = config.require_site_url()
    if config.data_licence is None:
        log.warning(
            "%s: extra.record.data_licence is not set, so the open data (api/) states no "
            "licence and others may not know whether they can reuse it. Add, under extra.record, "
            "for example `%s`",
            display_path(config.path),
            LICENCE_EXAMPLE,
        )
    files: dict[str, bytes] = {}
    about: dict[str, str] = {}  # what each file in api/ holds, for the Data Package
    everything = _ordered(corpus)
    encoded = {e.id: _encoded(e, base, memo) for e in everything}
    registry = kinds.current()
    files[urls.API_ALL.src()] = _json_with_entries(
        _licensed(
            {
                "schema_version": fields.SCHEMA_VERSION,
                "schemas": {kind: _schema_url(base, kind) for kind in registry.names},
                "count": len(everything),
            },
            config,
        ),
        [encoded[e.id] for e in everything],
    )
    about[urls.API_ALL.src()] = "Every entry of every kind, as JSON."
    for kind in registry:
        chosen = _ordered(corpus, kind.name)
        rel = urls.API_KIND.src(folder=kind.folder)
        files[rel] = _json_with_entries(
            _licensed(
                {
                    "schema_version": fields.SCHEMA_VERSION,
                    "kind": kind.name,
                    "schema": _schema_url(base, kind.name),
                    "count": len(chosen),
                },
                config,
            ),
            [encoded[e.id] for e in chosen],
        )
        about[rel] = f"{kind.label} entries only, as JSON."
    tables: dict[str, dict[str, Any]] = {}
    for kind in registry:  # the kinds' own datasets (a CSV of terms)
        own = kind.datasets(corpus, base)
        files.update(own)
        tables.update(kind.table_schemas())
        for rel in own:
            if rel.rpartition(".")[2] not in MEDIA_TYPES:
                raise BuildError(
                    f"the {kind.name} kind's dataset {rel} is neither CSV nor JSON, the formats "
                    f"{urls.API_PACKAGE.src()} can describe: write it as .csv or .json"
                )
            if rel.endswith(".csv") and rel not in tables:
                raise BuildError(
                    f"the {kind.name} kind writes {rel} but gives no Table Schema for it: return "
                    "one from the kind's table_schemas(), keyed by the same path"
                )
        what = kind.data_page(corpus, base).get("what")
        about.update({rel: f"{what}." if what else f"A dataset of {kind.folder}." for rel in own})
    files[urls.API_PACKAGE.src()] = data_package(files, config, about, tables)
    for kind, kind_schema in schema.json_schemas(base).items():
        files[urls.SCHEMA.src(name=kind)] = schema.dumps(kind_schema).encode("utf-8")
    return files


def write_data(
    corpus: Corpus, config: SiteConfig, site_dir: Path, memo: dict[bytes, bytes] | None = None
) -> None:
    """Write ``api/`` and ``schemas/`` under ``site_dir``; fails before writing without site_url."""
    files = build_data(corpus, config, memo)
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
    target = SCHEMA_DEFS.get(ref.rpartition("/")[2], {})
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
    registry = kinds.current()
    counts = {kind.name: corpus.count(kind.name) for kind in registry}
    datasets = [page for kind in registry if (page := kind.data_page(corpus, base))]
    return {
        "schema_version": fields.SCHEMA_VERSION,
        "entries_url": base + urls.API_ALL.src(),
        "total": sum(counts.values()),
        "kinds": [
            {
                "kind": kind.name,
                "label": kind.label,
                "plural": kind.folder,
                "count": counts[kind.name],
                "data_url": base + urls.API_KIND.src(folder=kind.folder),
                "schema_url": _schema_url(base, kind.name),
                "fields": field_docs(kind.name),
            }
            for kind in registry
        ],
        "licence": str(config.raw.get("copyright") or ""),
        "data_licence": config.data_licence,
        "package_url": base + urls.API_PACKAGE.src(),
        "datasets": datasets,
    }


def files(page: dict[str, Any]) -> list[tuple[str, str]]:
    """Each file the Data page lists (``page_context``), as its URL and what it holds, in the
    interface's language (the page's structured data; the files themselves stay as they are)."""
    _ = i18n.gettext

    def label(k: dict[str, Any]) -> str:
        return _(k["label"])

    out = [(page["entries_url"], _("Every entry of every kind"))]
    out += [(k["data_url"], _("%(kind)s entries only") % {"kind": label(k)}) for k in page["kinds"]]
    out += [(d["url"], d["what"]) for d in page["datasets"]]
    out.append((page["package_url"], _("A Data Package describing the other files in api/")))
    out += [
        (k["schema_url"], _("The JSON Schema of %(kind)s entries") % {"kind": label(k).lower()})
        for k in page["kinds"]
    ]
    return out
