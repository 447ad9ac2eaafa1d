"""The handbook target: the page's Rotations table."""
