"""The residents' inbox and their push subscriptions, and the notifier that fills the inbox from
the indexer's tables and sends the pushes.

Where the items come from:

* a hand-in approved or rejected: each new row of the indexer's ``reviews`` (confirmed blocks
  only), read from a cursor (block, log index) that is committed in the same transaction as the
  items made from those rows;
* a claim about to run out: a claim that can still be handed in (claimed, or rejected but not
  finally) whose deadline falls within ``warn_before_s`` (a day); one item per claim and deadline
  (a rejection gives a new deadline, and with it a new warning).

Every item carries the event it came from as a unique ``source``: an item is made exactly once,
also when two notifiers run (several API workers) or one restarts. Items made while catching up
(the notifier's first run over an existing chain) go into the inbox without a push.

A push says only what happened, in the subscription's language, and links to the inbox: no task,
no amount, no name, no place (a lock screen is read by others too)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from api.errors import Forbidden, InvalidInput
from api.notifications.push import Pusher, Subscription
from api.notifications.schemas import InboxItem, InboxOut
from api.tables import notifications, notify_cursor, push_subscriptions, task_meta
from api.tasks.texts import TaskTexts
from indexer import schema as s
from wesh.rules import MAX_REJECTIONS, ClaimStatus

log = logging.getLogger("wesh.api.notifications")

#: Items an inbox shows, newest first.
INBOX_SHOWN = 50
#: Review rows read per transaction.
BATCH = 500
#: A day before a claim's deadline the resident is warned.
WARN_BEFORE_S = 86_400
#: Where a push takes the resident.
INBOX_PATH = "/burger/berichten"

APPROVED, REJECTED, EXPIRING = "approved", "rejected", "expiring"
#: A resident's report of a spot became a task (``api.reports``, issue #16).
REPORT_TASK = "report_task"
KINDS = (APPROVED, REJECTED, EXPIRING, REPORT_TASK)
#: What a push says: one line, nothing personal.
PUSH_TEXTS: dict[str, tuple[str, str]] = {
    APPROVED: ("Je klus is goedgekeurd.", "Your task has been approved."),
    REJECTED: (
        "Je klus is afgekeurd. Kijk wat je nog kunt doen.",
        "Your task was not approved. See what you can still do.",
    ),
    EXPIRING: (
        "Je klus loopt binnenkort af. Lever je foto's op tijd in.",
        "Your task runs out soon. Hand in your photos in time.",
    ),
    REPORT_TASK: ("Jouw melding is een klus geworden.", "Your report has become a task."),
}
PUSH_TITLE = "WESH — 't Heerlens Heitje"
#: What stays 0 .. 2 in ``api_notifications.push``.
NO_PUSH, PUSH_DUE, PUSHED = 0, 1, 2
#: The push service says the subscription is gone.
GONE = frozenset({404, 410})
REVIEWS_CURSOR = "reviews"


def push_payload(kind: str, lang: str) -> bytes:
    """The JSON a service worker shows (web/sw.js): a title, one line, the inbox's path."""
    body = PUSH_TEXTS[kind][1 if lang == "en" else 0]
    return json.dumps(
        {"title": PUSH_TITLE, "body": body, "url": INBOX_PATH, "tag": kind}, ensure_ascii=False
    ).encode()


def citizen_of(db: Connection, wallet: str) -> int | None:
    """The citizen id of the wallet ``wallet`` is now, if any (the inbox follows a resident to a
    new phone: it is the citizen's, not the wallet's)."""
    found = db.execute(
        sa.select(s.citizens.c.citizen_id).where(s.citizens.c.wallet == wallet.lower())
    ).scalar()
    return int(found) if found is not None else None


@dataclass(frozen=True)
class PushConfig:
    """Whether Web Push is on: the VAPID public key browsers subscribe with (None: off)."""

    public_key: str | None
    #: Plain-http push endpoints are accepted only on the local development chain.
    allow_http: bool = False


class NotificationService:
    """The inbox (read, count, mark read) and the push subscriptions of signed-in residents."""

    def __init__(self, engine: Engine, push: PushConfig, texts: TaskTexts | None = None) -> None:
        self.engine = engine
        self.push = push
        #: The tasks' titles (cached from their documents) the inbox names.
        self.texts = texts

    # ------------------------------------------------------------------------------ inbox
    def _citizen(self, db: Connection, wallet: str) -> int:
        citizen = citizen_of(db, wallet)
        if citizen is None:
            raise Forbidden("not_a_citizen")
        return citizen

    def unread(self, wallet: str) -> int:
        with self.engine.connect() as db:
            citizen = self._citizen(db, wallet)
            return self._unread(db, citizen)

    @staticmethod
    def _unread(db: Connection, citizen: int) -> int:
        n = notifications.c
        query = sa.select(sa.func.count()).where(n.citizen_id == citizen, n.read_at.is_(None))
        return int(db.execute(query).scalar() or 0)

    def inbox(self, wallet: str) -> InboxOut:
        n, m = notifications.c, task_meta.c
        if self.texts is not None:
            self.texts.sync()
        with self.engine.connect() as db:
            citizen = self._citizen(db, wallet)
            rows = db.execute(
                sa.select(notifications, m.title_nl, m.title_en)
                .select_from(notifications.outerjoin(task_meta, m.task_id == n.task_id))
                .where(n.citizen_id == citizen)
                .order_by(n.id.desc())
                .limit(INBOX_SHOWN)
            ).all()
            unread = self._unread(db, citizen)
        items = [
            InboxItem(
                id=row.id,
                kind=row.kind,
                task_id=row.task_id,
                title_nl=row.title_nl or "",
                title_en=row.title_en or row.title_nl or "",
                reason=row.reason,
                amount=row.amount,
                deadline=row.deadline,
                created_at=row.created_at,
                read=row.read_at is not None,
            )
            for row in rows
        ]
        return InboxOut(unread=unread, items=items)

    def mark_read(self, wallet: str, up_to: int | None, now: int) -> int:
        """Marks the resident's items up to id ``up_to`` (all when None) read; the unread left."""
        n = notifications.c
        with self.engine.begin() as db:
            citizen = self._citizen(db, wallet)
            update = (
                notifications.update()
                .where(n.citizen_id == citizen, n.read_at.is_(None))
                .values(read_at=now)
            )
            if up_to is not None:
                update = update.where(n.id <= up_to)
            db.execute(update)
            return self._unread(db, citizen)

    # ------------------------------------------------------------------------ subscriptions
    def _check_endpoint(self, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        schemes = {"https", "http"} if self.push.allow_http else {"https"}
        if parts.scheme not in schemes or not parts.hostname:
            raise InvalidInput("push_endpoint_invalid", fields=["endpoint"])

    def subscribe(self, wallet: str, sub: Subscription, lang: str, now: int) -> None:
        """Keeps (or renews) a browser's subscription for the signed-in resident; a browser
        subscribed before for another account is now this one's."""
        self._check_endpoint(sub.endpoint)
        p = push_subscriptions.c
        with self.engine.begin() as db:
            self._citizen(db, wallet)
            db.execute(push_subscriptions.delete().where(p.endpoint == sub.endpoint))
            db.execute(
                push_subscriptions.insert().values(
                    endpoint=sub.endpoint,
                    wallet=wallet.lower(),
                    p256dh=sub.p256dh,
                    auth=sub.auth,
                    lang="en" if lang == "en" else "nl",
                    created_at=now,
                )
            )

    def unsubscribe(self, wallet: str, endpoint: str) -> bool:
        p = push_subscriptions.c
        with self.engine.begin() as db:
            result = db.execute(
                push_subscriptions.delete().where(
                    p.endpoint == endpoint, p.wallet == wallet.lower()
                )
            )
        return bool(result.rowcount)

    def subscribed(self, wallet: str) -> int:
        p = push_subscriptions.c
        with self.engine.connect() as db:
            query = sa.select(sa.func.count()).where(p.wallet == wallet.lower())
            return int(db.execute(query).scalar() or 0)


class Notifier:
    """Turns new rows of the indexer's tables into inbox items, exactly once, and pushes them.

    ``run_once`` does one round; ``start`` runs rounds every ``interval_s`` on a thread of the
    API process until ``stop``."""

    def __init__(
        self,
        engine: Engine,
        pusher: Pusher | None,
        *,
        clock: Callable[[], float] = time.time,
        warn_before_s: int = WARN_BEFORE_S,
        interval_s: float = 3.0,
        expiring_every_s: float = 30.0,
        feeders: tuple[Callable[[int], int], ...] = (),
    ) -> None:
        self.engine = engine
        self.pusher = pusher
        self.clock = clock
        self.warn_before_s = warn_before_s
        self.interval_s = interval_s
        self.expiring_every_s = expiring_every_s
        #: Other sources of items, each making its own exactly once (``api.reports``' link):
        #: called with the time on every round, each returns how many it made.
        self.feeders = feeders
        self._last_expiring = float("-inf")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------------ rounds
    def run_once(self) -> dict[str, int]:
        """One round: new reviews (and the feeders' items, counted with them), claims about to
        run out, pushes due. Counts of each."""
        made = self.reviews()
        fed = sum(feed(int(self.clock())) for feed in self.feeders)
        warned = 0
        if time.monotonic() - self._last_expiring >= self.expiring_every_s:
            warned = self.expiring()
            self._last_expiring = time.monotonic()
        pushed = self.push_due()
        return {"reviews": made + fed, "expiring": warned, "pushed": pushed}

    def reviews(self) -> int:
        """Inbox items for the reviews after the cursor, the cursor moved past them: one
        transaction per batch. A notifier that lost a race with another makes nothing."""
        total = 0
        while True:
            try:
                made, more = self._review_batch()
            except IntegrityError:
                log.info("another notifier made these items first")
                return total
            total += made
            if not more:
                return total

    def _review_batch(self) -> tuple[int, bool]:
        r, c = s.reviews.c, notify_cursor.c
        now = int(self.clock())
        with self.engine.begin() as db:
            cursor = db.execute(
                sa.select(c.block_number, c.log_index).where(c.name == REVIEWS_CURSOR)
            ).first()
            # The first run over an existing chain: what happened before goes into the inbox,
            # not to phones.
            push = PUSH_DUE if cursor is not None else NO_PUSH
            block, index = (cursor.block_number, cursor.log_index) if cursor else (-1, -1)
            rows = db.execute(
                sa.select(r.block_number, r.log_index, r.task_id, r.citizen_id, r.outcome)
                .add_columns(r.reason, r.expires_at, r.amount)
                .where(
                    sa.or_(
                        r.block_number > block,
                        sa.and_(r.block_number == block, r.log_index > index),
                    )
                )
                .order_by(r.block_number, r.log_index)
                .limit(BATCH)
            ).all()
            items = [
                {
                    "citizen_id": row.citizen_id,
                    "kind": APPROVED if row.outcome == "approved" else REJECTED,
                    "task_id": row.task_id,
                    "source": f"review:{row.block_number}:{row.log_index}",
                    "reason": row.reason if row.outcome != "approved" else 0,
                    "amount": row.amount if row.outcome == "approved" else 0,
                    "deadline": row.expires_at if row.outcome != "approved" else None,
                    "created_at": now,
                    "push": push,
                }
                for row in rows
            ]
            if rows:
                block, index = rows[-1].block_number, rows[-1].log_index
            # A cursor set back (a restored backup) makes nothing twice.
            known = (
                {
                    str(source)
                    for source in db.execute(
                        sa.select(notifications.c.source).where(
                            notifications.c.source.in_([item["source"] for item in items])
                        )
                    ).scalars()
                }
                if items
                else set()
            )
            items = [item for item in items if item["source"] not in known]
            if items:
                db.execute(notifications.insert(), items)
            if cursor is None:
                db.execute(
                    notify_cursor.insert().values(
                        name=REVIEWS_CURSOR, block_number=block, log_index=index
                    )
                )
            elif rows:
                db.execute(
                    notify_cursor.update()
                    .where(c.name == REVIEWS_CURSOR)
                    .values(block_number=block, log_index=index)
                )
        return len(items), len(rows) == BATCH

    def expiring(self) -> int:
        """An item for each claim that can still be handed in and whose deadline is within
        ``warn_before_s``, once per claim and deadline."""
        cl, n = s.claims.c, notifications.c
        now = int(self.clock())
        source = sa.literal("expiring:") + sa.cast(cl.task_id, sa.String) + sa.literal(":")
        source = source + sa.cast(cl.citizen_id, sa.String) + sa.literal(":")
        source = (source + sa.cast(cl.expires_at, sa.String)).label("source")
        query = (
            sa.select(cl.task_id, cl.citizen_id, cl.expires_at, source)
            .where(
                sa.or_(
                    cl.status == int(ClaimStatus.CLAIMED),
                    sa.and_(
                        cl.status == int(ClaimStatus.REJECTED),
                        cl.rejections < MAX_REJECTIONS,
                    ),
                ),
                cl.expires_at > now,
                cl.expires_at <= now + self.warn_before_s,
            )
            .where(~sa.exists().where(n.source == source))
        )
        try:
            with self.engine.begin() as db:
                rows = db.execute(query).all()
                if rows:
                    db.execute(
                        notifications.insert(),
                        [
                            {
                                "citizen_id": row.citizen_id,
                                "kind": EXPIRING,
                                "task_id": row.task_id,
                                "source": row.source,
                                "deadline": row.expires_at,
                                "created_at": now,
                                "push": PUSH_DUE,
                            }
                            for row in rows
                        ],
                    )
        except IntegrityError:
            log.info("another notifier made these warnings first")
            return 0
        return len(rows)

    def push_due(self) -> int:
        """Sends each item waiting for its push to every subscription of its resident's wallet;
        a subscription the push service says is gone (404, 410) is deleted. An item is marked
        pushed first (a second notifier skips it), so a crash in between loses a push rather
        than sending it twice; the item stays in the inbox either way."""
        n, p, cz = notifications.c, push_subscriptions.c, s.citizens.c
        with self.engine.connect() as db:
            due = db.execute(
                sa.select(n.id, n.kind, n.citizen_id).where(n.push == PUSH_DUE).order_by(n.id)
            ).all()
        sent = 0
        for item in due:
            with self.engine.begin() as db:
                claimed = db.execute(
                    notifications.update()
                    .where(n.id == item.id, n.push == PUSH_DUE)
                    .values(push=PUSHED)
                ).rowcount
                if not claimed:
                    continue
                subscriptions = db.execute(
                    sa.select(p.endpoint, p.p256dh, p.auth, p.lang)
                    .select_from(push_subscriptions.join(s.citizens, cz.wallet == p.wallet))
                    .where(cz.citizen_id == item.citizen_id)
                ).all()
            if self.pusher is None:
                continue
            for sub in subscriptions:
                status = self.pusher.send(
                    Subscription(sub.endpoint, sub.p256dh, sub.auth),
                    push_payload(item.kind, sub.lang),
                )
                if status in GONE:
                    with self.engine.begin() as db:
                        db.execute(push_subscriptions.delete().where(p.endpoint == sub.endpoint))
                    log.info("a push subscription is gone (%s): deleted", status)
                elif 200 <= status < 300:
                    sent += 1
        return sent

    # ------------------------------------------------------------------------------ thread
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the index not there yet, a database hiccup
                log.debug("notifier round failed; next round in %s s", self.interval_s)
            self._stop.wait(self.interval_s)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="notifier", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
