"""Search: a Pagefind index of the entries, built from their own data."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import json
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.core import hashing, i18n
from generator.core.dates import PartialDate
from generator.core.errors import BuildError
from generator.format.fields import searched
from generator.format.model import Dated, Entry, reference_fields
from generator.site.fingerprint import named_digest
from generator.site.render import language_name

if TYPE_CHECKING:
    from generator.format.corpus import Corpus

log = logging.getLogger(__name__)


def _not_a_stopped_binary(record: logging.LogRecord) -> bool:
    """False for asyncio's "Unknown child process pid …, will report returncode 255", which it
    logs when the binary, stopped because a build failed (``Indexer.cancel``), was reaped by
    the subprocess transport's own poll before the child watcher's thread got to it: nothing
    is wrong, and the preview printed it after every failed build."""
    return not str(record.msg).startswith("Unknown child process pid")


logging.getLogger("asyncio").addFilter(_not_a_stopped_binary)

OUTPUT = "pagefind"  # the bundle's folder in the site
LANGUAGE = "zh"
_PIPE_LIMIT = 2**30  # bytes of one answer from the binary: the bundle, base64-encoded
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK_RE = re.compile(r"(^|\s)[#>]+\s|[*_`]+")
# Between two fields of a record: an excerpt that spans them shows where one ends.
FIELD_BREAK = "\n· "
_ALSO_KNOWN_AS_RE = re.compile(r"^(.+?)\s*\((.+)\)$")  # "Peking University (PKU)"


def records(corpus: Corpus, languages: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """One Pagefind record per entry, in the corpus's order (``languages``: see ``record``)."""
    return [record(entry, corpus, languages) for entry in corpus.sorted()]


def keyed_records(
    corpus: Corpus, memo: dict[bytes, Any] | None, languages: tuple[str, ...] = ()
) -> tuple[list[dict[str, Any]], str]:
    """``records(corpus)``, and a key that is the same for the same records. ``memo`` keeps
    each record between builds by what it is made from: its entry and the actors it names
    (``generator.cache.incremental``), with the hash of the record itself; the key is the hash
    of those hashes, so that a bundle kept by another version of the generator, whose records
    differ for the same entries, is not taken for this one's. Without ``memo``, no key
    (``""``): a build without the cache has nothing to compare it with."""
    if memo is None:
        return records(corpus, languages), ""
    out: list[dict[str, Any]] = []
    h = hashing.Key("records", *languages)
    for entry in corpus.sorted():
        key = _record_key(entry, corpus, languages)
        known = memo.get(key)
        if known is None:
            made = record(entry, corpus, languages)
            text = json.dumps(made, sort_keys=True, ensure_ascii=False)
            known = memo[key] = (made, hashing.key("record", text))
        out.append(known[0])
        h.add(known[1])
    return out, h.hexdigest()


def _record_key(entry: Entry, corpus: Corpus, languages: tuple[str, ...] = ()) -> bytes:
    # The entries it names count: an actor's name is a filter value of the record.
    return hashing.key("record", named_digest(entry, corpus.entries), *languages)


def record(entry: Entry, corpus: Corpus, languages: tuple[str, ...] = ()) -> dict[str, Any]:
    """One entry's record: its text, what its result shows above the excerpt (meta), its
    filters (its names among them, for record-search.js's exact match) and its sort. One
    record serves every interface: for each of the other ``languages``, the meta its result
    shows there, where it differs (``title_zh``: the entry's Chinese title)."""
    kind = entry.KIND
    names = _names(entry)
    meta = {"title": entry.title, "kind": kind.label}
    for language in languages:
        with i18n.interface(language):
            shown = {"title": kind.headline(entry, corpus), "kind": i18n.gettext(kind.label)}
            if isinstance(entry, Dated):
                shown["date"] = entry.when
        meta.update({f"{k}_{language}": v for k, v in shown.items() if v != meta.get(k)})
    if names[1:]:
        meta["names"] = " · ".join(names[1:])
    by = _by(entry, corpus)
    if by:
        meta["by"] = ", ".join(by)
    facts = _facts(entry)
    if facts:
        meta["facts"] = " · ".join(facts)
    filters: dict[str, list[str]] = {"kind": [kind.label]}
    sort: dict[str, str] = {}
    if isinstance(entry, Dated):
        meta["date"] = entry.when
        filters["year"] = [str(entry.date.year)]
        sort["date"] = _sortable(entry.date)
    if entry.tags:
        filters["tag"] = list(entry.tags)
    actors = _actor_names(entry, corpus)
    if actors:
        filters["actor"] = actors
    lang = entry.language
    if lang:
        filters["language"] = [language_name(lang).split(" (")[0]]
    filters["name"] = _name_keys(names)
    # The title is the result's heading (and searched, as meta), not its excerpt; other names
    # stay in the text, where Chinese is cut into words (meta is not), and record-search.js
    # leaves them out of the excerpt. Pagefind leaves out a record without text: one with
    # nothing else keeps its title.
    texts = _texts(entry)
    title = _words(entry.title)
    content = FIELD_BREAK.join(t for t in texts if t != title) or FIELD_BREAK.join(texts)
    return {
        "url": "/" + entry.url,
        "content": content,
        "language": LANGUAGE,
        "meta": meta,
        "filters": filters,
        "sort": sort,
    }


def _names(entry: Entry) -> list[str]:
    """The entry's title, then the other names it is known by (an actor's Chinese name)."""
    data = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}
    names = [entry.title]
    for name in entry.KIND.known_as(data):
        if isinstance(name, str) and name and name not in names:
            names.append(name)
    return names


def name_key(name: str) -> str:
    """A name as the search box compares it with what was typed: NFKC, lower case, single
    spaces (record-search.js's ``nameKey`` does the same)."""
    return " ".join(unicodedata.normalize("NFKC", name).lower().split())


def _name_keys(names: list[str]) -> list[str]:
    """Every name, and each part of one written "Name (Other name)"."""
    keys: list[str] = []
    for name in names:
        parts = _ALSO_KNOWN_AS_RE.match(name)
        for part in (name, *(parts.groups() if parts else ())):
            key = name_key(part)
            if key and key not in keys:
                keys.append(key)
    return keys


def _by(entry: Entry, corpus: Corpus) -> list[str]:
    """Who the entry is by: the actors its single references name (a quote's speaker, a
    list's compiler)."""
    out: list[str] = []
    for name, many in reference_fields(type(entry)):
        other = None if many else corpus.entries.get(getattr(entry, name) or "")
        if other is not None and other.KIND.name == "actor" and other.title not in out:
            out.append(other.title)
    return out


def _facts(entry: Entry) -> list[str]:
    """The entry's fields that hold one of a fixed set of words, labelled ("Kind: person")."""
    out = []
    for f in dataclasses.fields(entry):
        value = getattr(entry, f.name)
        if "enum" in f.metadata.get("schema", {}) and isinstance(value, str):
            out.append(f"{f.name.replace('_', ' ').capitalize()}: {value}")
    return out


def _sortable(date: PartialDate) -> str:
    return date.start.isoformat()


def _actor_names(entry: Entry, corpus: Corpus) -> list[str]:
    """The actors an entry names (an actor names itself), as a reader picks them: by name."""
    names: list[str] = [entry.title] if entry.KIND.name == "actor" else []
    for name, target in entry.references():
        other = corpus.entries.get(target)
        if other is not None and other.KIND.name == "actor" and name != "related":
            if other.title not in names:
                names.append(other.title)
    return names


def _texts(value: Any, top: bool = True) -> list[str]:
    """The searchable text of an entry or a record inside it: every text field but ids,
    addresses, sources and the corrections log; Markdown as its words."""
    out: list[str] = []
    refs = {name for name, _ in reference_fields(type(value))} if top else set()
    for f in dataclasses.fields(value):
        if "schema" not in f.metadata or not searched(f) or f.name in refs:
            continue
        node = f.metadata["schema"]
        if node.get("format") == "uri" or "date" in node.get("$ref", "") or "enum" in node:
            continue  # an address, a date, a word from a fixed set (in the record's meta)
        item = getattr(value, f.name)
        for v in item if isinstance(item, tuple) else (item,):
            if isinstance(v, str):
                out.append(_words(v))
            elif dataclasses.is_dataclass(v):
                out.extend(_texts(v, top=False))
    return [t for t in out if t]


def _words(markdown: str) -> str:
    """Markdown → its words, cheaply: link text without the address, no emphasis marks."""
    return _MD_MARK_RE.sub(r"\1", _MD_LINK_RE.sub(r"\1", markdown)).strip()


def _service_class() -> type:
    """Pagefind's Python service, reading each response as soon as it comes.

    pagefind 1.5.2's ``PagefindService`` sleeps 0.1 s before reading every response, so a
    record costs 0.1 s: 17 minutes for 10,000 entries. The protocol is the same; only the
    loop that reads the binary's answers differs, and requests are sent without waiting for
    the answer to the one before (``asyncio.gather``).
    """
    from pagefind.service import PagefindService
    from pagefind.service.types import InternalResponseType

    class Service(PagefindService):  # type: ignore[misc]
        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            while True:
                try:
                    output = await self._backend.stdout.readuntil(b",")
                except (asyncio.IncompleteReadError, ConnectionError):  # the binary ended
                    for future in self._responses.values():
                        if not future.done():
                            future.set_exception(RuntimeError("Pagefind stopped"))
                            future.exception()  # retrieved: asyncio is not to report it
                    return
                response = json.loads(base64.b64decode(output[:-1]))
                if not response or response.get("message_id") is None:
                    continue
                future = self._responses.pop(response["message_id"], None)
                if future is None or future.done():
                    continue
                payload = response["payload"]
                if payload["type"] == InternalResponseType.ERROR.value:
                    future.set_exception(RuntimeError(payload["message"]))
                else:
                    future.set_result(payload)

        async def send(self, payload: dict[str, Any]) -> dict[str, Any]:
            # As PagefindService.send, without its two debug lines, which format the whole
            # request and answer even when debug logging is off: with a task per record, the
            # thread was busy 2.06 s at 10,000 records (0.94 s now), most of it holding the
            # GIL the build in the main thread needed.
            future = self._request(payload)
            assert self._backend.stdin is not None
            await self._backend.stdin.drain()
            return await future  # type: ignore[no-any-return]

        def _request(self, payload: dict[str, Any]) -> asyncio.Future[Any]:
            """Write one request, unflushed; the future of its answer."""
            self._message_id += 1
            future = self._responses[self._message_id] = self._loop.create_future()
            request = {"message_id": self._message_id, "payload": payload}
            assert self._backend.stdin is not None
            self._backend.stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")
            return future

        async def add_records(self, index_id: int, records: list[dict[str, Any]]) -> None:
            """Add ``records`` to the index: every request written, then every answer
            awaited, with no task per record; raise the first error."""
            answers = [
                self._request({"type": "AddRecord", "index_id": index_id, **rec}) for rec in records
            ]
            assert self._backend.stdin is not None
            await self._backend.stdin.drain()
            # Every answer awaited, so no failed one is left for asyncio to report.
            for answer in await asyncio.gather(*answers, return_exceptions=True):
                if isinstance(answer, BaseException):
                    raise answer

        async def launch(self) -> PagefindService:
            # As PagefindService.launch, with room in the pipe for the whole bundle, which
            # get_files sends as one answer (``Indexer`` explains why it is not write_files).
            self._backend = await asyncio.create_subprocess_exec(
                self._bin,
                "--service",
                cwd=os.getcwd(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                limit=_PIPE_LIMIT,
            )
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

        async def close(self) -> None:
            # As PagefindService.close, also when the binary has ended (``Indexer.cancel``).
            pending = [f for f in self._responses.values() if not f.done()]
            if pending:
                await asyncio.wait(pending, timeout=5)
            self._poll_task.cancel()
            with contextlib.suppress(ProcessLookupError):
                self._backend.terminate()
            await self._backend.wait()

    return Service


class Indexer:
    """Pagefind in a background thread, started at once: the binary takes a quarter of a
    second to start, which the build spends validating. ``index`` gives it the records
    (``records(corpus)``), which it indexes while the pages are built; ``write`` waits for it
    and writes the bundle; ``cancel`` stops it and writes nothing. Call one of ``write`` and
    ``cancel``, or the binary waits for records until this process ends.

    The bundle is fetched from the binary (``get_files``) and written here, not written by the
    binary (``write_files``): pagefind 1.5.2 answers WriteFiles before its last file is on
    disk, and its Python service stops the binary on that answer, so about one build in
    twenty got an empty ``wasm.unknown.pagefind`` (or entry file), and no search.
    """

    def __init__(self) -> None:
        self._records: list[dict[str, Any]] = []
        self._given = threading.Event()
        self._files: list[dict[str, Any]] = []
        self._error: BaseException | None = None
        self._stop: Any = None  # stops the binary, from any thread, once it has started
        self.pid: int | None = None  # the binary's, once it has started
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self._thread.start()

    def index(self, records: list[dict[str, Any]]) -> None:
        """Index ``records`` (only the first call counts)."""
        if not self._given.is_set():
            self._records = records
            self._given.set()

    def wait(self) -> None:
        """Wait until the records are indexed, or indexing failed (``write`` says so)."""
        self._thread.join()

    def write(self, target: Path, held: Callable[[Path, bytes], bool] | None = None) -> None:
        """Write the bundle into ``target`` once indexing is done (after MkDocs, which empties
        the site folder when it starts), but the files ``held(path, content)`` says the site
        holds already; raise BuildError if indexing failed."""
        self._thread.join()
        if self._error is not None:
            raise BuildError(f"search index: {self._error}") from self._error
        for file in self._files:
            path = target / file["path"]
            if held is not None and held(path, file["content"]):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file["content"])

    def cancel(self) -> None:
        """Give up on the index (the build failed, or the bundle is in the cache): stop the
        binary, so that it does not go on indexing on a core the next build (in ``serve``)
        needs; its thread then ends."""
        self._cancelled = True
        self._given.set()
        if self._stop is not None:
            self._stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._index())
        except BaseException as exc:  # reported by write(), in the main thread
            self._error = exc

    async def _index(self) -> None:
        try:
            service = await _service_class()().launch()
        except OSError as exc:  # not installed, or not executable here
            raise RuntimeError(
                f"Pagefind could not be started ({exc}); install it with "
                "`pip install -e .` (the pagefind[extended] package)"
            ) from None
        loop, backend = asyncio.get_running_loop(), service._backend
        task = asyncio.current_task()

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError):  # it has ended already
                backend.kill()

        def kill_and_end() -> None:
            kill()
            # Answers the binary will never give are awaited no more (a preview interrupts
            # an index of thousands of records halfway).
            if task is not None:
                task.cancel()

        def stop() -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: the binary too
                loop.call_soon_threadsafe(kill_and_end)

        self._stop, self.pid = stop, backend.pid
        if self._cancelled:  # before the binary had started
            kill()
        try:
            index = await service.create_index({"force_language": LANGUAGE})
            await asyncio.to_thread(self._given.wait)
            if self._cancelled:
                return
            try:
                await service.add_records(index._index_id, self._records)
                self._files = await index.get_files()
                log.debug("Pagefind indexed %d records", len(self._records))
            except Exception:
                # The binary ended (killed, or out of memory): say so, not what broke first.
                with contextlib.suppress(asyncio.TimeoutError):
                    status = await asyncio.wait_for(backend.wait(), timeout=2)
                    raise RuntimeError(f"Pagefind stopped (exit status {status})") from None
                raise
        finally:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(service.close(), timeout=5)


__all__ = [
    "FIELD_BREAK",
    "LANGUAGE",
    "OUTPUT",
    "Indexer",
    "keyed_records",
    "name_key",
    "record",
    "records",
]
