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
