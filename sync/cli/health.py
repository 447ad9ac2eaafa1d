"""`status --max-age`: the health check's verdict in words, with times in the config's zone,
so whoever reads a failed probe (or a passing one) sees why."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """'2022-09-10 02:00:05 PDT': a time is never shown without its zone."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def ago(age: timedelta) -> str:
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min ago"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min ago" if rest else f"{hours} h ago"
    return f"{hours // 24} days ago"


def verdict(last: datetime | None, now: datetime, max_age: timedelta, written: str,
            tz: ZoneInfo) -> tuple[bool, str]:
    """Healthy or not, and the sentence that says so."""
    if last is None:
        return False, f"Unhealthy: No successful sync ever (--max-age {written})."
    when = f"{local_time(last, tz)} ({ago(now - last)})"
    if now - last <= max_age:
        return True, f"Healthy: the last successful sync finished {when}, within --max-age " \
                     f"{written}."
    return False, f"Unhealthy: No successful sync since {when}, older than --max-age {written}."
