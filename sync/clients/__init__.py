"""Plumbing to the outside: the retry policy, files, secrets and the Google, Slack and GitHub
wrappers. Nothing here knows what a rotation is."""
