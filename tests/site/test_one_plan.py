"""One plan of pages serves every interface language (``structure.Plan``): what a page says in
its language is made as it is rendered, never when the pages are planned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import pipeline
from generator.core import i18n
from generator.core.config import SiteConfig
from generator.site import fingerprint, structure
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent


def _keys(corpus: object, config: SiteConfig, language: str) -> dict[str, str | None]:
    """Every page's key, planned while rendering in ``language``."""
    own = config.for_interface(language)
    with i18n.interface(language):
        site = structure.Site.of(corpus, own)  # type: ignore[arg-type]
        planned = list(structure.plan(site))
        keys = fingerprint.page_keys(site, planned, b"same base")
    return {page.src: key for page, key in zip(planned, keys, strict=True)}


@pytest.mark.parametrize(
    "entries",
    [
        ROOT / "tests" / "data" / "golden" / "entries",
        pytest.param(ROOT / "entries", marks=pytest.mark.record),
    ],
    ids=["golden", "record"],
)
def test_the_plan_is_the_same_in_every_language(entries: Path, site_config: SiteConfig) -> None:
    corpus = load_corpus(entries)
    first, *others = site_config.interfaces
    assert others, "the record's configuration has two interface languages"
    planned = _keys(corpus, site_config, first)
    assert None not in planned.values()
    for language in others:
        assert _keys(corpus, site_config, language) == planned


def test_a_shared_plan_renders_each_language_in_its_own_words(site_config: SiteConfig) -> None:
    corpus = load_corpus(ROOT / "tests" / "data" / "golden" / "entries")
    with i18n.interface("en"):
        plan = structure.Plan.of(corpus, site_config)
    rows = {}
    for language in site_config.interfaces:
        pages = pipeline.render_all(corpus, site_config.for_interface(language), [], plan=plan)
        rows[language] = json.loads(pages["timeline/events.json"])["events"]
    english, chinese = rows["en"], rows["zh"]
    assert [r["id"] for r in english] == [r["id"] for r in chinese]
    assert all("年" not in r["when"] for r in english)
    assert all("年" in r["when"] for r in chinese)
