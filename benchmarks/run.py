"""Benchmark the generator at 1,000 and 10,000 synthetic entries; print a table, write JSON.

Every measurement runs in its own process, so the peak memory of one step is not inherited
by the next: a small wrapper process (``--measure``) starts the step and reads its peak
resident size from ``getrusage(RUSAGE_CHILDREN)``.

    python benchmarks/run.py                       # 1,000 and 10,000 entries, browser included
    python benchmarks/run.py --sizes 1000 --no-browser
    python benchmarks/run.py --profile build --sizes 10000   # cProfile of one step, top 30
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CONFIG = ROOT / "mkdocs.yml"
SEARCH_WORDS = ("refugee", "难民")  # in synth.EN_WORDS and synth.ZH_PHRASES: many entries

# Targets at 10,000 entries on a 2-core machine (see README.md).
TARGETS = {
    "own_work_vs_floor": 2.0,
    "validate_vs_floor": 1.5,  # issue 17
    "build_seconds": 20.0,  # issue 32 (30 s in issue 17, 60 s before it)
    "build_peak_mb": 1024.0,  # issue 17 (1.5 GB before it): the process tree's PSS
    "rebuild_seconds": 3.0,  # issue 17: after one edit, with the cache (1 s at 1,000)
    "serve_seconds": 1.0,  # issue 32: save → the new page written by `serve` (0.5 s at 1,000)
    "serve_idle_percent": 2.0,  # issue 32: `serve`'s share of a core while nothing changes
    "largest_page_kb": 300.0,
    "search_index_mb": 14.1,  # smaller than lunr's search_index.json at 10,000 (README)
    "search_transfer_kb": 500.0,  # a one-word query, from a cold page load
    "search_first_result_s": 1.0,  # from typing the query, on a cold page
    "search_build_added_s": 10.0,  # what indexing adds to the full build
}

EXTRA: dict[str, float] = {}  # what a step reports besides its seconds
STEPS = (
    "parse",
    "validate",
    "render",
    "feeds",
    "data",
    "search",
    "build",
    "build-one",
    "warm",
    "rebuild",
    "serve",
)


# --- one step, in its own process -------------------------------------------------------------


def run_step(step: str, entries: Path, site_dir: Path) -> float:
    """Do one step and return the seconds its own work took (imports and set-up excluded)."""
    if step == "parse":
        import yaml

        files = sorted(entries.rglob("*.yaml"))
        start = time.perf_counter()
        for path in files:
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return time.perf_counter() - start
    if step == "validate":
        from generator.validate.record import collect

        start = time.perf_counter()
        result = collect(entries, freeze=True)  # as a build validates (pipeline.build_site)
        seconds = time.perf_counter() - start
        if result.problems:
            raise SystemExit(f"the synthetic corpus has problems: {result.problems[:3]}")
        return seconds
    if step == "build":
        import logging

        from generator.build.pipeline import build_site

        waits: list[float] = []

        class Waits(logging.Handler):  # the build's own figure for what search added
            def emit(self, record: logging.LogRecord) -> None:
                if record.msg.startswith("Wrote the search index"):
                    waits.append(float(record.args[0]))  # type: ignore[index]

        logger = logging.getLogger("generator.build.pipeline")
        logger.setLevel(logging.INFO)
        logger.addHandler(Waits())
        start = time.perf_counter()
        build_site(entries, site_dir, CONFIG, progress=False, cache=False)  # cold
        seconds = time.perf_counter() - start
        EXTRA["search_added_s"] = waits[0]
        return seconds
    if step == "build-one":  # the same, with the interface in its first language only
        from generator.build.pipeline import build_site

        start = time.perf_counter()
        build_site(
            entries, site_dir.parent / "site-one", _one_language(), progress=False, cache=False
        )
        return time.perf_counter() - start
    if step in ("warm", "rebuild"):  # with the build cache: filled, then after one edit
        from generator.build.pipeline import build_site

        cache, site = site_dir.parent / "cache", site_dir.parent / "site-cached"
        if step == "warm":  # a build that fills an empty cache, whatever earlier runs left
            import shutil

            shutil.rmtree(cache, ignore_errors=True)
        edited = _edit_one_entry(entries) if step == "rebuild" else None
        try:
            start = time.perf_counter()
            result = build_site(entries, site, CONFIG, progress=False, cache_dir=cache)
            seconds = time.perf_counter() - start
        finally:
            if edited:
                edited[0].write_text(edited[1], encoding="utf-8")
        EXTRA["pages_rebuilt"] = result.rebuilt
        return seconds
    if step == "serve":  # `generator serve`: idle, then save → the new page written
        return _serve(entries, site_dir.parent)
    if step == "search":  # the index alone: records made, sent to Pagefind, files written
        import tempfile

        from generator.publish import search
        from generator.validate.record import load_corpus

        corpus = load_corpus(entries)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            indexer = search.Indexer()
            indexer.index(search.records(corpus))
            indexer.write(Path(tmp) / search.OUTPUT)
            return time.perf_counter() - start

    from generator.build import pipeline
    from generator.core.config import load_config
    from generator.publish import data, feeds
    from generator.validate.record import load_corpus

    corpus = load_corpus(entries)
    config = load_config(CONFIG)
    start = time.perf_counter()
    if step == "render":  # every generated Markdown page, Subscribe and Data included
        pipeline.render_all(corpus, config, pipeline.hand_written_pages(ROOT / "docs"))
    elif step == "feeds":
        feeds.build_feeds(corpus, config)
    elif step == "data":
        data.build_data(corpus, config)
    else:
        raise SystemExit(f"unknown step {step!r}")
    return time.perf_counter() - start


def _one_language() -> Path:
    """A copy of the record's configuration with one interface language (the first): what
    the second costs is the difference between ``build`` and ``build-one``."""
    import re
    import shutil

    folder = OUT / "one-language"
    shutil.rmtree(folder, ignore_errors=True)
    languages = [p.name for p in (ROOT / "docs").iterdir() if p.is_dir() and p.name == "zh"]
    shutil.copytree(ROOT / "docs", folder / "docs", ignore=lambda d, names: languages)
    shutil.copy(ROOT / "CONTRIBUTING.md", folder)
    text = CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^    interfaces: .*$", "    interfaces: [en]", text)
    text = re.sub(r"(?ms)^    translations:\n.*?(?=^    \S)", "", text)
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    return folder / "mkdocs.yml"


def _serve(entries: Path, work: Path, saves: int = 5) -> float:
    """Run ``generator serve`` on the corpus with the ``warm`` step's cache; measure its CPU
    while idle for 10 s, then, ``saves`` times, the time from writing one event's file (a
    sentence more in its summary) to its page in the preview's site holding the sentence.
    Returns the median of those; EXTRA gets each, the first build's and the idle share."""
    import shutil
    import signal
    import socket
    import statistics

    scratch = work / "serve-tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-X", "faulthandler", "-m", "generator", "serve"]
    command += ["--entries", str(entries)]
    command += ["--config", str(CONFIG), "--cache-dir", str(work / "cache")]
    command += ["--dev-addr", f"127.0.0.1:{port}"]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=(work / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    edited: tuple[Path, str] | None = None
    try:
        while True:
            assert process.poll() is None, "serve stopped"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        EXTRA["first_build_s"] = time.perf_counter() - start
        # Idle: once the first build's work in the background (the search records' key) is
        # over, 10 s windows until one is quiet (or 2 minutes have passed): the last one.
        waited = time.perf_counter()
        while True:
            before, seconds = _cpu_seconds(process.pid), 10.0
            time.sleep(seconds)
            EXTRA["idle_percent"] = 100 * (_cpu_seconds(process.pid) - before) / seconds
            if EXTRA["idle_percent"] < 5 or time.perf_counter() - waited > 120:
                break
        EXTRA["idle_tree_mb"] = _tree_pss_kib(process.pid) / 1024  # what it keeps between saves
        (site,) = scratch.glob("*-serve-*/site")
        latencies, reloads = [], []
        for _ in range(saves):
            # An editor saves, looks, edits: the last save's feeds and search index are
            # written meanwhile (at 10,000 entries they take about 8 s).
            time.sleep(8)
            reloaded = _Reload(port)
            path, text, sentence = _add_sentence(entries)
            edited = edited or (path, text)
            saved = time.perf_counter()
            page = site / "events" / path.stem / "index.html"
            while True:
                try:
                    if sentence in page.read_text(encoding="utf-8"):
                        break
                except FileNotFoundError:
                    pass
                assert time.perf_counter() - saved < 120, "the edit was never shown"
                time.sleep(0.005)
            latencies.append(time.perf_counter() - saved)
            reloaded.join(timeout=120)
            reloads.append(reloaded.at - saved)
        EXTRA.update({f"save_{i + 1}_s": s for i, s in enumerate(latencies)})
        EXTRA.update({f"reload_{i + 1}_s": s for i, s in enumerate(reloads)})
        EXTRA["reload_s"] = statistics.median(reloads)
        return statistics.median(latencies)
    finally:
        if edited:
            edited[0].write_text(edited[1], encoding="utf-8")
        # SIGTERM, not Ctrl+C's SIGINT, which a shell's background job (and what it starts)
        # ignores: serve stops the same way on either.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # where it hangs, in serve.log
            process.send_signal(signal.SIGABRT)
            raise
        shutil.rmtree(scratch, ignore_errors=True)


class _Reload(threading.Thread):
    """Waits, as a page open in a browser does, for the preview to say the site changed
    (MkDocs' /livereload/<epoch>/ answers once a build after that epoch is over, and the
    preview serves no page while one is under way); ``at`` is when."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        base = f"http://127.0.0.1:{port}/livereload"
        with urllib.request.urlopen(f"{base}/0/0", timeout=10) as answer:  # at once: the epoch
            self.url = f"{base}/{int(answer.read())}/1"
        self.at = float("nan")
        self.start()

    def run(self) -> None:
        with urllib.request.urlopen(self.url, timeout=120) as answer:
            answer.read()
        self.at = time.perf_counter()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of ``pid`` and its children, in seconds (/proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _edit_one_entry(entries: Path) -> tuple[Path, str]:
    """What a contributor does: one sentence more in one event's summary. Returns the file
    and its text, to put back. The sentence is new each time, so that no earlier run's cache
    holds the result."""
    path, text, _ = _add_sentence(entries)
    return path, text


def _add_sentence(entries: Path) -> tuple[Path, str, str]:
    """``_edit_one_entry``, also returning the sentence added."""
    import yaml

    events = sorted((entries / "events").glob("*.yaml"))
    path = events[len(events) // 2]
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    added = f"One more sentence, number {time.time_ns()}."
    data["summary"] += f" {added}[1]"  # cited, as all are
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, text, added


def measure(args: list[str]) -> dict[str, float]:
    """Run ``args`` via the --measure wrapper: its JSON output plus wall time and peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", *args]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _tree_pss_kib(pid: int) -> int:
    """The proportional set size of ``pid`` and its descendants: memory in use by the whole
    tree, counting pages that forked workers share with their parent once."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total


def _measure_child(args: list[str]) -> None:
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak_tree = 0
    while proc.poll() is None:
        peak_tree = max(peak_tree, _tree_pss_kib(proc.pid))
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    proc = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(proc.returncode)
    out: dict[str, float] = {}
    lines = proc.stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        out = json.loads(lines[-1])
    # On Linux ru_maxrss is in KiB; this process waited for exactly one child.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.update(wall=wall, peak_mb=peak_kib / 1024, peak_tree_mb=peak_tree / 1024)
    print(json.dumps(out))


# --- the site and the browser -----------------------------------------------------------------


def site_figures(site_dir: Path) -> dict[str, object]:
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    bundle = site_dir / "pagefind"
    # The index on disk: Pagefind's chunks, fragments, filters, metadata and its WebAssembly,
    # not its optional UI scripts and styles, which the site does not load.
    index = [p for p in bundle.rglob("*") if p.is_file() and "-ui." not in p.name]
    return {
        "site_mb": sum(p.stat().st_size for p in files) / 1e6,
        "files": len(files),
        "html_pages": len(pages),
        "largest_page_kb": largest.stat().st_size / 1e3,
        "largest_page": largest.relative_to(site_dir).as_posix(),
        "search_index_mb": sum(p.stat().st_size for p in index) / 1e6,
        "search_index_files": len(index),
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass


def search_in_browser(site_dir: Path, words: tuple[str, ...] = SEARCH_WORDS) -> dict:
    """For each word, from a cold page load (a new browser context, so no cache): the bytes
    transferred, all of it and Pagefind's part, and the seconds from typing the word into the
    header box to the first result on screen."""
    from browser import CHROMIUM, CHROMIUM_ARGS  # tests/browser.py, on sys.path from main()
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=site_dir))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            for word in words:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                sizes: list[tuple[str, int]] = []

                def done(request: object, sizes: list = sizes) -> None:
                    got = request.sizes()  # type: ignore[attr-defined]
                    body = got["responseBodySize"] + got["responseHeadersSize"]
                    sizes.append((request.url, body))  # type: ignore[attr-defined]

                page.on("requestfinished", done)
                start = time.perf_counter()
                page.goto(url, wait_until="load")
                loaded = time.perf_counter() - start
                box = page.locator("[data-record-search-input]")
                box.click()
                typed = time.perf_counter()
                page.keyboard.insert_text(word)  # one input event, as an input method commits
                page.locator("[data-record-search-results] li").first.wait_for(timeout=300_000)
                first = time.perf_counter() - typed
                page.wait_for_load_state("networkidle")  # the excerpts of the results shown
                search_bytes = sum(n for u, n in sizes if "/pagefind/" in u)
                out[word] = {
                    "page_loaded_s": loaded,
                    "first_result_s": first,
                    "transfer_kb": sum(n for _, n in sizes) / 1e3,
                    "search_transfer_kb": search_bytes / 1e3,
                    "requests": len(sizes),
                }
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


# --- the whole benchmark ----------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def bench_size(n: int, browser: bool) -> dict[str, object]:
    from synth import generate

    work = OUT / f"kb-{n}"
    entries, site_dir = work / "entries", work / "site"
    print(f"\n== {n:,} entries: generating", flush=True)
    generate(n, work)
    files = sorted(entries.rglob("*.yaml"))
    result: dict[str, object] = {
        "entries": n,
        "yaml_mb": sum(p.stat().st_size for p in files) / 1e6,
    }
    for step in STEPS:
        print(f"   {step} ...", end=" ", flush=True)
        m = measure(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--step",
                step,
                str(entries),
                str(site_dir),
            ]
        )
        result[step] = m
        print(
            f"{m['seconds']:.2f} s (process {m['wall']:.2f} s, peak {m['peak_mb']:.0f} MB)",
            flush=True,
        )
    result["site"] = site_figures(site_dir)
    if browser:
        print("   browser search ...", end=" ", flush=True)
        result["browser"] = search_in_browser(site_dir)
        print(
            ", ".join(
                f"{w}: {b['first_result_s']:.2f} s, {b['search_transfer_kb']:.0f} KB"
                for w, b in result["browser"].items()
            ),
            flush=True,
        )
    own = sum(result[s]["seconds"] for s in ("validate", "render", "feeds", "data"))
    result["own_work_seconds"] = own
    result["own_work_vs_floor"] = own / result["parse"]["seconds"]
    return result


def _transfer(b: dict) -> str:
    return f"{b['search_transfer_kb']:.0f} / {b['transfer_kb']:.0f}"


def table(results: list[dict]) -> str:
    head = ["", *(f"{r['entries']:,} entries" for r in results)]
    rows: list[list[str]] = []

    def row(label: str, fmt) -> None:
        rows.append([label, *(fmt(r) for r in results)])

    row("YAML in (MB)", lambda r: f"{r['yaml_mb']:.1f}")
    row("parse floor: libyaml load (s)", lambda r: f"{r['parse']['seconds']:.2f}")
    for step in ("validate", "render", "feeds", "data"):
        row(
            f"{step} (s / peak MB)",
            lambda r, s=step: f"{r[s]['seconds']:.2f} / {r[s]['peak_mb']:.0f}",
        )
    row("own work: validate+render+feeds+data (s)", lambda r: f"{r['own_work_seconds']:.2f}")
    row("own work ÷ parse floor", lambda r: f"{r['own_work_vs_floor']:.1f}×")
    row("full build (s, in process)", lambda r: f"{r['build']['seconds']:.1f}")
    row("full build (s, with start-up)", lambda r: f"{r['build']['wall']:.1f}")
    row(
        "the same with one interface language (s) / what the second adds",
        lambda r: (
            f"{r['build-one']['seconds']:.1f}"
            f" / {r['build']['seconds'] / r['build-one']['seconds'] - 1:+.0%}"
        ),
    )
    row(
        "validate ÷ parse floor",
        lambda r: f"{r['validate']['seconds'] / r['parse']['seconds']:.2f}×",
    )
    row(
        "full build peak memory: process tree PSS / largest process (MB)",
        lambda r: f"{r['build']['peak_tree_mb']:.0f} / {r['build']['peak_mb']:.0f}",
    )
    row(
        "build filling the cache (s, with start-up)",
        lambda r: f"{r['warm']['wall']:.1f}",
    )
    row(
        "rebuild after one edit, with the cache (s in process / with start-up / pages)",
        lambda r: (
            f"{r['rebuild']['seconds']:.2f} / {r['rebuild']['wall']:.2f}"
            f" / {r['rebuild']['pages_rebuilt']:.0f}"
        ),
    )
    row(
        "serve: save → the page written (s, median of 5 / each)",
        lambda r: (
            f"{r['serve']['seconds']:.2f} / "
            + ", ".join(f"{r['serve'][f'save_{i}_s']:.2f}" for i in range(1, 6))
        ),
    )
    row(
        "serve: save → the browsers told to reload (s, median / each)",
        lambda r: (
            f"{r['serve']['reload_s']:.2f} / "
            + ", ".join(f"{r['serve'][f'reload_{i}_s']:.2f}" for i in range(1, 6))
        ),
    )
    row(
        "serve: idle (% of a core / MB held) / first build (s)",
        lambda r: (
            f"{r['serve']['idle_percent']:.1f} / {r['serve']['idle_tree_mb']:.0f}"
            f" / {r['serve']['first_build_s']:.1f}"
        ),
    )
    row(
        "search: what it adds to the build (s)",
        lambda r: f"{r['build']['search_added_s']:.2f}",
    )
    row("site size (MB) / files", lambda r: f"{r['site']['site_mb']:.1f} / {r['site']['files']:,}")
    row(
        "largest page (KB)",
        lambda r: f"{r['site']['largest_page_kb']:.0f} ({r['site']['largest_page']})",
    )
    row(
        "search: index alone (s / peak MB)",
        lambda r: f"{r['search']['seconds']:.2f} / {r['search']['peak_mb']:.0f}",
    )
    row(
        "search index on disk (MB / files)",
        lambda r: f"{r['site']['search_index_mb']:.1f} / {r['site']['search_index_files']:,}",
    )
    for word in SEARCH_WORDS:
        row(
            f"“{word}”: typed → first result (s)",
            lambda r, w=word: f"{r['browser'][w]['first_result_s']:.2f}" if "browser" in r else "–",
        )
        row(
            f"“{word}”: transfer, search / whole page (KB)",
            lambda r, w=word: _transfer(r["browser"][w]) if "browser" in r else "–",
        )
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    lines = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [line(r) for r in rows]
    return "\n".join(lines)


def verdicts(r: dict) -> list[str]:
    checks = [
        (
            "own work within 2× of the parse floor",
            r["own_work_vs_floor"],
            TARGETS["own_work_vs_floor"],
            "×",
        ),
        (
            "validate within 1.5× of the parse floor",
            r["validate"]["seconds"] / r["parse"]["seconds"],
            TARGETS["validate_vs_floor"],
            "×",
        ),
        (
            f"cold full build within {TARGETS['build_seconds']:.0f} s",
            r["build"]["wall"],
            TARGETS["build_seconds"],
            " s",
        ),
        ("full build within 1 GB", r["build"]["peak_tree_mb"], TARGETS["build_peak_mb"], " MB"),
        (
            "rebuild after one edit",
            r["rebuild"]["wall"],
            TARGETS["rebuild_seconds"] if r["entries"] >= 10000 else 1.0,
            " s",
        ),
        (
            "serve: save → page written",
            r["serve"]["seconds"],
            TARGETS["serve_seconds"] if r["entries"] >= 10000 else 0.5,
            " s",
        ),
        ("serve idle", r["serve"]["idle_percent"], TARGETS["serve_idle_percent"], " %"),
        ("no page over 300 KB", r["site"]["largest_page_kb"], TARGETS["largest_page_kb"], " KB"),
        (
            "search index smaller than lunr's 14.1 MB",
            r["site"]["search_index_mb"],
            TARGETS["search_index_mb"],
            " MB",
        ),
    ]
    checks.append(
        (
            "indexing adds at most 10 s to the build",
            r["build"]["search_added_s"],
            TARGETS["search_build_added_s"],
            " s",
        )
    )
    for word, b in r.get("browser", {}).items():
        checks.append(
            (
                f"“{word}” transfer under 500 KB",
                b["search_transfer_kb"],
                TARGETS["search_transfer_kb"],
                " KB",
            )
        )
        checks.append(
            (
                f"“{word}” first result within 1 s",
                b["first_result_s"],
                TARGETS["search_first_result_s"],
                " s",
            )
        )
    return [
        f"{'met   ' if value <= limit else 'MISSED'} {label}: {value:.1f}{unit}"
        for label, value, limit, unit in checks
    ]


def profile(step: str, n: int) -> None:
    import cProfile
    import pstats

    from synth import generate

    work = OUT / f"kb-{n}"
    if not (work / "entries").is_dir():
        generate(n, work)
    prof = cProfile.Profile()
    prof.runcall(run_step, step, work / "entries", work / "site")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium search timing")
    parser.add_argument(
        "--profile",
        metavar="STEP",
        choices=STEPS,
        help="print a cProfile of one step (at the first size) and stop",
    )
    parser.add_argument(
        "--step", nargs=3, metavar=("STEP", "ENTRIES", "SITE_DIR"), help=argparse.SUPPRESS
    )
    if sys.argv[1:2] == ["--measure"]:  # internal: the wrapper that reads a step's peak memory
        _measure_child(sys.argv[2:])
        return
    args = parser.parse_args()
    if args.step:
        step, entries, site_dir = args.step
        seconds = run_step(step, Path(entries), Path(site_dir))
        print(json.dumps({"seconds": seconds, **EXTRA}))
        return
    sys.path.insert(0, str(HERE))  # synth.py
    sys.path.insert(0, str(ROOT / "tests"))  # browser.py: how the browser tests start Chromium
    if args.profile:
        profile(args.profile, args.sizes[0])
        return
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, Python {info['python']}")
    results = [bench_size(n, not args.no_browser) for n in args.sizes]
    print("\n" + table(results))
    for r in results:
        if r["entries"] >= 10_000:
            print(f"\nTargets at {r['entries']:,} entries:")
            print("\n".join("  " + v for v in verdicts(r)))
    doc = {
        "machine": info,
        "targets": TARGETS,
        "results": results,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (OUT / "results.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {(OUT / 'results.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
