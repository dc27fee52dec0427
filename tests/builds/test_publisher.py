"""A knowledge base on another topic, with quotes and lists turned off (tests/data/kb-harbour):
it builds with its own identity, and nothing of the RedNote record or of the kinds it left
out reaches its pages, feeds or data."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.pipeline import build_site

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
KB = ROOT / "tests" / "data" / "kb-harbour"
RECORD_WORDS = re.compile(r"rednote|tiktok|xiaohongshu|小红书|红书", re.IGNORECASE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("harbour") / "kb"
    shutil.copytree(KB, project)
    build_site(config_path=project / "mkdocs.yml", progress=False)
    return project / "site"


def _published(site: Path) -> dict[str, str]:
    """Every text file of the site but Material's own scripts and their source maps."""
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in site.rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".xml", ".json", ".csv", ".txt", ".js", ".css"}
        and "assets/javascripts" not in p.as_posix()
        and "pagefind" not in p.relative_to(site).parts[0]
    }


def test_nothing_of_the_record_is_published(site: Path) -> None:
    found = {
        path: m.group(0)
        for path, text in _published(site).items()
        if (m := RECORD_WORDS.search(text))
    }
    assert found == {}


def test_the_kinds_turned_off_have_no_page_feed_data_or_link(site: Path) -> None:
    for gone in (
        "quotes",
        "lists",
        "feeds/quotes.atom.xml",
        "feeds/lists.rss.xml",
        "api/terms.csv",
        "api/quotes.json",
        "schemas/quote.schema.json",
        "schemas/list.schema.json",
    ):
        assert not (site / gone).exists(), gone
    for path, text in _published(site).items():
        if path.endswith(".html"):
            assert not re.search(r'href="[^"]*(quotes|lists)/', text), path
    assert "censorship" not in (site / "data" / "index.html").read_text(encoding="utf-8").lower()
    subscribe = (site / "subscribe" / "index.html").read_text(encoding="utf-8")
    assert "New and corrected floods, in one feed." in subscribe


def test_the_site_carries_its_own_identity(site: Path) -> None:
    atom = (site / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "<id>tag:floods.example.net,2026:feeds/all</id>" in atom
    assert "tag:floods.example.net,2026:event/2026-02-14-gates-close-early" in atom
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Harbour Flood Log" in home and "Floods in the harbour district" in home
    assert "3 floods, in date order" in home  # the kind's own label, not "events"
    assert "People and bodies" in (site / "actors" / "index.html").read_text(encoding="utf-8")
    data = json.loads((site / "api" / "entries.json").read_text(encoding="utf-8"))
    assert [e["kind"] for e in data["entries"]] == ["event"] * 3 + ["actor"] * 2


def test_an_installed_tool_reads_the_knowledge_base_it_runs_in(tmp_path: Path) -> None:
    """The command, installed from this checkout, run in another folder, reads that folder."""
    shutil.copytree(KB, tmp_path / "kb")
    command = Path(sys.executable).with_name("sourceline")
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run(
        [str(command), "validate"], cwd=tmp_path / "kb", capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK: 5 entries (3 events, 2 actors)\n"


# Every file of the harbour's site, by its SHA-256, as committed: a knowledge base in one
# language builds exactly as it did before the interface could have several (issue 31).
# One list per engine (each names itself in every page). After an intended change to the
# output, regenerate with --regen-golden (and RECORD_ENGINE=properdocs for the other).
def one_language_digests() -> Path:
    from generator import engine

    suffix = "" if engine.NAME == "mkdocs" else f".{engine.NAME}"
    return ROOT / "tests" / "data" / "golden" / f"one-language{suffix}.sha256"


def _digests(site: Path) -> str:
    """``<sha256>  <path>`` of every file, but Pagefind's filter files, whose names and bytes
    differ between builds of the same records (upstream Pagefind#638), and its meta and entry
    files, which name them."""
    import hashlib

    lines = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("pagefind/filter/") or rel.endswith((".pf_meta", "pagefind-entry.json")):
            continue
        data = path.read_bytes()
        if rel == ".sourceline-build.json":  # the manifest lists those files too
            data = re.sub(rb'\s*"pagefind/(filter/|pagefind[.-])[^"]*",?', b"", data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel}")
    return "\n".join(lines) + "\n"


def test_a_site_in_one_language_is_byte_for_byte_as_committed(
    site: Path, regen_golden: bool
) -> None:
    actual = _digests(site)
    committed = one_language_digests()
    if regen_golden:
        committed.write_text(actual, encoding="utf-8")
    expected = committed.read_text(encoding="utf-8")
    changed = sorted(set(actual.splitlines()) ^ set(expected.splitlines()))
    assert not changed, "files differ (run with --regen-golden after an intended change):\n" + (
        "\n".join(changed[:20])
    )
