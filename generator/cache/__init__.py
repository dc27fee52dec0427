"""The build cache: where it lives, sealed files, and what a rebuild can take from it."""
