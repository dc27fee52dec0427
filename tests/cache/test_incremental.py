"""An incremental build (with the build cache) makes the same site as a cold build.

Random edits of the kinds a contributor makes (change a text, retag, add a correction, add,
rename or delete an entry) are applied to a copy of the golden corpus whose cache holds an
earlier build; then the site built with the cache must equal, file for file, the site built
without it (apart from what differs between any two builds: ``helpers.comparable_tree``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from edits import EDITS, apply, dump, entry_files, load
from helpers import comparable_tree
from hypothesis import HealthCheck, given, settings

from generator.build.pipeline import build_site
from generator.core.config import load_config

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "entries"
CONFIG = ROOT / "mkdocs.yml"
# What a build never takes from the cache: the hand-written pages (or, in another interface,
# their translations or the pages that say there is none), Subscribe and Data, per interface.
NEVER_CACHED = (len(list((ROOT / "docs").glob("*.md"))) + 2) * len(load_config(CONFIG).interfaces)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden corpus, built once with a cache: each example starts from a copy."""
    base = tmp_path_factory.mktemp("warm")
    shutil.copytree(GOLDEN, base / "entries")
    build_site(base / "entries", base / "site", CONFIG, progress=False, cache_dir=base / "cache")
    return base


@pytest.fixture
def checked_keys(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every page key a build takes from the cache, checked against the key computed from
    scratch; receives how many each build took."""
    from generator.cache.incremental import Incremental
    from generator.site import fingerprint

    taken: list[int] = []
    choose, standing = Incremental.choose, Incremental._standing

    def counting(self: Incremental, *args: object) -> dict:
        found = standing(self, *args)  # type: ignore[arg-type]
        taken.append(len(found))
        return found

    def checking(self: Incremental, site: object, planned: list) -> set[str]:
        reused = choose(self, site, planned)  # type: ignore[arg-type]
        if self.cache is None:  # a cold build: no keys
            return reused
        fresh = fingerprint.page_keys(site, planned, self.base())  # type: ignore[arg-type]
        assert [self.keys[page.src] for page in planned] == fresh
        return reused

    monkeypatch.setattr(Incremental, "_standing", counting)
    monkeypatch.setattr(Incremental, "choose", checking)
    return taken


def _same_sites(entries: Path, cache: Path, work: Path, site: Path | None = None) -> None:
    """A build with ``cache`` (updating ``site`` in place, if given) equals a cold build."""
    into = site or work / "inc"
    incremental = build_site(entries, into, CONFIG, progress=False, cache_dir=cache)
    cold = build_site(entries, work / "cold", CONFIG, progress=False, cache=False)
    first, second = comparable_tree(incremental.site_dir), comparable_tree(cold.site_dir)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    if site is None:
        shutil.rmtree(into)
    shutil.rmtree(work / "cold")


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=EDITS, then=EDITS)
def test_an_incremental_build_equals_a_cold_build(
    first: list[tuple[str, int]],
    then: list[tuple[str, int]],
    warm: Path,
    tmp_path: Path,
    checked_keys: list[int],
) -> None:
    work = tmp_path / "example"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(warm / "entries", work / "entries")
    shutil.copytree(warm / "cache", work / "cache")
    shutil.copytree(warm / "site", work / "site")  # updated in place, twice
    entries, cache, site = work / "entries", work / "cache", work / "site"
    for edit, pick in first:
        apply(entries, edit, pick)
    _same_sites(entries, cache, work, site)
    # And again from the cache and the site that build left.
    for edit, pick in then:
        apply(entries, edit, pick)
    _same_sites(entries, cache, work, site)


def test_an_edit_rebuilds_only_the_pages_that_show_it(warm: Path, tmp_path: Path) -> None:
    shutil.copytree(warm / "entries", tmp_path / "entries")
    shutil.copytree(warm / "cache", tmp_path / "cache")
    entries, cache = tmp_path / "entries", tmp_path / "cache"
    same = build_site(entries, tmp_path / "same", CONFIG, progress=False, cache_dir=cache)
    # Unchanged: only what is never cached is built again (docs/, Subscribe and Data).
    assert same.rebuilt == NEVER_CACHED
    path = entries / "quotes" / "quote-three-ts.yaml"
    data = load(path)
    data["translation"] = "Tiananmen, Tibet and Taiwan are not to be mentioned."
    dump(path, data)
    edited = build_site(entries, tmp_path / "edited", CONFIG, progress=False, cache_dir=cache)
    assert NEVER_CACHED < edited.rebuilt < same.pages // 2
    page = (edited.site_dir / "quotes" / "quote-three-ts" / "index.html").read_text("utf-8")
    assert "are not to be mentioned" in page


def _output(src: str) -> str:
    """The file the engine writes for the page ``src``."""
    if not src.endswith(".md"):
        return src
    stem = src.removesuffix(".md")
    return "index.html" if stem == "index" else stem.removesuffix("/index") + "/index.html"


def test_the_engine_builds_only_the_pages_whose_markdown_changed(
    warm: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    checked_keys: list[int],
) -> None:
    # An event's summary shows on its page and the listings, but its actor's page names it
    # by its title: that page's key changes (it covers the whole event), its Markdown does not.
    from generator.build import pipeline
    from generator.publish.data import DATA_PAGE

    shutil.copytree(warm / "entries", tmp_path / "entries")
    shutil.copytree(warm / "cache", tmp_path / "cache")
    entries, cache = tmp_path / "entries", tmp_path / "cache"
    before = build_site(entries, tmp_path / "before", CONFIG, progress=False, cache_dir=cache)
    path = entries / "events" / "2025-01-18-blackout.yaml"
    data = load(path)
    data["summary"] += " It went dark in the evening.[1]"
    dump(path, data)
    given: list[set[str]] = []  # what each interface's engine was given to build
    real = pipeline._build_pages

    def recording(mk: object, pages: dict[str, str], *args: object) -> object:
        given.append(set(pages))
        return real(mk, pages, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_build_pages", recording)
    caplog.set_level("INFO", logger="generator.build.pipeline")
    edited = build_site(entries, tmp_path / "edited", CONFIG, progress=False, cache_dir=cache)
    config = load_config(CONFIG)
    roots = [config.interface_root(language) for language in config.interfaces]
    built = {
        root + _output(src)
        for root, srcs in zip(roots, given, strict=True)
        for src in srcs - {"subscribe.md", DATA_PAGE}  # always rendered, always built
    }
    old, new = comparable_tree(before.site_dir), comparable_tree(edited.site_dir)
    changed = {name for name in new if old.get(name) != new[name]}
    assert "events/2025-01-18-blackout/index.html" in built
    assert "zh/events/2025-01-18-blackout/index.html" in built
    assert built <= changed  # every page built again shows the change
    assert "actors/state-paper/index.html" not in built | changed
    (same,) = [r.args[-1] for r in caplog.records if r.msg.startswith("Rendered")]  # type: ignore[index]
    assert same >= 1  # its page and others were rendered, and taken from the cache
    assert edited.rebuilt == len(built) + NEVER_CACHED
    # The pages of the entries the edit did not reach kept their key from the last build.
    entry_pages = len(list(entries.rglob("*.yaml")))
    first, second = checked_keys[-2:]  # an interface each
    assert first == second and 0 < first <= entry_pages - 2  # not the event's, nor its actor's

    # The next build takes them by their key: nothing is rendered again.
    caplog.clear()
    again = build_site(entries, tmp_path / "again", CONFIG, progress=False, cache_dir=cache)
    assert again.rebuilt == NEVER_CACHED
    (rendered,) = [r.args[0] for r in caplog.records if r.msg.startswith("Rendered")]  # type: ignore[index]
    assert rendered == 2  # Subscribe and Data
    cold = build_site(entries, tmp_path / "cold", CONFIG, progress=False, cache=False)
    assert comparable_tree(again.site_dir) == comparable_tree(cold.site_dir)


def test_a_warm_build_updates_the_site_in_place(warm: Path, tmp_path: Path) -> None:
    shutil.copytree(warm / "entries", tmp_path / "entries")
    shutil.copytree(warm / "cache", tmp_path / "cache")
    entries, cache, site = tmp_path / "entries", tmp_path / "cache", tmp_path / "site"
    build_site(entries, site, CONFIG, progress=False, cache_dir=cache)  # a new site, whole

    def identity(rel: str) -> tuple[int, int]:
        found = os.stat(site / rel)
        return found.st_ino, found.st_mtime_ns

    folder = os.stat(site).st_ino  # the same folder, not a new one swapped in
    untouched = [
        "events/2026-project-ends/index.html",
        "zh/events/2026-project-ends/index.html",
        next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix(),
        "feeds/tags/us-law.rss.xml",
        "pagefind/pagefind.js",
    ]
    before = [identity(rel) for rel in untouched]
    event = entries / "events" / "2025-01-18-blackout.yaml"
    data = load(event)
    data["summary"] += " It went dark in the evening.[1]"
    dump(event, data)
    build_site(entries, site, CONFIG, progress=False, cache_dir=cache)
    assert os.stat(site).st_ino == folder
    assert [identity(rel) for rel in untouched] == before  # neither replaced nor written
    page = (site / "events" / "2025-01-18-blackout" / "index.html").read_text("utf-8")
    assert "It went dark in the evening." in page

    (entries / "quotes" / "quote-paper-en.yaml").unlink()
    build_site(entries, site, CONFIG, progress=False, cache_dir=cache)
    assert not (site / "quotes" / "quote-paper-en").exists()
    assert not (site / "zh" / "quotes" / "quote-paper-en").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "entries", "site"]
    cold = build_site(entries, tmp_path / "cold", CONFIG, progress=False, cache=False)
    assert comparable_tree(site) == comparable_tree(cold.site_dir)  # the manifest included


def test_without_the_cache_nothing_is_reused_or_kept(warm: Path, tmp_path: Path) -> None:
    result = build_site(warm / "entries", tmp_path / "site", CONFIG, progress=False, cache=False)
    assert result.rebuilt == result.pages


def test_a_damaged_cache_index_means_a_cold_build(warm: Path, tmp_path: Path) -> None:
    shutil.copytree(warm / "cache", tmp_path / "cache")
    for index in (tmp_path / "cache").glob("*/index.pickle"):
        index.write_bytes(b"not a pickle")
    result = build_site(
        warm / "entries", tmp_path / "site", CONFIG, progress=False, cache_dir=tmp_path / "cache"
    )
    assert result.rebuilt == result.pages
    again = build_site(
        warm / "entries", tmp_path / "again", CONFIG, progress=False, cache_dir=tmp_path / "cache"
    )
    assert again.rebuilt == NEVER_CACHED


def test_the_global_key_covers_config_docs_templates_and_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cache import store

    package = tmp_path / "generator"
    (package / "templates").mkdir(parents=True)
    (package / "templates" / "page.md.j2").write_text("one", encoding="utf-8")
    monkeypatch.setattr(store, "_GENERATOR", package)
    config, docs, snippet = tmp_path / "mkdocs.yml", tmp_path / "docs", tmp_path / "CONTRIBUTING.md"
    config.write_text("site_name: x\n", encoding="utf-8")
    docs.mkdir()
    (docs / "about.md").write_text("# About\n", encoding="utf-8")
    snippet.write_text("How\n", encoding="utf-8")

    def key(site_url: str | None = None) -> str:
        return store.global_key(config, site_url, docs, [snippet])

    keys = [key()]
    assert key() == keys[0]  # stable
    monkeypatch.chdir(tmp_path)  # and the same for the same files given relatively
    relative = [Path("CONTRIBUTING.md")]
    assert store.global_key(Path("mkdocs.yml"), None, Path("docs"), relative) == keys[0]
    keys.append(key("http://127.0.0.1:8000/"))
    for path, text in [
        (config, "site_name: y\n"),
        (docs / "about.md", "# About us\n"),
        (snippet, "How to\n"),
        (package / "templates" / "page.md.j2", "two"),
    ]:
        path.write_text(text, encoding="utf-8")
        keys.append(key())
    assert len(set(keys)) == len(keys)


def test_another_address_does_not_reuse_pages(warm: Path, tmp_path: Path) -> None:
    shutil.copytree(warm / "cache", tmp_path / "cache")
    result = build_site(
        warm / "entries",
        tmp_path / "site",
        CONFIG,
        site_url="http://127.0.0.1:8000/",
        progress=False,
        cache_dir=tmp_path / "cache",
    )
    assert result.rebuilt == result.pages


@pytest.mark.slow
def test_a_timeline_of_many_pages_stays_equal_after_event_edits(tmp_path: Path) -> None:
    # The golden timeline fits on one page. Here (the benchmark's synthetic corpus) events
    # spread over years and months of pages, which each hold the whole timeline for their
    # rail: an event's text shows on its own page only, its date decides its page.
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    generate(500, tmp_path)
    entries, cache = tmp_path / "entries", tmp_path / "cache"
    build_site(entries, tmp_path / "first", CONFIG, progress=False, cache_dir=cache)
    events = sorted((entries / "events").glob("*.yaml"))
    retitled = events[40]
    data = load(retitled)
    data["title"] += " (edited)"
    dump(retitled, data)
    # Another year, so another page: the id starts with the date, so the file is renamed,
    # choosing an event that no other entry names.
    texts = [p.read_text(encoding="utf-8") for p in entries.rglob("*.yaml")]
    moved = next(e for e in events[200:] if sum(e.stem in t for t in texts) == 0)
    data = load(moved)
    data["date"] = "2016-03-04"
    data.pop("end_date", None)
    moved.unlink()
    _, word, number = moved.stem.partition("event-")
    dump(moved.with_name(f"2016-03-04-{word}{number}.yaml"), data)
    work = tmp_path / "work"
    _same_sites(entries, cache, work, tmp_path / "first")  # the first site, updated in place
    pages = build_site(entries, work / "again", CONFIG, progress=False, cache_dir=cache)
    assert pages.rebuilt == NEVER_CACHED


def test_the_feeds_memo_gives_the_feeds_made_without_it(tmp_path: Path) -> None:
    # A feed file is kept by its items' keys; an item's key covers the entries it names,
    # so renaming a quote's speaker changes the quote's item, from the memo too.
    from generator.core.config import load_config
    from generator.publish import feeds
    from generator.validate.record import load_corpus

    config = load_config(CONFIG)
    shutil.copytree(GOLDEN, tmp_path / "entries")
    entries = tmp_path / "entries"
    memo: dict = {}
    first = feeds.build_feeds(load_corpus(entries), config, memo=memo)
    assert first == feeds.build_feeds(load_corpus(entries), config)
    assert memo
    quote = next(
        p for p in entry_files(entries) if p.parent.name == "quotes" and "speaker" in load(p)
    )
    speaker = entries / "actors" / f"{load(quote)['speaker']}.yaml"
    data = load(speaker)
    data["name"] = "A Renamed Speaker"
    dump(speaker, data)
    corpus = load_corpus(entries)
    again = feeds.build_feeds(corpus, config, memo=memo)
    assert again == feeds.build_feeds(corpus, config)
    assert "A Renamed Speaker" in again["feeds/all.json"].decode()


@pytest.mark.slow
def test_the_cache_deletes_what_no_namespace_keeps(tmp_path: Path) -> None:
    # Pages are kept per namespace; a search bundle is kept by its records, so two addresses
    # (build and serve) share one: it goes only when neither keeps it.
    from generator.cache import sealed
    from generator.cache import store as cache_module

    shutil.copytree(GOLDEN, tmp_path / "entries")
    entries, cache = tmp_path / "entries", tmp_path / "cache"

    def build(url: str | None) -> None:
        build_site(
            entries, tmp_path / "site", CONFIG, site_url=url, progress=False, cache_dir=cache
        )

    def kept() -> tuple[set[str], set[str]]:
        pages = {p.name for p in (cache / "pages").glob("*/*")}
        searches = {p.name for p in (cache / "search").iterdir()}
        return pages, searches

    def referenced() -> tuple[set[str], set[str]]:
        pages, searches = set(), set()
        for keys in cache.glob("*/keys.pickle"):
            own, search, _ = sealed.read_pickle(keys)
            pages |= own
            if search is not None:  # another interface's namespace keeps no bundle of its own
                searches.add(search)
        return pages, searches

    build(None)
    build("http://127.0.0.1:8000/")
    before = kept()
    assert len(before[1]) == 1  # one bundle for both addresses
    apply(entries, "text", 4)
    build(None)
    assert kept() == referenced(), (kept()[0] - referenced()[0], referenced()[0] - kept()[0])
    assert before[1] <= kept()[1]  # the other address still keeps the earlier bundle
    build("http://127.0.0.1:8000/")
    assert kept() == referenced(), (kept()[0] - referenced()[0], referenced()[0] - kept()[0])
    assert not before[1] & kept()[1]  # now neither does
    for n in range(cache_module.KEEP):  # more addresses than namespaces are kept
        build(f"http://127.0.0.1:{8001 + n}/")
    languages = len(load_config(CONFIG).interfaces)  # each address: a namespace per language
    assert len(list(cache.glob("*/index.pickle"))) == cache_module.KEEP * languages
    assert kept() == referenced(), (kept()[0] - referenced()[0], referenced()[0] - kept()[0])


def test_the_engine_is_part_of_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page MkDocs built is not reused by a build on ProperDocs, nor the other way round."""
    from generator import engine
    from generator.cache import store

    before = store.code_key()
    monkeypatch.setattr(engine, "NAME", "properdocs" if engine.NAME == "mkdocs" else "mkdocs")
    assert store.code_key() != before
