"""The build cache's files that hold Python values, read only when this user's builds wrote them."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import io
import logging
import os
import pickle
import stat
from pathlib import Path
from typing import Any

import jinja2

from generator.cache.cachedir import cache_home

log = logging.getLogger(__name__)

MAGIC = b"sourceline sealed 1\n"
KEY_FILE = "key"
KEY_BYTES = 32
MAC_BYTES = 32
_STANDARD = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("pathlib", "PosixPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PureWindowsPath"),
}


class NoKey(OSError):
    """The key cannot be read or made; the build then runs without the cache."""


def secret() -> bytes:
    """The key that seals this user's cache files, made on first use; raises NoKey."""
    return _secret(cache_home() / KEY_FILE)


@functools.cache
def _secret(path: Path) -> bytes:
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, os.urandom(KEY_BYTES))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # never replaces a key another build has just made
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _read_key(path)
    except NoKey:
        raise
    except OSError as exc:
        raise NoKey(f"{path}: cannot make the cache's key: {exc.strerror or exc}") from None


def _read_key(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise NoKey(f"{path}: cannot read the cache's key: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
        raise NoKey(f"{path}: the cache's key is not a file of yours; delete it")
    if info.st_mode & 0o077:
        raise NoKey(f"{path}: others can read or change the cache's key; delete it")
    if len(key) != KEY_BYTES:
        raise NoKey(f"{path}: the cache's key is damaged; delete it")
    return key


def _mac(name: str, payload: bytes | memoryview) -> bytes:
    h = hashlib.blake2b(key=secret(), digest_size=MAC_BYTES)
    h.update(name.encode() + b"\0")
    h.update(payload)
    return h.digest()


def write(path: Path, payload: bytes) -> None:
    """Seal ``payload`` into ``path``: written to a temporary file, then renamed, so that an
    interrupted or failed write leaves the earlier file, and no temporary one."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as f:
            f.write(MAGIC)
            f.write(_mac(path.name, payload))
            f.write(payload)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read(path: Path) -> memoryview | None:
    """What ``write`` sealed into ``path``; None when there is no such file, or it is not a
    plain file, or its seal does not hold (damaged, or not written by this user's builds)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # missing, or a symbolic link
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = memoryview(f.read())
    start = len(MAGIC) + MAC_BYTES
    if data[: len(MAGIC)] != MAGIC or len(data) < start:
        log.info("Ignoring %s: not a file the build cache wrote", path)
        return None
    try:
        mac = _mac(path.name, data[start:])
    except NoKey:
        return None
    if not hmac.compare_digest(data[len(MAGIC) : start], mac):
        log.info("Ignoring %s: its seal does not hold (this user's builds did not write it)", path)
        return None
    return data[start:]


def write_pickle(path: Path, value: Any) -> None:
    write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path: Path) -> Any:
    """The value ``write_pickle`` kept in ``path``, or None (see ``read``)."""
    payload = read(path)
    if payload is None:
        return None
    try:
        return _Unpickler(payload).load()
    except Exception as exc:  # noqa: BLE001 - a damaged file only means a cache miss
        log.info("Ignoring %s: %s", path, exc)
        return None


class _Unpickler(pickle.Unpickler):
    """Makes only the generator's dataclasses and the standard types they hold."""

    def __init__(self, payload: memoryview):
        super().__init__(io.BytesIO(payload))

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _STANDARD:
            return super().find_class(module, name)
        if module.startswith("generator.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a type the build cache keeps")


class BytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates, one sealed file each in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = read(self.folder / f"{bucket.key}.cache")
        if payload is not None:
            bucket.bytecode_from_string(bytes(payload))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            write(self.folder / f"{bucket.key}.cache", bucket.bytecode_to_string())
        except OSError as exc:  # only the next build is slower
            log.info("Could not keep a compiled template: %s", exc)
