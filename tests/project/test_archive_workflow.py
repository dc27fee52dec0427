"""The archive workflow: only its pull-request job writes, and pull requests get a read-only
dry run (tests/project/test_workflows.py holds the shared helpers, and runs actionlint and GitHub's
schema on every workflow)."""

from __future__ import annotations

from test_workflows import WORKFLOWS, load, rule_violations, runs_of, triggers

PATH = WORKFLOWS / "archive.yml"
CREATE_PR = "peter-evans/create-pull-request@"


def test_it_follows_the_house_rules_and_only_the_pull_request_job_writes() -> None:
    # Opening a pull request needs two write scopes, which the house rules allow only to a job
    # whose steps open one. (actionlint and GitHub's schema: tests/project/test_workflows.py.)
    assert rule_violations(PATH) == []
    writers = {
        job_id: job["permissions"]
        for job_id, job in load(PATH)["jobs"].items()
        if "write" in job["permissions"].values()
    }
    assert writers == {"archive": {"contents": "write", "pull-requests": "write"}}


def test_sources_are_archived_weekly_on_main_into_a_pull_request() -> None:
    wf = load(PATH)
    on = triggers(wf)
    assert "workflow_dispatch" in on
    [schedule] = on["schedule"]
    _minute, _hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), "once a week"
    job = wf["jobs"]["archive"]
    assert "github.event_name != 'pull_request'" in job["if"]
    assert "refs/heads/main" in job["if"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = job["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "python -m generator archive --delay" in runs
    assert "--dry-run" not in runs and "--strict" not in runs  # a failed capture is no failure
    [create] = [s for s in steps if s.get("uses", "").startswith(CREATE_PR)]
    assert steps[-1] is create
    assert "entries/" in create["with"]["add-paths"]
    checkout = steps[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["persist-credentials"] is False


def test_pull_requests_get_a_read_only_dry_run_without_secrets() -> None:
    wf = load(PATH)
    on = triggers(wf)
    assert "pull_request_target" not in on
    assert on["pull_request"] == {"paths": ["entries/**"]}
    job = wf["jobs"]["new-sources"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read"}
    text = PATH.read_text(encoding="utf-8")
    assert "secrets." not in text
    steps = job["steps"]
    assert not any(s.get("uses", "").startswith(CREATE_PR) for s in steps)
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "python -m generator archive --dry-run -- " in runs
    # No expression in any run: text a contributor controls would go through env vars.
    assert "${{" not in runs_of(wf)
