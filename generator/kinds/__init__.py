"""The built-in kinds: the one list of what kinds of entry a knowledge base holds."""

from __future__ import annotations

from generator.format.kinds import Kind, Registry, current, registered
from generator.kinds import actor, censorship_list, event, quote

# In the order the site presents them.
BUILT_IN: tuple[Kind, ...] = (event.KIND, quote.KIND, censorship_list.KIND, actor.KIND)

__all__ = ["BUILT_IN", "Kind", "Registry", "current", "registered"]
