"""The Nu HTML Checker (vnu.jar, from the npm package vnu-jar) on one page of each type.

The page types are the accessibility test's (tests/browser/test_accessibility.py, PAGES), read
from there (helpers.page_types) so that a page type added for one is checked by both; queries
are dropped, since the checker reads the built files. The checker runs once over all of them.

Every error fails, except the ones listed in MATERIAL: markup that MkDocs Material writes on
every page, each with why it is not the project's to fix. An entry is matched by the checker's
message and the element it points at, so the same message on the project's own markup still
fails; and an entry that no longer occurs fails too, so that the list stays honest (remove it
when Material, or an override of its template, fixes the markup).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import page_types

ROOT = Path(__file__).resolve().parent.parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.slow

# (the start of the checker's message, a piece of the element it points at) → why it is allowed.
MATERIAL: dict[tuple[str, str], str] = {
    (
        "Attribute “autocomplete” is only allowed when the input type is",
        'type="checkbox" id="__drawer" autocomplete="off"',
    ): "Material's base.html: the hidden checkbox that opens the navigation drawer. Material "
    "turns autocomplete off so that Firefox does not restore it open after a reload.",
    (
        "Attribute “autocomplete” is only allowed when the input type is",
        'type="checkbox" id="__search" autocomplete="off"',
    ): "Material's base.html: the hidden checkbox that opens the search overlay, for the same "
    "reason.",
    (
        "The value of the “for” attribute of the “label” element must be the ID of a non-hidden "
        "form control.",
        '<label class="md-nav__title" for="__toc">',
    ): "Material's partials/toc.html labels the __toc checkbox (the table of contents on "
    "phones), which Material's nav writes only for a page in the navigation; entry pages "
    "are not in it.",
}
FAILING_TYPES = ("error", "non-document-error")  # vnu's types: error, info (with warnings)


def _vnu(files: list[Path]) -> list[dict[str, Any]]:
    """The checker's messages for ``files`` (its JSON output), every type."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "the Nu HTML Checker needs Java 11 or newer on PATH "
            "(apt-get install openjdk-17-jre-headless)",
            pytrace=False,
        )
    if not VNU_JAR.is_file():
        pytest.fail(
            f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` in {ROOT} "
            "(`make test` does), which installs vnu-jar from package-lock.json",
            pytrace=False,
        )
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        return json.loads(run.stderr)["messages"]  # vnu writes its report to stderr
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {run.returncode}):\n{run.stderr[-2000:]}")


def _allowed(message: dict[str, Any]) -> tuple[str, str] | None:
    """The MATERIAL entry that covers ``message``, or None."""
    extract = " ".join(message.get("extract", "").split())
    for key in MATERIAL:
        start, element = key
        if message.get("message", "").startswith(start) and element in extract:
            return key
    return None


def test_pages_pass_the_nu_checker(record_site: Path) -> None:
    pages = page_types()
    files = {}
    for name, path in pages.items():
        file = record_site / path / "index.html"
        assert file.is_file(), f"PAGES[{name!r}] names {path}, which the build did not write"
        files.setdefault(file.resolve(), name)
    messages = _vnu(sorted(files))

    unexpected, seen = [], set()
    for message in messages:
        if message.get("type") not in FAILING_TYPES:
            continue
        key = _allowed(message)
        if key is not None:
            seen.add(key)
            continue
        url = message.get("url", "?")  # file:/tmp/…/index.html
        page = files.get(Path(urlsplit(url).path).resolve(), url)
        extract = " ".join(message.get("extract", "").split())
        unexpected.append(
            f"- {page}, line {message.get('lastLine', '?')}: {message.get('message')}\n"
            f"    {extract}"
        )
    stale = [f"- {start} … {element}" for start, element in MATERIAL.keys() - seen]
    if unexpected:
        pytest.fail("the Nu HTML Checker reports:\n" + "\n".join(unexpected), pytrace=False)
    if stale:
        pytest.fail(
            "listed in MATERIAL but no longer reported; remove them from the list:\n"
            + "\n".join(stale),
            pytrace=False,
        )
