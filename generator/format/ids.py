"""Entry ids made from text: lowercase ASCII words joined by hyphens, at most SLUG_MAX long."""

from __future__ import annotations

import re
import unicodedata

from generator.format.fields import SLUG_MAX


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: "Liane Décary-Chen" → liane-decary-chen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_id(*parts: str, limit: int = SLUG_MAX) -> str:
    """An id from ``parts``, cut at a hyphen so that it is at most ``limit`` characters."""
    text = "-".join(p for p in (slug(part) for part in parts) if p)
    while len(text) > limit and "-" in text:
        text = text.rsplit("-", 1)[0]
    return text[:limit].strip("-")
