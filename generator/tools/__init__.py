"""Contributor tools: new entries, issue-form proposals, the link check, archiving sources, the
live preview."""
