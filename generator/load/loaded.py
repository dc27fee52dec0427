"""An entry file as read: its data, and the line and column of every value and key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.problems import Path_, Problem
from generator.load.yaml_messages import empty_message

Mark = tuple[int, int]  # (line, column), from 1


@dataclass
class LoadedFile:
    """One entry file's data, with the mark of every value and every mapping key."""

    path: Path
    data: dict[str, Any]
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found while parsing, not fatal
    # Empty values whose line goes on with a comment (`text: #话题# …`): the line, quoted.
    commented: dict[Path_, str] = field(default_factory=dict)

    def mark(self, at: Path_, key: bool = False) -> Mark:
        """The mark of ``at``, or of its nearest ancestor that has one."""
        table = self.key_marks if key else self.marks
        while at:
            if at in table:
                return table[at]
            if key and at in self.marks:
                return self.marks[at]
            at = at[:-1]
        return self.marks.get((), (1, 1))

    def empty_message(self, at: Path_, name: str) -> str:
        """The checker's message for the empty value at ``at``, named ``name``."""
        return empty_message(name, self.commented.get(at))
