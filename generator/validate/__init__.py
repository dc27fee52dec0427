"""Checking the entries: each file against its kind's schema, then ids, references, aliases and
tags across files."""
