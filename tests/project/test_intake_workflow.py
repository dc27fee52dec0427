"""The intake workflow: an accepted proposal becomes a pull request, safely (see intake.yml)."""

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


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(s.get("run", "") for s in job.get("steps", []))


def intake_violations(wf: dict[str, Any]) -> list[str]:
    """Every break of the intake rules, as ``job: problem``."""
    out = []
    on = triggers(wf)
    if on != {"issues": {"types": ["labeled"]}}:
        out.append(f"triggers must be issues: types: [labeled] only, not {on!r}")
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
    bad[True] = {"issues": {"types": ["labeled"]}, "pull_request_target": None}
    bad["permissions"] = {"contents": "write"}
    entry = bad["jobs"]["entry"]
    entry["permissions"] = {"contents": "write"}
    entry["steps"][-2]["run"] = (
        'echo "${{ github.event.issue.body }}" > body.md\n' + (entry["steps"][-2]["run"])
    )
    del bad["jobs"]["report"]["permissions"]
    bad["jobs"]["pull-request"]["steps"][-1]["uses"] = PR_ACTION + "@v7"
    assert intake_violations(bad) == [
        "triggers must be issues: types: [labeled] only, not "
        "{'issues': {'types': ['labeled']}, 'pull_request_target': None}",
        "top-level permissions must be {}",
        "entry: contents: write is more than it needs",
        "entry: step 4: ${{ }} inside run: (use env:)",
        "entry: reads the issue's text with a write token",
        f"pull-request: {PR_ACTION}@v7 is not pinned to an exact version or a SHA",
        "report: no permissions of its own",
    ]


def test_it_runs_only_when_a_proposal_is_accepted(wf: dict[str, Any]) -> None:
    assert "pull_request_target" not in triggers(wf)
    condition = wf["jobs"]["entry"]["if"]
    assert "github.event.label.name == 'accepted'" in condition
    assert "contains(github.event.issue.labels.*.name, 'proposal')" in condition
    assert wf["jobs"]["pull-request"]["needs"] == "entry"
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
    assert pr["if"] == "needs.entry.outputs.ok == 'true'"
    assert 'gh issue comment "$NUMBER" --body-file comment.md' in _runs(report)
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
