"""Small builders shared by test modules (pytest puts tests/ on sys.path)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from generator.build.pipeline import MANIFEST
from generator.core.config import Licence, SiteConfig
from generator.core.dates import PartialDate
from generator.format.corpus import Corpus
from generator.format.model import Entry, Source
from generator.kinds.actor import Actor
from generator.kinds.censorship_list import CensorshipList, ListItem
from generator.kinds.event import Event
from generator.kinds.quote import Quote
from generator.load.reader import discover, read_entry
from generator.validate.record import build_entry

SITE_URL = "https://example.org/record/"
SOURCE = Source(
    url="https://example.com/report",
    title="A report",
    publisher="Example News",
    date=PartialDate.parse("2025-01-13"),
)


AS_SET = {"feed_id_authority": "rednote-record.github.io,2025"}  # as the record's mkdocs.yml
LICENCE = Licence(  # as the record's mkdocs.yml
    name="CC-BY-4.0",
    path="https://creativecommons.org/licenses/by/4.0/",
    title="Creative Commons Attribution 4.0",
)


def site_config(site_url: str | None = SITE_URL, limit: int = 50, **record: str) -> SiteConfig:
    """A SiteConfig as mkdocs.yml would give it, without reading a file.

    ``record`` becomes ``extra.record`` (for example ``feed_id_authority``).
    """
    return SiteConfig(
        path=Path("mkdocs.yml"),
        site_name="RedNote Record",
        site_url=site_url,
        site_description="A test record.",
        feed_limit=limit,
        data_licence=LICENCE,
        raw={
            "copyright": "CC BY 4.0",
            "extra": {"record": {**AS_SET, **record, "feed_limit": limit}},
        },
    )


def event(
    *,
    id: str = "an-event",
    date: str | PartialDate = "2025-01-13",
    added: str | dt.date = "2025-01-20",
    path: Path | None = None,
    title: str | None = None,
    summary: str | None = None,
    sources: tuple[Source, ...] = (SOURCE,),
    **fields: Any,
) -> Event:
    """An event with every required field filled in; any field can be given instead.

    ``date`` and ``added`` may be given as text. The title is "Event <id>", the summary
    "Summary of *<id>*.", the path ``entries/events/<id>.yaml``.
    """
    return Event(
        id=id,
        path=path or Path(f"entries/events/{id}.yaml"),
        added=dt.date.fromisoformat(added) if isinstance(added, str) else added,
        title=f"Event {id}" if title is None else title,
        date=PartialDate.parse(date) if isinstance(date, str) else date,
        summary=f"Summary of *{id}*." if summary is None else summary,
        sources=sources,
        **fields,
    )


def _day(value: str | dt.date) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def quote(
    *,
    id: str = "a-quote",
    date: str = "2025-01-14",
    added: str | dt.date = "2025-01-20",
    speaker: str = "hu-xijin",
    **fields: Any,
) -> Quote:
    """A quote with every required field filled in: "Said <id>." in English, by ``speaker``."""
    values: dict[str, Any] = {"text": f"Said {id}.", "lang": "en", "sources": (SOURCE,)}
    return Quote(
        id=id,
        path=Path(f"entries/quotes/{id}.yaml"),
        added=_day(added),
        speaker=speaker,
        date=PartialDate.parse(date),
        **{**values, **fields},
    )


def censorship_list(
    *,
    id: str = "a-list",
    date: str = "2025-01",
    added: str | dt.date = "2025-01-20",
    compiled_by: str = "hu-xijin",
    **fields: Any,
) -> CensorshipList:
    """A list of one term (六四), compiled by ``compiled_by``, on Xiaohongshu."""
    values: dict[str, Any] = {
        "title": f"List {id}",
        "platform": "Xiaohongshu",
        "summary": "Terms.",
        "items": (ListItem(evidence="reported", term="六四", translation="June Fourth"),),
        "sources": (SOURCE,),
    }
    return CensorshipList(
        id=id,
        path=Path(f"entries/lists/{id}.yaml"),
        added=_day(added),
        compiled_by=compiled_by,
        date=PartialDate.parse(date),
        **{**values, **fields},
    )


def actor(id: str, *, added: str | dt.date = "2025-01-02", **fields: Any) -> Actor:
    """A person named after the id ("hu-xijin" is "Hu Xijin")."""
    values: dict[str, Any] = {"name": id.replace("-", " ").title(), "kind": "person"}
    return Actor(
        id=id, path=Path(f"entries/actors/{id}.yaml"), added=_day(added), **{**values, **fields}
    )


def corpus_of(*entries: Entry) -> Corpus:
    """A corpus of exactly these entries."""
    return Corpus({e.id: e for e in entries})


def typed_without_validation(entries: Path) -> Corpus:
    """The entries under ``entries`` typed without the validator's checks, for testing the
    renderers' own defence against text the validator would refuse."""
    files, problems = discover(entries)
    assert not problems, problems
    typed = {}
    for kind, path in files:
        loaded, file_problems = read_entry(path)
        assert loaded is not None and not file_problems, file_problems
        typed[path.stem] = build_entry(kind, loaded)
    return Corpus(typed)


VALID_ENTRIES = Path(__file__).parent / "data" / "validate" / "valid" / "entries"


def edit(entries: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in the entry file ``name`` under ``entries`` (it must be there)."""
    path = entries / name
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def site_tree(site: Path) -> dict[str, bytes]:
    """Every file of a built site, by its path in the site."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _pagefind_unstable(name: str) -> bool:
    return (
        name.startswith("pagefind/filter/")
        or (name.startswith("pagefind/pagefind.") and name.endswith(".pf_meta"))
        or name == "pagefind/pagefind-entry.json"
    )


def comparable_tree(site: Path) -> dict[str, bytes]:
    """A built site's files, less those that differ between two builds of the same entries.

    Pagefind 1.5 writes its filter indexes
    in an arbitrary order, so their names, and the metadata and entry files that name them,
    change from build to build (upstream: Pagefind/pagefind#638, where the fragments were made
    stable in 1.3 and the filters were not). The index, the fragments and everything else are
    kept, and the manifest without the names it loses.
    """
    files = site_tree(site)
    for name in [n for n in files if _pagefind_unstable(n)]:
        files.pop(name)
    manifest = json.loads(files[MANIFEST])
    manifest["files"] = [n for n in manifest["files"] if not _pagefind_unstable(n)]
    files[MANIFEST] = json.dumps(manifest).encode()
    return files


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"
)


def sitemap_problems(xml: bytes, url: str) -> list[str]:
    """What breaks the sitemaps.org protocol in the sitemap (or index) ``xml`` published at
    ``url``: the checks of its XML Schema (sitemap.xsd, siteindex.xsd) and its written rules."""
    problems: list[str] = []
    if len(xml) > 50 * 1024 * 1024:
        problems.append("over 50 MB")
    if not xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'):
        problems.append("no XML declaration of UTF-8")
    root = ElementTree.fromstring(xml)
    item = {f"{SITEMAP_NS}urlset": "url", f"{SITEMAP_NS}sitemapindex": "sitemap"}.get(root.tag)
    if item is None:
        return [*problems, f"the root is {root.tag}, not a urlset or sitemapindex"]
    children = list(root)
    if not 1 <= len(children) <= 50_000:
        problems.append(f"{len(children)} <{item}> elements, not 1 to 50,000")
    folder = url.rpartition("/")[0] + "/"
    order = ["loc", "lastmod"] + (["changefreq", "priority"] if item == "url" else [])
    seen: set[str] = set()
    for child in children:
        if child.tag != f"{SITEMAP_NS}{item}":
            problems.append(f"a {child.tag} element among the <{item}> elements")
            continue
        # The schema lets elements of other namespaces follow (xhtml:link, for hreflang).
        own = [c for c in child if c.tag.startswith(SITEMAP_NS)]
        others = len(child) - len(own)
        if others and any(c.tag.startswith(SITEMAP_NS) for c in list(child)[-others:]):
            problems.append(f"<{item}> has elements of another namespace before its own")
        names = [c.tag.removeprefix(SITEMAP_NS) for c in own]
        if names != [n for n in order if n in names] or names[:1] != ["loc"]:
            problems.append(f"<{item}> holds {names}, not loc then {order[1:]}, once each")
            continue
        values = {c.tag.removeprefix(SITEMAP_NS): (c.text or "") for c in own}
        loc = values["loc"]
        if not 12 <= len(loc) <= 2048 or urlsplit(loc).scheme not in ("http", "https"):
            problems.append(f"{loc!r} is not an absolute address of 12 to 2048 characters")
        if not loc.startswith(folder):
            problems.append(f"{loc} is outside {folder}, where the sitemap is")
        if loc in seen:
            problems.append(f"{loc} is listed twice")
        seen.add(loc)
        if "lastmod" in values and not _W3C_DATETIME.match(values["lastmod"]):
            problems.append(f"{values['lastmod']!r} is not a W3C date")
    return problems


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` as a committer named t; what it prints. Raises when it fails."""
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


class Payload:
    """A pickle that runs code when it is read: the code appends a line to ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (exec, (f"open({str(self.marker)!r}, 'a').write('ran\\n')",))


def page_types() -> dict[str, str]:
    """One built file of each page type, name → path from the site root: the accessibility
    test's PAGES without their queries, each path once (the filtered timeline is the timeline)."""
    import importlib.util
    from urllib.parse import urlsplit

    where = Path(__file__).resolve().parent / "browser" / "test_accessibility.py"
    spec = importlib.util.spec_from_file_location("_accessibility_pages", where)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths: dict[str, str] = {}
    for name, path in module.PAGES.items():
        paths.setdefault(urlsplit(path).path, name)
    return {name: path for path, name in paths.items()}
