"""The state database's URL as it may be shown (password masked), and its one check."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sync.run.state_checks import StateError

SCHEMES = ("postgresql", "postgres")


def masked(url: str) -> str:
    """The URL with its password replaced by ***: a URL reaches messages and logs."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # a port that is not a number: show nothing after the scheme
        return url.split("://", 1)[0] + "://***"
    if password is None:
        return url
    user, host = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{user.split(':', 1)[0]}:***@{host}"))


def check_url(url: str, variable: str) -> None:
    """Exit 2 for a URL that is not PostgreSQL's, naming where it came from."""
    if urlsplit(url).scheme not in SCHEMES:
        raise StateError(f"{variable} = {masked(url)!r} is not a PostgreSQL URL; use "
                         "postgresql://user@host:5432/database (the password from the "
                         "environment), or leave it unset to keep state in state_dir (SQLite).")
