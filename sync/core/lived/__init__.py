"""The roster as lived: people, rotations, overrides, absences, the clock, who is on when."""
