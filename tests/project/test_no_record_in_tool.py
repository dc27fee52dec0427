"""The tool is not the record: no word of the RedNote story in the package, and the word
"censorship" only in the censorship-list kind's own module and templates (elsewhere, only as
that module's name, ``censorship_list``)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "generator"
RECORD = re.compile(r"rednote|red note|tiktok|xiaohongshu|小红书|红书|bytedance", re.IGNORECASE)
CENSORSHIP = re.compile(r"censor(?!ship_list\b)", re.IGNORECASE)
LIST_KIND = (Path("kinds/censorship_list.py"), Path("templates/kinds/list"))


def matches(package: Path, pattern: re.Pattern[str], skip: tuple[Path, ...] = ()) -> list[str]:
    """``file:line: text`` for each line of ``package``'s files that ``pattern`` finds."""
    found = []
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package)
        if not path.is_file() or "__pycache__" in rel.parts:
            continue
        if any(rel == s or rel.is_relative_to(s) for s in skip):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")  # images too
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_the_package_says_nothing_of_the_record() -> None:
    assert matches(PACKAGE, RECORD) == []


def test_censorship_is_only_the_list_kinds_word() -> None:
    # The catalogues gather every kind's words: each is checked by where its messages are used.
    assert matches(PACKAGE, CENSORSHIP, (*LIST_KIND, Path("locale"))) == []
    assert catalogue_matches(CENSORSHIP, LIST_KIND) == []


def catalogue_matches(pattern: re.Pattern[str], skip: tuple[Path, ...]) -> list[str]:
    """The messages of the catalogues that ``pattern`` finds, used outside ``skip``."""
    from babel.messages.pofile import read_po

    found = []
    for path in sorted((PACKAGE / "locale").rglob("*.po*")):
        with path.open("rb") as file:
            catalogue = read_po(file)
        for message in catalogue:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            if not any(pattern.search(i) for i in ids if i):
                continue
            used = [Path(where).relative_to("generator") for where, _ in message.locations]
            if any(not any(u == s or u.is_relative_to(s) for s in skip) for u in used):
                found.append(
                    f"{path.relative_to(PACKAGE)}: {ids[0]!r} in {', '.join(map(str, used))}"
                )
    return found


def test_the_scan_reports_what_is_planted(tmp_path: Path) -> None:
    (tmp_path / "kinds").mkdir()
    (tmp_path / "kinds" / "censorship_list.py").write_text("LABEL = 'Censorship list'\n")
    (tmp_path / "kinds" / "__init__.py").write_text("from . import censorship_list\n")
    (tmp_path / "page.md.j2").write_text("# About\n\nOn the move to 小红书.\n")
    (tmp_path / "data.md.j2").write_text("The terms of the censorship lists.\n")
    assert matches(tmp_path, RECORD) == ["page.md.j2:3: On the move to 小红书."]
    assert matches(tmp_path, CENSORSHIP, LIST_KIND) == [
        "data.md.j2:1: The terms of the censorship lists."
    ]
