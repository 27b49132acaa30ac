"""Rows of the indexer's tables (indexer/schema.py) written by hand, for the tests that work
figures out from a seeded history instead of a chain: the engagement, liveability, statistics
and reports tests.

Each helper writes one row with what those tests need and the indexer's own defaults for the
rest; a test passes only what its hand-worked answers depend on. The history rows (reviews,
payments) take the position of their event as the block's number and log index 0, with the
block's hash as the transaction hash, so one block per event is enough.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from indexer import schema as s

ZERO_HASH = "0x" + "00" * 32
#: A wallet that stands for "someone": the task manager of the tasks, the reviewer of reviews.
SOMEONE = "0x" + "d" * 40


def block_hash(number: int) -> str:
    """A block's (made-up, distinct) hash: its number, as 32 bytes."""
    return "0x" + f"{number:064x}"


def add_citizen(db: Connection, citizen_id: int, wallet: str, neighbourhood: int) -> None:
    """An active citizen, registered in block 1."""
    db.execute(
        s.citizens.insert().values(
            citizen_id=citizen_id,
            wallet=wallet,
            neighbourhood=neighbourhood,
            active=True,
            registered_block=1,
            updated_block=1,
        )
    )


def move_citizen(
    db: Connection, citizen_id: int, old_wallet: str, new_wallet: str, *, log_index: int
) -> None:
    """A citizen moved to a new wallet (a new phone): the number stays. The move is recorded in
    block 1 at ``log_index`` (one the test's other block-1 events do not use)."""
    db.execute(
        s.citizens.update().where(s.citizens.c.citizen_id == citizen_id).values(wallet=new_wallet)
    )
    db.execute(
        s.citizen_moves.insert().values(
            block_number=1,
            log_index=log_index,
            tx_hash=ZERO_HASH,
            citizen_id=citizen_id,
            old_wallet=old_wallet,
            new_wallet=new_wallet,
            balance=0,
            registrar=SOMEONE,
        )
    )


def add_merchant(db: Connection, merchant_id: int, wallet: str, metadata_cid: str) -> None:
    """An active shop with its document at ``metadata_cid``."""
    db.execute(
        s.merchants.insert().values(
            merchant_id=merchant_id, wallet=wallet, metadata_cid=metadata_cid, active=True
        )
    )


def add_task(
    db: Connection,
    task_id: int,
    *,
    claim_deadline: int,
    neighbourhood: int = 1,
    reward: int = 500,
    slots: int = 50,
    slots_open: int = 10,
    claim_duration: int = 86_400,
    metadata_cid: str = "bafkreitask",
    task_manager: str = SOMEONE,
) -> None:
    """An open task as the indexer writes it once the chain has commissioned it (block 1)."""
    db.execute(
        s.tasks.insert().values(
            task_id=task_id,
            reward=reward,
            slots=slots,
            slots_open=slots_open,
            claim_deadline=claim_deadline,
            claim_duration=claim_duration,
            neighbourhood=neighbourhood,
            status=1,
            metadata_cid=metadata_cid,
            task_manager=task_manager,
            returned=0,
            commissioned_block=1,
            commissioned_tx=ZERO_HASH,
            updated_block=1,
        )
    )


def add_block(db: Connection, number: int, timestamp: int) -> None:
    """A block with WESH events in it, mined at ``timestamp`` (unix seconds)."""
    db.execute(
        s.blocks.insert().values(
            number=number,
            hash=block_hash(number),
            parent_hash=ZERO_HASH,
            timestamp=timestamp,
            has_events=True,
        )
    )


def add_review(
    db: Connection,
    block: int,
    *,
    task_id: int,
    citizen_id: int,
    amount: int,
    outcome: str = "approved",
    reviewer: str = SOMEONE,
) -> None:
    """A review of a citizen's claim on a task (``approved`` pays ``amount``), in ``block``."""
    db.execute(
        s.reviews.insert().values(
            block_number=block,
            log_index=0,
            tx_hash=block_hash(block),
            task_id=task_id,
            citizen_id=citizen_id,
            reviewer=reviewer,
            outcome=outcome,
            reason=0,
            expires_at=0,
            amount=amount,
        )
    )


def add_payment(
    db: Connection, block: int, *, payer: str, merchant: str, merchant_id: int, amount: int
) -> None:
    """A resident's payment at a shop (its wallet ``merchant``, its id ``merchant_id``)."""
    db.execute(
        s.payments.insert().values(
            block_number=block,
            log_index=0,
            tx_hash=block_hash(block),
            payer=payer,
            merchant=merchant,
            merchant_id=merchant_id,
            amount=amount,
        )
    )
