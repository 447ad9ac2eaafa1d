"""cron/kubernetes-fleet.yaml: 2 replicas of `schedule` over a fleet, the state URL from a
Secret, and a fleet file and roster configs the product itself accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sync.config.model import load_config
from sync.fleet.model import check_roster_config, load_fleet

RECIPE = Path(__file__).resolve().parents[2] / "cron" / "kubernetes-fleet.yaml"


def documents() -> dict[str, Any]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all(RECIPE.read_text())}


def test_two_replicas_run_schedule_over_the_fleet_with_the_state_url_from_a_secret() -> None:
    deployment = documents()["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["args"][:3] == ["schedule", "-c", "/etc/rotation-sync/fleet.toml"]
    env = {item["name"]: item for item in container["env"]}
    assert env["ROTATION_SYNC_STATE_URL"]["valueFrom"]["secretKeyRef"]["name"] == \
        "rotation-sync"
    assert "postgresql://" not in yaml.safe_dump(deployment)  # no URL in the manifest


def test_the_config_map_holds_a_fleet_the_product_accepts(tmp_path: Path) -> None:
    for name, text in documents()["ConfigMap"]["data"].items():
        (tmp_path / name).write_text(text)
    fleet = load_fleet(tmp_path / "fleet.toml")
    assert [roster.name for roster in fleet.rosters] == ["escalation", "platform"]
    for roster in fleet.rosters:
        check_roster_config(fleet, roster)
        assert load_config(roster.config).source.kind == "google_sheets"
