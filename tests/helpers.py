"""Small builders shared by test modules (pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

from generator.config import SiteConfig
from generator.load import discover, read_entry
from generator.model import Corpus
from generator.validate import build_entry

SITE_URL = "https://example.org/record/"


def site_config(site_url: str | None = SITE_URL, limit: int = 50, **record: str) -> SiteConfig:
    """A SiteConfig as mkdocs.yml would give it, without reading a file.

    ``record`` becomes ``extra.record`` (for example ``feed_id_authority``).
    """
    return SiteConfig(
        path=Path("mkdocs.yml"),
        site_name="RedNote Record",
        site_url=site_url,
        site_description="A test record.",
        feed_limit=limit,
        raw={"copyright": "CC BY 4.0", "extra": {"record": dict(record, feed_limit=limit)}},
    )


def typed_without_validation(entries: Path) -> Corpus:
    """The entries under ``entries`` typed without the validator's checks, for testing the
    renderers' own defence against text the validator would refuse."""
    files, problems = discover(entries)
    assert not problems, problems
    typed = {}
    for kind, path in files:
        loaded, file_problems = read_entry(path)
        assert loaded is not None and not file_problems, file_problems
        typed[path.stem] = build_entry(kind, loaded)
    return Corpus(typed)
