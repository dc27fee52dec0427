"""The registry of kinds: the one list of what kinds of entry a knowledge base holds.

Adding a kind is a module in this package (its dataclass, schema, labels and pages), its
templates under ``templates/kinds/<name>/``, and one line in ``BUILT_IN``. Everything derived
from the list (the schemas, the folders under entries/, the ids a page would clash with) is
computed from ``current()``, which tests can extend for a while with ``registered()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from generator import urls
from generator.kinds import actor, censorship_list, event, quote
from generator.kinds.base import Kind

# In the order the site presents them.
BUILT_IN: tuple[Kind, ...] = (event.KIND, quote.KIND, censorship_list.KIND, actor.KIND)


class Registry:
    """Kinds in order, looked up by name or folder, with what the pipeline derives from them."""

    def __init__(self, kinds: tuple[Kind, ...]):
        self.kinds = kinds
        self.names = tuple(k.name for k in kinds)
        self._by_name = {k.name: k for k in kinds}
        self._by_folder = {k.folder: k for k in kinds}
        self._position = {k.name: i for i, k in enumerate(kinds)}
        if len(self._by_name) < len(kinds) or len(self._by_folder) < len(kinds):
            raise ValueError("two kinds share a name or a folder")

    def __iter__(self) -> Iterator[Kind]:
        return iter(self.kinds)

    def __getitem__(self, name: str) -> Kind:
        return self._by_name[name]

    def by_folder(self, folder: str | None) -> Kind | None:
        return self._by_folder.get(folder or "")

    def position(self, name: str) -> int:
        """Where the kind comes in the site's order (sorting entries asks for every entry)."""
        return self._position[name]

    @cached_property
    def feed_kinds(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.feed)

    @cached_property
    def _fixed_pages(self) -> list[str]:
        """Source patterns of the pages whose address no contributor chooses (listings)."""
        routes = (urls.HOME, urls.TAGS)
        every = [p for k in self.kinds for p in k.page_patterns()]
        every += [p for route in routes for p in route.patterns()]
        return [p for p in every if "{id}" not in p and "{tag}" not in p]

    @cached_property
    def reserved_ids(self) -> dict[str, frozenset[str]]:
        """kind name → ids whose pages would publish where a listing page is."""
        return {
            kind.name: urls.reserved(
                [p for p in kind.page_patterns() if "{id}" in p], self._fixed_pages, "id"
            )
            for kind in self.kinds
        }

    @cached_property
    def reserved_tags(self) -> frozenset[str]:
        """Tags whose pages would publish where the list of tags is."""
        return urls.reserved(urls.TAG.patterns(), self._fixed_pages, "tag")


_current = Registry(BUILT_IN)


def current() -> Registry:
    """The kinds in use."""
    return _current


@contextmanager
def registered(*extra: Kind) -> Iterator[Registry]:
    """Use the built-in kinds and ``extra`` for a while (tests declare kinds of their own)."""
    global _current
    before = _current
    _current = Registry(before.kinds + extra)
    try:
        yield _current
    finally:
        _current = before


__all__ = ["BUILT_IN", "Kind", "Registry", "current", "registered"]
