"""Material's navigation written once for the pages outside it whose links read the same
(generator/engine/plugin.py, NavMemo; generator/templates/theme/partials/nav.html)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import comparable_tree

from generator.build.pipeline import build_site
from generator.engine.plugin import NavMemo

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"


def test_the_site_is_the_same_with_the_navigation_kept_or_written_for_each_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    keep = NavMemo.keep

    def counted(self: NavMemo, key: str, html: str) -> str:
        written.append(key)
        return keep(self, key, html)

    monkeypatch.setattr(NavMemo, "keep", counted)
    entries, config = GOLDEN / "entries", ROOT / "mkdocs.yml"
    kept = build_site(entries, tmp_path / "kept", config, progress=False, jobs=1, cache=False)
    outside = len(written)
    monkeypatch.setattr(NavMemo, "targets", lambda self, nav, page: None)
    each = build_site(entries, tmp_path / "each", config, progress=False, jobs=1, cache=False)
    first, second = comparable_tree(kept.site_dir), comparable_tree(each.site_dir)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # A few navigations for the pages outside it: one per folder and interface, not per page.
    assert 0 < outside <= 20 < kept.pages / 2


def _page() -> SimpleNamespace:
    return SimpleNamespace(url="x/")


def test_a_page_in_the_navigation_gets_its_own_and_reading_it_again_forgets_what_was_kept() -> None:
    home, about, entry = _page(), _page(), _page()
    home.url, about.url = "", "about/"
    nav = SimpleNamespace(
        pages=[home, about],
        items=[
            home,
            SimpleNamespace(is_section=True, children=[about]),
            SimpleNamespace(url="https://example.org/"),
        ],
    )
    memo = NavMemo()
    assert memo.targets(nav, home) is None  # marked as the current page: not kept
    assert memo.targets(nav, entry) == ["", "about/", "https://example.org/"]
    memo.keep("k", "<nav>")
    memo.read(entry)  # a page outside the navigation: what it shows of others is unchanged
    assert memo.kept("k") == "<nav>"
    memo.read(about)  # its title or icon may have changed
    assert memo.kept("k") is None
    memo.keep("k", "<nav>")
    assert memo.targets(SimpleNamespace(pages=[], items=[]), entry) == []  # another build's
    assert memo.kept("k") is None
