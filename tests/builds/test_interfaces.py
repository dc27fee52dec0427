"""A site in two interface languages (the record: English, and Chinese under /zh/): every page
in both, each with a language switch to the same page in the other, hreflang links and the
right <html lang>; the sitemaps list each page's alternates; hand-written pages have their
translation or a page that says there is none."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.build.pipeline import BuildResult

pytestmark = pytest.mark.slow

BASE = "https://rednote-record.github.io/rednote-record/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pages(site: Path) -> list[str]:
    """Every page of the first interface (site-relative folders), redirects aside."""
    found = []
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        if rel == "zh" or rel.startswith("zh/"):
            continue
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8"):
            continue
        found.append("" if rel == "." else rel + "/")
    return found


def head_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate " hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.fixture(scope="module")
def site(built_site: BuildResult) -> Path:
    return built_site.site_dir


def test_every_page_is_in_both_languages_with_its_lang(site: Path) -> None:
    found = pages(site)
    assert len(found) > 30
    for rel in found:
        english = (site / rel / "index.html").read_text(encoding="utf-8")
        chinese = (site / "zh" / rel / "index.html").read_text(encoding="utf-8")
        assert '<html lang="en"' in english, rel
        assert '<html lang="zh"' in chinese, rel


def test_each_page_links_the_same_page_in_the_other_language(site: Path) -> None:
    for rel in pages(site):
        english = (site / rel / "index.html").read_text(encoding="utf-8")
        chinese = (site / "zh" / rel / "index.html").read_text(encoding="utf-8")
        depth = "../" * rel.count("/")
        switch = re.search(
            r'<a class="record-language__link" href="([^"]+)" hreflang="zh">', english
        )
        assert switch, rel
        assert re.sub(r"/\./|^\./", "/", switch.group(1)).endswith(f"zh/{rel}"), (rel, switch[1])
        back = re.search(r'<a class="record-language__link" href="([^"]+)" hreflang="en">', chinese)
        assert back and back.group(1).replace("./", "") == f"{depth}../{rel}".replace("./", ""), (
            rel,
            back and back[1],
        )
        for html in (english, chinese):
            assert head_links(html) == {
                "en": BASE + rel,
                "zh": BASE + "zh/" + rel,
                "x-default": BASE + rel,
            }, rel


def test_the_switch_is_named_in_both_languages(site: Path) -> None:
    english = (site / "about" / "index.html").read_text(encoding="utf-8")
    chinese = (site / "zh" / "about" / "index.html").read_text(encoding="utf-8")
    assert (
        '<span lang="zh">中文</span><span class="record-sr">: this page in Chinese</span>'
        in english
    )
    assert '<span lang="en">English</span><span class="record-sr">：本页的英语版</span>' in chinese


def test_the_sitemaps_give_each_page_in_both_languages(site: Path) -> None:
    for sitemap, prefix in ((site / "sitemap.xml", ""), (site / "zh" / "sitemap.xml", "zh/")):
        root = ET.parse(sitemap).getroot()
        urls = root.findall(f"{SITEMAP}url")
        assert len(urls) > 30
        for url in urls:
            loc = url.findtext(f"{SITEMAP}loc")
            assert loc and loc.startswith(BASE + prefix)
            rel = loc.removeprefix(BASE + prefix)
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
            }
            assert alternates == {"en": BASE + rel, "zh": BASE + "zh/" + rel}, loc


def test_a_hand_written_page_has_its_translation_or_says_it_has_none(
    site: Path, tmp_path: Path
) -> None:
    about = (site / "zh" / "about" / "index.html").read_text(encoding="utf-8")
    assert "本页由本记录译自英文原文" in about  # docs/zh/about.md
    # A page with no translation in docs/zh/ says so, in Chinese, and links the English one.
    from generator.build import pipeline
    from generator.core.config import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "mkdocs.yml").for_interface("zh")
    source = tmp_path / "missing.md"
    source.write_text("# Start your own knowledge base\n\nText.\n", encoding="utf-8")
    from generator.core import i18n

    with i18n.interface("zh"):
        text = pipeline._untranslated(source, "publishing.md", config)
    assert text == (
        '# <span lang="en">Start your own knowledge base</span>\n\n'
        '本页尚未译成中文。 <a href="../../publishing/" hreflang="en">阅读英语原文</a>\n'
    )


def test_the_feeds_of_each_language_are_in_their_folder(site: Path) -> None:
    assert (site / "feeds" / "all.atom.xml").is_file()
    assert (site / "zh" / "feeds" / "all.atom.xml").is_file()
    assert not (site / "zh" / "api").exists()  # the data is the same: published once
    assert not (site / "zh" / "pagefind").exists()  # and so is the search index


def test_each_language_describes_the_site_in_its_own_words(site: Path) -> None:
    english = (site / "about" / "index.html").read_text(encoding="utf-8")
    chinese = (site / "zh" / "about" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="A sourced knowledge base' in english
    assert '<meta name="description" content="一份有来源可查的知识库' in chinese
