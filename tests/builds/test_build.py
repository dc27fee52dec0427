"""The whole pipeline, built end to end: search, links, feeds discovery, safety, reproducibility."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from helpers import comparable_tree, corpus_of

from generator import engine
from generator.build import pipeline
from generator.build.pipeline import BuildResult, build_site, publish
from generator.core.config import load_config
from generator.core.dates import PartialDate
from generator.core.errors import BuildError, ValidationFailed
from generator.format.corpus import Corpus
from generator.format.model import Correction, Source
from generator.kinds.actor import Actor, Handle
from generator.kinds.censorship_list import CensorshipList, ListItem
from generator.kinds.event import Event, ZhText
from generator.kinds.quote import Quote
from generator.publish import feeds

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
pytestmark = pytest.mark.slow


class _Html(HTMLParser):
    """Every element's attributes, the text of every <script>, and the ids on the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.ids: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(attributes["id"])  # type: ignore[arg-type]
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])  # type: ignore[arg-type]
        # JSON-LD is data no browser runs (tests/site/test_structured_data.py reads it).
        self._in_script = tag == "script" and attributes.get("type") != "application/ld+json"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


MOUNT = urlsplit(load_config(ROOT / "mkdocs.yml").site_url or "/").path  # /rednote-record/


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    """The file an internal href points to (404.html uses absolute paths), and its fragment."""
    base = MOUNT + page.relative_to(site).as_posix()
    target = urlsplit(urljoin(base, href))
    path = site / unquote(target.path).removeprefix(MOUNT)
    if path.is_dir():
        path = path / "index.html"
    return path, target.fragment


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def make_project(tmp_path: Path, docs: dict[str, str]) -> Path:
    """A copy of the project's mkdocs.yml using ``docs`` as its hand-written pages."""
    (tmp_path / "docs").mkdir()
    for name, text in docs.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


STUB_DOCS = {
    "about.md": "# About\n",
    "methodology.md": "# Methodology\n",
    "contributing.md": "# How to contribute\n",
    "publishing.md": "# Start your own knowledge base\n",
}


@pytest.fixture(scope="module")
def site(built_site: BuildResult) -> Path:
    return built_site.site_dir


# --- what readers get --------------------------------------------------------------------


def test_every_entry_is_published_at_its_permalink(site: Path, golden_corpus: Corpus) -> None:
    for entry in golden_corpus.entries.values():
        assert (site / entry.url / "index.html").is_file(), entry.url
    # every folder of the site's URLs is a listing
    for page in ("timeline/", "events/", "lists/", "lists/terms/", "tags/", "tags/migration/"):
        assert (site / page / "index.html").is_file(), page
    for page in ("quotes/", "actors/"):
        assert (site / page / "index.html").is_file(), page


def test_a_renamed_entry_keeps_its_old_addresses(site: Path) -> None:
    # The golden blackout event was 2025-01-17-blackout, and absorbed a withdrawn quote.
    for old in ("events/2025-01-17-blackout", "quotes/quote-blackout-notice"):
        html = (site / old / "index.html").read_text(encoding="utf-8")
        target = "../../events/2025-01-18-blackout/"
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
        assert f'<a href="{target}">TikTok goes dark for a day</a>' in html
        assert (
            '<link rel="canonical" href="https://rednote-record.github.io/rednote-record/events/2025-01-18-blackout/">'
            in html
        )
        resolved = (site / old / target / "index.html").resolve()
        assert resolved == (site / "events/2025-01-18-blackout/index.html").resolve()
    # Feeds keep the id it was first published under, so the rename is no new item.
    atom = (site / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert ":event/2025-01-17-blackout</id>" in atom
    assert ":event/2025-01-18-blackout</id>" not in atom
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "2025-01-17-blackout" not in sitemap  # a redirect is not a page to index


def test_feeds_and_data_are_written(site: Path) -> None:
    for path in (
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/all.json",
        "api/entries.json",
        "api/terms.csv",
    ):
        assert (site / path).is_file(), path


def test_every_page_advertises_the_feeds(site: Path) -> None:
    for page in site.rglob("*.html"):
        if 'http-equiv="refresh"' in page.read_text(encoding="utf-8"):
            continue  # a renamed entry's old address, which only redirects
        links = {
            (a.get("type"), a.get("href"))
            for tag, a in parse(page).elements
            if tag == "link" and a.get("rel") == "alternate"
        }
        types = {t for t, _ in links}
        assert {"application/atom+xml", "application/rss+xml", "application/feed+json"} <= types, (
            page
        )
        for _type, href in links:
            assert resolve(site, page, href or "")[0].is_file(), (page, href)


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    """Covers the raw HTML blocks too, which MkDocs does not check."""
    parsed = {p: parse(p) for p in site.rglob("*.html")}
    problems = []
    for page, html in parsed.items():
        base = page.relative_to(site).as_posix()
        for tag, attrs in html.elements:
            href = attrs.get("href") if tag in ("a", "link") else None
            if not href or urlsplit(href).scheme or href.startswith(("//", "mailto:")):
                continue
            path, fragment = resolve(site, page, href)
            if not path.is_file():
                problems.append(f"{base}: {href}")
            elif fragment and path.suffix == ".html" and fragment not in parsed[path].ids:
                problems.append(f"{base}: {href} (no such anchor)")
    assert problems == []


def test_no_page_is_larger_than_300_kb(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert page.stat().st_size < 300_000, page


def test_quote_and_terms_carry_their_language(site: Path) -> None:
    quote = (site / "quotes/quote-three-ts/index.html").read_text(encoding="utf-8")
    assert '<blockquote class="record-quote" lang="zh-Hant">' in quote
    terms = (site / "lists/terms/index.html").read_text(encoding="utf-8")
    assert '<td lang="zh">天安門</td>' in terms


def test_timeline_chart_is_html_with_its_numbers_as_text(site: Path) -> None:
    page = (site / "timeline/index.html").read_text(encoding="utf-8")
    start = page.index('<figure class="record-chart"')
    chart = page[start : page.index("</figure>", start)]
    # the numbers are text, not drawn: the only SVG is each row's bar, hidden from readers
    bars = re.findall(r"<svg[^>]*>", chart)
    assert set(bars) == {'<svg class="record-chart__bar" aria-hidden="true">'}
    assert "<text" not in chart and "<script" not in chart
    assert (
        '<strong id="record-chart-title" class="record-chart__title">Events per year</strong>'
        in chart
    )
    # each bar is a link to its period on the timeline, with its count as text
    assert '<a class="record-chart__row" href="./#2025">' in chart
    assert '<span class="record-chart__label">2025</span>' in chart
    assert (
        '<span class="record-chart__count">1<span class="record-sr"> event</span></span>' in chart
    )


def test_theme_assets_are_published(site: Path) -> None:
    assert (site / "assets/record.js").is_file() and (site / "assets/record.css").is_file()
    page = (site / "timeline/index.html").read_text(encoding="utf-8")
    assert "assets/record.js" in page and "assets/record.css" in page


# --- the navigation ----------------------------------------------------------------------


def test_navigation_holds_listing_pages_only(site: Path) -> None:
    page = (site / "events/2025-01-18-blackout/index.html").read_text(encoding="utf-8")
    nav = page[page.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "Timeline" in nav and "Censorship lists" in nav
    assert "events/" not in nav and "blackout" not in nav


# --- safety ------------------------------------------------------------------------------


PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert("xss")>'
LINK = '[click](javascript:alert("xss"))'


def _hostile_corpus() -> Corpus:
    src = Source(
        url="https://example.org/a",
        title=PAYLOAD,
        publisher=PAYLOAD,
        archive_url='javascript:alert("xss")',
    )
    common = {
        "added": date(2025, 1, 1),
        "tags": ("t",),
        "sources": (src,),
        "corrections": (Correction(date=PartialDate.parse("2025-01-02"), note=PAYLOAD + LINK),),
    }
    person = Actor(
        id="villain",
        path=Path("a.yaml"),
        name=PAYLOAD,
        kind=PAYLOAD,
        name_zh=PAYLOAD,
        description=PAYLOAD + LINK,
        handles=(Handle(platform=PAYLOAD, handle=PAYLOAD, url='javascript:alert("xss")'),),
        **common,
    )
    event = Event(
        id="evil",
        path=Path("e.yaml"),
        title=PAYLOAD,
        date=PartialDate.parse("2025-01"),
        summary=PAYLOAD + LINK,
        actors=("villain",),
        zh=ZhText(title=PAYLOAD, summary=PAYLOAD + LINK),
        **common,
    )
    quote = Quote(
        id="evil-quote",
        path=Path("q.yaml"),
        text=PAYLOAD,
        lang="zh-Hans",
        translation=PAYLOAD,
        speaker="villain",
        date=PartialDate.parse("2025"),
        platform=PAYLOAD,
        context=PAYLOAD + LINK,
        event="evil",
        **common,
    )
    lst = CensorshipList(
        id="evil-list",
        path=Path("l.yaml"),
        title=PAYLOAD,
        platform=PAYLOAD,
        compiled_by="villain",
        date=PartialDate.parse("2025-01-03"),
        summary=PAYLOAD + LINK,
        items=(
            ListItem(
                evidence="reported",
                term=PAYLOAD,
                translation=PAYLOAD,
                category=PAYLOAD,
                note=PAYLOAD + LINK,
            ),
        ),
        **common,
    )
    return corpus_of(person, event, quote, lst)


def test_html_in_any_field_is_shown_as_text(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, STUB_DOCS))
    result = publish(_hostile_corpus(), config, tmp_path / "site", progress=False)
    for page in result.site_dir.rglob("*.html"):
        html = parse(page)
        for tag, attrs in html.elements:
            assert tag != "img" or attrs.get("src") != "x", page
            for name, value in attrs.items():
                assert not name.startswith("on"), (page, tag, name)
                assert "javascript:" not in (value or "").replace(" ", "").lower(), (page, tag)
        assert not any("xss" in script for script in html.scripts), page
    # and the text is there, readable
    event = (result.site_dir / "events/evil/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in event
    title = re.search(r"<title>(.*?)</title>", event, re.S)
    assert title and "<" not in title.group(1)


def test_a_broken_link_in_a_page_fails_the_strict_build(
    tmp_path: Path, golden_entries: Path
) -> None:
    docs = dict(STUB_DOCS, **{"about.md": "# About\n\nSee [nowhere](missing.md).\n"})
    config = make_project(tmp_path, docs)
    with pytest.raises(
        BuildError, match=f"{engine.LABEL}: Aborted with 1 warnings in strict mode!"
    ):
        build_site(golden_entries, tmp_path / "site", config, progress=False)
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("site")] == []


def test_failed_validation_leaves_the_previous_site_untouched(
    tmp_path: Path, built_site: BuildResult
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    before = tree(site)
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN / "entries", entries)
    (entries / "events/2026-project-ends.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        build_site(entries, site, ROOT / "mkdocs.yml", progress=False)
    assert tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries", "site"]


def test_a_build_that_fails_midway_leaves_the_previous_site(
    tmp_path: Path, built_site: BuildResult, monkeypatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    before = tree(site)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(feeds, "write_feeds", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        build_site(GOLDEN / "entries", site, ROOT / "mkdocs.yml", progress=False)
    assert tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no half-built sibling


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BuildError, match="does not look like a built site"):
        build_site(GOLDEN / "entries", tmp_path, ROOT / "mkdocs.yml", progress=False)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_rebuilding_replaces_the_site(tmp_path: Path, built_site: BuildResult) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    # a page the last build wrote (its manifest says so) that this one no longer makes
    (site / "stale.html").write_text("old", encoding="utf-8")
    manifest = json.loads((site / pipeline.MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].append("stale.html")
    (site / pipeline.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    build_site(GOLDEN / "entries", site, ROOT / "mkdocs.yml", progress=False)
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# --- reproducible, and clean -------------------------------------------------------------


def test_same_entries_give_byte_identical_sites(tmp_path: Path, built_site: BuildResult) -> None:
    again = build_site(GOLDEN / "entries", tmp_path / "again", ROOT / "mkdocs.yml", progress=False)
    first, second = comparable_tree(built_site.site_dir), comparable_tree(again.site_dir)
    assert any(n.startswith("pagefind/fragment/") for n in first)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # no temporary path leaks into the output
    assert not any(
        b"site.new-" in data or str(tmp_path).encode() in data for data in second.values()
    )


def test_a_build_does_not_change_git_status(tmp_path: Path) -> None:
    def status() -> str:
        return subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    before = status()
    site = ROOT / "site.test-git-status"
    try:
        build_site(GOLDEN / "entries", site, ROOT / "mkdocs.yml", progress=False)
        assert status() == before
    finally:
        shutil.rmtree(site, ignore_errors=True)


# --- progress ----------------------------------------------------------------------------


def test_progress_is_logged_in_steps_when_not_a_terminal(caplog) -> None:
    caplog.set_level(logging.INFO, logger="generator.build.pipeline")
    bar = pipeline.Progress(2000, "Building pages", enabled=False)
    for _ in range(2000):
        bar.advance()
    bar.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "Building pages: 200 of 2000"
    assert len(lines) == 9


def test_progress_draws_a_counter_on_a_terminal(capsys) -> None:
    bar = pipeline.Progress(3, "Building pages", enabled=True)
    for _ in range(3):
        bar.advance()
    bar.close()
    err = capsys.readouterr().err
    assert err.endswith("3/3\n") and "\r" in err


def test_the_site_folder_is_readable_like_any_folder(built_site) -> None:
    """The build folder comes from mkdtemp (0700); the published site must not stay private."""
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(built_site.site_dir.stat().st_mode) == 0o777 & ~mask


# --- the engine --------------------------------------------------------------------------------


def test_the_site_is_built_by_the_engine_record_engine_names(site: Path) -> None:
    """make test runs this folder once per engine: each run must really use its engine."""
    generator = re.search(
        r'<meta name="generator" content="([^"]*)"', (site / "index.html").read_text()
    )
    assert generator is not None
    expected = "mkdocs-ProperDocs " if engine.NAME == "properdocs" else "mkdocs-1."
    assert generator.group(1).startswith(expected), generator.group(1)
    assert engine.NAME == (os.environ.get("RECORD_ENGINE") or "mkdocs")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("hugo", "Error: RECORD_ENGINE='hugo' is not an engine: use one of mkdocs, properdocs\n"),
        ("", None),  # unset: MkDocs
    ],
)
def test_an_unknown_engine_is_a_clean_error(
    tmp_path: Path, value: str, message: str | None
) -> None:
    env = {**os.environ, "RECORD_ENGINE": value}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--entries",
            str(GOLDEN / "entries"),
            "--site-dir",
            str(tmp_path / "site"),
            "--config",
            str(ROOT / "mkdocs.yml"),
            "--no-cache",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    if message is None:
        assert done.returncode == 0, done.stderr
        assert "MkDocs built" in done.stderr
    else:
        assert (done.returncode, done.stderr) == (1, message)


def test_a_cold_build_indexes_before_the_pages_and_a_warm_one_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside the workers that render and theme every page, Pagefind held 570 MB at 10,000
    entries; with a cache that holds most pages, it indexes while the few others are built."""
    from generator.publish import search

    steps: list[str] = []

    class Recording(search.Indexer):
        def index(self, records):  # type: ignore[no-untyped-def]
            steps.append("index")
            super().index(records)

        def wait(self) -> None:
            super().wait()
            steps.append("indexed")

    real_render = pipeline.render_all

    def render_all(*args, **kwargs):  # type: ignore[no-untyped-def]
        steps.append("render")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(search, "Indexer", Recording)
    monkeypatch.setattr(pipeline, "render_all", render_all)
    entries, config, cache = GOLDEN / "entries", ROOT / "mkdocs.yml", tmp_path / "cache"
    build_site(entries, tmp_path / "site", config, progress=False, cache_dir=cache)
    assert steps[:3] == ["index", "indexed", "render"]
    copy = tmp_path / "entries"
    shutil.copytree(entries, copy)
    event = next(copy.glob("events/*.yaml"))
    text = event.read_text(encoding="utf-8")
    assert text.startswith("title: ")  # a new title: a new search record
    event.write_text(text.replace("title: ", "title: Edited, ", 1), encoding="utf-8")
    steps.clear()
    build_site(copy, tmp_path / "site", config, progress=False, cache_dir=cache)
    assert steps[:2] == ["index", "render"] and "indexed" not in steps
