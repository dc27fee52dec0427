"""init: a new knowledge base on any topic, from an empty folder, that validates, builds and
takes proposals at once, with nothing of the RedNote record in it."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.build.pipeline import build_site
from generator.cli.commands import cli
from generator.load.examples import MARKER

ROOT = Path(__file__).resolve().parent.parent.parent
HARBOUR = ROOT / "tests" / "data" / "kb-harbour"
BODIES = ROOT / "tests" / "data" / "issue-bodies"
RECORD_WORDS = re.compile(r"rednote|tiktok|xiaohongshu|小红书|红书", re.IGNORECASE)
IDENTITY = [
    "--name",
    "Harbour Flood Log",
    "--url",
    "https://floods.example.net/harbour",
    "--authority",
    "floods.example.net,2026",
    "--language",
    "en",
]
KINDS = ["--kind", "event", "--kind", "quote", "--kind", "actor"]
FLAGS = IDENTITY + KINDS


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["init", *args], input=input)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    result = run("kb", *FLAGS)
    assert result.exit_code == 0, result.output
    return tmp_path / "kb"


def test_init_writes_a_whole_knowledge_base(made: Path) -> None:
    written = files(made)
    today = date.today().isoformat()
    assert sorted(written) == [
        ".github/ISSUE_TEMPLATE/config.yml",
        ".github/ISSUE_TEMPLATE/correction.yml",
        ".github/ISSUE_TEMPLATE/event.yml",
        ".github/ISSUE_TEMPLATE/quote.yml",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/preview-README.txt",
        ".github/workflows/archive.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/intake.yml",
        ".github/workflows/links.yml",
        ".github/workflows/pages.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "Makefile",
        "README.md",
        "docs/about.md",
        "docs/contributing.md",
        "docs/methodology.md",
        "entries/actors/example-organisation.yaml",
        f"entries/events/{today}-example-event.yaml",
        "entries/quotes/example-quote.yaml",
        "linkcheck-allowlist.txt",
        "mkdocs.yml",
        "requirements.txt",
        "schemas/actor.schema.json",
        "schemas/event.schema.json",
        "schemas/quote.schema.json",
    ]
    found = {
        name: m.group(0)
        for name, data in written.items()
        if (m := RECORD_WORDS.search(data.decode()))
    }
    assert found == {}
    config = yaml.safe_load(written["mkdocs.yml"])
    assert config["site_url"] == "https://floods.example.net/harbour/"
    assert config["extra"]["record"]["kinds"] == ["event", "quote", "actor"]
    assert config["extra"]["record"]["feed_id_authority"] == "floods.example.net,2026"
    for name, data in written.items():
        if name.startswith("entries/"):
            assert data.decode().startswith(MARKER + "\n"), name


def test_it_builds_and_names_the_examples_until_they_are_replaced(
    made: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = build_site(config_path=made / "mkdocs.yml", progress=False).site_dir
    examples = [
        r.getMessage() for r in caplog.records if "an example that init wrote" in r.getMessage()
    ]
    assert len(examples) == 3
    atom = (site / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "<id>tag:floods.example.net,2026:feeds/all</id>" in atom

    # Three entries on another topic in place of the examples: no warning of them (the data
    # licence is still the knowledge base's to choose), nothing of the record.
    shutil.rmtree(made / "entries")
    shutil.copytree(HARBOUR / "entries", made / "entries")
    caplog.clear()
    site = build_site(config_path=made / "mkdocs.yml", progress=False).site_dir
    assert [r.getMessage().partition(": ")[2][:44] for r in caplog.records] == [
        "extra.record.data_licence is not set, so the"
    ]
    published = {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in site.rglob("*")
        if p.suffix in {".html", ".xml", ".json", ".csv"} and "javascripts" not in p.parts
    }
    assert {n: m.group(0) for n, t in published.items() if (m := RECORD_WORDS.search(t))} == {}
    assert "The flood gates close early" in published["index.html"]


def test_validate_warns_about_the_examples(made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(made)
    result = CliRunner().invoke(cli, ["validate", "--format", "github"])
    assert result.exit_code == 0, result.output
    assert result.output.count("::warning file=entries/") == 3


def test_a_proposal_made_with_its_issue_form_becomes_an_entry(
    made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forms init wrote keep the labels from-issue reads: a body made with one is read."""
    monkeypatch.chdir(made)
    body = (BODIES / "event.md").read_text(encoding="utf-8")
    body = body.split("### Who was involved")[0] + (
        "### Who was involved\n\nExample Organisation\n\n### Topics\n\nexample\n\n"
        "### Sourcing\n\n" + body.split("### Sourcing\n\n")[1]
    )
    (made / "body.md").write_text(body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["from-issue", "--form", "event", "body.md"])
    assert result.exit_code == 0, result.output
    written = (
        made
        / "entries"
        / "events"
        / "2025-01-20-rednote-publishes-an-english-guide-for-newcomers.yaml"
    )
    assert result.output == f"{written.relative_to(made)}\n"
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["actors"] == ["example-organisation"]


def test_its_workflows_pass_actionlint(made: Path) -> None:
    from project.test_workflows import actionlint

    proc = subprocess.run(
        [
            actionlint(),
            "-no-color",
            "-format",
            "{{json .}}",
            *sorted(map(str, (made / ".github" / "workflows").glob("*.yml"))),
        ],
        capture_output=True,
        text=True,
        cwd=made,
        timeout=120,
    )
    errors = json.loads(proc.stdout or "[]")
    assert [f"{e['filepath']}:{e['line']}: {e['message']}" for e in errors] == []


def test_quotes_and_lists_can_be_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("kb", *IDENTITY, "--kind", "event", "--kind", "actor")
    assert result.exit_code == 0, result.output
    written = files(tmp_path / "kb")
    assert not [n for n in written if re.search(r"quote|(^|/)lists?[./-]", n)]
    assert "censorship" not in "".join(data.decode() for data in written.values()).lower()
    build_site(config_path=tmp_path / "kb" / "mkdocs.yml", progress=False)


def test_the_questions_are_asked_when_no_flag_answers_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    answers = ["Bird Sightings", "https://birds.example.net/", "", "en, fr", "event,actor"]
    result = run("kb", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert f"[birds.example.net,{date.today().year}]" in result.output  # the suggested default
    config = yaml.safe_load((tmp_path / "kb" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Bird Sightings"
    assert config["extra"]["record"]["languages"] == ["en", "fr"]
    assert config["extra"]["record"]["kinds"] == ["event", "actor"]
    assert (
        config["extra"]["record"]["feed_id_authority"] == f"birds.example.net,{date.today().year}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "floods.example.net"], "--url 'floods.example.net' is not a web address"),
        (["--authority", "https://floods.example.net"], "is not a feed id authority"),
        (["--kind", "event"], "--kind event needs --kind actor too"),
        (["--kind", "incident"], "--kind: incident: choose among event, quote, list, actor"),
        (["--language", "english"], "--language 'english' is not a language code"),
    ],
)
def test_wrong_answers_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    flags = dict(zip(IDENTITY[::2], IDENTITY[1::2], strict=True))
    flags.update({a: v for a, v in zip(args[::2], args[1::2], strict=True) if a != "--kind"})
    kinds = args if "--kind" in args else KINDS
    result = run("kb", *[x for kv in flags.items() for x in kv], *kinds)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_empty_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run("kb", *FLAGS)
    assert result.exit_code == 1
    assert "kb is not an empty folder" in result.output
    assert files(tmp_path) == {"kb/notes.txt": b"mine\n"}


def test_it_serves(made: Path, tmp_path: Path) -> None:
    """`serve`, run in the new folder, previews it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=made,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    body = page.read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert "<title>Harbour Flood Log</title>" in body
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def test_the_folder_it_runs_in_is_none_of_its_business(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run inside another project whose mkdocs.yml is no knowledge base's, init still works."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("nav: [\n", encoding="utf-8")  # not even YAML
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 1  # a command that reads it
    result = run("kb", *FLAGS)
    assert result.exit_code == 0, result.output
