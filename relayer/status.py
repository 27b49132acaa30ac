"""What the relayer has and spends, for people: ``GET /relay/status`` (the city dashboard's budget
page), ``python -m relayer status`` and ``ape run relayer status``."""

from __future__ import annotations

import time
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from web3 import Web3

from relayer.journal import ACCEPTED, SENT, Journal, amsterdam_day
from relayer.settings import RelayerSettings

#: Days whose spending sets the rate ``days_left`` is counted at.
RATE_DAYS = 7


class RelayStatus(BaseModel):
    """Amounts in wei of the native token, as decimal strings (they exceed what a JavaScript
    number holds exactly)."""

    enabled: bool
    relayer: str
    #: The relayer account's balance (None: the node did not answer).
    balance_wei: str | None
    spent_today_wei: str
    budget_per_day_wei: str
    #: Spent over the last seven days (today included).
    spent_7_days_wei: str
    #: How many days the balance lasts at the last seven days' rate (None: nothing spent).
    days_left: float | None
    #: Requests accepted today (Europe/Amsterdam), by their state now.
    requests_today: dict[str, int]
    #: Requests waiting to be sent, and sent but not mined yet.
    queue: int
    in_flight: int
    last_sent_at: float | None
    last_sent_tx: str | None
    #: Whether the sender (``python -m relayer``) made a pass lately, and when it last did.
    sender_running: bool
    sender_seen_at: float | None


def status(
    settings: RelayerSettings, engine: Engine, w3: Web3, relayer: str, now: float | None = None
) -> RelayStatus:
    journal = Journal(engine)
    moment = time.time() if now is None else now
    today = amsterdam_day(moment)
    first = (date.fromisoformat(today) - timedelta(days=RATE_DAYS - 1)).isoformat()
    week = sum(journal.spent_since(first).values())
    try:
        balance: int | None = int(w3.eth.get_balance(Web3.to_checksum_address(relayer)))
    except Exception:  # the node does not answer: the rest still tells something
        balance = None
    override = journal.override("budget")
    budget = settings.budget_per_day_wei if override is None else override
    everything = journal.counts_by_state()
    last = journal.last_sent()
    seen = journal.sender_seen(relayer)
    days_left = None
    if balance is not None and week > 0:
        days_left = round(balance / (week / RATE_DAYS), 1)
    return RelayStatus(
        enabled=settings.enabled,
        relayer=Web3.to_checksum_address(relayer),
        balance_wei=None if balance is None else str(balance),
        spent_today_wei=str(journal.spent(today)),
        budget_per_day_wei=str(budget),
        spent_7_days_wei=str(week),
        days_left=days_left,
        requests_today=journal.counts_by_state(today),
        queue=everything[ACCEPTED],
        in_flight=everything[SENT],
        last_sent_at=last.sent_at if last else None,
        last_sent_tx=last.hash if last else None,
        sender_running=seen is not None and moment - seen <= settings.sender_timeout_s,
        sender_seen_at=seen,
    )
