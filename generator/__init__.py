"""Sourceline: validate a YAML knowledge base and publish it as a static site with feeds."""

from __future__ import annotations

__version__ = "0.2.0"
NAME = "Sourceline"  # the tool, as its output names it (a feed's generator, the footer)
COMMAND = "sourceline"  # its command, distribution and folders (the cache's)
