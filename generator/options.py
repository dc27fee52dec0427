"""Command-line options that several modules' commands share (``cli`` and the commands kept
in modules of their own, ``archive`` and ``intake``, which ``cli`` imports)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def entries_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--entries DIR``, shared by every command that reads the knowledge base."""
    return click.option(
        "--entries",
        "entries_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The entries folder.  [default: entries/ in the repository root]",
    )(func)
