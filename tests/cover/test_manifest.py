"""The Slack app manifest in cron/ turns on what `/rotation` needs."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).parent.parent.parent / "cron" / "slack-app-manifest.yaml"


def test_the_manifest_has_socket_mode_interactivity_the_command_and_the_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/rotation" and command["should_escape"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read", "users:read.email",
            "usergroups:read", "usergroups:write"} <= scopes
