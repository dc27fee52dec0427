"""The build: from the entries to a published site, each step in order."""
