"""Characters that look right but are not what YAML reads: curly quotes, a full-width colon, a
non-breaking space. Each is named where it is, with what to type instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate.record import collect

EVENT = """\
title{colon} T
date: {date}
summary: S
sources:
  - url: https://example.org/a
    title: A
added: 2025-01-21
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "events" / "2025-01-20-a.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return [str(p).replace(str(tmp_path) + "/", "") for p in collect(tmp_path).problems]


@pytest.mark.parametrize(("left", "right"), [("“", "”"), ("‘", "’"), ("「", "」")])
def test_curly_quotes_around_a_date_are_named(tmp_path: Path, left: str, right: str) -> None:
    date = f"{left}2025-01-20{right}"
    assert problems(tmp_path, EVENT.format(colon=":", date=date)) == [
        f"events/2025-01-20-a.yaml:2:7: 'date': '{date}' must be a date written YYYY, YYYY-MM or "
        "YYYY-MM-DD, or a date-time with offset such as 2025-01-18T22:30:00-05:00: the curly "
        f"quotes {left} {right} are part of the value for YAML (an editor or chat app put them "
        "in); delete them, or use straight quotes"
    ]


def test_a_full_width_colon_is_named_on_its_own_line(tmp_path: Path) -> None:
    assert problems(tmp_path, EVENT.format(colon="：", date="2025-01-20")) == [
        "events/2025-01-20-a.yaml:1:6: 'title' is followed by a full-width colon '：', which "
        "YAML does not read as one: type the colon ':' and a space, as in `title: …`\n"
        "  1 | title： T\n"
        "    |      ^\n"
        "With this fixed, the file reads as YAML; its fields are checked then."
    ]


@pytest.mark.parametrize(
    ("space", "name"), [("\u00a0", "no-break space"), ("\u3000", "ideographic space")]
)
def test_a_space_yaml_does_not_read_as_one_is_named(tmp_path: Path, space: str, name: str) -> None:
    assert problems(
        tmp_path, EVENT.format(colon=":" + space, date="2025-01-20").replace(space + " ", space)
    ) == [
        f"events/2025-01-20-a.yaml:1:7: the space after 'title:' is a {name} "
        f"(U+{ord(space):04X}), which YAML does not read as a space: delete it and type an "
        "ordinary space\n"
        "  1 | title: T\n"  # a space that is not one is shown as one, the marker under it
        "    |       ^\n"
        "With this fixed, the file reads as YAML; its fields are checked then."
    ]
