"""`propose`: fair engineers for TBD slots and drafted rotations. Pure: the roster as lived,
time off and the served-time history in, proposals and findings out."""
