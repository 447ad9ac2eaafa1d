"""Which URLs the tool may fetch from elsewhere, judged on the parsed URL, never its text:
`http://127.0.0.1.evil.example/` starts like a loopback address and is not one."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def scheme_problem(url: str) -> str | None:
    """Why `url` may not be fetched, or None: https anywhere, plain http only to this
    machine (a test server, a local proxy), decided on the parsed host, not the text."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "it is not a valid URL"
    if not host:
        return "it names no host"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and is_loopback(host):
        return None
    return "only https:// (or http:// to this machine) is allowed"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
