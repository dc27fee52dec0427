"""Events and the timeline in the Chinese interface: an event's own Chinese first, with the
English it translates marked as English, dates written the Chinese way at their precision, and
no English left in the timeline's own words (its rail, filter, headings and chart)."""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
from datetime import date
from pathlib import Path

import pytest
from helpers import corpus_of, event

from generator.core import i18n
from generator.core.config import SiteConfig
from generator.core.dates import PartialDate
from generator.format.corpus import Corpus
from generator.format.model import Source
from generator.kinds.actor import Actor
from generator.kinds.event import KIND as EVENTS
from generator.kinds.event import ZhText
from generator.site import render

ROOT = Path(__file__).resolve().parents[2]
CONFIG = SiteConfig(
    path=ROOT / "mkdocs.yml",
    site_name="RedNote Record",
    site_url="https://example.org/record/",
    site_description="A test record.",
    interfaces=("en", "zh"),
)
SOURCE = Source(
    url="https://example.com/report",
    title="一篇报道",
    publisher="示例新闻",
    date=PartialDate.parse("2025-01-13"),
)
MAIN = "2025-01-13-app-tops-chart"
ENGLISH_ONLY = "2025-01-20-english-only"


def _event(id: str, date: str, zh: bool = True, **fields) -> object:
    title, summary = fields.pop("zh_text", (f"{date}的事件", f"{date}发生的事。[1]"))
    return event(
        id=id,
        date=date,
        title=f"English title of {id}",
        summary=f"What happened on {date}, in English.[1]",
        sources=(SOURCE,),
        actors=("agency",),
        zh=ZhText(title=title, summary=summary) if zh else None,
        **fields,
    )


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """Enough events in January 2025 for headings by month and by week (and a week of events
    dated only to the month), a range, a year-only date and a gap of years for the chart."""
    days = ["02", "06", "08", "14", "15", "22", "27"]
    events = [_event(f"2025-01-{d}-day-{d}", f"2025-01-{d}") for d in days]
    events += [
        _event(
            MAIN,
            "2025-01-13",
            key_moment=True,
            zh_text=("某应用登顶下载榜", "该应用成为下载量最高的免费应用。[1]"),
        ),
        _event("2025-01-sometime-in-january", "2025-01"),
        _event("2025-01-18-two-days", "2025-01-18", end_date=PartialDate.parse("2025-01-19")),
        _event(ENGLISH_ONLY, "2025-01-20", zh=False),
        _event("2021-03-05-long-before", "2021-03-05"),
        _event("2024-only-the-year", "2024"),
    ]
    agency = Actor(
        id="agency",
        path=Path("actors/agency.yaml"),
        added=date(2025, 2, 1),
        name="示例机构",
        kind="organization",
    )
    return corpus_of(agency, *events)


@pytest.fixture(scope="module")
def pages(corpus: Corpus) -> dict[str, str]:
    return render.render_pages(corpus, CONFIG.for_interface("zh"))


def _latin_words(html: str) -> list[str]:
    """The Latin-script words a reader sees in ``html``, less what is marked as English."""
    html = re.sub(r"(?s)\A---\n.*?\n---\n", "", html)  # front matter
    html = re.sub(r'(?s)<div lang="en" class="record-foreign">.*?</div>', " ", html)
    html = re.sub(r'(?s)<span lang="en" class="record-foreign">.*?</span>', " ", html)
    html = re.sub(r"(?m)\{[^}\n]*\}\s*$", " ", html)  # a heading's attribute list
    html = re.sub(r"(?s)<[^>]*>", " ", html)
    return re.findall(r"[A-Za-z]{2,}", html)


def _part(html: str, start: str, end: str) -> str:
    at = html.index(start)
    return html[at : html.index(end, at) + len(end)]


def test_an_events_page_leads_with_its_chinese(pages: dict[str, str]) -> None:
    page = pages[f"events/{MAIN}.md"]
    assert "\n# 某应用登顶下载榜\n" in page
    assert '<p class="record-when"><time datetime="2025-01-13">2025年1月13日</time></p>' in page
    chinese = page.index("该应用成为下载量最高的免费应用。")
    note = page.index("中文为本记录的翻译")
    english = page.index('<div lang="en" class="record-foreign">')
    assert chinese < note < english
    # the English is the sourced text: whole, with its citations, marked as English
    block = page[english : page.index("</div>", english)]
    assert "What happened on 2025-01-13, in English." in block and 'href="#source-1"' in block
    assert '<div class="record-zh"' not in page  # the Chinese is not shown a second time
    assert 'description: "\\u8be5' in page  # the page's description is its Chinese summary
    # the event's own words on its page: its fields and the way to the events around it
    fields = _part(page, '<ul class="record-fields">', "</ul>")
    around = _part(page, '<nav class="record-prevnext"', "</nav>")
    assert "相关方：" in fields and "时间线：" in fields
    assert '上一个事件，<time datetime="2025-01-08">2025年1月8日</time>' in around
    assert _latin_words(fields + around) == []


def test_an_event_without_chinese_shows_its_english_marked(pages: dict[str, str]) -> None:
    page = pages[f"events/{ENGLISH_ONLY}.md"]
    heading = next(line for line in page.splitlines() if line.startswith("# "))
    assert '<span lang="en" class="record-foreign">English title of' in heading
    assert "中文为本记录的翻译" not in page
    assert '<div lang="en" class="record-foreign">' in page
    row = _part(pages["timeline/index.md"], f'id="event-{ENGLISH_ONLY}"', "</li>")
    assert '<span class="record-row__title"><span lang="en" class="record-foreign">' in row


def test_dates_read_the_chinese_way_at_their_precision(pages: dict[str, str]) -> None:
    timeline = pages["timeline/index.md"]
    shown = set(re.findall(r'<span class="record-row__when"><time [^>]*>([^<]*)</time>', timeline))
    assert {"2025年1月13日", "2025年1月", "2024年"} <= shown
    (span,) = [when for when in shown if when.endswith("19日")]  # 18 to 19 January
    assert span.startswith("2025年1月18日") and "Jan" not in span
    assert "### 2025年1月 {" in timeline and "#### 1月13–19日 {" in timeline
    assert "#### 2025年1月（具体日期不详） {" in timeline
    rail = _part(timeline, '<nav class="record-rail"', "</nav>")
    assert '>1月<span class="record-sr">（2025年）</span>' in rail
    assert '>13–19日<span class="record-sr">（2025年1月）</span>' in rail


def test_the_timeline_has_no_english_words_of_its_own(pages: dict[str, str]) -> None:
    timeline = pages["timeline/index.md"]
    # the feed links under it are the shared macros' (translated with them)
    own = re.sub(r'<p class="record-follow".*?</p>', " ", timeline)
    assert _latin_words(own) == []
    assert "\n# 时间线\n" in timeline and ">13个事件</span>" in timeline
    for part in ('<form class="record-filter"', '<nav class="record-rail"', "<figure"):
        assert part in timeline  # each was looked at
    chart = _part(timeline, "<figure", "</figure>")
    assert "每年事件数" in chart and "2年间没有事件" in chart and "2021年至2025年" in chart


def test_the_filters_script_gets_its_words_in_chinese(pages: dict[str, str]) -> None:
    form = _part(pages["timeline/index.md"], '<form class="record-filter"', "</form>")
    assert 'data-record-count="{total}中的{shown}个，{filter}"' in form
    assert 'data-record-counted="{num}个事件|{num}个事件"' in form
    assert 'data-record-close="收起全部事件"' in form and ">展开全部事件</button>" in form


def test_the_filters_index_names_events_in_the_interfaces_language(
    pages: dict[str, str],
) -> None:
    rows = {row["id"]: row for row in json.loads(pages["timeline/events.json"])["events"]}
    assert rows[MAIN]["title"] == "某应用登顶下载榜" and rows[MAIN]["when"] == "2025年1月13日"
    assert "lang" not in rows[MAIN]
    assert rows[ENGLISH_ONLY]["lang"] == "en"


def test_other_pages_name_an_event_by_its_chinese_title(pages: dict[str, str]) -> None:
    assert ">某应用登顶下载榜</a>" in pages["actors/agency.md"]
    table = pages["events/index.md"]
    assert "\n# 事件\n" in table and "<th>日期</th><th>事件</th><th>标签</th>" in table


def test_a_feed_item_is_titled_and_told_in_chinese(corpus: Corpus) -> None:
    entry = corpus.entries[MAIN]
    env = render.make_environment()
    with i18n.interface("zh"):
        title = EVENTS.feed_title(entry, corpus)
        html = env.get_template("kinds/event/feed.html.j2").render(
            entry=entry, corpus=corpus, cite_base="https://example.org/record/events/x/"
        )
    assert title == "2025年1月13日：某应用登顶下载榜"
    assert html.index("该应用成为下载量最高的免费应用。") < html.index('<div lang="en"')
    assert "中文为本记录的翻译" in html
    assert EVENTS.feed_title(entry, corpus) == "13 January 2025: English title of " + MAIN


def test_the_filters_rows_are_made_again_in_another_language_or_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each event keeps its row per interface language and catalogue: a preview's save makes
    # the whole list again, and a translator may edit the catalogue while it runs.
    from generator.kinds.timeline import FilterRows

    dated = event(id="2025-01-10-a-range", date="2025-01-10", title="A range")
    dated = dataclasses.replace(dated, end_date=PartialDate.parse("2025-02"))
    rows = FilterRows([dated])
    with i18n.interface("en"):
        english = list(rows)
        assert list(rows)[0] is english[0]  # kept
    with i18n.interface("zh"):
        chinese = list(rows)[0]["when"]
    pickle.dumps(dated)  # the validation memo keeps entries: no catalogue may ride along
    po = tmp_path / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "%(start)s – %(end)s"\nmsgstr "%(start)s到%(end)s"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with i18n.interface("zh"):
        edited = list(rows)[0]["when"]
    assert english[0]["when"] != chinese != edited
    assert "到" in edited
