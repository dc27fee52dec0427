"""The record's format: fields and their rules, the entry dataclasses, page addresses, JSON
Schemas, what a kind is."""
