"""The Slack Web API (slack_sdk), the one Slack client of the package: every call goes
through the one retry policy of `sync.clients.retry`, and Slack's error codes become
messages a workspace admin can act on. Used by the user group backend and the messenger.

Scopes the Slack app needs: usergroups:read (find the group), usergroups:write (set its
members, enable and disable it), users:read (who a member is), users:read.email (find
people by email, and read members' emails), chat:write (announcements and messages).
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.error import URLError

from sync.clients.retry import Retryable, parse_retry_after, with_retry
from sync.errors import TargetError

if TYPE_CHECKING:  # slack_sdk loads when a client is built (connect), not on import
    from slack_sdk.errors import SlackApiError

TIMEOUT_SECONDS = 30
TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired",
                "account_inactive"}
PLAN_ERRORS = {"paid_teams_only", "plan_upgrade_required"}
ADVICE = {
    "token": "the Slack token in SLACK_BOT_TOKEN was rejected ({code}); create or reinstall "
             "the Slack app's bot token and set SLACK_BOT_TOKEN to it.",
    "missing_scope": "the Slack app may not call {method}: add the {needed} scope to the "
                     "Slack app and reinstall it.",
    "plan": "this Slack workspace has no user groups ({code}): they need a paid Slack plan. "
            "Upgrade the workspace, or use [slack] kind = \"file\".",
    "permission_denied": "Slack refused to change @{handle} (permission_denied): a bot token "
                         "may manage user groups only when the workspace setting for who can "
                         "manage user groups is Everyone. Ask a workspace admin to change it, "
                         "or put an admin's user token (xoxp-) in SLACK_BOT_TOKEN.",
    "no_such_subteam": "the user group @{handle} no longer exists in this workspace; "
                       "create it in Slack (rotation-sync never creates groups).",
    "channel_not_found": "the channel {channel} does not exist or the Slack app cannot see "
                         "it; fix [slack] announce_channel (or [notify] channel), or invite "
                         "the app to the channel if it is private.",
    "not_in_channel": "the Slack app is not a member of {channel}; invite it to the channel "
                      "or add the chat:write.public scope to the app.",
    "is_archived": "the channel {channel} is archived; unarchive it or change "
                   "[slack] announce_channel (or [notify] channel).",
}


class SlackFailure(TargetError):
    """A Slack call that failed after retries; `unconfirmed` when Slack may have done it."""

    def __init__(self, message: str, code: str, unconfirmed: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.unconfirmed = unconfirmed


# -- the Web API, retried and translated ---------------------------------------------------
class SlackApi:
    """The few Web API methods the sync uses, each retried and translated for an admin."""

    def __init__(self, client: Any, api_url: str, handle: str) -> None:
        self.client = client
        self.context = {"api_url": api_url, "handle": handle}

    @classmethod
    def connect(cls, token: str, api_url: str, handle: str) -> SlackApi:
        """A client on `token`; `handle` (the user group) is named in error advice."""
        from slack_sdk import WebClient

        client = WebClient(token=token, base_url=api_url, timeout=TIMEOUT_SECONDS,
                           retry_handlers=[])  # sync.clients.retry is the one retry policy
        return cls(client, api_url, handle)

    def call(self, method: str, classify: Callable[[Exception], Retryable] | None = None,
             **params: Any) -> Mapping[str, Any]:
        send = getattr(self.client, method.replace(".", "_"))
        try:
            response = with_retry(lambda: send(**params), classify or transient,
                                  f"Slack {method} at {self.context['api_url']}")
        except Exception as error:
            context = {**self.context, "channel": str(params.get("channel") or "")}
            raise translate(error, method, context) from error
        return response.data if isinstance(response.data, Mapping) else {}

    def find(self, method: str, absent: str, **params: Any) -> Mapping[str, Any] | None:
        """A lookup where Slack's `absent` error code means "nobody": None, not a failure."""
        try:
            return self.call(method, **params)
        except SlackFailure as failure:
            if failure.code == absent:
                return None
            raise


def slack_answered(error: Exception) -> TypeGuard[SlackApiError]:
    """An error Slack answered with (not a dropped connection). Only a client's call raises
    one, so slack_sdk is already loaded when this is asked."""
    from slack_sdk.errors import SlackApiError

    return isinstance(error, SlackApiError)


def transient(error: Exception) -> Retryable:
    """Rate limits (after Retry-After), server errors and dropped connections are retried."""
    if slack_answered(error):
        status = error.response.status_code
        if status == 429:
            return Retryable(True, parse_retry_after(header(error, "Retry-After")))
        return Retryable(status >= 500)
    return Retryable(isinstance(error, (URLError, ConnectionError, TimeoutError,
                                        http.client.HTTPException)))


def never_sent(error: Exception) -> Retryable:
    """For a message: retry only when Slack surely did not post it, so it is never posted
    twice. A 429 is refused before processing; a refused connection never reached Slack.
    A 5xx or a dropped connection may have posted it, so those are not retried."""
    if slack_answered(error):
        return transient(error) if error.response.status_code == 429 else Retryable(False)
    reason = error.reason if isinstance(error, URLError) else error
    return Retryable(isinstance(reason, (ConnectionRefusedError, socket.gaierror)))


def header(error: SlackApiError, name: str) -> str | None:
    headers = error.response.headers or {}
    return next((str(v) for k, v in headers.items() if k.lower() == name.lower()), None)


def translate(error: Exception, method: str, context: Mapping[str, str]) -> SlackFailure:
    """Slack's answer as a message a workspace admin can act on. Never includes the token."""
    if not slack_answered(error):
        sure = never_sent(error).retry
        return SlackFailure(f"[slack] could not reach Slack at {context['api_url']} for "
                            f"{method} ({type(error).__name__}), even after retrying; the "
                            "next run tries again. Check [slack] api_url and the network.",
                            "unreachable", unconfirmed=not sure)
    status, code = error.response.status_code, str(error.response.get("error") or "")
    if status == 429:
        return SlackFailure(f"[slack] Slack kept rate-limiting {method}, even after waiting "
                            "as asked; the next run tries again.", "ratelimited")
    if status >= 500:
        return SlackFailure(f"[slack] Slack answered HTTP {status} to {method}, even after "
                            "retrying; the next run tries again.", f"http_{status}",
                            unconfirmed=True)
    return SlackFailure("[slack] " + advice(code, method, error, context), code)


def advice(code: str, method: str, error: SlackApiError, context: Mapping[str, str]) -> str:
    key = "token" if code in TOKEN_ERRORS else "plan" if code in PLAN_ERRORS else code
    if key not in ADVICE:
        return f"Slack refused {method} with the error {code or 'unknown'}."
    needed = str(error.response.get("needed") or "the missing")
    return ADVICE[key].format(code=code, method=method, needed=needed, **context)




def post_message(api: SlackApi, channel: str, text: str) -> None:
    """chat.postMessage, retried only when Slack surely did not post it."""
    api.call("chat.postMessage", never_sent, channel=channel, text=text, unfurl_links=False)


def slack_escape(text: str) -> str:
    """Slack reads <, > and & as markup; a roster cell must not become a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
