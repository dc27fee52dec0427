"""The GitHub workflows: actionlint accepts them, and they follow the project's security rules."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
DATA = Path(__file__).resolve().parent.parent / "data" / "workflows"

# An exact release tag (v4.2.2) or a full commit SHA; a branch or a major tag (@v4) can move.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")
# The only write permissions a job may hold, and the action that justifies them.
DEPLOY_ACTION = "actions/deploy-pages"
DEPLOY_PERMISSIONS = {"pages": "write", "id-token": "write"}
PR_ACTION = "peter-evans/create-pull-request"


def may_write(job: dict[str, Any], scope: str) -> bool:
    """The write scopes a job's own steps need: opening a pull request, commenting on an issue."""
    steps = job.get("steps", [])
    opens_pr = any(str(st.get("uses", "")).startswith(PR_ACTION + "@") for st in steps)
    comments = any("gh issue " in str(st.get("run", "")) for st in steps)
    return (scope in ("contents", "pull-requests") and opens_pr) or (scope == "issues" and comments)


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The ``on:`` block as a dict. PyYAML (YAML 1.1) reads the key ``on`` as True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return dict(on or {})


def uses_of(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    """(job id, uses) for every step's action and every job-level reusable workflow."""
    found = []
    for job_id, job in workflow.get("jobs", {}).items():
        if "uses" in job:
            found.append((job_id, job["uses"]))
        for step in job.get("steps", []):
            if "uses" in step:
                found.append((job_id, step["uses"]))
    return found


def runs_of(workflow: dict[str, Any]) -> str:
    return "\n".join(
        step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])
    )


def rule_violations(path: Path) -> list[str]:
    """Every break of the house security rules in one workflow, as ``file: job: problem``."""
    wf = load(path)
    name = path.name
    out: list[str] = []
    if "pull_request_target" in triggers(wf):
        out.append(f"{name}: uses pull_request_target, which runs forks' code with a write token")
    top = wf.get("permissions")
    if top not in ({}, {"contents": "read"}):
        out.append(f"{name}: top-level permissions must be {{}} or contents: read, not {top!r}")
    for job_id, uses in uses_of(wf):
        if not uses.startswith("./") and not PINNED.match(uses):
            out.append(f"{name}: {job_id}: {uses} is not pinned to an exact version or a SHA")
    for job_id, job in wf.get("jobs", {}).items():
        if not isinstance(job.get("timeout-minutes"), int) or job["timeout-minutes"] <= 0:
            out.append(f"{name}: {job_id}: no timeout-minutes")
        perms = job.get("permissions")
        if not isinstance(perms, dict):
            out.append(f"{name}: {job_id}: no permissions of its own")
            continue
        deploys = any(u.startswith(DEPLOY_ACTION + "@") for j, u in uses_of(wf) if j == job_id)
        for scope, level in perms.items():
            allowed = (deploys and DEPLOY_PERMISSIONS.get(scope) == level) or (
                level == "write" and may_write(job, scope)
            )
            if level not in ("read", "none") and not allowed:
                out.append(f"{name}: {job_id}: {scope}: {level} is more than it needs")
        if deploys:
            concurrency = job.get("concurrency") or wf.get("concurrency") or {}
            if concurrency != {"group": "pages", "cancel-in-progress": False}:
                out.append(
                    f"{name}: {job_id}: deploys outside the 'pages' concurrency group "
                    "(with cancel-in-progress: false)"
                )
            env = job.get("environment")
            env_name = env.get("name") if isinstance(env, dict) else env
            if env_name != "github-pages":
                out.append(f"{name}: {job_id}: deploys outside the github-pages environment")
    return out


def actionlint() -> str:
    """The actionlint binary: in the virtual environment beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is not installed: run `make install-test` (pyproject's test extra)"
    return found


def run_actionlint(*files: Path) -> tuple[int, list[dict[str, Any]]]:
    proc = subprocess.run(
        [actionlint(), "-no-color", "-format", "{{json .}}", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.stderr == "", proc.stderr
    return proc.returncode, json.loads(proc.stdout or "[]")


# --- actionlint --------------------------------------------------------------------------------


def test_there_are_workflows() -> None:
    assert [p.name for p in workflow_files()] == [
        "archive.yml",
        "ci.yml",
        "intake.yml",
        "links.yml",
        "pages.yml",
    ]


def test_actionlint_accepts_every_workflow() -> None:
    code, errors = run_actionlint(*workflow_files())
    assert [f"{e['filepath']}:{e['line']}: {e['message']}" for e in errors] == []
    assert code == 0


def test_actionlint_rejects_a_broken_workflow() -> None:
    code, errors = run_actionlint(DATA / "broken.yml")
    assert code == 1
    assert [(e["line"], e["kind"]) for e in errors] == [
        (4, "events"),
        (11, "expression"),
        (12, "job-needs"),
        (17, "expression"),
    ]
    assert errors[0]["message"].startswith('unknown Webhook event "pull_requestt"')
    assert errors[1]["message"].startswith('"github.event.pull_request.title" is potentially')
    assert (
        errors[2]["message"] == 'job "build" needs job "tset" which does not exist in this workflow'
    )


def test_workflows_match_githubs_schema() -> None:
    # A second, independent reading: SchemaStore's workflow schema, shipped by check-jsonschema.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, workflow_files()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- the house rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_workflow_follows_the_security_rules(path: Path) -> None:
    assert rule_violations(path) == []


def test_the_rules_catch_an_insecure_workflow() -> None:
    assert rule_violations(DATA / "insecure.yml") == [
        "insecure.yml: uses pull_request_target, which runs forks' code with a write token",
        "insecure.yml: top-level permissions must be {} or contents: read, not None",
        "insecure.yml: build: actions/checkout@main is not pinned to an exact version or a SHA",
        "insecure.yml: build: actions/setup-python@v6 is not pinned to an exact version or a SHA",
        "insecure.yml: build: no timeout-minutes",
        "insecure.yml: build: no permissions of its own",
        "insecure.yml: deploy: contents: write is more than it needs",
        "insecure.yml: deploy: deploys outside the 'pages' concurrency group "
        "(with cancel-in-progress: false)",
    ]


def test_pinning_accepts_tags_and_shas_only() -> None:
    assert PINNED.match("actions/checkout@v5.0.0")
    assert PINNED.match("actions/checkout@" + "0123456789abcdef" * 2 + "01234567")
    assert PINNED.match("github/codeql-action/init@v3.28.0")
    for loose in ("actions/checkout@v5", "actions/checkout@main", "actions/checkout@abc1234"):
        assert not PINNED.match(loose)


def test_on_is_read_despite_yaml_1_1() -> None:
    # Without the True fallback every trigger check above would silently see no triggers.
    assert triggers(yaml.safe_load("on: push")) == {"push": None}
    assert triggers(yaml.safe_load("on: [push, pull_request]")) == {
        "push": None,
        "pull_request": None,
    }


# --- what each workflow does -------------------------------------------------------------------


def test_pull_requests_validate_test_build_and_keep_the_site() -> None:
    wf = load(WORKFLOWS / "ci.yml")
    assert "pull_request" in triggers(wf)
    runs = runs_of(wf)
    assert "python -m generator validate --format github" in runs
    assert "make test" in runs
    assert "python -m generator build" in runs
    assert "make install" in runs
    build = wf["jobs"]["build"]
    upload = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert [s["with"]["path"] for s in upload] == ["preview/"]
    # The artifact is the site and how to serve it: opened from disk it has no search.
    assert "mv site preview/site" in runs and "cp .github/preview-README.txt preview/" in runs
    readme = (ROOT / ".github" / "preview-README.txt").read_text(encoding="utf-8")
    assert "python3 -m http.server 8000 --directory site" in readme
    setups = [u for _j, u in uses_of(wf) if u.startswith("actions/setup-python@")]
    assert setups
    for job in wf["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["python-version"] == "3.11"


def test_main_is_built_and_deployed_to_pages() -> None:
    wf = load(WORKFLOWS / "pages.yml")
    assert triggers(wf)["push"] == {"branches": ["main"]}
    assert "pull_request" not in triggers(wf)
    uses = [u.split("@")[0] for _j, u in uses_of(wf)]
    assert "actions/upload-pages-artifact" in uses
    assert "actions/deploy-pages" in uses
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert "python -m generator build" in runs_of(wf)


def test_links_are_checked_weekly_without_failing() -> None:
    wf = load(WORKFLOWS / "links.yml")
    on = triggers(wf)
    assert "workflow_dispatch" in on
    [schedule] = on["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), "once a week"
    runs = runs_of(wf)
    assert "python -m generator check-links" in runs
    assert "--fail-on-dead" not in runs
