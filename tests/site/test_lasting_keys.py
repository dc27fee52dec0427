"""Page keys that reuse the last plan's digests (``fingerprint.Lasting``, the preview's) are
the keys worked out from scratch, after any sequence of edits."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from edits import EDITS, apply
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.cache.validcache import InMemory
from generator.core.config import SiteConfig
from generator.format import kinds
from generator.kinds import configured
from generator.site import fingerprint, structure
from generator.validate.record import Folder

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "entries"


def _keys(
    corpus: Any, config: SiteConfig, lasting: fingerprint.Lasting | None
) -> tuple[dict[str, str | None], dict[str, frozenset[str]], bytes]:
    plan = structure.Plan.of(corpus, config)
    if lasting is not None:
        lasting.next_plan()
        fingerprint.keep_between(plan.site, lasting)
    shows: dict[str, frozenset[str]] = {}
    keys = fingerprint.page_keys(plan.site, plan.pages, b"base", shows)
    pages = {page.src: key for page, key in zip(plan.pages, keys, strict=True)}
    return pages, shows, fingerprint.site_key(plan.site)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(saves=st.lists(EDITS, min_size=1, max_size=4))
@example(saves=[[("add", 0), ("add", 0), ("add", 669)], [("rename", 6), ("add", 493)]])
def test_keys_kept_between_plans_are_the_keys_from_scratch(
    saves: list[list[tuple[str, int]]],
    site_config: SiteConfig,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The golden corpus is small: a list of two is walked once per plan, as a timeline is.
    monkeypatch.setattr(fingerprint, "_SHARED_LEN", 2)
    entries = tmp_path_factory.mktemp("lasting") / "entries"
    shutil.copytree(GOLDEN, entries)
    lasting = fingerprint.Lasting()
    with kinds.using(configured(site_config)):
        folder = Folder(entries, InMemory())
        corpus = folder.collect().corpus
        assert _keys(corpus, site_config, lasting) == _keys(corpus, site_config, None)
        for save in saves:
            before = {p: p.read_bytes() for p in entries.rglob("*.yaml")}
            for edit, pick in save:
                apply(entries, edit, pick)
            after = {p: p.read_bytes() for p in entries.rglob("*.yaml")}
            changed = [p for p in before.keys() | after.keys() if before.get(p) != after.get(p)]
            corpus = folder.collect(changed).corpus
            if corpus is None:  # edits that leave problems (a copy of a copy): no plan
                continue
            hits = lasting.hits
            assert _keys(corpus, site_config, lasting) == _keys(corpus, site_config, None)
            assert lasting.hits > hits  # it did reuse what the last plan kept


def test_a_second_interface_reuses_the_walk_and_gets_the_keys_from_scratch(
    site_config: SiteConfig,
) -> None:
    """One plan serves every interface: the second's keys reuse what the first's walked
    (``page_keys`` keeps what each page holds), under its own base."""
    with kinds.using(configured(site_config)):
        corpus = Folder(GOLDEN, InMemory()).collect().corpus
        plan = structure.Plan.of(corpus, site_config)
        first: dict[str, frozenset[str]] = {}
        fingerprint.page_keys(plan.site, plan.pages, b"en", first)
        shows: dict[str, frozenset[str]] = {}
        second = fingerprint.page_keys(plan.site, plan.pages, b"zh", shows)
        fresh_plan = structure.Plan.of(corpus, site_config)
        fresh_shows: dict[str, frozenset[str]] = {}
        fresh = fingerprint.page_keys(fresh_plan.site, fresh_plan.pages, b"zh", fresh_shows)
    assert second == fresh
    assert shows == fresh_shows == first
    english = fingerprint.page_keys(fresh_plan.site, fresh_plan.pages, b"en")
    assert all(a != b for a, b in zip(english, second, strict=True) if a is not None)
