"""The calendar target: one all-day event per rotation."""
