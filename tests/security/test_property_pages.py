"""Property: whatever text an entry holds, the built site carries it only as inert text.

Arbitrary Unicode (control characters, NEL, LS, PS and non-characters included), mixed with
Markdown, HTML, YAML and template syntax, goes into every text field of every kind. The
entries are typed without the validator's checks, so this tests the renderers' own defence:
the site is built, then every page, feed and the search index are read for event-handler
attributes, script and script-scheme links, and every generated page's front matter must
parse to exactly what MkDocs read.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from attacks import ScannedPage
from helpers import typed_without_validation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import YAML_RE, get_data

from generator.build import pipeline
from generator.core.config import load_config
from generator.publish import feeds

ROOT = Path(__file__).resolve().parent.parent.parent

SNIPPETS = [
    "*q*{: tabindex=1 autofocus=autofocus onfocus=alert(1) }",
    "{: onclick=alert(2) }",
    "[link](javascript:alert(3))",
    "[x]: javascript:alert(4)",
    "<javascript:alert(5)>",
    "![i](data:text/html,<script>alert(6)</script>)",
    "<script>alert(7)</script>",
    "<img src=x onerror=alert(8)>",
    '" onmouseover="alert(9)',
    "\x85---\n",
    "\u2028---\u2029",
    "\n---\n",
    "&#x81;",
    "&#133;",
    "&amp;#106;avascript:alert(10)",
    "\n\n# heading {: onclick=alert(11) }\n\n",
    "- - - - - - - - - - - - - - - - - - - - - - - - -",
    "[[[[[[[[",
    "`",
    "\\",
    "{{ 7*7 }}",
    '--8<-- "mkdocs.yml"',
    "</textarea></title></script>",
    "\x00\x01\x1b[2J\x7f\x9f\ufffe\uffff",
    "中文 «quotes» “curly” 😀",
    "|",
    ":",
    "\t",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(SNIPPETS),
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12),
    ),
    min_size=1,
    max_size=6,
).map("".join)
UNSAFE_URLS = [
    "javascript:alert(12)",
    " JaVaScRiPt:alert(13)",
    "data:text/html,<script>alert(14)</script>",
    'https://example.org/"onmouseover="alert(15)',
    "//evil.example/p",
    "https://example.org/ok",
]
URL = st.sampled_from(UNSAFE_URLS)
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI is deterministic
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def corpus_files(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """One entry of each kind, every text field drawn from TEXT."""

    def t() -> str:
        return draw(TEXT)

    source = {"url": draw(URL), "title": t(), "publisher": t(), "archive_url": draw(URL)}
    correction = {"date": "2025-02-01", "note": t()}
    return {
        "actors/someone.yaml": {
            "name": t(),
            "kind": "person",
            "name_zh": t(),
            "description": t(),
            "handles": [{"platform": t(), "handle": t(), "url": draw(URL)}],
            "sources": [source],
            "corrections": [correction],
            "added": "2025-01-20",
        },
        "events/2025-01-13-an-event.yaml": {
            "title": t(),
            "date": "2025-01-13",
            "summary": t(),
            "actors": ["someone"],
            "zh": {"title": t(), "summary": t()},
            "tags": ["censorship"],
            "sources": [source],
            "corrections": [correction],
            "added": "2025-01-21",
        },
        "quotes/a-quote.yaml": {
            "text": t(),
            "lang": "zh-Hans",
            "translation": t(),
            "speaker": "someone",
            "date": "2025-01-14",
            "platform": t(),
            "context": t(),
            "event": "2025-01-13-an-event",
            "tags": ["censorship"],
            "sources": [source],
            "added": "2025-01-22",
        },
        "lists/a-list.yaml": {
            "title": t(),
            "platform": t(),
            "compiled_by": "someone",
            "date": "2025",
            "summary": t(),
            "items": [
                {
                    "term": t(),
                    "translation": t(),
                    "evidence": "tested",
                    "category": t(),
                    "note": t(),
                },
                {"topic": t(), "evidence": "leaked"},
            ],
            "sources": [source],
            "added": "2025-01-23",
        },
    }


def _assert_inert_html(markup: str, where: str) -> None:
    page = ScannedPage()
    page.feed(markup)
    page.close()
    assert page.handlers == [], (where, page.handlers)
    assert page.unsafe_links == [], (where, page.unsafe_links)
    assert page.injected == [], (where, page.injected)
    assert not [s for s in page.scripts if "alert(" in s], where


def _check_front_matter(pages: dict[str, str]) -> None:
    for src, text in pages.items():
        match = YAML_RE.match(text)
        if not text.startswith("---"):
            continue
        assert match, (src, text[:200])
        parsed = yaml.safe_load(match.group(1))
        body, meta = get_data(text)
        assert isinstance(parsed, dict) and parsed == meta, (src, match.group(1))
        assert not body.lstrip().startswith("---"), src
        for value in meta.values():
            if isinstance(value, str):
                assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", value), src


@pytest.mark.slow
@SETTINGS
@given(files=corpus_files())
def test_no_entry_text_reaches_the_site_live(files: dict[str, dict[str, Any]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="prop-pages-"))
    try:
        entries = root / "entries"
        for rel, data in files.items():
            path = entries / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        corpus = typed_without_validation(entries)
        config = load_config(ROOT / "mkdocs.yml")

        _check_front_matter(pipeline.render_all(corpus, config, ["about.md"]))
        site = root / "site"
        pipeline.publish(corpus, config, site, progress=False)  # checks front matter itself too

        for path in sorted(site.rglob("*.html")):
            _assert_inert_html(path.read_text(encoding="utf-8"), str(path.relative_to(site)))
        for name, content in feeds.build_feeds(corpus, config).items():
            if name.endswith(".xml"):
                parsed = feedparser.parse(content)
                assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
                for item in parsed.entries:
                    for part in item.get("content", []):
                        _assert_inert_html(part.value, name)
                    _assert_inert_html(item.get("summary", ""), name)
            elif name.endswith(".json"):
                for item in json.loads(content).get("items", []):
                    _assert_inert_html(item.get("content_html", ""), name)
        # The search index holds the entries' text as text (Pagefind escapes it, and the
        # search script shows it with textContent): tests/browser/test_e2e_search.py reads it in a
        # browser with a hostile entry.
    finally:
        shutil.rmtree(root, ignore_errors=True)
