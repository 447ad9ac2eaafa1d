"""Messages as values: announcements, shift-change notices, reminders and their templates."""
