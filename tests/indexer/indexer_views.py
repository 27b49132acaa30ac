"""The contracts' own views, answered from the projections instead of the chain: how the tests
check the index against the contracts.

Each function returns what the matching view of ``wesh.contract.Wesh`` returns (``account()``,
``task()``, ``claim()``, ``ledger()``, ``caps()``, ``request()``), computed from the SQL
mirror; the tests compare the two after random action sequences. ``pending=True`` reads the
pending state (confirmed rows overlaid with the rows the unconfirmed blocks changed). (It was
``indexer/views.py``; only the tests used it, the API reads the tables itself.)
"""

from __future__ import annotations

from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import Table, and_, func, select
from sqlalchemy.engine import Connection

from indexer import schema
from wesh.calendar import Caps
from wesh.contract import (
    AccountView,
    CapsView,
    ClaimStatus,
    ClaimView,
    LedgerView,
    RequestStatus,
    RequestView,
    TaskStatus,
    TaskView,
)

ZERO = "0x" + "0" * 40


def _row(conn: Connection, table: Table, pending: bool, *conditions: Any) -> Any:
    if pending:
        twin = schema.pending(table)
        cond = [twin.c[c.left.name] == c.right for c in conditions]  # type: ignore[attr-defined]
        found = conn.execute(select(twin).where(and_(*cond))).mappings().first()
        if found is not None:
            return found
    return conn.execute(select(table).where(and_(*conditions))).mappings().first()


def account(
    conn: Connection, address: str, year: int, month: int, *, pending: bool = False
) -> AccountView:
    """``account(address)`` with the earnings of the Amsterdam (year, month) of 'now'."""
    address = address.lower()
    acc = _row(conn, schema.accounts, pending, schema.accounts.c.address == address)
    if acc is None:
        return AccountView(False, False, False, False, 0, 0, 0, 0, 0, 0, 0)
    active, neighbourhood, reserved, open_claims, earned_year, earned_month = (
        False,
        0,
        0,
        0,
        0,
        0,
    )
    holder = int(acc["holder_id"])
    if acc["is_citizen"]:
        cz = _row(conn, schema.citizens, pending, schema.citizens.c.citizen_id == holder)
        active, neighbourhood = bool(cz["active"]), int(cz["neighbourhood"])
        reserved, open_claims = int(cz["reserved"]), int(cz["open_claims"])
        earned_year, earned_month = earned(conn, holder, year, month, pending=pending)
    elif acc["is_merchant"]:
        mc = _row(conn, schema.merchants, pending, schema.merchants.c.merchant_id == holder)
        active = bool(mc["active"])
    return AccountView(
        is_citizen=bool(acc["is_citizen"]),
        is_merchant=bool(acc["is_merchant"]),
        active=active,
        moved=bool(acc["moved"]),
        id=holder,
        neighbourhood=neighbourhood,
        balance=int(acc["balance"]),
        earned_year=earned_year,
        earned_month=earned_month,
        reserved=reserved,
        open_claims=open_claims,
    )


def earned(
    conn: Connection, citizen_id: int, year: int, month: int, *, pending: bool = False
) -> tuple[int, int]:
    """(earned in ``year``, earned in ``month`` of it) for a citizen id."""
    by_month: dict[int, int] = {}
    tables = [schema.earnings] + ([schema.pending(schema.earnings)] if pending else [])
    for table in tables:
        for m, amount in conn.execute(
            select(table.c.month, table.c.amount).where(
                table.c.citizen_id == citizen_id, table.c.year == year
            )
        ):
            by_month[int(m)] = int(amount)
    return sum(by_month.values()), by_month.get(month, 0)


def task(conn: Connection, task_id: int, *, pending: bool = False) -> TaskView:
    row = _row(conn, schema.tasks, pending, schema.tasks.c.task_id == task_id)
    if row is None:
        return TaskView(0, 0, 0, 0, 0, 0, TaskStatus.NONE)
    return TaskView(
        reward=int(row["reward"]),
        slots=int(row["slots"]),
        slots_open=int(row["slots_open"]),
        claim_deadline=int(row["claim_deadline"]),
        claim_duration=int(row["claim_duration"]),
        neighbourhood=int(row["neighbourhood"]),
        status=TaskStatus(int(row["status"])),
    )


def claim(conn: Connection, task_id: int, citizen_id: int, *, pending: bool = False) -> ClaimView:
    c = schema.claims.c
    row = _row(conn, schema.claims, pending, c.task_id == task_id, c.citizen_id == citizen_id)
    if row is None:
        return ClaimView(ClaimStatus.NONE, 0, 0, 0, False, to_checksum_address(ZERO), 0)
    return ClaimView(
        status=ClaimStatus(int(row["status"])),
        expires_at=int(row["expires_at"]),
        reward=int(row["reward"]),
        reason=int(row["reason"]),
        appealed=bool(row["appealed"]),
        rejected_by=to_checksum_address(row["rejected_by"]),
        rejections=int(row["rejections"]),
    )


def _ledger_row(conn: Connection, pending: bool) -> Any:
    return _row(conn, schema.ledger, pending, schema.ledger.c.id == 1)


def ledger(conn: Connection, *, pending: bool = False) -> LedgerView:
    row = _ledger_row(conn, pending)
    if row is None:
        return LedgerView(0, 0, 0, 0, 0, 0, False)
    return LedgerView(
        total_supply=int(row["total_supply"]),
        total_minted=int(row["total_minted"]),
        total_burned=int(row["total_burned"]),
        escrow_locked=int(row["escrow_locked"]),
        budget_granted=int(row["budget_granted"]),
        budget_available=int(row["budget_available"]),
        paused=bool(row["paused"]),
    )


def caps(conn: Connection, year: int, *, pending: bool = False) -> CapsView:
    """``caps()`` as the contract answers it in ``year``."""
    row = _ledger_row(conn, pending)
    caps = Caps(
        int(row["cap_yearly"]),
        int(row["cap_monthly"]),
        int(row["cap_next_yearly"]),
        int(row["cap_next_monthly"]),
        int(row["cap_next_from_year"]),
    ).in_force(year)
    return CapsView(
        caps.yearly,
        caps.monthly,
        caps.next_yearly,
        caps.next_monthly,
        caps.next_from_year,
        int(row["max_open_claims"]),
    )


def counts(conn: Connection) -> tuple[int, int, int]:
    row = _ledger_row(conn, False)
    if row is None:
        return 0, 0, 0
    return int(row["citizens"]), int(row["merchants"]), int(row["tasks"])


def request(conn: Connection, redemption_id: int, *, pending: bool = False) -> RequestView:
    r = schema.redemptions.c
    row = _row(conn, schema.redemptions, pending, r.redemption_id == redemption_id)
    if row is None:
        return RequestView(to_checksum_address(ZERO), 0, RequestStatus.NONE)
    return RequestView(
        to_checksum_address(row["merchant"]), int(row["amount"]), RequestStatus(int(row["status"]))
    )


def redemption_totals(conn: Connection) -> tuple[int, int]:
    row = _ledger_row(conn, False)
    if row is None:
        return 0, 0
    return int(row["redemptions_requested"]), int(row["redemptions_paid"])


def roles_of(conn: Connection, account_address: str) -> int:
    value = conn.execute(
        select(func.coalesce(func.max(schema.roles.c.roles), 0)).where(
            schema.roles.c.account == account_address.lower()
        )
    ).scalar_one()
    return int(value)
