"""extra.record.kinds: which kinds a knowledge base uses, their labels, and kinds of its own;
every mistake is a ConfigError that names the file and what to write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import kinds
from generator.cli.commands import cli
from generator.core.config import SiteConfig, load_config
from generator.core.errors import ConfigError
from generator.kinds.event import Event

HEAD = "site_name: T\nsite_url: https://t.example/\nextra:\n  record:\n"


def configured(tmp_path: Path, kinds_yaml: str, files: dict[str, str] | None = None):
    for name, text in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(HEAD + kinds_yaml, encoding="utf-8")
    return kinds.configured(load_config(tmp_path / "mkdocs.yml"))


def test_no_list_means_every_built_in_kind(tmp_path: Path) -> None:
    assert configured(tmp_path, "    feed_limit: 5\n").names == ("event", "quote", "list", "actor")


def test_the_list_chooses_orders_and_relabels(tmp_path: Path) -> None:
    registry = configured(
        tmp_path,
        "    kinds:\n      - actor\n      - event: {label: Incident, plural_label: Incidents,"
        " page_size: 20}\n",
    )
    assert registry.names == ("actor", "event")
    assert (registry["event"].label, registry["event"].page_size) == ("Incident", 20)
    assert kinds.current()["event"].label == "Event"  # the built-in kind is left as it was
    assert Event.KIND is kinds.current()["event"]  # and its class still bound to it
    with kinds.using(registry):
        assert Event.KIND.label == "Incident"
    assert Event.KIND.label == "Event"


@pytest.mark.parametrize(
    ("kinds_yaml", "message"),
    [
        ("    kinds: event\n", "extra.record.kinds must be a list of kinds"),
        ("    kinds: []\n", "extra.record.kinds must be a list of kinds"),
        (
            "    kinds: [event, actor, incident]\n",
            "there is no built-in kind called 'incident' (there are event, quote, list, actor); "
            "a kind of your own names its module: `- incident: {module: kinds/incident.py}`",
        ),
        ("    kinds: [event, actor, event]\n", "lists event more than once"),
        (
            "    kinds: [event]\n",
            "events name actor entries (fields such as a speaker or the actors involved), so the "
            "actor kind must be listed too",
        ),
        (
            "    kinds:\n      - event: {colour: red}\n      - actor\n",
            "event has no setting colour",
        ),
        ("    kinds:\n      - event: {page_size: 0}\n      - actor\n", "page_size must be a whole"),
        ("    kinds:\n      - event: {label: ''}\n      - actor\n", "event's label must be text"),
        ("    kinds:\n      - [event]\n", "is not a kind; write a kind's name"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, kinds_yaml: str, message: str) -> None:
    with pytest.raises(ConfigError, match="mkdocs.yml: extra.record.kinds") as refused:
        configured(tmp_path, kinds_yaml)
    assert message in str(refused.value)


OWN = "    kinds:\n      - actor\n      - note: {module: kinds/note.py}\n"


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (None, "note's module kinds/note.py is not a file in"),
        ("X = 1\n", "kinds/note.py: defines no KIND (a generator.format.kinds.Kind)"),
        (
            "import os\n\nraise RuntimeError('no notes today')\n",
            "kinds/note.py:3: the kind's module failed to load: RuntimeError: no notes today",
        ),
        ("def broken(:\n", "kinds/note.py:1: the kind's module failed to load: SyntaxError"),
    ],
)
def test_a_module_of_the_knowledge_bases_own_is_checked(
    tmp_path: Path, module: str | None, message: str
) -> None:
    files = {"kinds/note.py": module} if module is not None else {}
    with pytest.raises(ConfigError) as refused:
        configured(tmp_path, OWN, files)
    assert message in str(refused.value)


def test_the_command_line_uses_the_kinds_of_the_folder_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured(tmp_path, "    kinds: [event, actor]\n")
    (tmp_path / "entries" / "quotes").mkdir(parents=True)
    (tmp_path / "entries" / "quotes" / "q.yaml").write_text("text: hi\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert "entries/quotes" in result.output  # a folder of a kind not in use is not skipped
    (tmp_path / "mkdocs.yml").write_text(HEAD + "    kinds: [event, nothing]\n", encoding="utf-8")
    broken = CliRunner().invoke(cli, ["validate"])
    assert broken.exit_code == 1 and "Traceback" not in broken.output
    assert broken.output.startswith("Error: mkdocs.yml: extra.record.kinds: there is no built-in")


@pytest.mark.parametrize(
    "value", ["github.com/o/r/issues/new", "javascript:alert(1)", "https://x.org/form#top", "[1]"]
)
def test_a_correction_form_must_be_a_web_address(tmp_path: Path, value: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: K\nextra:\n  record:\n    correction_form: {json.dumps(value)}\n", "utf-8"
    )
    with pytest.raises(ConfigError, match="mkdocs.yml: extra.record.correction_form") as refused:
        load_config(tmp_path / "mkdocs.yml")
    assert "such as https://github.com/OWNER/REPO/issues/new?template=correction.yml" in str(
        refused.value
    ) or "must be text" in str(refused.value)


def test_a_correction_link_carries_the_entry(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: K\nextra:\n  record:\n    correction_form: https://f.org/new?t=c\n", "utf-8"
    )
    config = load_config(tmp_path / "mkdocs.yml")
    assert config.correction_link("https://k.org/e/a/", "A & B") == (
        "https://f.org/new?t=c&entry=https%3A%2F%2Fk.org%2Fe%2Fa%2F&title=%5BCorrection%5D+A+%26+B"
    )
    assert load_config_without_form(tmp_path).correction_link("https://k.org/e/a/", "A") == ""


def load_config_without_form(tmp_path: Path) -> SiteConfig:
    (tmp_path / "plain.yml").write_text("site_name: K\n", "utf-8")
    return load_config(tmp_path / "plain.yml")
