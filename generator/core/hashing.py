"""The one recipe for the build cache's keys: a BLAKE2b hash of what a thing is made from,
labelled with what it is the key of."""

from __future__ import annotations

import hashlib

SIZE = 16  # bytes: 32 hex digits, the shortest name the cache accepts (``cache.store.NAME_RE``)


class Key:
    """A key in the making: its label, then parts (``add``, each framed by its length, so that
    two parts never read as one) or a stream that keeps its own parts apart (``update``)."""

    __slots__ = ("_hash",)

    def __init__(self, label: str, *parts: bytes | str):
        self._hash = hashlib.blake2b(label.encode() + b"\0", digest_size=SIZE)
        self.add(*parts)

    def add(self, *parts: bytes | str) -> Key:
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            self._hash.update(len(data).to_bytes(4, "little") + data)
        return self

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.digest()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def key(label: str, *parts: bytes | str) -> bytes:
    """The key of ``parts``, under ``label``."""
    return Key(label, *parts).digest()
