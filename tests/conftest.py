"""Shared fixtures: the golden sample corpus, a site built from it, and the golden-file switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import BuildResult, build_site
from generator.config import SiteConfig, load_config
from generator.corpus import Corpus
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the expected files under tests/data/golden/expected/ (also REGEN_GOLDEN=1)",
    )


@pytest.fixture(scope="session")
def regen_golden(request: pytest.FixtureRequest) -> bool:
    """True when the golden expected files should be rewritten instead of compared."""
    return bool(request.config.getoption("--regen-golden") or os.environ.get("REGEN_GOLDEN") == "1")


@pytest.fixture(scope="session")
def site_config() -> SiteConfig:
    """The project's own mkdocs.yml."""
    return load_config(ROOT / "mkdocs.yml")


@pytest.fixture(scope="session")
def golden_entries() -> Path:
    return GOLDEN / "entries"


@pytest.fixture(scope="session")
def golden_corpus(golden_entries: Path) -> Corpus:
    return load_corpus(golden_entries)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, golden_entries: Path) -> BuildResult:
    """The golden corpus built end to end with the project's mkdocs.yml, outside the repo."""
    site_dir = tmp_path_factory.mktemp("golden") / "site"
    return build_site(golden_entries, site_dir, ROOT / "mkdocs.yml", progress=False)


HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/hostile/xss/ (a payload in every text field), built by `generator build`."""
    from click.testing import CliRunner

    from generator.cli import cli

    site_dir = tmp_path_factory.mktemp("hostile") / "site"
    result = CliRunner().invoke(
        cli, ["build", "--entries", str(HOSTILE / "xss" / "entries"), "--site-dir", str(site_dir)]
    )
    assert result.exit_code == 0, result.output
    return site_dir
