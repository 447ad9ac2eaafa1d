"""Email addresses as Google Calendar accepts them for attendees, checked before any call.

RFC 5322 allows quoted local parts ("a b"@x), comments (a(x)@y) and more; Google refuses
them (400 invalid attendee), so they are errors on the People row instead, with the reason.
"""

from __future__ import annotations

import re

LOCAL_CHARS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_{}~-]+$")
DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def email_problem(email: str) -> str | None:
    """Why Google would refuse `email` as an attendee, or None when it is fine."""
    if email.count("@") != 1:
        return "is not one email address (name@example.com)"
    local, domain = email.split("@")
    return local_problem(local) or domain_problem(domain) or (
        "is longer than 254 characters" if len(email) > 254 else None)


def local_problem(local: str) -> str | None:
    if not local:
        return "has nothing before the @"
    if '"' in local or "(" in local or ")" in local:
        return "has quotes or a comment in brackets, which Google does not accept"
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return "has a dot at the start or end, or two dots in a row, before the @"
    if len(local) > 64 or not all(LOCAL_CHARS.match(part) for part in local.split(".")):
        return "has characters before the @ that Google does not accept"
    return None


def domain_problem(domain: str) -> str | None:
    labels = domain.split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels):
        return "does not end in a valid domain (such as example.com)"
    if not labels[-1].isalpha() or len(labels[-1]) < 2:
        return "does not end in a valid domain (such as example.com)"
    return None
