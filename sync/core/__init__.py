"""The domain: the roster, its validation, and the pure planning every target shares (no I/O)."""
