"""Class 5 and 6: what Google or Slack would refuse is refused first on the People row;
every secret is masked in output, logs and the stored history."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from sync.clients.secrets import MASK, redact, redact_data, watch
from sync.core.rules.validate import validate
from sync.core.tabs.emails import email_problem
from sync.core.tabs.raw import RawRoster, RawTab
from sync.run.state import StateStore
from tests.conftest import Workspace
from tests.helpers import make_clock, people_rows, rotations_rows

REJECTED = ['"keegan smith"@example.com', "keegan(comment)@example.com", ".keegan@example.com",
            "keegan.@example.com", "kee..gan@example.com", "keegan@example", "keegan@-x.com",
            "keegan@ex..com", "a@b@example.com", "keegan@example.c0m", "ké@example.com",
            "x" * 65 + "@example.com"]
ACCEPTED = ["keegan@example.com", "keegan.smith+oncall@sub.example.co.uk", "o'neil@example.io"]


def check(people: list[list[str]]) -> list[tuple[str, int | None, str | None]]:
    _, findings = validate(RawRoster(RawTab("Rotations", rotations_rows()),
                                     RawTab("People", people)), make_clock())
    return [(f.code, f.row, f.column) for f in findings if f.severity == "error"]


@pytest.mark.parametrize("email", REJECTED)
def test_emails_google_rejects_are_one_error_on_the_people_row(email: str) -> None:
    people = people_rows()
    people[2][2] = email
    errors = check(people)  # (the rotations naming them: issue 12's one-cause rule)
    assert [e for e in errors if e[0] != "unknown-handle"] == [("bad-email", 3, "Email")]


@pytest.mark.parametrize("email", ACCEPTED)
def test_ordinary_emails_pass(email: str) -> None:
    assert email_problem(email) is None


def test_two_people_with_one_email_is_one_finding() -> None:
    people = people_rows()
    people[3][2] = people[1][2].upper()
    errors = [e for e in check(people) if e[0] != "unknown-handle"]
    assert errors == [("duplicate-email", 4, "Email")]


@pytest.mark.parametrize("control", ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028",
                                     "\u202e"])
def test_control_characters_in_names_are_errors(control: str) -> None:
    people = people_rows()
    people[1][1] = f"Keegan{control}Smith"
    errors = [e for e in check(people) if e[0] != "unknown-handle"]
    assert errors == [("control-character", 2, "Name")]


TOKENS = ["Bearer abcdef123456", "token=s3cr3t-value", "xoxb-1234-5678-abcdefgh",
          "ghp_" + "a" * 36, "ya29.a0AfH6SMBx-token", '{"access_token": "tok-123456"}',
          "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----"]


@pytest.mark.parametrize("text", TOKENS)
def test_shapes_of_secrets_are_masked_without_any_env_var(text: str) -> None:
    masked = redact(f"error body: {text} end")
    assert MASK in masked and "end" in masked
    for part in ("abcdef123456", "s3cr3t", "abcdefgh", "a" * 36, "SMBx", "tok-123456", "MIIEv"):
        assert part not in masked


def test_a_google_access_token_the_process_obtained_is_masked() -> None:
    creds = watch(SimpleNamespace(token=None))
    creds.token = "opaque-google-token-42"
    assert redact("echo opaque-google-token-42") == f"echo {MASK}"


def test_the_history_never_stores_a_token(workspace: Workspace) -> None:
    store = StateStore(workspace.folder / "state")
    leaked = "Slack answered: invalid_auth for Bearer xoxb-leaked-9999 (token=abc123456)"
    store.record(datetime.now(UTC), "sync", 3, "target failed", {}, [{"message": leaked}],
                 {"slack": {"status": "failed", "error": leaked}}, notice=leaked)
    for run in store.runs():
        stored = str(run.as_json())
        assert "xoxb-leaked" not in stored and "abc123456" not in stored
    code, document = workspace.run_json("status")
    assert "xoxb-leaked" not in str(document) and code == 0


def test_redact_data_walks_nested_values() -> None:
    assert redact_data({"a": ["Bearer qwertyuiop", 3, None]}) == {"a": [f"Bearer {MASK}", 3,
                                                                         None]}
