"""`/rotation` and the request buttons over Slack Socket Mode (slack_sdk's builtin client:
no public URL, no extra dependency).

Every envelope is acknowledged at once (Slack shows an error after 3 seconds) and the work
is queued to one worker thread. Slack may deliver an envelope again after a reconnect: its
id is kept, and each action is idempotent on the request it changes anyway.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sync.chat.people import SlackPeople
from sync.chat.replies import who_text
from sync.clients.secrets import redact
from sync.clients.slack import SlackApi, slack_escape
from sync.core.cover.request import Refusal
from sync.core.cover.slash import parse
from sync.core.lived.roster import Person, Roster
from sync.errors import RotationSyncError
from sync.run.cover import CoverDesk
from sync.run.cover_blocks import APPROVE, CANCEL, TAKE

log = logging.getLogger("sync.chat")
NOT_ON_ROSTER = ("You are not on the roster: only People members matched to a Slack user "
                 "(by Slack ID or email) can use /rotation.")


class CoverBot:
    def __init__(self, desk: CoverDesk, api: SlackApi, app_token: str, web_client: Any
                 ) -> None:
        self.desk = desk
        self.api = api
        self.app_token = app_token
        self.web_client = web_client
        self.people = SlackPeople(api)
        self.work = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rotation-chat")
        self.client: Any = None

    def start(self) -> None:
        from slack_sdk.socket_mode.builtin import SocketModeClient

        self.client = SocketModeClient(app_token=self.app_token, web_client=self.web_client,
                                       logger=logging.getLogger("sync.chat.socket"))
        self.client.socket_mode_request_listeners.append(self.on_request)
        self.client.connect()
        log.info("Serving /rotation over Slack Socket Mode.")

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
        self.work.shutdown(wait=True)

    def on_request(self, client: Any, request: Any) -> None:
        """Acknowledge first, then queue the work."""
        from slack_sdk.socket_mode.response import SocketModeResponse

        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        if request.type in ("slash_commands", "interactive"):
            self.work.submit(self.handle, request.type, request.envelope_id,
                             dict(request.payload or {}))

    def handle(self, kind: str, envelope_id: str, payload: dict[str, Any]) -> None:
        """Never raises: the worker must outlive any one envelope."""
        try:
            if not self.desk.store.first_delivery(envelope_id, datetime.now(UTC)):
                log.info("Envelope %s was delivered again; already handled.", envelope_id)
                return
            if kind == "slash_commands":
                self.slash(payload)
            elif payload.get("type") == "block_actions":
                self.pressed(payload)
        except Exception as error:
            log.error("A /rotation action failed: %s", redact(str(error)))

    # -- the slash command -------------------------------------------------------------
    def slash(self, payload: dict[str, Any]) -> None:
        user, channel = str(payload.get("user_id")), str(payload.get("channel_id"))
        roster = self.roster(channel, user)
        if roster is None:
            return None
        person = self.people.person(roster, user)
        if person is None:
            return self.refuse(channel, user, NOT_ON_ROSTER, "slash command")
        try:
            ask = parse(str(payload.get("text") or ""))
            if ask is None:
                return self.tell(channel, user, who_text(roster, self.desk.clock().now))
            engineer = self.engineer(roster, person, ask.slack_user, ask.handle)
            made = self.desk.request(engineer, ask.first, ask.last, ask.note, person.github)
        except (Refusal, RotationSyncError) as refusal:
            return self.tell(channel, user, str(refusal))
        self.tell(channel, user, f"Cover request {made.id} is posted; you will see who "
                                 "takes it there.")

    def engineer(self, roster: Roster, asker: Person, slack_user: str | None,
                 handle: str | None) -> str:
        if slack_user is not None:
            named = self.people.person(roster, slack_user)
            if named is None:
                raise Refusal("That Slack user is not on the roster's People tab.")
            return named.github
        return handle or asker.github

    # -- the buttons -------------------------------------------------------------------
    def pressed(self, payload: dict[str, Any]) -> None:
        user = str((payload.get("user") or {}).get("id"))
        channel = str((payload.get("channel") or {}).get("id")
                      or (payload.get("container") or {}).get("channel_id"))
        action = (payload.get("actions") or [{}])[0]
        roster = self.roster(channel, user)
        if roster is None:
            return None
        person = self.people.person(roster, user)
        if person is None:
            return self.refuse(channel, user, NOT_ON_ROSTER, str(action.get("action_id")))
        steps = {TAKE: self.desk.take, APPROVE: self.desk.approve, CANCEL: self.desk.cancel}
        step = steps.get(str(action.get("action_id")))
        if step is None or not str(action.get("value", "")).isdigit():
            return None  # a button of another app or an older message: nothing to do
        try:
            step(int(action["value"]), person.github)
        except RotationSyncError as refusal:
            self.tell(channel, user, str(refusal))

    # -- answers only the person sees --------------------------------------------------
    def roster(self, channel: str, user: str) -> Roster | None:
        """None after telling the person: a roster with errors (mid-edit) or unreadable."""
        try:
            return self.desk.roster(self.desk.clock())
        except RotationSyncError as error:
            self.tell(channel, user, str(error))
            return None

    def refuse(self, channel: str, user: str, text: str, action: str) -> None:
        self.desk.remember(action, f"Slack user {user}", None, 1, "refused", text)
        self.tell(channel, user, text)

    def tell(self, channel: str, user: str, text: str) -> None:
        self.api.call("chat.postEphemeral", channel=channel, user=user,
                      text=slack_escape(text))
