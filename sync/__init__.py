"""rotation-sync: one on-call rotation, consistent in a calendar, a Slack group and a handbook."""

__version__ = "0.1.0"
