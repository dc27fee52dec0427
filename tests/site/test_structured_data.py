"""Structured data: every page's schema.org JSON-LD as another's extractor reads it (extruct),
with what each type needs, a breadcrumb on every page but Home, and titles that try to end the
<script>. Then the share image every page names (og:image)."""

from __future__ import annotations

import html as html_module
import json
import re
import shutil
from pathlib import Path
from typing import Any

import extruct
import pytest

from generator.build.pipeline import BuildResult, build_site
from generator.core.config import SiteConfig, load_config
from generator.core.errors import ConfigError
from generator.site import share

# What each type must say here: schema.org's required properties where a consumer names them
# (Google's for Dataset, BreadcrumbList and ItemList), and what makes each node worth reading.
REQUIRED = {
    "WebSite": ("name", "url", "potentialAction"),
    "Event": ("name", "url", "startDate", "description", "subjectOf"),
    "Quotation": ("text", "inLanguage", "creator", "spokenByCharacter", "citation", "url"),
    "Person": ("name", "url"),
    "Organization": ("name", "url"),
    "NewsMediaOrganization": ("name", "url"),
    "Dataset": ("name", "description", "url", "creator"),
    "ItemList": ("itemListElement", "numberOfItems", "url"),
    "BreadcrumbList": ("itemListElement",),
}
BASE = "https://rednote-record.github.io/rednote-record/"


def nodes(path: Path) -> list[dict[str, Any]]:
    """The page's JSON-LD nodes, as extruct extracts them, each checked for what its type needs."""
    found = extruct.extract(path.read_text(encoding="utf-8"), syntaxes=["json-ld"], uniform=False)
    out = []
    for block in found["json-ld"]:
        assert block["@context"] == "https://schema.org"
        out += block["@graph"]
    for node in out:
        missing = [p for p in REQUIRED.get(node["@type"], ()) if p not in node]
        assert missing == [], (path, node["@type"])
    return out


def one(found: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    matching = [n for n in found if n["@type"] == kind]
    assert len(matching) == 1, [n["@type"] for n in found]
    return matching[0]


def crumbs(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    trail = one(found, "BreadcrumbList")["itemListElement"]
    assert [c["position"] for c in trail] == list(range(1, len(trail) + 1))
    return [(c["name"], c["item"]) for c in trail]


@pytest.fixture(scope="module")
def site(built_site: BuildResult) -> Path:
    return built_site.site_dir


def test_the_home_page_is_the_website_and_says_how_to_search_it(site: Path) -> None:
    found = nodes(site / "index.html")
    assert [n["@type"] for n in found] == ["WebSite"]  # no breadcrumb on Home
    home = found[0]
    assert (home["name"], home["url"]) == ("RedNote Record", BASE)
    target = home["potentialAction"]["target"]["urlTemplate"]
    assert target == BASE + "search/?q={search_term_string}"
    assert (site / "search" / "index.html").is_file()


def test_an_event_is_an_event_dated_at_its_own_precision(site: Path) -> None:
    found = nodes(site / "events/2025-01-refugees-arrive/index.html")
    event = one(found, "Event")
    assert event["name"] == '"TikTok refugees" arrive on RedNote'
    assert event["startDate"] == "2025-01"  # a month: never turned into 1 January
    assert event["url"] == BASE + "events/2025-01-refugees-arrive/"
    assert all(s["@type"] == "CreativeWork" and s["url"] for s in event["subjectOf"])
    assert crumbs(found) == [
        ("RedNote Record", BASE),
        ("Events", BASE + "events/"),
        ('"TikTok refugees" arrive on RedNote', BASE + "events/2025-01-refugees-arrive/"),
    ]
    day = one(nodes(site / "events/2025-01-18-blackout/index.html"), "Event")
    assert day["startDate"] == "2025-01-18"


def test_a_quote_is_a_quotation_by_its_speaker_with_its_sources(site: Path) -> None:
    found = nodes(site / "quotes/quote-welcome-zh/index.html")
    quote = one(found, "Quotation")
    assert quote["inLanguage"] == "zh-Hans"
    assert "欢迎" in quote["text"]
    speaker = quote["spokenByCharacter"]
    assert quote["creator"] == speaker
    assert speaker["@type"] in ("Person", "Organization", "NewsMediaOrganization")
    assert speaker["url"].startswith(BASE + "actors/")
    assert (site / speaker["url"].removeprefix(BASE) / "index.html").is_file()
    assert quote["workTranslation"]["inLanguage"] == "en"
    assert all(c["url"].startswith("https://") for c in quote["citation"])


@pytest.mark.parametrize(
    ("actor", "kind"),
    [("ada-lee", "Person"), ("state-paper", "NewsMediaOrganization"), ("rednote", "Organization")],
)
def test_an_actor_is_typed_by_its_kind(site: Path, actor: str, kind: str) -> None:
    found = nodes(site / f"actors/{actor}/index.html")
    node = one(found, kind)
    assert node["url"] == BASE + f"actors/{actor}/"
    assert crumbs(found)[1] == ("Actors", BASE + "actors/")


def test_a_censorship_list_is_a_dataset_compiled_by_its_actor(site: Path) -> None:
    node = one(nodes(site / "lists/sample-keywords/index.html"), "Dataset")
    assert node["creator"]["url"].startswith(BASE + "actors/")


def test_the_data_page_is_a_dataset_distributing_every_file_in_api(site: Path) -> None:
    dataset = one(nodes(site / "data/index.html"), "Dataset")
    downloads = {d["contentUrl"]: d["encodingFormat"] for d in dataset["distribution"]}
    for path in sorted((site / "api").iterdir()):
        media = "text/csv" if path.suffix == ".csv" else "application/json"
        assert downloads.pop(BASE + f"api/{path.name}") == media
    assert all(url.startswith(BASE + "schemas/") for url in downloads)  # and the schemas
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"  # data_licence
    assert dataset["publisher"]["name"] == dataset["creator"]["name"] == "RedNote Record"


def test_a_listing_is_an_item_list_of_the_pages_it_lists(site: Path) -> None:
    found = nodes(site / "quotes/index.html")
    listed = one(found, "ItemList")
    urls = [item["url"] for item in listed["itemListElement"]]
    assert listed["numberOfItems"] == len(urls) == 3
    for url in urls:
        assert (site / url.removeprefix(BASE) / "index.html").is_file(), url
    assert crumbs(found) == [("RedNote Record", BASE), ("Quotes", BASE + "quotes/")]


def test_every_page_but_home_has_a_breadcrumb_ending_at_itself(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 30
    for path in pages:
        if path.parent in (site, site / "zh") or 'http-equiv="refresh"' in path.read_text(
            encoding="utf-8"
        ):
            continue  # each interface's Home, and renamed entries' redirects (no page)
        trail = crumbs(nodes(path))
        rel = path.parent.relative_to(site).as_posix()
        home = BASE + ("zh/" if rel.startswith("zh/") else "")  # each interface's own Home
        assert trail[0] == ("RedNote Record", home) and trail[-1][1] == BASE + rel + "/", path


HOSTILE_EVENT = "events/2025-01-13-xss-event/index.html"
HOSTILE_TITLE = (
    '<script>alert("event-title")</script>XSS-EVENT-TITLE & "double" \'single\' {{ 7*7 }} '
    '{: onclick="alert(1)" }'
)


def test_a_title_that_closes_the_script_stays_text(hostile_site: Path) -> None:
    path = hostile_site / HOSTILE_EVENT
    html = path.read_text(encoding="utf-8")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    raw = scripts[0]
    assert not re.search(r"[<>&]", raw)  # written as \u003c, \u003e and \u0026
    found = nodes(path)
    assert one(found, "Event")["name"] == HOSTILE_TITLE
    assert crumbs(found)[-1][0] == HOSTILE_TITLE
    assert json.loads(raw)["@graph"][0]["name"] == HOSTILE_TITLE


def test_every_hostile_page_has_its_json_ld_whole(hostile_site: Path) -> None:
    for path in sorted(hostile_site.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(scripts) == 1, path
        assert not re.search(r"[<>&]", scripts[0]), path
        json.loads(scripts[0])
    actor = one(nodes(hostile_site / "actors/xss-actor/index.html"), "Person")
    assert actor["name"] == '<script>alert("actor-name")</script>XSS-ACTOR-NAME'


# --- the share image --------------------------------------------------------------------------


def image_tags(path: Path) -> dict[str, str]:
    html = path.read_text(encoding="utf-8")
    pairs = re.findall(
        r'<meta (?:property|name)="((?:og:image|twitter:)[^"]*)" content="([^"]*)"', html
    )
    return {name: html_module.unescape(content) for name, content in pairs}


def test_every_page_names_the_generic_share_image_large(site: Path) -> None:
    for page in ("index.html", "events/2025-01-18-blackout/index.html", "about/index.html"):
        tags = image_tags(site / page)
        assert tags["og:image"] == BASE + "assets/share.png"
        assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
        assert tags["og:image:type"] == "image/png"
        assert tags["og:image:alt"] == tags["twitter:image:alt"] == "RedNote Record"
        assert tags["twitter:card"] == "summary_large_image"
    assert share.image_size((site / "assets" / "share.png").read_bytes()) == (
        1200,
        630,
        "image/png",
    )


MINIMAL = """\
site_name: Harbour Watch
site_url: https://watch.example.net/harbour/
extra:
  record:
    feed_id_authority: watch.example.net,2026
"""
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "entries"


def _png(width: int, height: int) -> bytes:
    """A PNG file's first bytes, as far as its size goes."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + width.to_bytes(4) + height.to_bytes(4)


@pytest.mark.slow
def test_a_publishers_own_image_and_its_words(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN, tmp_path / "entries")
    (tmp_path / "docs" / "img").mkdir(parents=True)
    (tmp_path / "docs" / "img" / "harbour card.png").write_bytes(_png(400, 400))
    config = (
        MINIMAL
        + '    share_image: img/harbour card.png\n    share_image_alt: The "harbour" at dawn\n'
    )
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    build_site(tmp_path / "entries", tmp_path / "site", tmp_path / "mkdocs.yml", progress=False)
    tags = image_tags(tmp_path / "site" / "index.html")
    assert tags["og:image"] == "https://watch.example.net/harbour/img/harbour%20card.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("400", "400")
    assert tags["og:image:alt"] == 'The "harbour" at dawn'
    assert tags["twitter:card"] == "summary"  # square: a small card
    assert (tmp_path / "site" / "img" / "harbour card.png").is_file()
    home = one(nodes(tmp_path / "site" / "index.html"), "WebSite")
    assert home["url"] == "https://watch.example.net/harbour/"


def _config(tmp_path: Path, image: str) -> SiteConfig:
    path = tmp_path / "mkdocs.yml"
    path.write_text(MINIMAL + f"    share_image: {image}\n", encoding="utf-8")
    return load_config(path)


def test_a_missing_or_unreadable_share_image_is_named(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    config = _config(tmp_path, "card.png")
    with pytest.raises(ConfigError) as missing:
        share.share_image(config, tmp_path / "docs", None)
    assert str(missing.value) == (
        f"{tmp_path / 'mkdocs.yml'}: extra.record.share_image: there is no file card.png in "
        "docs/; put the image at docs/card.png, or name the file it is"
    )
    (tmp_path / "docs" / "card.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(ConfigError, match="card.png is not a PNG, JPEG or GIF image"):
        share.share_image(config, tmp_path / "docs", None)
    with pytest.raises(ConfigError, match="is not a path in the site"):
        share.share_image(_config(tmp_path, "../card.png"), tmp_path / "docs", None)


def test_image_sizes_are_read_from_the_files_header() -> None:
    assert share.image_size(_png(1200, 630)) == (1200, 630, "image/png")
    assert share.image_size(b"GIF89a\x58\x02\x3a\x01") == (600, 314, "image/gif")
    # A JPEG: an APP0 segment, then the frame header with its height and width.
    jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08\x02\x76\x04\xb0"
    assert share.image_size(jpeg) == (1200, 630, "image/jpeg")
    assert share.image_size(b"RIFF....WEBP") is None
