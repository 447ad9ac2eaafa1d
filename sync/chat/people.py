"""Which People member a Slack user is: the People tab's Slack ID, else the email Slack
holds for the user (users.info, scope users:read.email). Nobody else may act."""

from __future__ import annotations

from sync.clients.slack import SlackApi
from sync.core.lived.roster import Person, Roster


class SlackPeople:
    def __init__(self, api: SlackApi) -> None:
        self.api = api
        self.emails: dict[str, str | None] = {}  # Slack user id -> email (none: no email)

    def person(self, roster: Roster, user_id: str) -> Person | None:
        by_id = next((p for p in roster.people.values() if p.slack_id == user_id), None)
        if by_id is not None:
            return by_id
        email = (self.email(user_id) or "").lower()
        return next((p for p in roster.people.values() if email and p.email.lower() == email),
                    None)

    def email(self, user_id: str) -> str | None:
        if user_id not in self.emails:
            answer = self.api.find("users.info", "user_not_found", user=user_id)
            profile = (answer or {}).get("user", {}).get("profile", {})
            self.emails[user_id] = profile.get("email") or None
        return self.emails[user_id]
