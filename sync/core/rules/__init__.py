"""Validation: the rules that turn the raw tabs into a Roster and every problem into findings."""
