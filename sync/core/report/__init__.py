"""What people ask of the roster: who is on rotation now, coverage and participation."""
