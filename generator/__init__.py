"""RedNote Record: validate a YAML knowledge base and publish it as a static site with feeds."""

from __future__ import annotations

__version__ = "0.1.0"
