"""The Chinese interface's feeds: read cleanly by a real client, in Chinese, under /zh/, and with
ids of their own, stable from build to build, that the English feeds never share."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import pytest
from test_feeds import (
    DATA,
    ROOT,
    atom,
    build,
    config,
    ids,
    parse,
    rss,
    small_corpus,  # noqa: F401 (a fixture)
)

from generator.core import i18n
from generator.publish import feeds
from generator.site.render import make_environment

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def zh_config(**record: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(config(**record), interfaces=("en", "zh")).for_interface("zh")


def test_the_chinese_feeds_are_under_zh_and_parse_cleanly(small_corpus):  # noqa: F811
    english, chinese = build(small_corpus), build(small_corpus, zh_config())
    assert sorted(chinese) == sorted(f"zh/{name}" for name in english)
    for name, data in chinese.items():
        if name.endswith(".xml"):
            parse(data)
    feed = atom(chinese, "zh/feeds/all")
    base = config().site_url
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        f"{base}zh/feeds/all.atom.xml"
    ]
    assert feed.feed.link == f"{base}zh/"
    assert all(e.link.startswith(config().site_url + "zh/") for e in feed.entries)
    assert rss(chinese, "zh/feeds/tags/migration").feed.link.endswith("/zh/tags/migration/")


def test_the_chinese_feeds_say_they_are_chinese(small_corpus):  # noqa: F811
    files = build(small_corpus, zh_config())
    root = ET.fromstring(files["zh/feeds/all.atom.xml"])
    assert root.get(XML_LANG) == "zh"
    assert rss(files, "zh/feeds/all").feed.language == "zh"
    assert json_feed_of(files)["language"] == "zh"
    english = build(small_corpus)
    assert ET.fromstring(english["feeds/all.atom.xml"]).get(XML_LANG) == "en"


def test_the_chinese_feeds_words_are_chinese(small_corpus):  # noqa: F811
    files = build(small_corpus, zh_config())
    tag = atom(files, "zh/feeds/tags/migration")
    assert tag.feed.title == "RedNote Record：标签 migration"
    assert tag.feed.subtitle.startswith("带有标签 migration 的新增和更正的")
    item = atom(files, "zh/feeds/lists").entries[0]
    assert "<p>来源：</p>" in item.content[0].value
    assert "Sources:" not in item.content[0].value


def test_chinese_ids_differ_from_the_english_and_the_english_are_as_before(small_corpus):  # noqa: F811
    english, chinese = build(small_corpus), build(small_corpus, zh_config())
    for name in ("feeds/all", "feeds/events", "feeds/tags/migration"):
        en_ids, zh_ids = ids(atom(english, name)), ids(atom(chinese, "zh/" + name))
        assert len(en_ids) == len(zh_ids) and not set(en_ids) & set(zh_ids)
        assert atom(english, name).feed.id != atom(chinese, "zh/" + name).feed.id
    authority = "rednote-record.github.io,2025"
    assert ids(atom(english, "feeds/quotes")) == [f"tag:{authority}:quote/quote-welcome"]
    assert ids(atom(chinese, "zh/feeds/quotes")) == [f"tag:{authority}:zh/quote/quote-welcome"]
    assert json_feed_of(chinese)["items"][0]["id"].startswith(f"tag:{authority}:zh/")


def test_chinese_feeds_are_byte_identical_from_build_to_build(small_corpus):  # noqa: F811
    assert build(small_corpus, zh_config()) == build(small_corpus, zh_config())
    memo: dict = {}
    first = feeds.build_feeds(small_corpus, config(), make_environment(), memo)
    kept = feeds.build_feeds(small_corpus, zh_config(), make_environment(), memo)
    # The memo of the English build does not answer for the Chinese items.
    assert kept == build(small_corpus, zh_config()) and first == build(small_corpus)


def test_the_chinese_json_feed_is_valid(small_corpus):  # noqa: F811
    import jsonschema

    schema = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json_feed_of(build(small_corpus, zh_config())))


def test_building_the_chinese_feeds_leaves_the_interface_as_it_was(small_corpus):  # noqa: F811
    build(small_corpus, zh_config())
    assert i18n.current() == "en"


def json_feed_of(files: dict[str, bytes]) -> dict:
    name = next(n for n in files if n.endswith("feeds/all.json"))
    return json.loads(files[name].decode("utf-8"))


@pytest.mark.record
def test_the_real_knowledge_bases_chinese_feeds_parse_cleanly():
    from generator.core.config import load_config
    from generator.validate.record import load_corpus

    cfg = load_config(ROOT / "mkdocs.yml")
    cfg = dataclasses.replace(cfg, interfaces=("en", "zh")).for_interface("zh")
    files = build(load_corpus(ROOT / "entries"), cfg)
    for name, data in files.items():
        assert name.startswith("zh/feeds/")
        if name.endswith(".xml"):
            parse(data)
