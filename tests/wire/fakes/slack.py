"""A fake Slack Web API that the real `slack_sdk.WebClient` talks to over loopback HTTP.

Why a server and not a mock: the sync code's retry handlers, paging iterator, form/JSON
encoding and error envelopes all live inside slack_sdk, so only real HTTP exercises them.

Usage::

    with FakeSlack() as slack:                       # paid workspace, one bot token
        alice = slack.add_user("alice", "alice@example.com")
        slack.add_group("oncall", users=[alice.id])
        slack.add_channel("escalation-engineering")  # the bot is a member by default
        client = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url)
        ...
        assert slack.write_calls() == []

Behaviour follows docs.slack.dev (see the api-facts notes beside the contract, §5). Where the docs
are silent the choice is marked "fake's choice" below, so a test never pins a guess.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from .base import DROP, FakeServer, Request, Response
from .socket_mode import SocketModeServer

TEAM_ID = "T0FAKE001"
BOT_USER_ID = "U0BOT0001"
BOT_ID = "B0BOT0001"
APP_ID = "A0APP0001"
DEFAULT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-level-token"  # Socket Mode: apps.connections.open only
BOT_SCOPES: tuple[str, ...] = (
    "chat:write", "chat:write.public", "im:write", "usergroups:read", "usergroups:write",
    "users:read", "users:read.email", "channels:read", "groups:read", "im:read",
    "channels:write.topic", "groups:write.topic",
)
TOPIC_MAX = 250  # conversations.setTopic: "too_long - Topic was longer than 250 characters."
EPOCH = 1700000000  # every timestamp the fake hands out starts here, so tests are stable

#: method -> scope it needs (None: any valid token; a tuple: any one of them, the one that
#: fits the channel's type is checked once the channel is known). Unknown methods answer
#: unknown_method.
CONVERSATION_READ = ("channels:read", "groups:read", "mpim:read", "im:read")
CONVERSATION_TOPIC = ("channels:write.topic", "groups:write.topic", "mpim:write.topic",
                      "im:write.topic")
METHOD_SCOPES: dict[str, str | tuple[str, ...] | None] = {
    "auth.test": None,
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
    "usergroups.users.update": "usergroups:write",
    "usergroups.enable": "usergroups:write",
    "usergroups.disable": "usergroups:write",
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "apps.connections.open": "connections:write",
    "conversations.open": "im:write",
    "conversations.info": CONVERSATION_READ,
    "conversations.list": CONVERSATION_READ,
    "conversations.setTopic": CONVERSATION_TOPIC,
}

#: Methods that change workspace state; `write_calls()` counts requests to these.
#: conversations.open is NOT a write (fake's choice): it is idempotent and visible to nobody,
#: and a sync that DMs people legitimately calls it on every run.
WRITE_METHODS = frozenset({
    "usergroups.users.update", "usergroups.enable", "usergroups.disable",
    "usergroups.create", "usergroups.update", "chat.postMessage", "conversations.setTopic",
    "chat.update", "chat.postEphemeral",
})


class SlackError(Exception):
    """Raised inside handlers; becomes an HTTP 200 `{"ok": false, "error": ...}` envelope."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _missing(arg: str) -> SlackError:
    # Slack's shape for an absent required argument.
    return SlackError("invalid_arguments",
                      response_metadata={"messages": [f"[ERROR] missing required field: {arg}"]})


# -- state ---------------------------------------------------------------------------------

@dataclass
class Token:
    token: str
    scopes: tuple[str, ...]
    user_id: str = BOT_USER_ID
    is_bot: bool = True
    revoked: bool = False


@dataclass
class User:
    id: str
    name: str
    email: str | None = None
    real_name: str = ""
    deleted: bool = False
    is_bot: bool = False
    is_restricted: bool = False        # multi-channel guest
    is_ultra_restricted: bool = False  # single-channel guest
    is_admin: bool = False
    tz: str = "Europe/London"

    def to_json(self, *, with_email: bool = True) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name, "real_name_normalized": self.real_name,
            "display_name": self.name, "display_name_normalized": self.name, "team": TEAM_ID,
        }
        if self.email is not None and with_email:
            profile["email"] = self.email
        if self.is_bot:
            profile["bot_id"] = "B" + self.id[1:]
        return {
            "id": self.id, "team_id": TEAM_ID, "name": self.name, "deleted": self.deleted,
            "real_name": self.real_name, "tz": self.tz, "tz_label": "", "tz_offset": 0,
            "profile": profile, "is_admin": self.is_admin, "is_owner": False,
            "is_primary_owner": False, "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted, "is_bot": self.is_bot,
            "is_app_user": False, "updated": EPOCH, "is_email_confirmed": self.email is not None,
        }


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    users: list[str] = field(default_factory=list)
    description: str = ""
    date_create: int = EPOCH
    date_update: int = EPOCH
    date_delete: int = 0  # non-zero while disabled, exactly as Slack reports it
    created_by: str = BOT_USER_ID
    updated_by: str = BOT_USER_ID
    deleted_by: str | None = None

    @property
    def disabled(self) -> bool:
        return self.date_delete != 0

    def to_json(self, *, include_users: bool = True, include_count: bool = True
                ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "team_id": TEAM_ID, "is_usergroup": True, "is_subteam": True,
            "name": self.name, "description": self.description, "handle": self.handle,
            "is_external": False, "date_create": self.date_create,
            "date_update": self.date_update, "date_delete": self.date_delete,
            "auto_type": None, "auto_provision": False, "enterprise_subteam_id": "",
            "created_by": self.created_by, "updated_by": self.updated_by,
            "deleted_by": self.deleted_by, "prefs": {"channels": [], "groups": []},
        }
        if include_users:
            body["users"] = list(self.users)
        if include_count:
            body["user_count"] = len(self.users)
        return body


@dataclass
class Channel:
    id: str
    name: str
    members: set[str] = field(default_factory=set)
    is_private: bool = False
    is_im: bool = False
    is_archived: bool = False
    topic: str = ""
    topic_creator: str = ""
    topic_last_set: int = 0
    purpose: str = ""
    created: int = EPOCH
    creator: str = BOT_USER_ID

    @property
    def kind(self) -> str:
        """The scope family of this conversation: channels, groups or im."""
        return "im" if self.is_im else "groups" if self.is_private else "channels"

    def to_json(self, viewer: str) -> dict[str, Any]:
        """The conversation object of conversations.info / list / setTopic."""
        if self.is_im:
            other = next((m for m in sorted(self.members) if m != BOT_USER_ID), self.name)
            return {"id": self.id, "created": self.created, "is_im": True,
                    "is_org_shared": False, "user": other, "is_user_deleted": False,
                    "priority": 0, "context_team_id": TEAM_ID}
        return {
            "id": self.id, "name": self.name, "is_channel": not self.is_private,
            "is_group": self.is_private, "is_im": False, "is_mpim": False,
            "is_private": self.is_private, "created": self.created,
            "is_archived": self.is_archived, "is_general": False, "unlinked": 0,
            "name_normalized": self.name, "is_shared": False, "is_org_shared": False,
            "is_pending_ext_shared": False, "pending_shared": [], "context_team_id": TEAM_ID,
            "updated": (self.topic_last_set or self.created) * 1000, "parent_conversation": None,
            "creator": self.creator, "is_ext_shared": False, "shared_team_ids": [TEAM_ID],
            "pending_connected_team_ids": [], "is_member": viewer in self.members,
            "topic": {"value": self.topic, "creator": self.topic_creator,
                      "last_set": self.topic_last_set},
            "purpose": {"value": self.purpose, "creator": self.creator if self.purpose else "",
                        "last_set": self.created if self.purpose else 0},
            "previous_names": [], "num_members": len(self.members),
        }


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    user: str
    params: dict[str, Any]  # everything the caller sent, for assertions on blocks etc.

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": "message", "text": self.text, "user": self.user,
                                "bot_id": BOT_ID, "app_id": APP_ID, "team": TEAM_ID,
                                "ts": self.ts}
        for key in ("blocks", "attachments", "thread_ts", "subtype", "topic"):
            if key in self.params:
                body[key] = self.params[key]
        return body


# -- helpers -------------------------------------------------------------------------------

def _flag(params: dict[str, Any], name: str) -> bool:
    value = params.get(name, False)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _id_list(value: Any) -> list[str]:
    """Slack takes arrays as comma-separated strings (form) or JSON arrays; accept both."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def method_of(request: Request) -> str:
    return request.path.removeprefix("/api/")


class FakeSlack(FakeServer):
    """The Slack Web API for one workspace, with tokens, users, user groups and channels.

    Flags: `paid=False` makes every usergroups.* call answer `plan_error` (default
    "paid_teams_only", what free workspaces return in practice; the method docs call it
    "plan_upgrade_required"). `restrict_usergroups=True` makes usergroup writes with a
    bot token answer `permission_denied`, as when only admins may manage user groups.
    Only the methods rotation-sync calls (and auth.test, usergroups.users.list and
    conversations.open, which the fake's own tests use) are served; any other answers
    `unknown_method`.
    """

    def __init__(self, *, paid: bool = True, restrict_usergroups: bool = False,
                 plan_error: str = "paid_teams_only") -> None:
        super().__init__()
        self.paid = paid
        self.plan_error = plan_error
        self.restrict_usergroups = restrict_usergroups
        self.tokens: dict[str, Token] = {}
        self.users: dict[str, User] = {}
        self.groups: dict[str, UserGroup] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.ephemerals: list[Message] = []  # chat.postEphemeral: (channel, user in params)
        self.socket: SocketModeServer | None = None  # started by apps.connections.open
        self.handler_errors: list[BaseException] = []  # bugs in the fake, not in the caller
        self._ids = itertools.count(1)
        self._ts = itertools.count(100, 100)  # message ts: 1700000000.000100, .000200, …
        self._clock = itertools.count(1)  # date_update seconds after EPOCH
        self.add_user("rotation-bot", real_name="Rotation Bot", is_bot=True, id=BOT_USER_ID)
        self.add_token(DEFAULT_TOKEN, BOT_SCOPES)
        self.add_token(APP_TOKEN, ("connections:write",), is_bot=False)
        self.route("POST", r"/api/(?P<method>[A-Za-z0-9_.]+)", self._handle)
        self.route("GET", r"/api/(?P<method>[A-Za-z0-9_.]+)", self._handle)

    def __enter__(self) -> FakeSlack:  # narrows the base's return type for `with` users
        super().__enter__()
        return self

    def stop(self) -> None:
        if self.socket is not None:
            self.socket.stop()
        super().stop()

    @property
    def api_url(self) -> str:
        """What to pass as `WebClient(base_url=...)`."""
        return f"{self.base_url}/api/"

    def client(self, token: str | None = DEFAULT_TOKEN, **kwargs: Any) -> Any:
        """A real `slack_sdk.WebClient` aimed at this fake (short timeout for tests)."""
        from slack_sdk import WebClient

        kwargs.setdefault("timeout", 5)
        return WebClient(token=token, base_url=self.api_url, **kwargs)

    # -- seeding -------------------------------------------------------------------------
    def _new_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):07X}"

    def add_token(self, token: str, scopes: tuple[str, ...] | list[str], *,
                  user_id: str = BOT_USER_ID, is_bot: bool = True) -> Token:
        """Grant `token` these scopes; `is_bot=False` models an admin's xoxp user token."""
        self.tokens[token] = Token(token, tuple(scopes), user_id, is_bot)
        return self.tokens[token]

    def revoke_token(self, token: str) -> None:
        self.tokens[token].revoked = True

    def add_user(self, name: str, email: str | None = None, *, real_name: str | None = None,
                 deleted: bool = False, is_bot: bool = False, is_restricted: bool = False,
                 is_ultra_restricted: bool = False, is_admin: bool = False,
                 id: str | None = None) -> User:
        user = User(id or self._new_id("U"), name, email, real_name or name.title(), deleted,
                    is_bot, is_restricted or is_ultra_restricted, is_ultra_restricted, is_admin)
        self.users[user.id] = user
        return user

    def add_group(self, handle: str, users: list[str] | tuple[str, ...] = (), *,
                  name: str | None = None, disabled: bool = False,
                  id: str | None = None) -> UserGroup:
        group = UserGroup(id or self._new_id("S"), handle, name or handle, list(users),
                          date_delete=EPOCH if disabled else 0,
                          deleted_by=BOT_USER_ID if disabled else None)
        self.groups[group.id] = group
        return group

    def add_channel(self, name: str, *, members: list[str] | None = None,
                    is_private: bool = False, id: str | None = None, topic: str = "",
                    is_archived: bool = False) -> Channel:
        """`members=None` puts the bot in the channel; pass `[]` to keep it out."""
        channel = Channel(id or self._new_id("C"), name.lstrip("#"),
                          {BOT_USER_ID} if members is None else set(members), is_private,
                          is_archived=is_archived)
        self.channels[channel.id] = channel
        if topic:
            self.set_topic(channel.id, topic)
        return channel

    def channel(self, ref: str) -> Channel:
        """A channel by id, or by name with or without `#` (for assertions)."""
        if ref in self.channels:
            return self.channels[ref]
        for channel in self.channels.values():
            if not channel.is_im and channel.name == ref.lstrip("#"):
                return channel
        raise KeyError(ref)

    def set_topic(self, ref: str, topic: str, *, creator: str = "U0HUMAN01") -> Channel:
        """Set a topic as a person would (no message posted, no request logged)."""
        channel = self.channel(ref)
        channel.topic, channel.topic_creator = topic, creator
        channel.topic_last_set = EPOCH + next(self._clock)
        return channel

    def topic(self, ref: str) -> str:
        return self.channel(ref).topic

    def topic_calls(self) -> list[Request]:
        """Every conversations.setTopic request received, refused ones included."""
        return self.calls_to("conversations.setTopic")

    # -- inspection ----------------------------------------------------------------------
    def group(self, handle: str) -> UserGroup:
        for group in self.groups.values():
            if group.handle == handle:
                return group
        raise KeyError(handle)

    def user_by_email(self, email: str) -> User:
        for user in self.users.values():
            if user.email is not None and user.email.lower() == email.lower():
                return user
        raise KeyError(email)

    def calls_to(self, method: str) -> list[Request]:
        return [r for r in self.calls() if method_of(r) == method]

    def write_calls(self) -> list[Request]:
        """Requests (attempts, including refused ones) to methods in WRITE_METHODS."""
        return [r for r in self.calls() if method_of(r) in WRITE_METHODS]

    def writes(self) -> list[Request]:
        """Slack sends every call as POST, so the base's verb test would count reads too."""
        return self.write_calls()

    # -- fault scripting (all via FakeServer.fail) ----------------------------------------
    @staticmethod
    def _path(method: str) -> str:
        return rf"^/api/{re.escape(method)}$"

    def ratelimit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls to `method` get Slack's 429 with `Retry-After`."""
        self.fail(self._path(method),
                  Response(429, {"ok": False, "error": "ratelimited"},
                           {"Retry-After": str(retry_after)}), times)

    def server_error(self, method: str, times: int = 1, status: int = 500) -> None:
        self.fail(self._path(method), Response(status, HTTPStatus(status).phrase), times)

    def drop(self, method: str, times: int = 1) -> None:
        """Close the connection without answering (slack_sdk sees RemoteDisconnected)."""
        self.fail(self._path(method), DROP, times)

    # -- dispatch ------------------------------------------------------------------------
    def _params(self, request: Request) -> tuple[dict[str, Any], list[str]]:
        """Query + body params. Blank values are kept: `users=` must reach the handler."""
        params: dict[str, Any] = {k: v[-1] for k, v in request.query.items()}
        warnings: list[str] = []
        content_type = request.headers.get("content-type", "")
        if request.body and content_type.startswith("application/json"):
            if "charset" not in content_type:
                warnings.append("missing_charset")  # Slack warns, then carries on
            params.update(json.loads(request.body))
        elif request.body:
            params.update(parse_qsl(request.body.decode(), keep_blank_values=True))
        return params, warnings

    def _authenticate(self, request: Request, params: dict[str, Any]) -> Token:
        header = request.headers.get("authorization", "")
        raw = header.removeprefix("Bearer ").strip() if header else params.get("token", "")
        if not raw:
            raise SlackError("not_authed")
        token = self.tokens.get(raw)
        if token is None:
            raise SlackError("invalid_auth")
        if token.revoked:
            raise SlackError("token_revoked")
        return token

    def _handle(self, request: Request, match: re.Match[str]) -> Response:
        method = match["method"]
        warnings: list[str] = []
        try:
            params, warnings = self._params(request)
            if method not in METHOD_SCOPES:
                raise SlackError("unknown_method", req_method=method)
            token = self._authenticate(request, params)
            needed = METHOD_SCOPES[method]
            if isinstance(needed, tuple):
                if not set(needed) & set(token.scopes):
                    raise SlackError("missing_scope", needed=",".join(needed),
                                     provided=",".join(token.scopes))
            elif needed is not None and needed not in token.scopes:
                raise SlackError("missing_scope", needed=needed, provided=",".join(token.scopes))
            if method.startswith("usergroups.") and not self.paid:
                raise SlackError(self.plan_error)
            handler = getattr(self, "_m_" + method.replace(".", "_"))
            body: dict[str, Any] = {"ok": True, **handler(params, token)}
        except SlackError as exc:
            body = {"ok": False, "error": exc.error, **exc.extra}
        except Exception as exc:  # a bug in the fake: make it loud, not a dropped socket
            self.handler_errors.append(exc)
            return Response(500, {"ok": False, "error": "fake_internal_error",
                                  "detail": repr(exc)})
        if warnings:
            body["warning"] = ",".join(warnings)
            body.setdefault("response_metadata", {})["warnings"] = warnings
        return Response(200, body)

    # -- lookups shared by methods -------------------------------------------------------
    def _group_arg(self, params: dict[str, Any]) -> UserGroup:
        group_id = params.get("usergroup")
        if not group_id:
            raise _missing("usergroup")
        group = self.groups.get(str(group_id))
        if group is None:
            raise SlackError("no_such_subteam")  # observed live; not in the docs' error table
        return group

    def _touch(self, group: UserGroup, token: Token) -> None:
        group.date_update = EPOCH + next(self._clock)
        group.updated_by = token.user_id

    def _check_usergroup_write(self, token: Token) -> None:
        if self.restrict_usergroups and token.is_bot:
            raise SlackError("permission_denied")

    # -- auth / users --------------------------------------------------------------------
    def _m_auth_test(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        user = self.users.get(token.user_id)
        body = {"url": "https://fake-workspace.slack.com/", "team": "Fake Workspace",
                "user": user.name if user else token.user_id, "team_id": TEAM_ID,
                "user_id": token.user_id, "is_enterprise_install": False}
        if token.is_bot:
            body["bot_id"] = BOT_ID
        return body

    def _m_users_lookupByEmail(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        email = params.get("email")
        if not email:
            raise _missing("email")
        try:
            user = self.user_by_email(str(email))
        except KeyError:
            raise SlackError("users_not_found") from None
        # Deactivated users are returned with deleted=true so callers can tell them apart.
        return {"user": user.to_json()}

    def _m_users_info(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user.to_json(with_email="users:read.email" in token.scopes)}

    # -- usergroups ----------------------------------------------------------------------
    def _m_usergroups_list(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        include_disabled = _flag(params, "include_disabled")
        return {"usergroups": [
            g.to_json(include_users=_flag(params, "include_users"),
                      include_count=_flag(params, "include_count"))
            for g in self.groups.values() if include_disabled or not g.disabled
        ]}

    def _m_usergroups_users_list(self, params: dict[str, Any], token: Token
                                 ) -> dict[str, Any]:
        group = self._group_arg(params)
        if group.disabled and not _flag(params, "include_disabled"):
            raise SlackError("no_such_subteam")  # fake's choice: hidden like in usergroups.list
        return {"users": list(group.users)}

    def _m_usergroups_users_update(self, params: dict[str, Any], token: Token
                                   ) -> dict[str, Any]:
        group = self._group_arg(params)
        self._check_usergroup_write(token)
        ids = list(dict.fromkeys(_id_list(params.get("users"))))  # dedupe, keep order
        if not ids:  # docs: use usergroups.disable to empty a group
            raise SlackError("no_users_provided")
        for user_id in ids:
            user = self.users.get(user_id)
            # Fake's choice: a deactivated account is as unusable as an unknown id.
            if user is None or user.deleted:
                raise SlackError("invalid_users")
            if user.is_ultra_restricted:
                raise SlackError("single_channel_guests_cannot_be_added")
            if user.is_bot or user.is_restricted:  # docs: guests and bots -> invalid_user
                raise SlackError("invalid_user")
        # Updating a disabled group is allowed and leaves it disabled (docs are silent).
        group.users = ids
        self._touch(group, token)
        return {"usergroup": group.to_json()}

    def _m_usergroups_enable(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        # The docs list no already_enabled/already_disabled error: both calls are idempotent.
        group = self._group_arg(params)
        self._check_usergroup_write(token)
        group.date_delete, group.deleted_by = 0, None
        self._touch(group, token)
        return {"usergroup": group.to_json(include_count=_flag(params, "include_count"))}

    def _m_usergroups_disable(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        group = self._group_arg(params)
        self._check_usergroup_write(token)
        if not group.disabled:
            self._touch(group, token)
            group.date_delete, group.deleted_by = group.date_update, token.user_id
        return {"usergroup": group.to_json(include_count=_flag(params, "include_count"))}

    # -- conversations / chat ------------------------------------------------------------
    def _dm_with(self, user_id: str) -> Channel:
        user = self.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
        if user.is_bot:
            raise SlackError("cannot_dm_bot")
        for channel in self.channels.values():
            if channel.is_im and channel.members == {BOT_USER_ID, user_id}:
                return channel
        channel = Channel(self._new_id("D"), user_id, {BOT_USER_ID, user_id}, True, True)
        self.channels[channel.id] = channel
        return channel

    def _m_conversations_open(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        ids = _id_list(params.get("users"))
        if len(ids) != 1:  # multi-person DMs are not needed by the sync
            raise SlackError("fake_unsupported", detail="exactly one user, please")
        existed = any(c.is_im and ids[0] in c.members for c in self.channels.values())
        channel = self._dm_with(ids[0])
        extra = {"no_op": True, "already_open": True} if existed else {}
        return {"channel": {"id": channel.id}, **extra}

    def _resolve_channel(self, ref: str) -> Channel:
        """Slack accepts an id (C…/D…), a user id (posts to the DM) or a name with/without #."""
        if ref in self.channels:
            return self.channels[ref]
        if ref.startswith(("U", "W")) and ref in self.users:
            return self._dm_with(ref)
        name = ref.lstrip("#")
        for channel in self.channels.values():
            if not channel.is_im and channel.name == name:
                return channel
        raise SlackError("channel_not_found")

    def _m_chat_postMessage(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        ref = str(params.get("channel") or "")
        if not ref:
            raise SlackError("channel_not_found")
        channel = self._resolve_channel(ref)
        if token.user_id not in channel.members:
            if channel.is_private:  # private channels are invisible to non-members
                raise SlackError("channel_not_found")
            if "chat:write.public" not in token.scopes:
                raise SlackError("not_in_channel")
        text = str(params.get("text") or "")
        if not text and not params.get("blocks") and not params.get("attachments"):
            raise SlackError("no_text")
        n = next(self._ts)
        ts = f"{EPOCH + n // 1_000_000}.{n % 1_000_000:06d}"
        message = Message(channel.id, ts, text, token.user_id, dict(params))
        self.messages.append(message)
        return {"channel": channel.id, "ts": ts, "message": message.to_json()}

    # -- conversations: info / list / setTopic -------------------------------------------
    def _conversation_arg(self, params: dict[str, Any], token: Token, family: tuple[str, ...]
                          ) -> Channel:
        """An id only (names answer channel_not_found, as Slack does for these methods);
        private conversations the caller is not in are invisible; the caller's token must
        hold the scope of the channel's type (e.g. groups:read for a private channel)."""
        ref = str(params.get("channel") or "")
        if not ref:
            raise _missing("channel")
        channel = self.channels.get(ref)
        if channel is None or (channel.is_private and token.user_id not in channel.members):
            raise SlackError("channel_not_found")
        scope = next(s for s in family if s.startswith(channel.kind + ":"))
        if scope not in token.scopes:
            raise SlackError("missing_scope", needed=scope, provided=",".join(token.scopes))
        return channel

    def _m_conversations_info(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        channel = self._conversation_arg(params, token, CONVERSATION_READ)
        return {"channel": channel.to_json(token.user_id)}

    def _m_conversations_list(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        wanted = set(_id_list(params.get("types") or "public_channel"))
        unknown = wanted - {"public_channel", "private_channel", "mpim", "im"}
        if unknown:
            raise SlackError("invalid_types")
        kinds = {"public_channel": "channels", "private_channel": "groups", "im": "im"}
        visible = [c for c in sorted(self.channels.values(), key=lambda c: c.id)
                   if any(kinds.get(t) == c.kind for t in wanted)
                   and f"{c.kind}:read" in token.scopes
                   and (c.kind == "channels" or token.user_id in c.members)
                   and not (c.is_archived and _flag(params, "exclude_archived"))]
        limit = int(params.get("limit") or 0) or 100
        start = 0
        if cursor := params.get("cursor"):
            try:  # fake's cursor: base64 of "channel:<first id of the page>"
                first = base64.b64decode(str(cursor)).decode().removeprefix("channel:")
            except ValueError:
                raise SlackError("invalid_cursor") from None
            start = next((i for i, c in enumerate(visible) if c.id >= first), len(visible))
        page, rest = visible[start:start + limit], visible[start + limit:]
        next_cursor = base64.b64encode(f"channel:{rest[0].id}".encode()).decode() if rest else ""
        return {"channels": [c.to_json(token.user_id) for c in page],
                "response_metadata": {"next_cursor": next_cursor}}

    def _m_conversations_setTopic(self, params: dict[str, Any], token: Token
                                  ) -> dict[str, Any]:
        channel = self._conversation_arg(params, token, CONVERSATION_TOPIC)
        if "topic" not in params:
            raise _missing("topic")
        topic = str(params["topic"])
        if channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("is_archived")
        if token.user_id not in channel.members:
            raise SlackError("not_in_channel")
        if len(topic) > TOPIC_MAX:
            raise SlackError("too_long")
        channel.topic, channel.topic_creator = topic, token.user_id
        channel.topic_last_set = EPOCH + next(self._clock)
        # Slack posts the change into the channel (every member sees it), even when unchanged
        # (fake's choice: the docs do not say whether an identical topic is posted).
        n = next(self._ts)
        ts = f"{EPOCH + n // 1_000_000}.{n % 1_000_000:06d}"
        self.messages.append(Message(channel.id, ts, f"set the channel topic: {topic}",
                                     token.user_id, {"subtype": "channel_topic",
                                                     "topic": topic}))
        return {"channel": channel.to_json(token.user_id)}

    # -- Socket Mode, and the messages an app updates or shows to one person ---------------
    def _m_apps_connections_open(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        if not token.token.startswith("xapp-"):  # a bot or user token cannot open one
            raise SlackError("not_allowed_token_type")
        if self.socket is None:
            self.socket = SocketModeServer()
        return {"url": self.socket.new_url()}

    def _m_chat_update(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        channel = self._resolve_channel(str(params.get("channel") or ""))
        ts = str(params.get("ts") or "")
        message = next((m for m in self.messages if m.channel == channel.id and m.ts == ts),
                       None)
        if message is None:
            raise SlackError("message_not_found")
        if message.user != token.user_id:
            raise SlackError("cant_update_message")
        if not params.get("text") and not params.get("blocks"):
            raise SlackError("no_text")
        message.text = str(params.get("text") or "")
        message.params = {**message.params, **params}
        return {"channel": channel.id, "ts": ts, "text": message.text,
                "message": message.to_json()}

    def _m_chat_postEphemeral(self, params: dict[str, Any], token: Token) -> dict[str, Any]:
        channel = self._resolve_channel(str(params.get("channel") or ""))
        user = self.users.get(str(params.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        if not channel.is_im and user.id not in channel.members:
            raise SlackError("user_not_in_channel")
        if not params.get("text") and not params.get("blocks"):
            raise SlackError("no_text")
        n = next(self._ts)
        ts = f"{EPOCH + n // 1_000_000}.{n % 1_000_000:06d}"
        self.ephemerals.append(Message(channel.id, ts, str(params.get("text") or ""),
                                       token.user_id, dict(params)))
        return {"message_ts": ts}
