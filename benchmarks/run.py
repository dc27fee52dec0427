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
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CONFIG = ROOT / "mkdocs.yml"
SEARCH_WORD = "refugee"  # in synth.EN_WORDS, so it appears in many entries

# Targets at 10,000 entries on a 2-core machine (see README.md).
TARGETS = {
    "own_work_vs_floor": 2.0,
    "build_seconds": 60.0,
    "build_peak_mb": 1536.0,
    "largest_page_kb": 300.0,
    "search_index_mb": 15.0,
}

STEPS = ("parse", "validate", "render", "feeds", "data", "build")


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
        from generator.validate import collect

        start = time.perf_counter()
        result = collect(entries)
        seconds = time.perf_counter() - start
        if result.problems:
            raise SystemExit(f"the synthetic corpus has problems: {result.problems[:3]}")
        return seconds
    if step == "build":
        from generator.build import build_site

        start = time.perf_counter()
        build_site(entries, site_dir, CONFIG, progress=False)
        return time.perf_counter() - start

    from generator import build, data, feeds
    from generator.config import load_config
    from generator.validate import load_corpus

    corpus = load_corpus(entries)
    config = load_config(CONFIG)
    start = time.perf_counter()
    if step == "render":  # every generated Markdown page, Subscribe and Data included
        build.render_all(corpus, config, build.hand_written_pages(ROOT / "docs"))
    elif step == "feeds":
        feeds.build_feeds(corpus, config)
    elif step == "data":
        data.build_data(corpus, config)
    else:
        raise SystemExit(f"unknown step {step!r}")
    return time.perf_counter() - start


def measure(args: list[str]) -> dict[str, float]:
    """Run ``args`` via the --measure wrapper: its JSON output plus wall time and peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", *args]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _measure_child(args: list[str]) -> None:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
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
    out.update(wall=wall, peak_mb=peak_kib / 1024)
    print(json.dumps(out))


# --- the site and the browser -----------------------------------------------------------------


def site_figures(site_dir: Path) -> dict[str, object]:
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    index = site_dir / "search" / "search_index.json"
    return {
        "site_mb": sum(p.stat().st_size for p in files) / 1e6,
        "files": len(files),
        "html_pages": len(pages),
        "largest_page_kb": largest.stat().st_size / 1e3,
        "largest_page": largest.relative_to(site_dir).as_posix(),
        "search_index_mb": index.stat().st_size / 1e6 if index.exists() else None,
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass


def first_search_result(site_dir: Path, word: str = SEARCH_WORD) -> dict[str, float]:
    """Seconds from opening the home page to the first search result for ``word``."""
    from browser import CHROMIUM, CHROMIUM_ARGS  # tests/browser.py, on sys.path from main()
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=site_dir))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            start = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            loaded = time.perf_counter() - start
            box = page.locator("input.md-search__input")  # visible in the header at 1280 px
            box.click()
            box.press_sequentially(word, delay=20)
            page.locator(".md-search-result__item").first.wait_for(timeout=300_000)
            found = time.perf_counter() - start
            browser.close()
    finally:
        server.shutdown()
    return {"page_loaded_s": loaded, "first_result_s": found}


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
        result["browser"] = first_search_result(site_dir)
        print(f"{result['browser']['first_result_s']:.2f} s", flush=True)
    own = sum(result[s]["seconds"] for s in ("validate", "render", "feeds", "data"))
    result["own_work_seconds"] = own
    result["own_work_vs_floor"] = own / result["parse"]["seconds"]
    return result


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
    row("full build peak memory (MB)", lambda r: f"{r['build']['peak_mb']:.0f}")
    row("site size (MB) / files", lambda r: f"{r['site']['site_mb']:.1f} / {r['site']['files']:,}")
    row(
        "largest page (KB)",
        lambda r: f"{r['site']['largest_page_kb']:.0f} ({r['site']['largest_page']})",
    )
    row("search index (MB)", lambda r: f"{r['site']['search_index_mb']:.1f}")
    row(
        "browser: open → first search result (s)",
        lambda r: f"{r['browser']['first_result_s']:.1f}" if "browser" in r else "–",
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
        ("full build under 60 s", r["build"]["wall"], TARGETS["build_seconds"], " s"),
        ("full build under 1.5 GB", r["build"]["peak_mb"], TARGETS["build_peak_mb"], " MB"),
        ("no page over 300 KB", r["site"]["largest_page_kb"], TARGETS["largest_page_kb"], " KB"),
        (
            "search index under 15 MB",
            r["site"]["search_index_mb"],
            TARGETS["search_index_mb"],
            " MB",
        ),
    ]
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
        print(json.dumps({"seconds": run_step(step, Path(entries), Path(site_dir))}))
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
