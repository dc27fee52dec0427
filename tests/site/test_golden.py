"""Golden files: the sample corpus in tests/data/golden/entries/ rendered end to end.

The generated Markdown pages, the main content of a few built HTML pages, every feed and every
open-data file must equal the committed files under tests/data/golden/expected/. After an
intended change, regenerate them with ``pytest tests/site/test_golden.py --regen-golden`` (or
REGEN_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.build.pipeline import BuildResult
from generator.core.config import SiteConfig
from generator.format.corpus import Corpus
from generator.publish import data, feeds
from generator.site import render

EXPECTED = Path(__file__).resolve().parent.parent / "data" / "golden" / "expected"
# Home links to the hand-written pages that exist; fix the list so docs/ edits do not matter.
DOCS_PAGES = ["about.md", "contributing.md", "methodology.md"]
HTML_PAGES = [
    "events/2025-01-refugees-arrive/index.html",
    "events/2025-01-18-blackout/index.html",
    "quotes/quote-welcome-zh/index.html",
    "lists/sample-keywords/index.html",
    "actors/list-watch/index.html",
    "timeline/index.html",
    "index.html",
    "lists/terms/index.html",
]
_ARTICLE_RE = re.compile(r'<article class="md-content__inner md-typeset">.*?</article>', re.S)


def _compare(actual: dict[str, str] | dict[str, bytes], folder: Path, regen: bool) -> None:
    """Byte for byte (the terms CSV ends its lines in CRLF, which text mode would hide)."""
    actual = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in actual.items()}
    if regen:
        shutil.rmtree(folder, ignore_errors=True)
        for name, content in actual.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return
    expected = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    assert sorted(actual) == sorted(expected), "pages added or removed: run with --regen-golden"
    for name in actual:
        assert actual[name] == expected[name], f"{name} differs: run with --regen-golden"


def test_generated_markdown_pages(
    golden_corpus: Corpus, site_config: SiteConfig, regen_golden: bool
) -> None:
    pages = render.render_pages(golden_corpus, site_config, docs_pages=DOCS_PAGES)
    _compare(pages, EXPECTED / "docs", regen_golden)


def test_built_html_content(built_site: BuildResult, regen_golden: bool) -> None:
    """The page body only: the theme around it (navigation, header) is Material's business."""
    actual = {}
    for name in HTML_PAGES:
        html = (built_site.site_dir / name).read_text(encoding="utf-8")
        match = _ARTICLE_RE.search(html)
        assert match, name
        actual[name] = match.group(0) + "\n"
    _compare(actual, EXPECTED / "html", regen_golden)


def test_feeds(golden_corpus: Corpus, site_config: SiteConfig, regen_golden: bool) -> None:
    files = feeds.build_feeds(golden_corpus, site_config)
    _compare(files, EXPECTED / "feeds", regen_golden)


def test_open_data(golden_corpus: Corpus, site_config: SiteConfig, regen_golden: bool) -> None:
    files = data.build_data(golden_corpus, site_config)
    _compare(files, EXPECTED / "data", regen_golden)
