"""The example entries that ``init`` writes: marked on their first line, so that validation,
which reads every file anyway, names them until they are replaced or deleted."""

from __future__ import annotations

from generator import COMMAND

MARKER = f"# Example entry written by {COMMAND} init: replace it with a real one, or delete it."
WARNING = "an example that init wrote: replace it with a real entry, or delete it"
_MARKER = MARKER.encode()


def is_example(raw: bytes) -> bool:
    """Whether an entry file's bytes start with the example marker."""
    return raw.startswith(_MARKER)
