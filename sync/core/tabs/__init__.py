"""The tabs as the manager sees them: raw cells, headers, text, dates, handles, each tab parsed."""
