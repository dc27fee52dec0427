"""What the preview shows while its last build failed: the problems, in the terminal and as a
page."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass

from generator import NAME
from generator.core.errors import RecordError, ValidationFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildFailure:
    """Why the last build failed: a one-line summary and the lines to fix (``file:line:col: …``)."""

    summary: str
    lines: tuple[str, ...]


def attempt(build: Callable[[], object]) -> BuildFailure | None:
    """Run ``build``; None when it succeeded, else what went wrong (also logged, no traceback)."""
    try:
        build()
    except ValidationFailed as exc:
        failure = BuildFailure(exc.format_message(), tuple(str(p) for p in exc.problems))
        for line in failure.lines:
            log.error("%s", line)
    except RecordError as exc:  # BuildError, ConfigError: a message, already explained
        failure = BuildFailure("the build failed", (exc.format_message(),))
        log.error("%s", exc.format_message())
    except Exception as exc:  # a bug: say so in one line; -vv shows the traceback
        message = f"unexpected {type(exc).__name__}: {exc}"
        failure = BuildFailure("the build failed", (message,))
        log.error("%s (please report it; -vv shows the traceback)", message)
        log.debug("the failed build's traceback", exc_info=True)
    else:
        return None
    log.error("%s; the preview shows them on every page until they are fixed", failure.summary)
    return failure


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Build failed · {NAME} preview</title>
<style>
:root {{ color-scheme: light dark; }}
body {{ margin: 0 auto; max-width: 60rem; padding: 1.5rem; font: 1rem/1.5 system-ui, sans-serif; }}
h1 {{ font-size: 1.4rem; color: #b3261e; }}
@media (prefers-color-scheme: dark) {{ h1 {{ color: #ffb4ab; }} }}
pre {{ padding: 1rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere;
      border: 2px solid #b3261e; border-radius: 4px; font-size: 0.9rem; }}
</style>
</head>
<body>
<main>
<h1>The preview could not be rebuilt: {summary}</h1>
<p>Every page of the preview shows this until the problems are fixed. Fix them and save:
this page reloads by itself. <code>python -m generator validate</code> reports the same.</p>
<pre id="problems">{lines}</pre>
<p>You asked for <code>{path}</code>.</p>
</main>
</body>
</html>
"""


def error_page(failure: BuildFailure, path: str) -> bytes:
    """The page served in place of every page while the last build failed (UTF-8 HTML)."""
    return _PAGE.format(
        summary=html.escape(failure.summary),
        lines="\n".join(html.escape(line) for line in failure.lines),
        path=html.escape(path),
        NAME=NAME,
    ).encode("utf-8", "replace")  # a file name may hold undecodable bytes
