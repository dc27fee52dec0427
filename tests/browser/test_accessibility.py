"""axe-core on one page of each type, in both palettes: no serious or critical violation.

Each page is loaded in a fresh Chromium context that prefers the light or the dark colour
scheme (Material follows it until a reader picks one), axe-core (the current release, from
npm: package.json pins it and `make test` installs it) runs every rule on it, and the full
results are written to
test-artifacts/axe/<page>-<scheme>.json. A failure lists each rule with its impact, what it
asks for, and the first few elements (selector, HTML and axe's own summary of what is wrong).

Nothing is allowed: a violation fails until the page, the templates or the palette are fixed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "axe"
VIEWPORT = {"width": 1280, "height": 800}

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# One page of each type, by name (used in test ids and artifact names) and path from the site
# root. Add a page type here when one is added to the site. The timeline is one page while the
# record fits on one (generator/kinds/timeline.py); once it is split into periods
# (timeline/2025/, timeline/2025/01/), add one of them here.
PAGES: dict[str, str] = {
    "home": "",
    "timeline": "timeline/",
    "timeline-filtered-empty": "timeline/?tag=blackout&actor=christine-lu",
    "timeline-filtered": "timeline/?tag=censorship",
    "events-index": "events/",
    "event": "events/2025-01-18-tiktok-goes-dark/",
    "quote": "quotes/quote-angelica-oung-new-accounts/",
    "list": "lists/cdt-xiaohongshu-censorship-tracking/",
    "actor": "actors/tiktok/",
    "actors-index": "actors/",
    "quotes-index": "quotes/",
    "lists-index": "lists/",
    "tag": "tags/censorship/",
    "tags-index": "tags/",
    "subscribe": "subscribe/",
    "data": "data/",
    "about": "about/",
    "search": "search/?q=censorship&kind=Quote",
}
# And each in the Chinese interface (/zh/, issue 31), whose words, dates and order differ.
PAGES.update({f"zh-{name}": f"zh/{path}" for name, path in list(PAGES.items())})
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
# Each page in both palettes on a desktop, and in the light one on a phone, where the header
# shows other controls (the search button) and the layout changes.
VIEWS = {
    "light": ("light", VIEWPORT),
    "dark": ("dark", VIEWPORT),
    "phone": ("light", {"width": 390, "height": 844}),
}
FAILING_IMPACTS = ("critical", "serious")  # axe's impacts are minor, moderate, serious, critical
NODES_SHOWN = 5  # elements listed per rule in a failure message
SNIPPET = 200  # characters of each element's HTML shown


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page: Any) -> dict[str, Any]:
    """Run every axe-core rule on the page; the whole results object, passes included."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make install-npm`", pytrace=False)
    page.add_script_tag(path=str(AXE))
    # axe's defaults: every rule, and every result type (passes and incomplete checks too).
    return page.evaluate("() => axe.run(document)")


def _describe(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    lines = [
        f"- {violation['id']} [{violation['impact']}] {violation['help']} "
        f"({len(nodes)} element{'s' if len(nodes) != 1 else ''}; {violation['helpUrl']})"
    ]
    for node in nodes[:NODES_SHOWN]:
        html = " ".join(node["html"].split())
        if len(html) > SNIPPET:
            html = html[:SNIPPET] + "…"
        # "Fix any of the following:\n  why\n  why" -> "Fix any of the following: why; why"
        head, *reasons = (node.get("failureSummary") or "").strip().splitlines() or [""]
        summary = " ".join([head.strip(), "; ".join(r.strip() for r in reasons)]).strip()
        lines.append(f"    {' '.join(map(str, node['target']))}")
        lines.append(f"      {html}")
        if summary:
            lines.append(f"      {summary}")
    if len(nodes) > NODES_SHOWN:
        lines.append(f"    … and {len(nodes) - NODES_SHOWN} more")
    return "\n".join(lines)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(
    browser: Any, site_url: str, name: str, view: str
) -> None:
    path = PAGES[name]
    scheme, viewport = VIEWS[view]
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        response = page.goto(site_url + path, wait_until="load")
        assert response is not None and response.status == 200, path
        # Without this check a broken palette would silently test the light scheme twice.
        assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
        page.wait_for_timeout(300)  # deferred scripts (search results, the timeline filter) settle
        results = _axe(page)
    finally:
        context.close()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    artifact = ARTIFACTS / f"{name}-{view}.json"
    artifact.write_text(json.dumps(results, ensure_ascii=False) + "\n", "utf-8")

    failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    failing.sort(key=lambda v: (FAILING_IMPACTS.index(v["impact"]), v["id"]))
    if failing:
        pytest.fail(
            f"/{path} in the {scheme} palette at {viewport['width']} px: {len(failing)} serious "
            "or critical axe-core "
            f"violation{'s' if len(failing) != 1 else ''} (axe {results['testEngine']['version']};"
            f" all results in {artifact.relative_to(ROOT)}):\n"
            + "\n".join(_describe(v) for v in failing),
            pytrace=False,
        )


def test_the_failure_message_says_what_to_fix() -> None:
    """The message a failing page gets: rule, impact, help, selectors, HTML, axe's summary."""
    violation = {
        "id": "color-contrast",
        "impact": "serious",
        "help": "Elements must meet minimum color contrast ratio thresholds",
        "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/color-contrast",
        "nodes": [
            {
                "target": [f".link-{i}"],
                "html": f'<a href="x/">\n   link {i}\n</a>',
                "failureSummary": "Fix any of the following:\n  contrast of 3.44\n  no underline",
            }
            for i in range(7)
        ],
    }
    text = _describe(violation)
    assert text.splitlines()[0] == (
        "- color-contrast [serious] Elements must meet minimum color contrast ratio thresholds "
        "(7 elements; https://dequeuniversity.com/rules/axe/4.12/color-contrast)"
    )
    assert (
        '    .link-0\n      <a href="x/"> link 0 </a>\n'
        "      Fix any of the following: contrast of 3.44; no underline\n"
    ) in text
    assert ".link-4" in text and ".link-5" not in text
    assert text.endswith("… and 2 more")


def test_axe_is_the_release_package_json_pins(browser: Any) -> None:
    """The gate runs the axe-core that package.json names, not an older bundled copy."""
    pinned = json.loads((ROOT / "package.json").read_text("utf-8"))["devDependencies"]["axe-core"]
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html lang='en'><title>t</title><p>x</p></html>")
        page.add_script_tag(path=str(AXE))
        assert page.evaluate("() => axe.version") == pinned
    finally:
        page.close()
