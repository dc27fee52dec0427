"""The example entries that ``init`` writes: marked on their first line, and found again so
that every build and validation names them until they are replaced or deleted."""

from __future__ import annotations

from pathlib import Path

from generator import COMMAND

MARKER = f"# Example entry written by {COMMAND} init: replace it with a real one, or delete it."
WARNING = "an example that init wrote: replace it with a real entry, or delete it"


def example_files(entries_dir: Path) -> list[Path]:
    """The entry files under ``entries_dir`` that still start with the example marker."""
    marker = MARKER.encode()
    found = []
    for path in sorted(entries_dir.glob("*/*.yaml")):
        try:
            with path.open("rb") as handle:
                if handle.read(len(marker)) == marker:
                    found.append(path)
        except OSError:
            continue  # validation reports a file it cannot read
    return found
