"""Rotations as all-day events on a shared Google Calendar (google-api-python-client).

It behaves like the ICS backend (`calendar_ics.py`) and passes the same contract suite; what
it adds is what the real API needs:

- Ownership. Our events carry `extendedProperties.private` {"rotation-sync": namespace,
  "rotation-sync-key": rotation start}. Reading is one paged `events.list` filtered on that
  property, so events anyone else put on the calendar are never read, changed or deleted.
- Idempotence. Event ids are derived from the namespace and the rotation's start, so a
  retried or repeated insert answers 409 instead of creating a duplicate. A 409 is answered
  with a patch that sets `status: confirmed` and our fields: the same call both restores an
  event deleted by hand (Google keeps it as `cancelled`) and re-adopts one whose marker was
  edited away.
- Few requests. Writes go through batch requests of at most 50 calls; a no-op sync is one
  list request per 2,500 events and no write.
- Resilience. Every request goes through the retry policy of `sync.clients.retry` with a 30 s
  socket timeout. Inside a batch only the calls that failed transiently are sent again.

Scope: https://www.googleapis.com/auth/calendar.events (events only, no calendar settings or
sharing). A service account can invite attendees only through domain-wide delegation, so
`attendees = true` with a service account needs `impersonate`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlsplit

import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from sync.clients import retry
from sync.clients.google import account_email, classify, credentials, is_service_account
from sync.clients.retry import DEFAULT_POLICY, RetryPolicy, with_retry
from sync.core.diff.plan import Change, TargetPlan, diff
from sync.core.lived.clock import Clock
from sync.errors import ConfigError, TargetError
from sync.targets.base import Snapshot, snapshot_of
from sync.targets.calendar.events import (
    OWNER_KEY,
    comparable,
    event_body,
    event_id_for,
    hand_edits,
    index_events,
    patch_body,
    to_state,
)
from sync.targets.calendar.model import CalendarTarget, EventSettings

if TYPE_CHECKING:  # the settings module builds this backend; only its type is needed here
    from sync.targets.calendar.settings import GoogleCalendar as CalendarSection

log = logging.getLogger(__name__)
T = TypeVar("T")

SCOPE = "https://www.googleapis.com/auth/calendar.events"
PAGE_SIZE = 2500  # the API's largest page: a no-op sync of 5,000 rotations is 2 requests
BATCH_SIZE = 50  # Google allows 1,000 calls per batch; 50 keeps one failed batch cheap
TIMEOUT_SECONDS = 30.0
GONE = {404, 410}  # deleting what is already deleted is fine
ACCESS_REASONS = {"requiredAccessLevel", "forbidden", "insufficientPermissions", "authError"}


class GoogleCalendar(CalendarTarget):
    def __init__(self, settings: EventSettings, section: CalendarSection,
                 policy: RetryPolicy | None = None, creds: Any = None) -> None:
        """`creds`: the run's one Google credential when shared with the Sheets source."""
        super().__init__(settings)
        self.calendar_id = section.calendar_id
        self.namespace = section.namespace
        self.send_updates = section.send_updates
        self.policy = policy or DEFAULT_POLICY
        creds = creds or credentials([SCOPE], section.impersonate)
        check_can_invite(settings, creds, section.impersonate)
        self.account = section.impersonate or account_email(creds)
        self.endpoint = checked_endpoint(section.calendar_endpoint)
        self.batch_uri = batch_uri(self.endpoint)
        self.events = build_service(creds, self.endpoint).events()

    # -- reading -------------------------------------------------------------------------
    def read(self) -> EventsSnapshot:
        found = index_events(self.list_owned(), self.namespace)
        return EventsSnapshot({key: to_state(event) for key, event in found.items()}, raw=found)

    def list_owned(self) -> list[dict[str, Any]]:
        """Every event of our namespace, following nextPageToken (pages may even be empty)."""
        events: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request = self.events.list(
                calendarId=self.calendar_id, pageToken=token, maxResults=PAGE_SIZE,
                privateExtendedProperty=f"{OWNER_KEY}={self.namespace}", showDeleted=False)
            page = self.call(request.execute, "reading the events")
            events += page.get("items", [])
            token = page.get("nextPageToken")
            if not token:
                return events

    def diff(self, desired: Mapping[str, Any], snapshot: Snapshot,
             clock: Clock) -> list[Change]:
        """Compare what Google keeps as we sent it (it may drop attendees' names or change
        the case of their emails, which must not make every run an update), and repair what
        an EventState does not hold: a time or "busy" set on the event by hand."""
        raw = snapshot.raw if isinstance(snapshot, EventsSnapshot) else {}
        changes = diff({key: comparable(state) for key, state in desired.items()},
                       {key: comparable(state) for key, state in snapshot.items()})
        changed = {change.key for change in changes}
        for key in sorted(desired.keys() & snapshot.keys() - changed):
            edits = hand_edits(raw.get(key, {}))
            if edits:
                changes.append(Change("update", key, f"update {desired[key].describe()}: "
                                      + "; ".join(edits), snapshot[key], desired[key]))
        return sorted(changes, key=lambda change: change.key)

    # -- writing -------------------------------------------------------------------------
    def apply(self, plan: TargetPlan) -> list[str]:
        raw = snapshot_of(plan, EventsSnapshot).raw
        writes = [self.write_for(change, plan, raw.get(change.key)) for change in plan.changes]
        failures = self.send_all(writes)
        if failures:
            raise TargetError(self.summarise(failures, len(writes)))
        return []

    def write_for(self, change: Change, plan: TargetPlan,
                  found: Mapping[str, Any] | None) -> Write:
        event_id = found["id"] if found else event_id_for(self.namespace, change.key)
        if change.action == "delete":
            return Write(change.key, "delete", event_id)
        body = event_body(plan.desired[change.key], self.namespace, change.key)
        if change.action == "create":
            return Write(change.key, "insert", event_id, body)
        return Write(change.key, "patch", event_id, patch_body(body, found))

    def send_all(self, writes: Iterable[Write]) -> list[tuple[Write, Exception]]:
        """Send `writes` in batches; re-queue only the calls that failed transiently.

        A 409 on an insert queues the patch that restores the event; transient failures wait
        out the policy's backoff (or the longest Retry-After) once per round, up to the
        policy's attempts and total wait. Returns the calls that failed for good.
        """
        queue, failures, waited = deque(writes), [], 0.0
        while queue:
            chunk = [queue.popleft() for _ in range(min(BATCH_SIZE, len(queue)))]
            follow_ups, retries, failed = self.sort_out(chunk, self.send_batch(chunk))
            queue.extend(follow_ups)
            failures += failed
            delay = self.backoff(retries)
            if waited + delay > self.policy.max_total:
                failures += retries
                continue
            if retries:
                log.info("Google Calendar: %d calls failed for now; retrying them in %.1f s",
                         len(retries), delay)
                retry.sleep(delay)
                waited += delay
                queue.extend(write for write, _ in retries)
        return failures

    def sort_out(self, chunk: list[Write], outcomes: Mapping[str, Exception | None]
                 ) -> tuple[list[Write], list[tuple[Write, Exception]],
                            list[tuple[Write, Exception]]]:
        """A batch's calls that need more: follow-ups to send next, calls to retry after a
        wait (with their error), and failures to report."""
        follow_ups, retries, failures = [], [], []
        for write in chunk:
            error = outcomes.get(write.key)
            step = None if error is None else self.settle(write, error)
            if step is None or error is None:
                continue
            if isinstance(step, Exception):
                failures.append((write, step))
            elif step.attempt > write.attempt:
                retries.append((step, error))
            else:
                follow_ups.append(step)
        return follow_ups, retries, failures

    def settle(self, write: Write, error: Exception) -> Write | Exception | None:
        """What follows a failed call: nothing (it is done after all), another call (a
        follow-up, or the same call again), or the failure to report."""
        status = getattr(error, "status_code", None)
        if write.action == "insert" and status == 409:
            assert write.body is not None
            return Write(write.key, "patch", write.event_id, patch_body(write.body, None))
        if write.action == "delete" and status in GONE:
            return None
        if classify(error).retry and write.attempt + 1 < self.policy.attempts:
            return replace(write, attempt=write.attempt + 1)
        return error

    def backoff(self, retries: list[tuple[Write, Exception]]) -> float:
        """One wait per round: the policy's backoff, or the longest Retry-After asked for."""
        if not retries:
            return 0.0
        attempt = max(write.attempt for write, _ in retries) - 1
        asked = [after for _, error in retries
                 if (after := classify(error).retry_after) is not None]
        return self.policy.delay(attempt, max(asked) if asked else None)

    def send_batch(self, chunk: list[Write]) -> dict[str, Exception | None]:
        """One batch request; the outcome of each call by key.

        A batch that fails as a whole (5xx, a dropped connection) is sent again as a whole:
        that is safe because every call in it is idempotent (inserts carry fixed ids, patches
        set absolute values, deleting a deleted event answers 410). Calls are numbered inside
        the batch: keys can be long, and a folded Content-ID header would not parse back.
        """
        def send() -> dict[str, Exception | None]:
            outcomes: dict[str, Exception | None] = {}

            def record(number: str, _response: Any, error: Exception | None) -> None:
                outcomes[chunk[int(number)].key] = error

            batch = BatchHttpRequest(callback=record, batch_uri=self.batch_uri)
            for number, write in enumerate(chunk):
                batch.add(self.request(write), request_id=str(number))
            batch.execute()
            return outcomes

        return self.call(send, f"writing {len(chunk)} changes")

    def request(self, write: Write) -> Any:
        common = {"calendarId": self.calendar_id, "sendUpdates": self.send_updates}
        if write.action == "insert":
            return self.events.insert(body={**(write.body or {}), "id": write.event_id},
                                      **common)
        if write.action == "patch":
            return self.events.patch(eventId=write.event_id, body=write.body, **common)
        return self.events.delete(eventId=write.event_id, **common)

    # -- errors --------------------------------------------------------------------------
    def call(self, send: Callable[[], T], what: str) -> T:
        try:
            return with_retry(send, classify, f"Google Calendar at {self.endpoint}: {what}",
                              self.policy)
        except Exception as error:
            raise TargetError(f"Google Calendar failed while {what}: "
                              f"{self.explain(error)}") from error

    def explain(self, error: Exception) -> str:
        """What went wrong, and what an admin can do about it."""
        status = getattr(error, "status_code", None)
        reasons = error_reasons(error)
        text = str(error)
        if "unauthorized_client" in text:
            return (f"Google refused to let the service account act as {self.account} "
                    "(unauthorized_client): in the Google Workspace admin console, under "
                    "Security > API controls > Domain-wide delegation, allow the service "
                    f"account's client ID the scope {SCOPE}.")
        if "invalid_grant" in text:
            return ("Google rejected the service-account key in GOOGLE_APPLICATION_CREDENTIALS "
                    "(invalid_grant): the key may have been deleted or the account disabled; "
                    "create a new key.")
        if "forbiddenForServiceAccounts" in reasons:
            return (f"{self.account} is a service account and may not invite attendees: "
                    "set [calendar] impersonate to a Workspace user (domain-wide delegation) "
                    "or set attendees = false.")
        if status == 404 and "notFound" in reasons:
            return (f"the calendar {self.calendar_id} does not exist or is not shared with "
                    f"{self.account}: share it with {self.account} (permission \"Make "
                    "changes to events\"), or fix [calendar] calendar_id.")
        if status == 401 or reasons & ACCESS_REASONS:
            return (f"{self.account} may not change events on {self.calendar_id} "
                    f"({status} {describe(error)}): share the calendar with it with the "
                    "permission \"Make changes to events\".")
        if status is not None:
            still = " (still failing after retries; the next run tries again)" \
                if classify(error).retry else ""
            return f"{status} {describe(error)}{still}"
        return (f"{type(error).__name__}: {error} (endpoint {self.endpoint}; still failing "
                "after retries; the next run tries again; check [calendar] calendar_endpoint "
                "and the network)")

    def summarise(self, failures: list[tuple[Write, Exception]], total: int) -> str:
        shown = "; ".join(f"{write.key} ({write.action}): {self.explain(error)}"
                          for write, error in failures[:5])
        more = f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
        return (f"Google Calendar refused {len(failures)} of {total} changes (the others "
                f"were applied; the next run tries again): {shown}{more}")


@dataclass(frozen=True, kw_only=True)
class EventsSnapshot(Snapshot):
    """The owned events as states, and as Google returned them (ids, answers, hand edits)."""

    raw: Mapping[str, dict[str, Any]]


@dataclass(frozen=True)
class Write:
    """One call to make: insert, patch or delete one event."""

    key: str
    action: Literal["insert", "patch", "delete"]
    event_id: str
    body: dict[str, Any] | None = None
    attempt: int = 0


# -- set-up --------------------------------------------------------------------------------
def check_can_invite(settings: EventSettings, creds: Any, impersonate: str | None) -> None:
    """Refuse, before any write, a config Google would refuse on the first insert."""
    if settings.attendees and impersonate is None and is_service_account(creds):
        raise ConfigError(
            f"[calendar] attendees = true, but {account_email(creds)} is a service account, "
            "and Google lets a service account invite attendees only through domain-wide "
            "delegation. Either set [calendar] impersonate to a Workspace user (domain-wide "
            "delegation, see the README) or set attendees = false.")


def checked_endpoint(endpoint: str) -> str:
    """The API root with a final slash, which the client needs to append paths to it."""
    if urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc:
        raise ConfigError(f"[calendar] calendar_endpoint {endpoint!r} is not a URL; use the "
                          "API root, e.g. https://www.googleapis.com/calendar/v3/.")
    return endpoint.rstrip("/") + "/"


def batch_uri(endpoint: str) -> str:
    """The batch endpoint beside a moved API root (the client's own batch ignores it)."""
    root = endpoint.rstrip("/")
    if root.endswith("/calendar/v3"):
        return root.removesuffix("calendar/v3") + "batch/calendar/v3"
    parts = urlsplit(root)
    return f"{parts.scheme}://{parts.netloc}/batch/calendar/v3"


def build_service(creds: Any, endpoint: str) -> Any:
    """The Calendar v3 client from the discovery document shipped in the library (no
    network), on an httplib2 connection with a socket timeout."""
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=TIMEOUT_SECONDS))
    return build("calendar", "v3", http=http, static_discovery=True, cache_discovery=False,
                 client_options={"api_endpoint": endpoint})


def error_reasons(error: Exception) -> set[str]:
    details = getattr(error, "error_details", None)
    if isinstance(details, list):
        return {str(item.get("reason")) for item in details if isinstance(item, dict)}
    return set()


def describe(error: Exception) -> str:
    if isinstance(error, HttpError):
        reasons = ", ".join(sorted(error_reasons(error)))
        return f"{error.reason}" + (f" ({reasons})" if reasons else "")
    return str(error)
