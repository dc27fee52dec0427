"""The search binary, stopped after a failed build, leaves no alarming note in the terminal."""

from __future__ import annotations

import logging

import pytest

import generator.publish.search  # noqa: F401 (installs the filter on asyncio's logger)


def test_asyncios_note_on_the_stopped_binary_is_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="asyncio"):
        logging.getLogger("asyncio").warning(
            "Unknown child process pid %d, will report returncode 255", 4242
        )
        logging.getLogger("asyncio").warning("Executing %s took %.3f seconds", "task", 0.2)
    assert [r.getMessage() for r in caplog.records] == ["Executing task took 0.200 seconds"]


@pytest.mark.slow
def test_an_index_stopped_halfway_ends_at_once() -> None:
    """A preview stops the index of its last save when the next one comes: the indexer's
    thread ends, though the binary will never answer for the records it had."""
    import time

    from generator.publish import search

    records = [
        {
            "url": f"/events/e{i}/",
            "content": f"record {i} " + "refugee platform moderation " * 40,
            "language": "en",
            "meta": {"title": f"Entry {i}"},
        }
        for i in range(30_000)
    ]
    indexer = search.Indexer()
    indexer.index(records)
    deadline = time.monotonic() + 30
    while indexer.pid is None:  # the binary has started and is being given the records
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)
    assert indexer._thread.is_alive(), "indexed already: the test needs more records"
    stopped = time.monotonic()
    indexer.cancel()
    indexer._thread.join(timeout=15)
    assert not indexer._thread.is_alive()
    assert time.monotonic() - stopped < 10
