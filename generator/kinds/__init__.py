"""The built-in kinds: the one list of what kinds of entry a knowledge base holds.

Adding a kind is a module in this package (its dataclass, schema, labels and pages), its
templates under ``templates/kinds/<name>/``, and one line in ``BUILT_IN``. The steps read the
list through ``generator.format.kinds.current()``, which tests can extend for a while with
``registered()``.
"""

from __future__ import annotations

from generator.format.kinds import Kind, Registry, current, registered
from generator.kinds import actor, censorship_list, event, quote

# In the order the site presents them.
BUILT_IN: tuple[Kind, ...] = (event.KIND, quote.KIND, censorship_list.KIND, actor.KIND)

__all__ = ["BUILT_IN", "Kind", "Registry", "current", "registered"]
