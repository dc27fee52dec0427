"""Pages rendered by forked workers: the same results, in the same order, as one process.

``generator.core.parallel`` forks only for MIN_ITEMS items or more; these tests lower that, so the
small test corpora go through the workers too.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
from helpers import comparable_tree, site_config, typed_without_validation
from mkdocs import utils

from generator.build.pipeline import build_site
from generator.core import markup, parallel
from generator.core.errors import BuildError
from generator.site import render

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="fork is POSIX only")


@pytest.fixture
def always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)


def _square_and_pid(n: int) -> tuple[int, int]:
    import os

    return n * n, os.getpid()


def test_results_come_back_in_order_from_several_processes(always_fork: None) -> None:
    import os

    done: list[int] = []
    results = parallel.map_ordered(_square_and_pid, list(range(500)), jobs=2, done=done.append)
    assert [r for r, _ in results] == [n * n for n in range(500)]
    assert os.getpid() not in {pid for _, pid in results}  # the work was done elsewhere
    assert sum(done) == 500


def _fail_on_seven(n: int) -> int:
    if n == 7:
        raise BuildError("item 7 is broken")
    return n


def test_an_error_in_a_worker_is_raised_here(always_fork: None) -> None:
    with pytest.raises(BuildError, match="item 7 is broken"):
        parallel.map_ordered(_fail_on_seven, list(range(50)), jobs=2)


def _warn_on_even(n: int) -> int:
    if n % 2 == 0:
        logging.getLogger("mkdocs.tests").warning("page %d", n)
    return n


def test_warnings_logged_in_workers_count_for_strict_mode(always_fork: None) -> None:
    # MkDocs fails a strict build on the warnings its CountHandler saw; a worker's are added.
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        parallel.map_ordered(_warn_on_even, list(range(40)), jobs=2, counters=[counter])
    finally:
        logger.removeHandler(counter)
    assert counter.get_counts() == [("WARNING", 20)]


def _freeze_count(_: int) -> int:
    return gc.get_freeze_count()


def test_workers_leave_what_they_inherit_out_of_the_collector(always_fork: None) -> None:
    # Its passes would write to every inherited object, copying each page the workers share.
    gc.unfreeze()  # what earlier tests' previews froze
    assert min(parallel.map_ordered(_freeze_count, list(range(20)), jobs=2)) > 0
    assert gc.get_freeze_count() == 0  # and this process's are collected as before
    gc.freeze()  # what a preview keeps between saves stays frozen
    try:
        parallel.map_ordered(_freeze_count, list(range(20)), jobs=2)
        assert gc.get_freeze_count() > 0  # not unfrozen (frozen objects may have gone since)
    finally:
        gc.unfreeze()


def test_one_process_or_two_build_the_same_site(tmp_path: Path, always_fork: None) -> None:
    entries, config = GOLDEN / "entries", ROOT / "mkdocs.yml"
    one = build_site(entries, tmp_path / "one", config, progress=False, jobs=1)
    two = build_site(entries, tmp_path / "two", config, progress=False, jobs=2)
    first, second = comparable_tree(one.site_dir), comparable_tree(two.site_dir)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert one.pages == two.pages > 20


def test_generated_links_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # MkDocs checks Markdown links only; the build checks the pages' HTML links itself.
    real = render.render_pages

    def with_bad_link(*args: object, links: dict | None = None, **kwargs: object) -> dict:
        pages = real(*args, links=links, **kwargs)  # type: ignore[arg-type]
        assert links is not None and links["events/2025-01-18-blackout.md"]
        links["events/2025-01-18-blackout.md"].append(("events/nowhere.md", ""))
        return pages

    monkeypatch.setattr(render, "render_pages", with_bad_link)
    with pytest.raises(
        BuildError,
        match=r"events/2025-01-18-blackout\.md links to events/nowhere\.md, which is not a page",
    ):
        build_site(
            GOLDEN / "entries", tmp_path / "site", ROOT / "mkdocs.yml", progress=False, cache=False
        )


def test_generated_anchors_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = render.render_pages

    def with_bad_anchor(*args: object, links: dict | None = None, **kwargs: object) -> dict:
        pages = real(*args, links=links, **kwargs)  # type: ignore[arg-type]
        assert links is not None
        # A real link of that page, to an anchor that exists, is accepted ...
        assert ("timeline/index.md", "event-2025-01-18-blackout") in links[
            "events/2025-01-18-blackout.md"
        ]
        links["events/2025-01-18-blackout.md"].append(("timeline/index.md", "event-gone"))
        return pages

    monkeypatch.setattr(render, "render_pages", with_bad_anchor)
    with pytest.raises(
        BuildError, match=r"links to timeline/index\.md#event-gone, which has no such anchor"
    ):
        build_site(
            GOLDEN / "entries", tmp_path / "site", ROOT / "mkdocs.yml", progress=False, cache=False
        )


def test_the_engine_adds_the_theme_files_mkdocs_adds() -> None:
    # stepwise._add_files_from_theme skips Material's hidden folders instead of listing them.
    import mkdocs.config
    from mkdocs.structure.files import get_files

    from generator.engine import stepwise

    config = mkdocs.config.load_config(config_file=str(ROOT / "mkdocs.yml"))
    theirs = get_files(config)
    theirs.add_files_from_theme(config.theme.get_env(), config)
    ours = get_files(config)
    stepwise._add_files_from_theme(ours, config)
    listed = [(f.src_uri, f.abs_src_path) for f in ours]
    assert listed == [(f.src_uri, f.abs_src_path) for f in theirs]
    assert any(uri.startswith("assets/javascripts/") for uri, _ in listed)


def test_what_the_workers_convert_is_not_converted_again_here(
    always_fork: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each interface renders its pages in new workers, and the feeds render here: the text
    # the first workers converted comes back with their pages (markup.learned).
    corpus, config = typed_without_validation(GOLDEN / "entries"), site_config()
    monkeypatch.setattr(markup, "_converted", {})
    render.render_pages(corpus, config, jobs=2)
    converted_here: list[str] = []
    real = markup._convert_now

    def counted(text: str, citing: markup.Citing | None) -> str:
        converted_here.append(text)
        return real(text, citing)

    monkeypatch.setattr(markup, "_convert_now", counted)
    again = render.render_pages(corpus, config, jobs=1)  # here, not in workers
    assert len(again) > 20
    assert converted_here == []
    assert markup.learned() == []  # this process was not forked to share
