"""Feeds and the who's-on-call page: pure rendering of the roster as lived (no I/O)."""
