"""The intake workflow: a proposal is checked when it is opened or edited, and an accepted one
becomes a pull request, safely (see intake.yml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_workflows import (
    PINNED,
    PR_ACTION,
    WORKFLOWS,
    load,
    may_write,
    run_actionlint,
    triggers,
    uses_of,
)

INTAKE = WORKFLOWS / "intake.yml"
TYPES = ["opened", "edited", "labeled"]


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(s.get("run", "") for s in job.get("steps", []))


def intake_violations(wf: dict[str, Any]) -> list[str]:
    """Every break of the intake rules, as ``job: problem``."""
    out = []
    on = triggers(wf)
    if on != {"issues": {"types": TYPES}}:
        out.append(f"triggers must be issues: types: {TYPES} only, not {on!r}")
    if wf.get("permissions") != {}:
        out.append("top-level permissions must be {}")
    for job_id, job in wf.get("jobs", {}).items():
        perms = job.get("permissions")
        if not isinstance(perms, dict) or not perms:
            out.append(f"{job_id}: no permissions of its own")
            perms = {}
        for scope, level in perms.items():
            # the write scopes the job's own steps need (the house rules' may_write)
            if level not in ("read", "none") and not (level == "write" and may_write(job, scope)):
                out.append(f"{job_id}: {scope}: {level} is more than it needs")
        for n, step in enumerate(job.get("steps", [])):
            if "${{" in step.get("run", ""):
                out.append(f"{job_id}: step {n}: ${{{{ }}}} inside run: (use env:)")
        for _j, uses in uses_of({"jobs": {job_id: job}}):
            if not PINNED.match(uses):
                out.append(f"{job_id}: {uses} is not pinned to an exact version or a SHA")
        if "from-issue" in _runs(job) and any(v not in ("read", "none") for v in perms.values()):
            out.append(f"{job_id}: reads the issue's text with a write token")
    return out


@pytest.fixture(scope="module")
def wf() -> dict[str, Any]:
    return load(INTAKE)


def test_the_intake_workflow_follows_its_rules(wf: dict[str, Any]) -> None:
    assert intake_violations(wf) == []


def test_the_rules_catch_an_unsafe_intake(wf: dict[str, Any]) -> None:
    bad = yaml.safe_load(INTAKE.read_text(encoding="utf-8"))
    bad[True] = {"issues": {"types": TYPES}, "pull_request_target": None}
    bad["permissions"] = {"contents": "write"}
    entry = bad["jobs"]["entry"]
    entry["permissions"] = {"contents": "write"}
    entry["steps"][-2]["run"] = (
        'echo "${{ github.event.issue.body }}" > body.md\n' + (entry["steps"][-2]["run"])
    )
    del bad["jobs"]["report"]["permissions"]
    bad["jobs"]["pull-request"]["steps"][-1]["uses"] = PR_ACTION + "@v7"
    assert intake_violations(bad) == [
        "triggers must be issues: types: ['opened', 'edited', 'labeled'] only, not "
        "{'issues': {'types': ['opened', 'edited', 'labeled']}, 'pull_request_target': None}",
        "top-level permissions must be {}",
        "entry: contents: write is more than it needs",
        "entry: step 4: ${{ }} inside run: (use env:)",
        "entry: reads the issue's text with a write token",
        f"pull-request: {PR_ACTION}@v7 is not pinned to an exact version or a SHA",
        "report: no permissions of its own",
    ]


def test_a_proposal_is_checked_when_opened_or_edited_and_a_pull_request_waits_for_accepted(
    wf: dict[str, Any],
) -> None:
    assert "pull_request_target" not in triggers(wf)
    condition = wf["jobs"]["entry"]["if"]
    # Opened or edited: checked. Labeled: only with `accepted`, not with any label.
    assert "(github.event.action != 'labeled' || github.event.label.name == 'accepted')" in (
        condition
    )
    assert "contains(github.event.issue.labels.*.name, 'proposal')" in condition
    assert wf["jobs"]["pull-request"]["needs"] == "entry"
    assert wf["jobs"]["pull-request"]["if"] == (
        "needs.entry.outputs.ok == 'true' && github.event.action == 'labeled'"
    )
    assert wf["jobs"]["report"]["needs"] == "entry"


def test_no_expression_inside_any_run(wf: dict[str, Any]) -> None:
    runs = [s["run"] for job in wf["jobs"].values() for s in job["steps"] if "run" in s]
    assert runs and all("${{" not in run for run in runs)
    # The issue's text reaches scripts only as environment variables.
    text = INTAKE.read_text(encoding="utf-8")
    for field in ("body", "title"):
        for line in text.splitlines():
            if f"github.event.issue.{field}" in line and "run:" not in line:
                assert re.match(r"\s+(BODY: |title: )", line), line


def test_permissions_are_explicit_and_least(wf: dict[str, Any]) -> None:
    assert wf["permissions"] == {}
    assert wf["jobs"]["entry"]["permissions"] == {"contents": "read"}
    assert wf["jobs"]["pull-request"]["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
    }
    assert wf["jobs"]["report"]["permissions"] == {"issues": "write"}


def test_it_writes_validates_and_opens_a_pull_request_that_closes_the_issue(
    wf: dict[str, Any],
) -> None:
    entry, pr, report = (wf["jobs"][j] for j in ("entry", "pull-request", "report"))
    runs = _runs(entry)
    assert '"$BODY" > issue-body.md' in runs
    assert 'python -m generator from-issue --form "$FORM" issue-body.md' in runs
    assert "python -m generator validate" in runs
    [step] = [s for s in pr["steps"] if s.get("uses", "").startswith(PR_ACTION + "@")]
    assert "Closes #${{ github.event.issue.number }}" in step["with"]["body"]
    assert "@${{ github.event.issue.user.login }}" in step["with"]["body"]
    assert "Co-authored-by: ${{ github.event.issue.user.login }}" in step["with"]["commit-message"]
    assert "--questions intake/questions.txt" in runs
    report_runs = _runs(report)
    assert 'gh issue comment "$NUMBER" --body-file comment.md' in report_runs
    # On opening and each edit, one comment kept up to date rather than one per edit.
    assert 'gh issue comment "$NUMBER" --edit-last --create-if-none' in report_runs
    assert 'gh issue edit "$NUMBER" --remove-label accepted' in report_runs
    assert [s["env"]["GH_TOKEN"] for s in report["steps"] if "GH_TOKEN" in s.get("env", {})]


def test_every_checkout_keeps_no_credentials(wf: dict[str, Any]) -> None:
    checkouts = [
        s for job in wf["jobs"].values() for s in job["steps"]
        if s.get("uses", "").startswith("actions/checkout@")
    ]  # fmt: skip
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_actionlint_flags_the_issue_body_inside_run(tmp_path: Path) -> None:
    bad = tmp_path / "intake.yml"
    text = INTAKE.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("printf '%s\\n' \"$BODY\"", 'echo "${{ github.event.issue.body }}"')
    )
    assert bad.read_text(encoding="utf-8") != text
    code, errors = run_actionlint(bad)
    assert code == 1
    assert any("github.event.issue.body" in e["message"] for e in errors)


def _report(wf: dict[str, Any], tmp_path: Path, action: str, ok: str, questions: str) -> str:
    """Run the report step's script with a stand-in ``gh`` that logs what it is asked."""
    import subprocess

    [step] = [s for s in wf["jobs"]["report"]["steps"] if "run" in s]
    (tmp_path / "intake").mkdir()
    (tmp_path / "intake" / "problems.txt").write_text("Date: not a date\n", encoding="utf-8")
    (tmp_path / "intake" / "questions.txt").write_text(questions, encoding="utf-8")
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "gh $*" >> log\n[ -f comment.md ] && cat comment.md >> log\n')
    fake.chmod(0o755)
    env = {"PATH": f"{fake.parent}:/usr/bin:/bin", "NUMBER": "7", "ACTION": action, "OK": ok}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, check=True)
    log = tmp_path / "log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


@pytest.mark.parametrize(
    ("action", "ok", "questions", "expected"),
    [
        ("opened", "false", "", ["--edit-last --create-if-none", "please edit the issue"]),
        ("edited", "true", "", ["--edit-last --create-if-none", "complete and would become"]),
        ("edited", "true", "Topics: 'x'?\n", ["Questions for the curator:", "- Topics: 'x'?"]),
        ("labeled", "false", "", ["--remove-label accepted", "adds the `accepted` label again"]),
        ("labeled", "true", "Topics: 'x'?\n", ["The pull request for this proposal is open."]),
        ("labeled", "true", "", []),
    ],
)
def test_the_report_says_what_the_proposer_needs(
    wf: dict[str, Any],
    tmp_path: Path,
    action: str,
    ok: str,
    questions: str,
    expected: list[str],
) -> None:
    log = _report(wf, tmp_path, action, ok, questions)
    for words in expected:
        assert words in log
    if not expected:
        assert log == ""  # accepted and nothing to ask: the pull request says it all
    if ok == "true":
        assert "Date: not a date" not in log
