"""generator.engine.html_pages gives what MkDocs' own Markdown pass gives, on every page it takes.

Each generated page is converted both ways: by ``html_pages.convert`` and by MkDocs'
``Page.render`` with this site's mkdocs.yml (Python-Markdown and its extensions). Where the fast
path takes a page, the HTML, the table of contents, the title and the anchor ids must be equal;
where it does not, it must say so (None), never guess.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mkdocs.config
import pytest
from helpers import typed_without_validation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File, get_files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.build import pipeline
from generator.core.config import SiteConfig
from generator.core.markup import escape_markdown
from generator.engine import html_pages
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
DOCS_PAGES = ["about.md", "contributing.md", "methodology.md"]


@pytest.fixture(scope="module")
def mkdocs_config() -> Any:
    config = mkdocs.config.load_config(config_file=str(ROOT / "mkdocs.yml"))
    config.plugins._current_plugin = "tests"  # File.generated records who made the file
    return config


def _both_ways(config: Any, pages: dict[str, str]) -> dict[str, tuple[Any, Page]]:
    """src → (html_pages' result or None, the page as MkDocs rendered it)."""
    files = get_files(config)
    for src, text in pages.items():
        files.append(File.generated(config, src, content=text))
    out = {}
    for src in pages:
        if not src.endswith(".md"):
            continue
        page = Page(None, files.get_file_from_path(src), config)
        page.read_source(config)
        converted = html_pages.convert(page.markdown)
        page.render(config, files)
        out[src] = (converted, page)
    return out


def _assert_same(src: str, converted: html_pages.Converted, page: Page) -> None:
    assert converted.content == page.content, src
    assert str(get_toc(converted.toc_tokens)) == str(page.toc), src
    assert [a.id for a in get_toc(converted.toc_tokens)] == [a.id for a in page.toc], src
    assert converted.title == page._title_from_render, src
    assert converted.anchor_ids == page.present_anchor_ids, src


@pytest.mark.parametrize(
    "entries",
    [
        ROOT / "tests" / "data" / "golden" / "entries",
        HOSTILE / "xss" / "entries",
        HOSTILE / "xss-links" / "entries",
        HOSTILE / "control" / "entries",
        pytest.param(ROOT / "entries", marks=pytest.mark.record),
    ],
    ids=["golden", "xss", "xss-links", "control", "record"],
)
# In Chinese, an entry in English has its title marked as such in its heading (<span lang>).
@pytest.mark.parametrize("interface", ["en", "zh"])
def test_every_page_the_fast_path_takes_is_what_mkdocs_makes(
    entries: Path, interface: str, mkdocs_config: Any, site_config: SiteConfig
) -> None:
    # The hostile corpora hold what validation refuses: render them as typed data.
    corpus = (
        typed_without_validation(entries) if "hostile" in entries.parts else load_corpus(entries)
    )
    config = site_config.for_interface(interface)
    pages = pipeline.render_all(corpus, config, DOCS_PAGES)
    results = _both_ways(mkdocs_config, pages)
    taken = [src for src, (converted, _) in results.items() if converted is not None]
    for src in taken:
        converted, page = results[src]
        _assert_same(src, converted, page)
    if "hostile" in entries.parts:
        return  # control characters, say, send a page to MkDocs
    # The fast path is for the pages that are many: every entry's own page takes it.
    entry_pages = [f"{e.KIND.folder}/{e.id}.md" for e in corpus.entries.values()]
    assert set(entry_pages) <= set(taken)
    # Pages with Markdown prose, tables or lists go through MkDocs.
    assert {"index.md", "subscribe.md", "data.md"} <= set(results) - set(taken)


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30
).filter(lambda s: s.strip())


# Mostly the characters that matter to Markdown headings and to attr_list, so that the fast
# path takes many of the examples (it declines most text of arbitrary characters).
_PIECES = [*'aZ0 -_.#{}="\\&;*`!<>[]()\x0c\u3000好', "&amp;", "&#39;", "{ #i }", ' { k="v" }']
_PIECES += ['<span lang="en" class="record-foreign">', "<span>", "</span>", '<span a="<">']
_MARKUP = (
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12)
    .map("".join)
    .filter(lambda s: s.strip())
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(titles=st.lists(_TEXT | _MARKUP, min_size=1, max_size=4), raw=_MARKUP)
def test_random_headings_convert_as_python_markdown_does(
    titles: list[str], raw: str, mkdocs_config: Any
) -> None:
    # Headings as the templates write them (text through the `md` filter, or raw), over HTML.
    lines = [f"# {escape_markdown(titles[0])}", ""]
    for i, title in enumerate(titles[1:]):
        lines += [f'<div class="x" id="d{i}">\n<p>{i}</p>\n</div>', "", f"## {title}", ""]
    lines += [f"### {raw}", "", "<ul>\n<li>end</li>\n</ul>", ""]
    page_text = "\n".join(lines)
    try:
        results = _both_ways(mkdocs_config, {"events/x.md": page_text})
    except AssertionError:  # Python's HTML parser, under MkDocs, fails on "<![" and the like
        assert html_pages.convert(page_text) is None  # which the fast path never takes
        return
    converted, page = results["events/x.md"]
    if converted is not None:
        _assert_same("events/x.md", converted, page)


def test_an_escaped_title_always_takes_the_fast_path() -> None:
    converted = html_pages.convert(f"# {escape_markdown('A <b> & *c* [d](e) #1 `x`')}\n")
    assert converted is not None
    assert converted.title == "A &lt;b&gt; &amp; *c* [d](e) #1 `x`"


@pytest.mark.parametrize(
    "markdown",
    [
        "# Title\n\nA paragraph of Markdown.\n",
        "# Title\n\n| a | b |\n| - | - |\n| 1 | 2 |\n",
        "# Title\n\n- a list\n",
        "# *Emphasis* in a heading\n",
        "# Title\n\n<span>inline HTML starts a paragraph</span>\n",
        "# Title\n\n<div>\nnever closed\n",
        "# Title\n\n<div>x</div> and text after\n",
        "# Title\n\n    indented code\n",
        "## Heading { .class-attr }\n",
        "# Title\n\n<hr>\n",
        "# Title\n\n<script>\nif (a < b) {}\n</script>\n",
    ],
)
def test_anything_else_takes_mkdocs_path(markdown: str) -> None:
    assert html_pages.convert(markdown) is None


def test_a_heading_id_set_later_is_taken_from_the_start(mkdocs_config: Any) -> None:
    # Python-Markdown collects explicit ids before it makes any: "b" is taken by the second
    # heading, so the first one gets "b_1".
    page_text = "# B\n\n## Other { #b }\n"
    converted, page = _both_ways(mkdocs_config, {"events/x.md": page_text})["events/x.md"]
    assert converted is not None
    _assert_same("events/x.md", converted, page)
    assert [t["id"] for t in converted.toc_tokens] == ["b_1"]
