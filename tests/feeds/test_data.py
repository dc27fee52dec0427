"""Open data: entries as JSON (all fields, schema-valid), terms as safe CSV, the schemas."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from datetime import date
from pathlib import Path

import frictionless
import jsonschema
import pytest
from helpers import SITE_URL, corpus_of, site_config

from generator import kinds
from generator.core import markup
from generator.core.config import SiteConfig, load_config
from generator.core.dates import PartialDate
from generator.core.errors import BuildError, ConfigError
from generator.format import schema
from generator.format.corpus import Corpus
from generator.format.model import Correction, Source
from generator.kinds import censorship_list
from generator.kinds.actor import Actor, Handle
from generator.kinds.censorship_list import CensorshipList, ListItem
from generator.kinds.event import Event, ZhText
from generator.kinds.quote import Quote
from generator.publish import data, feeds
from generator.site.render import make_environment
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent
config = site_config


FULL_EVENT = Event(
    id="2024-04-divest-or-ban",
    path=Path("entries/events/2024-04-divest-or-ban.yaml"),
    added=date(2025, 1, 2),
    updated=date(2025, 1, 5),
    tags=("us-law", "courts"),
    related=("reported-removals",),
    corrections=(Correction(date=PartialDate.parse("2025-01-04"), note="Fixed the *month*."),),
    sources=(
        Source(
            url="https://example.com/a",
            title="Law signed",
            publisher="Example News",
            date=PartialDate.parse("2024-04"),
            archive_url="https://archive.example/a",
            lang="en",
        ),
        Source(url="https://example.com/b", title="只有标题"),
    ),
    title="Biden signs the divest-or-ban law",
    date=PartialDate.parse("2024-04"),
    end_date=PartialDate.parse("2024-05"),
    summary="The law gives *ByteDance* 270 days.\n\nSecond paragraph.",
    actors=("joe-biden",),
    zh=ZhText(title="拜登签署法案", summary="法案**生效**。"),
)


@pytest.fixture
def corpus() -> Corpus:
    actor = Actor(
        id="joe-biden",
        path=Path("entries/actors/joe-biden.yaml"),
        added=date(2025, 1, 1),
        name="Joe Biden",
        kind="person",
        handles=(Handle(platform="X", handle="@POTUS", url="https://x.com/POTUS"),),
        description="46th US president.",
    )
    quote = Quote(
        id="quote-welcome",
        path=Path("entries/quotes/quote-welcome.yaml"),
        added=date(2025, 1, 16),
        text="欢迎!",
        lang="zh-Hans",
        translation="Welcome!",
        speaker="joe-biden",
        date=PartialDate.parse("2025-01-14T09:30:00+08:00"),
        sources=(Source(url="https://example.com/q", title="Q"),),
    )
    lst = CensorshipList(
        id="reported-removals",
        path=Path("entries/lists/reported-removals.yaml"),
        added=date(2025, 1, 21),
        title="Reported removals",
        platform="Xiaohongshu",
        compiled_by="joe-biden",
        date=PartialDate.parse("2025-01"),
        summary="Terms.",
        items=(
            ListItem(
                evidence="reported",
                term="六四",
                translation="June Fourth",
                category="history",
                note="Also written *8²*.",
                first_seen=PartialDate.parse("2025-01"),
            ),
            ListItem(
                evidence="reported",
                term='=HYPERLINK("https://evil.example","click")',
                translation="a formula",
            ),
            ListItem(
                evidence="reported",
                term="+1 for freedom",
                translation="-1 for censorship",
                category="@mention",
            ),
            ListItem(
                evidence="reported",
                term="\tTabbed",
                translation="x=y is fine",
                note='Line one,\nline "two".',
            ),
            ListItem(evidence="reported", term="Bad\x01 control", translation="stripped\x7f"),
            ListItem(evidence="tested", topic="posts about the 1989 crackdown"),
        ),
        sources=(Source(url="https://example.com/l", title="L"),),
    )
    return corpus_of(lst, actor, quote, FULL_EVENT)


def build(corpus: Corpus, cfg: SiteConfig | None = None) -> dict[str, bytes]:
    return data.build_data(corpus, cfg or config())


def load(files: dict[str, bytes], path: str) -> dict:
    return json.loads(files[path].decode("utf-8"))


# --- entries.json --------------------------------------------------------------------------


def test_the_files_written(corpus, tmp_path):
    data.write_data(corpus, config(), tmp_path)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(
        [
            "api/entries.json",
            "api/events.json",
            "api/quotes.json",
            "api/lists.json",
            "api/actors.json",
            "api/terms.csv",
            "api/datapackage.json",
        ]
        + [f"schemas/{kind}.schema.json" for kind in kinds.current().names]
    )


def test_an_entry_has_every_field_as_written(corpus):
    entries = load(build(corpus), "api/entries.json")["entries"]
    assert entries[0] == {
        "id": "2024-04-divest-or-ban",
        "kind": "event",
        "permalink": "https://example.org/record/events/2024-04-divest-or-ban/",
        "fields": {
            "title": "Biden signs the divest-or-ban law",
            "date": "2024-04",
            "end_date": "2024-05",
            "summary": "The law gives *ByteDance* 270 days.\n\nSecond paragraph.",
            "actors": ["joe-biden"],
            "zh": {"title": "拜登签署法案", "summary": "法案**生效**。"},
            "sources": [
                {
                    "url": "https://example.com/a",
                    "title": "Law signed",
                    "publisher": "Example News",
                    "date": "2024-04",
                    "archive_url": "https://archive.example/a",
                    "lang": "en",
                },
                {"url": "https://example.com/b", "title": "只有标题"},
            ],
            "added": "2025-01-02",
            "updated": "2025-01-05",
            "tags": ["us-law", "courts"],
            "related": ["reported-removals"],
            "corrections": [{"date": "2025-01-04", "note": "Fixed the *month*."}],
        },
    }
    # Keys in schema order, so the file reads like the YAML it came from.
    assert list(entries[0]["fields"]) == [
        name for name in schema.field_names("event") if name in entries[0]["fields"]
    ]


def test_other_kinds_keep_their_own_field_names(corpus):
    by_id = {e["id"]: e for e in load(build(corpus), "api/entries.json")["entries"]}
    assert by_id["joe-biden"]["fields"] == {
        "name": "Joe Biden",
        "kind": "person",
        "handles": [{"platform": "X", "handle": "@POTUS", "url": "https://x.com/POTUS"}],
        "description": "46th US president.",
        "added": "2025-01-01",
    }
    assert by_id["joe-biden"]["kind"] == "actor"
    quote = by_id["quote-welcome"]["fields"]
    assert quote["date"] == "2025-01-14T09:30:00+08:00"  # a date-time keeps its offset
    assert quote["text"] == "欢迎!"
    items = by_id["reported-removals"]["fields"]["items"]
    assert items[0] == {
        "term": "六四",
        "translation": "June Fourth",
        "evidence": "reported",
        "category": "history",
        "note": "Also written *8²*.",
        "first_seen": "2025-01",
    }
    assert items[4] == {"term": "Bad control", "translation": "stripped", "evidence": "reported"}
    assert items[5] == {"topic": "posts about the 1989 crackdown", "evidence": "tested"}
    # JSON keeps text as it is: the CSV guard is for spreadsheets only.
    assert items[1]["term"] == '=HYPERLINK("https://evil.example","click")'


def test_entries_json_metadata_order_and_encoding(corpus):
    files = build(corpus)
    doc = load(files, "api/entries.json")
    assert list(doc) == ["schema_version", "license", "schemas", "count", "entries"]
    assert doc["schema_version"] == schema.SCHEMA_VERSION
    assert doc["count"] == 4 == len(doc["entries"])
    assert doc["schemas"]["event"] == "https://example.org/record/schemas/event.schema.json"
    assert [(e["kind"], e["id"]) for e in doc["entries"]] == [
        ("event", "2024-04-divest-or-ban"),
        ("quote", "quote-welcome"),
        ("list", "reported-removals"),
        ("actor", "joe-biden"),
    ]
    raw = files["api/entries.json"]
    assert raw.endswith(b"}\n") and not raw.endswith(b"\n\n")
    assert "拜登签署法案".encode() in raw  # ensure_ascii=False: readable UTF-8
    assert b"\\u" not in raw
    assert build(corpus) == files  # byte-identical rebuild


def test_every_entry_validates_against_its_published_schema(corpus):
    schemas = {
        kind: jsonschema.Draft202012Validator(s) for kind, s in schema.json_schemas().items()
    }
    clean = Corpus({k: v for k, v in corpus.entries.items() if k != "reported-removals"})
    for entry in load(build(clean), "api/entries.json")["entries"]:
        schemas[entry["kind"]].validate(entry["fields"])


@pytest.mark.record
def test_the_real_knowledge_base_exports_valid_entries():
    corpus = load_corpus(ROOT / "entries")
    cfg = load_config(ROOT / "mkdocs.yml")
    doc = load(build(corpus, cfg), "api/entries.json")
    assert doc["count"] == len(corpus.entries) == len({e["id"] for e in doc["entries"]})
    schemas = {
        kind: jsonschema.Draft202012Validator(s) for kind, s in schema.json_schemas().items()
    }
    for entry in doc["entries"]:
        schemas[entry["kind"]].validate(entry["fields"])
        assert entry["permalink"] == cfg.require_site_url() + corpus.entries[entry["id"]].url


def test_one_file_per_kind(corpus):
    files = build(corpus)
    for kind, plural in (
        ("event", "events"),
        ("quote", "quotes"),
        ("list", "lists"),
        ("actor", "actors"),
    ):
        doc = load(files, f"api/{plural}.json")
        assert list(doc) == ["schema_version", "license", "kind", "schema", "count", "entries"]
        assert doc["kind"] == kind
        assert doc["schema"] == f"{SITE_URL}schemas/{kind}.schema.json"
        assert [e["kind"] for e in doc["entries"]] == [kind] * doc["count"]
        assert doc["entries"] == [
            e for e in load(files, "api/entries.json")["entries"] if e["kind"] == kind
        ]


# --- terms.csv -----------------------------------------------------------------------------


def read_terms(files: dict[str, bytes]) -> list[dict[str, str]]:
    text = files["api/terms.csv"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_terms_csv_has_a_header_and_one_row_per_term(corpus):
    files = build(corpus)
    assert files["api/terms.csv"].startswith(
        b"list_id,term,translation,topic,evidence,category,note,first_seen,list_permalink\r\n"
    )
    rows = read_terms(files)
    assert len(rows) == 6
    assert rows[0] == {
        "list_id": "reported-removals",
        "term": "六四",
        "translation": "June Fourth",
        "topic": "",
        "evidence": "reported",
        "category": "history",
        "note": "Also written *8²*.",
        "first_seen": "2025-01",
        "list_permalink": "https://example.org/record/lists/reported-removals/",
    }
    assert rows[3]["note"] == 'Line one,\nline "two".'  # quoted, and read back intact
    # A topic fills 'topic', never 'term': the two are told apart in every row.
    assert (rows[5]["term"], rows[5]["translation"]) == ("", "")
    assert (rows[5]["topic"], rows[5]["evidence"]) == ("posts about the 1989 crackdown", "tested")


def test_terms_csv_neutralises_formulas(corpus):
    rows = read_terms(build(corpus))
    assert rows[1]["term"] == '\'=HYPERLINK("https://evil.example","click")'
    assert rows[2]["term"] == "'+1 for freedom"
    assert rows[2]["translation"] == "'-1 for censorship"
    assert rows[2]["category"] == "'@mention"
    assert rows[3]["term"] == "'\tTabbed"
    assert rows[3]["translation"] == "x=y is fine"  # only a leading sign is a formula
    assert rows[4]["term"] == "Bad control"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_no_cell_starts_a_formula_however_a_spreadsheet_splits(corpus, delimiter):
    """A spreadsheet may split on ";" (where "," is the decimal mark), a tab or "|", and read
    a line break in a value as a new row: no cell it makes may start a formula."""
    evil = "a;=HYPERLINK(x), @SUM(A1)|-1\t+2\n=3\r-4"
    lists = [e for e in corpus.entries.values() if isinstance(e, CensorshipList)]
    item = dataclasses.replace(lists[0].items[0], term=evil, note=evil)
    hostile = dataclasses.replace(lists[0], items=(item, *lists[0].items[1:]))
    text = censorship_list.KIND.terms_csv(
        Corpus({**corpus.entries, hostile.id: hostile}), "https://e.org/"
    )
    reader = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=delimiter)
    cells = [cell for row in reader for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    for line in text.decode("utf-8").splitlines():  # a line break in a value as a new row
        cells.extend(line.split(delimiter))
    assert [c for c in cells if c.lstrip(" ").startswith(markup.FORMULA_PREFIXES)] == []


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        # The tab and the line break start a cell too, for a spreadsheet that splits on them.
        ("\t=1", "'\t'=1"),
        ("\r=1", "'\r'=1"),
        ("1-1", "1-1"),
        # After any separator a spreadsheet may split on, and the spaces after it.
        ("a;=HYPERLINK(x)", "a;'=HYPERLINK(x)"),
        ("a; +1", "a; '+1"),
        ("a,@SUM(A1)", "a,'@SUM(A1)"),
        ("a|-1", "a|'-1"),
        ("a\n=1", "a\n'=1"),
        ("a;b, c|d", "a;b, c|d"),
        ("", ""),
        (None, ""),
        ("\x01=1", "'=1"),
    ],
)
def test_csv_cell(text, cell):
    assert markup.csv_cell(text) == cell


# --- schemas -------------------------------------------------------------------------------


def test_the_schemas_are_published_as_they_validate(corpus):
    files = build(corpus)
    for kind, kind_schema in schema.json_schemas(config().require_site_url()).items():
        assert json.loads(files[f"schemas/{kind}.schema.json"]) == kind_schema
        assert files[f"schemas/{kind}.schema.json"] == schema.dumps(kind_schema).encode()


# --- the Data Package ----------------------------------------------------------------------

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def validate_package(folder: Path) -> frictionless.Report:
    """What ``frictionless validate datapackage.json`` says of a folder of data."""
    return frictionless.validate(str(folder / "api" / "datapackage.json"))


def errors(report: frictionless.Report) -> list[str]:
    found = [f"{e.type}: {e.note}" for e in report.errors]
    return found + [f"{t.name}: {e.type}: {e.note}" for t in report.tasks for e in t.errors]


def test_the_data_package_passes_frictionless_validate(corpus, tmp_path):
    data.write_data(corpus, config(), tmp_path)
    report = validate_package(tmp_path)
    assert report.valid, errors(report)
    assert [t.name for t in report.tasks] == [
        "entries",
        "events",
        "quotes",
        "lists",
        "actors",
        "terms",
    ]


def test_frictionless_validate_finds_a_file_the_package_does_not_match(corpus, tmp_path):
    """The package pins every file's hash and the CSV's columns: a stale one is caught."""
    data.write_data(corpus, config(), tmp_path)
    (tmp_path / "api" / "terms.csv").write_bytes(b"list_id,term\r\nreported-removals,x\r\n")
    report = validate_package(tmp_path)
    assert not report.valid
    assert {e.split(": ")[1] for e in errors(report)} >= {"hash-count", "missing-label"}


def test_the_data_package_describes_every_file_in_api(corpus, tmp_path):
    data.write_data(corpus, config(), tmp_path)
    package = json.loads((tmp_path / "api/datapackage.json").read_text(encoding="utf-8"))
    in_api = sorted(p.name for p in (tmp_path / "api").iterdir())
    described = sorted(r["path"] for r in package["resources"])
    assert described == [name for name in in_api if name != "datapackage.json"]
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["name"] == "rednote-record"
    assert package["homepage"] == SITE_URL + "data/"
    assert package["licenses"] == [LICENCE]
    by_path = {r["path"]: r for r in package["resources"]}
    assert by_path["entries.json"] | {"bytes": 0, "hash": ""} == {
        "name": "entries",
        "path": "entries.json",
        "description": "Every entry of every kind, as JSON.",
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "bytes": 0,
        "hash": "",
    }
    terms = by_path["terms.csv"]
    assert (terms["type"], terms["mediatype"]) == ("table", "text/csv")
    assert terms["bytes"] == (tmp_path / "api/terms.csv").stat().st_size


@pytest.mark.slow
def test_the_built_sites_data_package_describes_all_of_api_and_validates(built_site):
    """Whatever writes into api/, the package must describe it: a file it leaves out fails."""
    api = built_site.site_dir / "api"
    package = json.loads((api / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    assert described == {p.name for p in api.iterdir()} - {"datapackage.json"}
    assert {p.parent for p in api.rglob("*") if p.is_file()} == {api}  # no folder in api/
    report = validate_package(built_site.site_dir)
    assert report.valid, errors(report)


def test_terms_csv_has_a_table_schema_of_its_columns(corpus):
    files = build(corpus)
    package = load(files, "api/datapackage.json")
    (terms,) = [r for r in package["resources"] if r["path"] == "terms.csv"]
    header = files["api/terms.csv"].split(b"\r\n")[0].decode()
    fields = terms["schema"]["fields"]
    assert [f["name"] for f in fields] == header.split(",")
    assert {f["type"] for f in fields} == {"string"}
    by_name = {f["name"]: f for f in fields}
    assert by_name["evidence"]["constraints"] == {
        "required": True,
        "enum": ["tested", "reported", "leaked"],
    }
    assert by_name["first_seen"]["constraints"] == {"pattern": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}
    assert by_name["list_permalink"]["format"] == "uri"
    # The descriptions are the list item fields' own, from the list's JSON Schema.
    items = schema.json_schemas()["list"]["properties"]["items"]["items"]["properties"]
    assert by_name["note"]["description"] == items["note"]["description"] == "Notes (Markdown)."


def test_the_version_changes_when_a_file_does_and_only_then(corpus):
    version = load(build(corpus), "api/datapackage.json")["version"]
    assert re.fullmatch(re.escape(schema.SCHEMA_VERSION) + r"\+[0-9a-f]{12}", version)
    assert load(build(corpus), "api/datapackage.json")["version"] == version
    edited = dataclasses.replace(FULL_EVENT, title="Biden signs the law")
    changed = Corpus({**corpus.entries, FULL_EVENT.id: edited})
    assert load(build(changed), "api/datapackage.json")["version"] != version


def test_every_json_file_states_the_licence(corpus):
    files = build(corpus)
    for rel in [r for r in files if r.startswith("api/") and r.endswith(".json")]:
        if rel != "api/datapackage.json":
            assert load(files, rel)["license"] == LICENCE, rel


def test_without_a_licence_the_build_says_so_and_states_none(corpus, caplog):
    files = build(corpus, dataclasses.replace(config(), data_licence=None))
    assert [r.getMessage() for r in caplog.records] == [
        "mkdocs.yml: extra.record.data_licence is not set, so the open data (api/) states no "
        "licence and others may not know whether they can reuse it. Add, under extra.record, "
        "for example `data_licence: {name: CC-BY-4.0, path: "
        "https://creativecommons.org/licenses/by/4.0/, title: Creative Commons Attribution 4.0}`"
    ]
    assert "license" not in load(files, "api/entries.json")
    assert "licenses" not in load(files, "api/datapackage.json")


def test_a_csv_dataset_without_a_table_schema_is_refused(corpus, monkeypatch):
    monkeypatch.setattr(censorship_list.ListKind, "table_schemas", lambda self: {})
    with pytest.raises(BuildError) as refused:
        build(corpus)
    assert str(refused.value) == (
        "the list kind writes api/terms.csv but gives no Table Schema for it: return one from "
        "the kind's table_schemas(), keyed by the same path"
    )


def test_the_licence_is_read_from_mkdocs_yml(tmp_path):
    path = tmp_path / "mkdocs.yml"
    setting = (
        "    data_licence: {name: CC0-1.0, path: 'https://creativecommons.org/publicdomain/zero/"
        "1.0/', title: CC0 1.0}\n"
    )
    path.write_text("site_name: X\nextra:\n  record:\n" + setting, encoding="utf-8")
    licence = load_config(path).data_licence
    assert licence is not None
    assert licence.descriptor() == {
        "name": "CC0-1.0",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
        "title": "CC0 1.0",
    }


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "CC-BY-4.0",
            "extra.record.data_licence must be a mapping of name, path and title, for example "
            "`data_licence: {name: CC-BY-4.0, ",
        ),
        (
            "{name: CC BY, path: 'https://example.org/'}",
            "extra.record.data_licence.name 'CC BY' is not a licence identifier; use its SPDX "
            "id, such as CC-BY-4.0, CC0-1.0 or ODbL-1.0",
        ),
        (
            "{name: CC-BY-4.0, path: creativecommons.org}",
            "extra.record.data_licence.path 'creativecommons.org' is not an http(s) address",
        ),
        (
            "{name: CC-BY-4.0, path: 'https://example.org/', licence: x}",
            "extra.record.data_licence must be a mapping of name, path and title",
        ),
    ],
)
def test_a_wrong_licence_setting_is_a_clear_error(tmp_path, setting, message):
    path = tmp_path / "mkdocs.yml"
    path.write_text(
        f"site_name: X\nextra:\n  record:\n    data_licence: {setting}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(f"{path}: {message}")


# --- site_url ------------------------------------------------------------------------------


def test_without_site_url_nothing_is_written(corpus, tmp_path):
    with pytest.raises(ConfigError, match=r"'site_url' is not set\. Feeds and the dataset"):
        data.write_data(corpus, config(site_url=None), tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- the Data page -------------------------------------------------------------------------


def test_data_page_documents_every_file_and_the_promises(corpus):
    page = feeds.subscribe_and_data_pages(corpus, config(), make_environment())["data.md"]
    assert [line for line in page.splitlines() if line.startswith("# ")] == ["# Data"]
    links = set(re.findall(r"\]\((https://[^)\s]+)\)", page))
    assert {SITE_URL + path for path in build(corpus)} <= links
    assert f"Schema version: **{schema.SCHEMA_VERSION}**" in page
    assert "## Stable ids" in page
    assert "starts with `=`, `+`, `-` or `@`" in page
    assert "apostrophe" in page
    for name in schema.field_names("quote"):
        assert f"| `{name}` |" in page
    assert re.search(r"\| `speaker` \| yes \| Id of the actor who said or wrote it\\\. \|", page)
