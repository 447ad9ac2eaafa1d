"""The Slack target: the user group holds the engineers on rotation now."""
