"""The quote, censorship-list and actor pages in the Chinese interface: the entry's own Chinese
first, English shown marked as English, and none of the interface left in English."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from generator.core import i18n
from generator.core.config import SiteConfig
from generator.format.corpus import Corpus
from generator.kinds import BUILT_IN
from generator.publish import feeds
from generator.site import render

VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}
# Where an entry page's body ends and the parts every kind shares begin (entry.md.j2).
HEADINGS = "Related|Referred|Sources|相关条目|提及本条目|来源"  # in English, in Chinese
SHARED = re.compile(rf'<p class="record-tags">|^## ({HEADINGS})|record-suggest', re.M)


class _Words(HTMLParser):
    """The text of HTML outside elements marked as in another language than Chinese (the
    entries' own words, marked ``lang``) and outside links to events (another kind's titles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: whether its text is left out
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        found = dict(attrs)
        lang = found.get("lang") or ""
        skip = bool(lang) and not lang.startswith("zh")
        skip |= tag == "a" and "events/" in (found.get("href") or "")
        self.stack.append(skip or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def english_words(html: str, allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """The Latin-letter words of ``html`` shown unmarked to a reader of the Chinese interface."""
    parser = _Words()
    parser.feed(html)
    text = " ".join(parser.text)
    for name in sorted(allowed, key=len, reverse=True):  # "Chinese (…)" before "Chinese"
        text = text.replace(name, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def own_part(page: str) -> str:
    """An entry page from its heading to where the parts every kind shares begin."""
    body = page[page.index("\n# ") :]
    match = SHARED.search(body)
    return body[: match.start()] if match else body


@pytest.fixture(scope="module")
def golden_zh(golden_corpus: Corpus, site_config: SiteConfig) -> dict[str, str]:
    """The golden pages in Chinese, an older list's topic given its Chinese (topic_zh)."""
    old = golden_corpus.entries["old-list"]
    item = dataclasses.replace(old.items[0], topic_zh="敏感词")  # type: ignore[attr-defined]
    entries = {**golden_corpus.entries, "old-list": dataclasses.replace(old, items=(item,))}
    return render.render_pages(Corpus(entries), site_config.for_interface("zh"))


def _not_ours(golden_corpus: Corpus) -> set[str]:
    """What the zh pages may show of the other kinds' and the shared filters' words, which
    their own changes translate: the event kind's label, the quotes' languages' names."""
    with i18n.interface("zh"):
        names = {i18n.gettext(k.plural_label) for k in BUILT_IN if k.name == "event"}
        for q in golden_corpus.of("quote"):
            for tag in (q.lang, q.original_lang):  # type: ignore[attr-defined]
                if tag:
                    names |= {render.language_name(tag), render.language_name(tag.split("-")[0])}
    return names


def test_a_chinese_quote_leads_with_its_original_and_marks_its_translation(
    golden_zh: dict[str, str], golden_corpus: Corpus
) -> None:
    page = own_part(golden_zh["quotes/quote-welcome-zh.md"])
    assert page.startswith("\n# “欢迎TikTok难民来到小红书！ 我们一起聊天吧。”\n")
    original = page.index('<blockquote class="record-quote" lang="zh-Hans">')
    translation = page.index('<blockquote lang="en">\n<p>Welcome, TikTok refugees')
    assert original < translation
    assert '<p class="record-label">英文翻译</p>' in page
    assert '<time datetime="2025-01-14">2025年1月14日</time>' in page
    assert '<a href="../../actors/ada-lee/"><span lang="en" class="record-foreign">Ada Lee' in page
    assert not english_words(page, _not_ours(golden_corpus) | {"TikTok"})


def test_a_quote_in_english_is_marked_as_english(
    golden_zh: dict[str, str], golden_corpus: Corpus
) -> None:
    page = own_part(golden_zh["quotes/quote-paper-en.md"])
    assert page.startswith('\n# <span lang="en" class="record-foreign">“The exchange')
    assert '<div lang="en" class="record-foreign"><p class="record-foreign-mark" lang="zh">' in page
    assert "（英语）" in page and '<time datetime="2025-01">2025年1月</time>' in page
    assert '<a href="../../actors/state-paper/">国家日报</a>' in page  # the speaker's Chinese name
    assert not english_words(page, _not_ours(golden_corpus))


def test_the_quotes_listing_and_the_home_line(
    golden_zh: dict[str, str], golden_corpus: Corpus
) -> None:
    listing = golden_zh["quotes/index.md"]
    assert "<p>3 条引语，按日期排列" in listing and "# 引语\n" in listing
    cards = listing[listing.index("<article") :]
    assert cards.index('lang="zh-Hans"') < cards.index("Welcome, TikTok refugees")
    assert "2025年1月16日" in cards
    assert not english_words(cards, _not_ours(golden_corpus) | {"TikTok"})
    home = golden_zh["index.md"]
    assert "| [引语](quotes/index.md) | 3 条引语，逐字收录，附英文翻译 |" in home
    assert "| [审查清单](lists/index.md) | 3 份清单：按原文收录 4 个词语" in home
    assert "| [相关方](actors/index.md) | 4 个人物或组织 |" in home


def test_an_actor_with_a_chinese_name_is_titled_by_it(golden_zh: dict[str, str]) -> None:
    page = own_part(golden_zh["actors/rednote.md"])
    assert page.startswith("\n# 小红书\n")
    assert '<li><strong>英文名：</strong> <span lang="en">Xiaohongshu (RedNote)</span></li>' in page
    assert "<li><strong>类型：</strong> 平台</li>" in page
    assert not english_words(page, {"xiaohongshu.com"})


def test_an_actor_without_one_keeps_its_name_marked_as_english(golden_zh: dict[str, str]) -> None:
    page = own_part(golden_zh["actors/ada-lee.md"])
    assert page.startswith('\n# <span lang="en" class="record-foreign">Ada Lee</span>')
    assert '<span class="record-foreign-mark">（英语）</span>' in page.splitlines()[1]
    assert not english_words(page)


def test_the_actors_listing_leads_with_the_chinese_names(
    golden_zh: dict[str, str], golden_corpus: Corpus
) -> None:
    listing = golden_zh["actors/index.md"]
    assert "<th>名称</th><th>英文名</th><th>类型</th>" in listing
    assert (
        '<td><a href="rednote/">小红书</a></td><td lang="en">Xiaohongshu (RedNote)</td>' in listing
    )
    assert "<p>本记录中出现的 4 个人物或组织" in listing
    assert not english_words(listing[listing.index("\n# ") :], _not_ours(golden_corpus))


def test_a_list_shows_each_topic_in_chinese_first_and_its_terms_as_written(
    golden_zh: dict[str, str],
) -> None:
    page = own_part(golden_zh["lists/old-list.md"])
    assert '<td>敏感词<br><span lang="en" class="record-foreign">sensitive word</span>' in page
    assert "话题的中文为本记录的翻译" in page
    assert '<time datetime="2021">2021年</time>' in page
    assert not english_words(page)
    terms = own_part(golden_zh["lists/sample-keywords.md"])
    assert '<td lang="zh">天安門</td>' in terms and "<td>VPN</td>" in terms
    assert '<time datetime="2025-01-16">2025年1月16日</time>' in terms
    assert "<li><strong>条目：</strong> 3 个词语</li>" in terms
    assert "话题的中文" not in terms  # the line is said where Chinese topics are shown
    assert not english_words(terms, {"VPN"})


def test_the_lists_listing_and_the_index_of_terms(golden_zh: dict[str, str]) -> None:
    for name in ("lists/index.md", "lists/terms/index.md"):
        page = golden_zh[name][golden_zh[name].index("\n# ") :]
        page = re.sub(r'<p class="record-follow">.*?</p>', "", page)  # the shared feed links
        assert not english_words(page, {"VPN"}), name
    assert "<p>3 份清单，收录" in golden_zh["lists/index.md"]
    assert "2025年1月20日" in golden_zh["lists/index.md"]


def test_the_feed_items_of_quotes_and_lists_in_chinese(
    golden_corpus: Corpus, site_config: SiteConfig
) -> None:
    files = feeds.build_feeds(golden_corpus, site_config.for_interface("zh"))
    quotes = files["zh/feeds/quotes.atom.xml"].decode("utf-8")
    assert "2025年1月14日" in quotes and "英文翻译：" in quotes
    lists = files["zh/feeds/lists.atom.xml"].decode("utf-8")
    assert "2025年1月20日：3 个条目" in lists
