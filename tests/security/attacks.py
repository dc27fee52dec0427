"""What the attack tests share: writing hostile entry files, validating them through the CLI,
and reading built pages for what a browser would run."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli.commands import cli

ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
ACTOR = "name: A\nkind: person\nadded: 2025-01-01\n"
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
ONE_PROBLEM = "Error: 1 problem in 1 file\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path under entries/ → content) and return the entries folder."""
    entries = root / "entries"
    for rel, content in files.items():
        path = entries / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return entries


def validate(entries: Path, *args: str) -> Result:
    """`validate --entries` through the real CLI; never a traceback, whatever the input."""
    result = CliRunner().invoke(cli, ["validate", "--entries", str(entries), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    return result


def refused(entries: Path, rel: str, line: int, col: int, message: str) -> None:
    """Validation fails with exactly one problem, at ``rel:line:col``, saying ``message``."""
    result = validate(entries)
    assert result.exit_code == 1
    assert result.output == f"{(entries / rel).as_posix()}:{line}:{col}: {message}\n{ONE_PROBLEM}"


SOURCES = "sources: [{url: 'https://example.org/', title: t}]\n"


def event(**fields: str) -> str:
    base = {"title": "E", "date": "2025-01-01", "summary": "S.[1]", "added": "2025-01-01"}
    base.update(fields)
    return "".join(f"{k}: {v}\n" for k, v in base.items()) + SOURCES


class ScannedPage(HTMLParser):
    """Collects what would make a page run a contributor's code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.injected: list[str] = []
        self.unsafe_links: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            # A JSON-LD block is data, which no browser runs: entry text in it is text. A title
            # that ended the block would start a script of its own, which is counted.
            self._in_script = dict(attrs).get("type") != "application/ld+json"
        if tag in ("iframe", "object", "embed", "base"):
            self.injected.append(tag)  # Material's own pages have none; <svg> icons they do
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "srcdoc") and value:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(UNSAFE_SCHEMES) or name == "srcdoc":
                    self.unsafe_links.append(f"<{tag} {name}={value!r}>")
        if tag == "img":
            src = dict(attrs).get("src") or ""
            if src == "x":
                self.injected.append("img src=x")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)
