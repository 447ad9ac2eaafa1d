"""The channel topic: who is on rotation now, where the team looks."""
