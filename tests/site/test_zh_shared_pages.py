"""The pages every kind shares (an entry's page, home, a tag, the tags, search, Subscribe, Data)
in the Chinese interface: their own words are Chinese, and the English build is untouched."""

from __future__ import annotations

import dataclasses
import json
import re
from html import unescape

import pytest
import yaml

from generator.core.config import SiteConfig
from generator.format.corpus import Corpus
from generator.publish import feeds
from generator.site import render

DOCS_PAGES = ["about.md", "contributing.md", "methodology.md"]


@pytest.fixture(scope="module")
def zh_pages(golden_corpus: Corpus, site_config: SiteConfig) -> dict[str, str]:
    config = dataclasses.replace(site_config, interfaces=("en", "zh")).for_interface("zh")
    pages = render.render_pages(golden_corpus, config, docs_pages=DOCS_PAGES)
    pages.update(feeds.subscribe_and_data_pages(golden_corpus, config, render.make_environment()))
    return pages


def test_an_entry_page_has_its_headings_and_dates_in_chinese(zh_pages: dict[str, str]) -> None:
    page = zh_pages["events/2025-01-18-blackout.md"]
    for heading in ("## 来源", "## 更正", "## 引用本条目"):
        assert heading + "\n" in page
    assert "## Sources" not in page and "## Cite this entry" not in page
    assert '<p class="record-tags">标签：<a class="record-tag"' in page
    assert '<time datetime="2025-02-05">2025年2月5日</time>：The outage' in page  # a correction
    assert "，添加于 <time" in page and "最后更新于" in page and "永久链接：" in page
    assert "提出更正" in page and "Suggest a correction" not in page


def test_the_home_page_is_in_chinese(zh_pages: dict[str, str]) -> None:
    page = zh_pages["index.md"]
    for words in ("## 最近新增", "## 浏览本记录", "## 关注与再利用", "阅读时间线", "| 6 个标签 |"):
        assert words in page
    assert "[订阅](subscribe.md)" in page and "[下载数据](data.md)（JSON和CSV格式）" in page
    assert "Latest additions" not in page and "Follow and reuse" not in page


def test_a_tag_page_and_the_tags_page_are_in_chinese(zh_pages: dict[str, str]) -> None:
    tag = zh_pages["tags/migration.md"]
    assert "# 标签：migration" in tag
    assert "有 4 个条目带有标签 <code>migration</code>。" in tag
    assert "<th>类型</th><th>日期</th><th>条目</th>" in tag
    assert 'feed_title: "RedNote Record\\uff1a\\u6807\\u7b7e migration"' in tag
    tags = zh_pages["tags/index.md"]
    assert "# 标签\n" in tags and "共 6 个标签。" in tags and "<th>标签</th><th>条目数</th>" in tags


def test_the_search_page_gives_its_script_chinese_words(zh_pages: dict[str, str]) -> None:
    page = zh_pages["search.md"]
    assert "# 搜索\n" in page and "<legend>缩小结果范围</legend>" in page
    assert 'data-record-languages="英语或中文"' in page
    assert "要查找的词语（英语或中文）" in page and "Search needs JavaScript" not in page
    said = json.loads(unescape(re.search(r"data-record-words='([^']*)'", page).group(1)))
    assert said["manyFor"] == "“{q}”的结果：{n} 个"
    assert said["then"] == "{first}{next}"


def test_the_english_search_page_leaves_the_words_to_the_script(
    golden_corpus: Corpus, site_config: SiteConfig
) -> None:
    page = render.render_pages(golden_corpus, site_config, docs_pages=DOCS_PAGES)["search.md"]
    assert "data-record-words" not in page and "Words to find, in English or Chinese" in page


def test_subscribe_and_data_pages_are_in_chinese(zh_pages: dict[str, str]) -> None:
    subscribe = zh_pages["subscribe.md"]
    assert "# 订阅\n" in subscribe and "## 关于订阅源" in subscribe
    # Links lead to the Chinese feeds, under the interface's folder.
    assert "/rednote-record/zh/feeds/all.atom.xml)" in subscribe
    assert "/rednote-record/feeds/all.atom.xml)" not in subscribe
    data = zh_pages["data.md"]
    assert "# 数据\n" in data and "## 数据包 {: #the-data-package }" in data
    assert "## 稳定的 id {: #stable-ids }" in data
    front = yaml.safe_load(data.split("---\n")[1])  # the page's structured data
    said = [d["description"] for d in front["json_ld"]["distribution"]]
    assert said[0] == "所有类型的全部条目"
    assert not [d for d in said if d.startswith(("Every", "A Data", "The JSON"))]


def test_words_and_language_names_follow_the_interface() -> None:
    from generator.core import i18n

    assert render.words(["events", "quotes", "lists"]) == "events, quotes and lists"
    assert render.language_name("zh-Hans-CN") == "Chinese (simplified characters, mainland China)"
    with i18n.interface("zh"):
        assert render.words(["事件", "引语", "审查清单"]) == "事件、引语和审查清单"
        assert render.words(["英语", "中文"], "or") == "英语或中文"
        assert render.language_name("zh-Hans") == "中文（简体字）"
        assert render.language_name("zh-Hans-CN") == "中文（简体字、中国大陆）"
