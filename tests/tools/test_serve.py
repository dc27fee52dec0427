"""`serve`: the preview shows a failed build's problems on every page and reloads by itself.

The first tests drive the pieces in process (the error page, the builder that never raises,
the server's answers to WSGI requests); the last ones run `python -m generator serve` on a
free port against a copy of the golden entries and edit them while it runs.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator import COMMAND
from generator.core.errors import BuildError, ConfigError, ValidationFailed
from generator.core.problems import Problem
from generator.engine.preview import is_page
from generator.tools.serve import PreviewServer
from generator.tools.serve_errors import BuildFailure, attempt, error_page

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN_ENTRIES = ROOT / "tests" / "data" / "golden" / "entries"
ENTRY = Path("events") / "2025-01-18-blackout.yaml"
ENTRY_PAGE = "events/2025-01-18-blackout/"
HOSTILE = "<script>alert(1)</script>&amp;"
ESCAPED = html.escape(HOSTILE)  # &lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;
ERROR_TITLE = "The preview could not be rebuilt"
PROBLEM = Problem("entries/events/x.yaml", 19, 1, f"unknown field '{HOSTILE}' for an event")


# --- in process -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/", True),
        ("/events/x/", True),
        ("/events/x/index.html", True),
        ("/404.html", True),
        ("/about", True),
        ("/assets/record.css", False),
        ("/pagefind/pagefind.js", False),
        ("/pagefind/fragment/zh_0a1b2c.pf_fragment", False),
        ("/feeds/events.xml", False),
    ],
)
def test_is_page(path: str, page: bool) -> None:
    assert is_page(path) is page


def test_the_error_page_escapes_everything_and_lists_one_problem_a_line() -> None:
    failure = BuildFailure("2 problems in 1 file", (str(PROBLEM), "b.yaml:2:3: <b>bold</b>"))
    page = error_page(failure, "/<img src=x>/").decode("utf-8")
    assert HOSTILE not in page and "<b>bold" not in page and "<img" not in page
    assert "<script" not in page  # the server adds its reload script, nothing else may
    problems = re.search(r'<pre id="problems">(.*?)</pre>', page, re.S)
    assert problems is not None
    assert problems[1].split("\n") == [
        f"entries/events/x.yaml:19:1: unknown field &#x27;{ESCAPED}&#x27; for an event",
        "b.yaml:2:3: &lt;b&gt;bold&lt;/b&gt;",
    ]
    assert "2 problems in 1 file" in page and "/&lt;img src=x&gt;/" in page


def _raise(exc: BaseException) -> Any:
    def build(*changed: object) -> None:
        raise exc

    return build


def test_attempt_returns_none_when_the_build_succeeds() -> None:
    assert attempt(lambda: None) is None


def test_attempt_reports_validation_problems(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    failure = attempt(_raise(ValidationFailed([PROBLEM])))
    assert failure == BuildFailure("1 problem in 1 file", (str(PROBLEM),))
    assert str(PROBLEM) in caplog.text  # in the terminal too
    assert "1 problem in 1 file; the preview shows them on every page" in caplog.text


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (BuildError("MkDocs: a page is broken"), "MkDocs: a page is broken"),
        (RuntimeError("a bug"), "unexpected RuntimeError: a bug"),
    ],
)
def test_attempt_never_raises_nor_prints_a_traceback(
    caplog: pytest.LogCaptureFixture, exc: Exception, line: str
) -> None:
    caplog.set_level(logging.INFO)
    assert attempt(_raise(exc)) == BuildFailure("the build failed", (line,))
    assert line in caplog.text and "Traceback" not in caplog.text


def test_attempt_lets_ctrl_c_through() -> None:
    with pytest.raises(KeyboardInterrupt):
        attempt(_raise(KeyboardInterrupt()))


@dataclass
class Response:
    status: str
    headers: dict[str, str]
    body: str


def _request(server: PreviewServer, path: str) -> Response:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        got.update(status=status, headers=dict(headers))

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    body = b"".join(server.serve_request(environ, start_response))
    return Response(got["status"], got["headers"], body.decode("utf-8"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    """A PreviewServer (never started) over a last good site of one page and one asset."""
    (tmp_path / "index.html").write_text("<html><body>the good site</body></html>")
    (tmp_path / "404.html").write_text("<html><body>no such page</body></html>")
    (tmp_path / "style.css").write_text("body {}")
    preview = PreviewServer(lambda changed: None, "127.0.0.1", 0, tmp_path)
    preview.watch(str(tmp_path))  # so that pages get the reload script, as in `serve`
    try:
        yield preview
    finally:
        preview.server_close()


def test_while_the_build_fails_every_page_is_the_error_page(server: PreviewServer) -> None:
    server.run_build = _raise(ValidationFailed([PROBLEM]))
    server.rebuild()
    for path in ["/", "/index.html", "/events/new-entry/", "/no/such/page/"]:
        response = _request(server, path)
        assert response.status == "200 OK", path
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert ERROR_TITLE in response.body and ESCAPED in response.body
        assert HOSTILE not in response.body and "the good site" not in response.body
        assert "livereload(" in response.body  # it reloads by itself
    assert _request(server, "/style.css").body == "body {}"  # the last good site's assets
    assert _request(server, "/missing.css").status.startswith("404")

    server.run_build = lambda changed: None
    server.rebuild()
    response = _request(server, "/")
    assert response.status == "200 OK" and "the good site" in response.body
    assert ERROR_TITLE not in response.body and "livereload(" in response.body
    missing = _request(server, "/no/such/page/")  # a real missing page is still a 404
    assert missing.status.startswith("404") and "no such page" in missing.body


def test_a_port_in_use_is_an_error_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = PreviewServer(lambda changed: None, "127.0.0.1", taken.getsockname()[1], Path("."))
        try:
            with pytest.raises(ConfigError, match="cannot serve on http://127.0.0.1:"):
                busy.server_bind()
        finally:
            busy.server_close()


def _heard(preview: PreviewServer, paths: set[str]) -> set[str]:
    """The changes the preview reports until it has reported ``paths``."""
    deadline = time.monotonic() + TIMEOUT
    seen: set[str] = set()
    while not paths <= seen:
        assert time.monotonic() < deadline, seen
        time.sleep(0.05)
        seen |= preview.changes()
    return seen


def test_the_watcher_is_told_by_the_system_not_polling(tmp_path: Path) -> None:
    """MkDocs polls every half second (a third of a core at 10,000 entries, doing nothing);
    the preview waits for the kernel's notifications, and says which files changed."""
    import watchdog.observers.polling

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "entries").mkdir()
    preview = PreviewServer(lambda changed: None, "127.0.0.1", 0, tmp_path / "site")
    try:
        assert not isinstance(preview.observer, watchdog.observers.polling.PollingObserver)
        preview.watch(str(tmp_path / "entries"))
        preview.watch(str(config))
        preview.observer.start()
        saved = tmp_path / "entries" / "a.yaml"
        saved.write_text("id: a\n", encoding="utf-8")
        (tmp_path / "other.txt").write_text("not watched\n", encoding="utf-8")
        config.write_text("site_name: y\n", encoding="utf-8")
        seen = _heard(preview, {str(saved), str(config)})
        assert str(tmp_path / "other.txt") not in seen  # a file beside the config is not
    finally:
        preview.observer.stop()
        preview.server_close()


def test_the_watcher_hears_only_of_changes_to_what_it_watches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a file makes no event: a save's validation reads every entry file, and at
    10,000 entries the watcher's threads took turns with it for the interpreter over 20,000
    events. Nor does a change in a folder beside a watched file (the repository's root holds
    the config and the built site)."""
    from generator.engine import preview as preview_module

    heard: list[tuple[str, str]] = []
    real = preview_module._Changes.on_any_event

    def hear(self: object, event: Any) -> None:
        heard.append((event.event_type, os.fsdecode(event.src_path)))
        real(self, event)  # type: ignore[arg-type]

    monkeypatch.setattr(preview_module._Changes, "on_any_event", hear)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", encoding="utf-8")
    entries, beside = tmp_path / "entries", tmp_path / "site"
    entries.mkdir()
    beside.mkdir()
    read = entries / "a.yaml"
    read.write_text("id: a\n", encoding="utf-8")
    preview = PreviewServer(lambda changed: None, "127.0.0.1", 0, tmp_path / "out")
    try:
        preview.watch(str(entries))
        preview.watch(str(config))
        preview.observer.start()
        for _ in range(20):
            read.read_bytes()
        (beside / "index.html").write_text("built\n", encoding="utf-8")
        saved = entries / "b.yaml"  # after those, in the same watches: heard last
        saved.write_text("id: b\n", encoding="utf-8")
        config.write_text("site_name: y\n", encoding="utf-8")
        _heard(preview, {str(saved), str(config)})
    finally:
        preview.observer.stop()
        preview.server_close()
    assert [kind for kind, _ in heard if kind in ("opened", "closed_no_write")] == []
    assert [path for _, path in heard if path.startswith(str(beside))] == []


def test_a_failed_builds_changes_are_given_again(tmp_path: Path) -> None:
    """A save that failed may have been a template's: the next build is still told of it."""
    given: list[set[str] | None] = []
    results = iter([None, ValidationFailed([PROBLEM]), None, None])

    def build(changed: set[str] | None) -> None:
        given.append(changed)
        result = next(results)
        if result is not None:
            raise result

    preview = PreviewServer(build, "127.0.0.1", 0, tmp_path)
    try:
        preview.rebuild()  # the first build: the whole site
        preview.changed(["templates/a.j2"])
        preview.rebuild()  # fails
        preview.changed(["entries/b.yaml"])
        preview.rebuild()
        preview.changed(["entries/c.yaml"])
        preview.rebuild()
    finally:
        preview.server_close()
    assert given == [
        None,
        {"templates/a.j2"},
        {"templates/a.j2", "entries/b.yaml"},
        {"entries/c.yaml"},
    ]


# --- `python -m generator serve` ------------------------------------------------------------

TIMEOUT = 20.0  # seconds: the most any step may take (a start or a rebuild takes one or two)
RETRY = 5.0  # an edit no rebuild followed is written again (the watcher may start after it)


@dataclass
class Preview:
    url: str
    entries: Path
    scratch: Path
    process: subprocess.Popen[str]

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def epoch(self) -> int:
        """The version of the site the home page was served from (its reload script says)."""
        match = re.search(r"livereload\((\d+), \d+\)", self.get()[1])
        assert match, "no reload script in the page"
        return int(match[1])

    def edit(self, text: str) -> int:
        """Write the entry, wait for the reload signal that the rebuild is over, return it."""
        before = self.epoch()
        deadline = time.monotonic() + TIMEOUT
        while True:
            (self.entries / ENTRY).write_text(text, encoding="utf-8")
            # MkDocs' long poll: answers as soon as a newer version of the site is out.
            try:
                with urllib.request.urlopen(
                    f"{self.url}livereload/{before}/1", timeout=RETRY
                ) as response:
                    after = int(response.read())
            except TimeoutError:
                assert time.monotonic() < deadline, "the reload signal never fired"
                continue
            assert after > before
            return after

    def stop(self, signum: int = signal.SIGINT) -> str:
        """Ctrl+C (or ``signum``); what the terminal showed. Idempotent."""
        if self.process.returncode is None:
            self.process.send_signal(signum)
            try:
                self.output = self.process.communicate(timeout=TIMEOUT)[0]
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.output = self.process.communicate()[0]
                pytest.fail(f"serve did not stop on signal {signum}:\n{self.output}")
        return self.output

    output: str = ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sigint_default() -> None:  # a background job of a shell would ignore Ctrl+C
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _valid() -> str:
    return (GOLDEN_ENTRIES / ENTRY).read_text(encoding="utf-8")


def _broken(field: str = HOSTILE) -> str:
    """The entry with an unknown field on its line 19: the field's name is in the problem."""
    return _valid() + f'"{field}": x\n'


@pytest.fixture
def preview(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Preview]:
    """`serve` on a free port over a copy of the golden entries, broken first if asked."""
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN_ENTRIES, entries)
    if getattr(request, "param", "valid") == "broken":
        (entries / ENTRY).write_text(_broken(), encoding="utf-8")
    scratch = tmp_path / "tmp"  # serve builds its site in a folder of its own in there
    scratch.mkdir()
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--entries",
            str(entries),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_sigint_default,  # noqa: PLW1509
    )
    preview = Preview(f"http://127.0.0.1:{port}/", entries, scratch, process)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:  # the server listens once the first build is over
            assert process.poll() is None, process.communicate()[0]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.05)
        yield preview
    finally:
        preview.stop()


def _assert_error_page(preview: Preview, *needles: str) -> None:
    for path in ["", ENTRY_PAGE]:  # the home page and an entry's page
        status, body = preview.get(path)
        assert status == 200, path
        assert ERROR_TITLE in body, path
        for needle in needles:
            assert needle in body, (path, needle)
        assert HOSTILE not in body, path
        assert "<title>RedNote Record</title>" not in body, path


def _assert_real_site(preview: Preview) -> None:
    status, body = preview.get()
    assert status == 200 and "<title>RedNote Record</title>" in body and ERROR_TITLE not in body
    status, body = preview.get(ENTRY_PAGE)
    assert status == 200 and "TikTok goes dark for a day" in body and ERROR_TITLE not in body


def _assert_clean_exit(preview: Preview, *lines: str, signum: int = signal.SIGINT) -> None:
    output = preview.stop(signum)
    assert preview.process.returncode == (0 if signum == signal.SIGINT else 128 + signum)
    assert "Traceback" not in output, output
    # asyncio's note on the search binary stopped after a failed build: nothing is wrong.
    assert "Unknown child process" not in output, output
    for line in lines:
        assert line in output, output  # the problems are in the terminal too
    assert not list(preview.scratch.glob(f"{COMMAND}-serve-*")), "serve left its site behind"


@pytest.mark.slow
@pytest.mark.parametrize("preview", ["broken"], indirect=True)
def test_starting_with_a_broken_entry_shows_the_problems_then_the_site(preview: Preview) -> None:
    problem = f"{ENTRY.as_posix()}:31:1: unknown field '{HOSTILE}' for an event"
    _assert_error_page(preview, html.escape(problem))
    assert preview.get("assets/record.css")[0] == 404  # no good site yet: a real miss
    preview.edit(_valid())
    _assert_real_site(preview)
    _assert_clean_exit(preview, problem, signum=signal.SIGTERM)  # `kill` cleans up too


@pytest.mark.slow
def test_a_save_rewrites_pages_in_place(preview: Preview) -> None:
    """An edited summary is shown without a new site folder: only its pages are written."""
    (site,) = preview.scratch.glob(f"{COMMAND}-serve-*/site")
    folder = site.stat().st_ino
    text = _valid().replace("  The app stops", "  Saved while serving: the app stops", 1)
    assert text != _valid()
    preview.edit(text)
    status, body = preview.get(ENTRY_PAGE)
    assert status == 200 and "Saved while serving: " in body
    assert site.stat().st_ino == folder
    assert not list(site.rglob("*.new"))
    _assert_clean_exit(preview)


@pytest.mark.slow
def test_breaking_fixing_and_breaking_again_while_serving(preview: Preview) -> None:
    _assert_real_site(preview)
    assert preview.get("no/such/page/")[0] == 404  # a real missing page
    first = preview.edit(_broken())
    _assert_error_page(preview, ESCAPED, f"{ENTRY.as_posix()}:31:1: unknown field")
    assert preview.get("assets/record.css")[0] == 200  # the last good site stays
    assert preview.epoch() >= first  # the error page reloads when a newer version is out
    second = preview.edit(_broken("<i>another</i>"))  # a new error: a new reload
    assert second > first
    _assert_error_page(preview, "&lt;i&gt;another&lt;/i&gt;")
    preview.edit(_valid())
    _assert_real_site(preview)
    _assert_clean_exit(preview, "unknown field '<i>another</i>'")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("preview", ["broken"], indirect=True)
def test_an_open_tab_reloads_to_the_problems_and_back(preview: Preview, browser: Any) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(preview.url + ENTRY_PAGE)
        problem = f"{ENTRY.as_posix()}:31:1: unknown field '{HOSTILE}' for an event"
        assert problem in page.locator("#problems").inner_text()  # shown as text, not markup
        preview.edit(_valid())
        page.locator("h1", has_text="TikTok goes dark for a day").wait_for(timeout=TIMEOUT * 1000)
        preview.edit(_broken("<i>again</i>"))
        page.locator("#problems", has_text="unknown field '<i>again</i>'").wait_for(
            timeout=TIMEOUT * 1000
        )
        assert dialogs == []  # the hostile field's script never ran
    finally:
        page.close()


def test_a_port_in_use_is_reported_before_the_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found at once, not after a build that takes seconds on a large record."""
    from generator.tools import serve as serving

    built: list[int] = []
    monkeypatch.setattr(serving, "Session", lambda *a, **k: built.append(1))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError) as refused:
            serving.serve(GOLDEN_ENTRIES, ROOT / "mkdocs.yml", f"127.0.0.1:{port}")
    assert str(refused.value).startswith(f"cannot serve on http://127.0.0.1:{port}/: ")
    assert "--dev-addr" in str(refused.value)
    assert built == []


def test_make_serve_takes_another_address() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "ADDR   ?= 127.0.0.1:8000" in makefile
    assert "generator serve --dev-addr $(ADDR)" in makefile
