"""Shared fixtures: the golden sample corpus, a site built from it, the golden-file switch, and
for the browser tests (test_e2e_browser.py, test_accessibility.py) Chromium and the real site
served locally."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, serve

from generator.build.pipeline import BuildResult, build_site
from generator.core.config import SiteConfig, load_config
from generator.format.corpus import Corpus
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


# Fixtures that read the RedNote record itself: a test that uses one is about the record.
RECORD_FIXTURES = {"site_url", "record_site", "corpus_copy", "record_corpus"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of the record (``-m record``), by the fixtures they use."""
    for item in items:
        if RECORD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.record)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the expected files under tests/data/golden/expected/ (also REGEN_GOLDEN=1)",
    )


@pytest.fixture(scope="session", autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds keep their cache (and its key) in a folder of this test session's, not the
    user's ~/.cache: $XDG_CACHE_HOME, which subprocesses inherit too."""
    home = tmp_path_factory.mktemp("xdg-cache")
    os.environ["XDG_CACHE_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def regen_golden(request: pytest.FixtureRequest) -> bool:
    """True when the golden expected files should be rewritten instead of compared."""
    return bool(request.config.getoption("--regen-golden") or os.environ.get("REGEN_GOLDEN") == "1")


@pytest.fixture(scope="session")
def site_config() -> SiteConfig:
    """The project's own mkdocs.yml."""
    return load_config(ROOT / "mkdocs.yml")


@pytest.fixture(scope="session")
def record_corpus() -> Corpus:
    """The RedNote record's entries, validated with its own mkdocs.yml."""
    from generator.format.kinds import using
    from generator.kinds import in_folder

    with using(in_folder(ROOT)):
        return load_corpus(ROOT / "entries")


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

    from generator.cli.commands import cli

    site_dir = tmp_path_factory.mktemp("hostile") / "site"
    result = CliRunner().invoke(
        cli, ["build", "--entries", str(HOSTILE / "xss" / "entries"), "--site-dir", str(site_dir)]
    )
    assert result.exit_code == 0, result.output
    return site_dir


# --- the browser tests --------------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            f"browser tests cannot run in CI: {reason}. `make test` installs both "
            "(`pip install -e '.[test]'` and `make browser`).",
            pytrace=False,
        )
    pytest.skip(f"browser tests need {reason}; run `make install-test browser`")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, driven by Playwright (which cannot download its own here).
    With CI=true a missing Playwright or Chromium fails the test instead of skipping it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright (pip install playwright)")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def record_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real knowledge base (entries/) built once with mkdocs.yml, outside the repo."""
    site_dir = tmp_path_factory.mktemp("record") / "site"
    build_site(ROOT / "entries", site_dir, ROOT / "mkdocs.yml", progress=False)
    return site_dir


@pytest.fixture(scope="session")
def site_url(record_site: Path) -> Iterator[str]:
    """The real knowledge base, built once (record_site) and served locally."""
    with serve(record_site) as url:
        yield url


@pytest.fixture
def checked_page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page that fails the test if a script throws or logs an error."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    assert errors == []


@pytest.fixture(scope="session")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    """tests/data/hostile/xss/ built and served locally."""
    with serve(hostile_site) as url:
        yield url


@pytest.fixture
def valid_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/data/validate/valid/entries, as ``entries`` beside the working directory."""
    from helpers import VALID_ENTRIES

    shutil.copytree(VALID_ENTRIES, tmp_path / "entries")
    monkeypatch.chdir(tmp_path)
    return Path("entries")


@pytest.fixture(autouse=True)
def kinds_put_back() -> Iterator[None]:
    """Every test leaves the kinds in use as it found them: a build or a preview's session
    that kept its knowledge base's kinds would change what every later test validates."""
    from generator.format import kinds

    before = kinds.current()
    yield
    assert kinds.current() is before, "the kinds in use were not put back (a Session not closed?)"
