"""A knowledge base whose mkdocs.yml names only what is its own: the build brings its theme,
assets, Markdown extensions and search, wherever the tool is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import build_site

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "entries"

MINIMAL = """\
site_name: Harbour Watch
site_url: https://watch.example.net/harbour/
theme:
  name: material
extra:
  record:
    feed_id_authority: watch.example.net,2026
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("minimal")
    shutil.copytree(GOLDEN, project / "entries")
    (project / "docs").mkdir()
    (project / "docs" / "about.md").write_text("# About\n\nWho keeps this.\n", encoding="utf-8")
    own = project / "overrides"  # the knowledge base's own override, above the generator's
    (own / "partials").mkdir(parents=True)
    (own / "partials" / "copyright.html").write_text(
        '<div class="harbour-footer">Kept by the harbour office</div>\n', encoding="utf-8"
    )
    config = MINIMAL.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    build_site(project / "entries", project / "site", project / "mkdocs.yml", progress=False)
    return project / "site"


def test_the_generators_theme_and_assets_are_used(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    for asset in ("palette.css", "record.css", "record.js", "record-search.js"):
        assert f"assets/{asset}" in home
        assert (site / "assets" / asset).is_file()
    assert "data-record-search" in home  # the header's Pagefind search, not Material's
    timeline = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert 'id="2025"' in timeline  # anchors: attr_list and toc, though mkdocs.yml names none


def test_no_mkdocs_search_and_no_google_fonts(site: Path) -> None:
    assert not (site / "search" / "search_index.json").exists()
    assert (site / "pagefind" / "pagefind.js").is_file()
    for page in site.rglob("*.html"):
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8"), page


def test_the_knowledge_bases_own_override_wins(site: Path) -> None:
    assert "Kept by the harbour office" in (site / "index.html").read_text(encoding="utf-8")
