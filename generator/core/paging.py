"""Pages to render, and listings split over numbered pages of bounded size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

# Fixed page sizes keep every page small whatever the corpus size (each listed item is at
# most a few KB of HTML, and a page must stay well under 300 KB).
ROWS_PER_PAGE = 200  # tables of entries: tag pages, indexes, "referred to by" pages
PAGE_BUDGET = 200_000  # estimated bytes of listed items per page, leaving room for the theme


@dataclass(frozen=True)
class Page:
    """One generated page: its source path, its template, and what the template is given."""

    src: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pager:
    """Where one page of a paginated listing sits among its siblings."""

    number: int
    sources: tuple[str, ...]

    @property
    def src(self) -> str:
        return self.sources[self.number - 1]

    @property
    def count(self) -> int:
        return len(self.sources)

    @property
    def prev(self) -> str | None:
        return self.sources[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.sources[self.number] if self.number < self.count else None


def paginate(
    items: Sequence[T],
    size: int,
    sources: Callable[[int], str],
    weight: Callable[[T], int] | None = None,
) -> list[tuple[Pager, Sequence[T]]]:
    """Split ``items`` into pages of at most ``size`` items and PAGE_BUDGET bytes of ``weight``.

    ``sources(n)`` names page n (from 1). An item heavier than the budget gets a page alone.
    """
    chunks: list[Sequence[T]] = []
    start, used = 0, 0
    for i, item in enumerate(items):
        w = weight(item) if weight else 0
        if i > start and (i - start >= size or used + w > PAGE_BUDGET):
            chunks.append(items[start:i])
            start, used = i, 0
        used += w
    chunks.append(items[start:])
    names = tuple(sources(n) for n in range(1, len(chunks) + 1))
    return [(Pager(n, names), chunk) for n, chunk in enumerate(chunks, start=1)]


def listing(
    items: Sequence[Any],
    size: int,
    sources: Callable[[int], str],
    template: str,
    name: str,
    weight: Callable[[Any], int] | None = None,
    **context: Any,
) -> list[Page]:
    """The pages of a listing: ``items`` in pages of ``size``, as ``name`` in each template."""
    return [
        Page(
            pager.src,
            template,
            # listed_as: which value is the page's list (its structured data lists it)
            {"pager": pager, "total": len(items), name: chunk, "listed_as": name, **context},
        )
        for pager, chunk in paginate(items, size, sources, weight)
    ]
