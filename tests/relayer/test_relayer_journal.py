"""The journal on SQLite and PostgreSQL: made idempotently with its version, one live request per
signer and nonce, a refused request frees its nonce and refuses the signer's later ones, a
transaction that failed as a whole requeues its requests until they have had their chances."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from indexer.db import make_engine
from relayer import journal as j
from relayer.reasons import reason

SIGNER = "0x" + "a1" * 20
TARGET = "0x" + "b2" * 20


def new(nonce: int, signature: bytes = b"\x01" * 65, signer: str = SIGNER) -> j.NewRequest:
    return j.NewRequest(
        signer=signer,
        nonce=nonce,
        target=TARGET,
        function="pay",
        data=b"\x12\x34",
        gas=80_000,
        deadline=2**40,
        signature=signature,
        role="citizen",
        estimate_wei=1_000,
    )


@pytest.fixture
def journal(database_url: str) -> j.Journal:
    engine = make_engine(database_url)
    j.create(engine)
    return j.Journal(engine)


def test_create_is_idempotent_concurrent_and_versioned(database_url: str) -> None:
    engine = make_engine(database_url)
    errors: list[BaseException] = []

    def make() -> None:
        try:
            j.create(make_engine(database_url))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=make) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    j.create(engine)
    assert j.version(engine) == j.SCHEMA_VERSION
    with engine.connect() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(j.schema_version)).scalar() == 1
        tables = set(sa.inspect(db).get_table_names())
    assert {t.name for t in j.metadata.sorted_tables} <= tables
    with engine.begin() as db:
        db.execute(j.schema_version.update().values(version=j.SCHEMA_VERSION + 1))
    with pytest.raises(j.JournalVersionError, match="journal version"):
        j.create(engine)


def test_one_live_request_per_signer_and_nonce(journal: j.Journal) -> None:
    first, created = journal.accept(new(0))
    assert created and first.state == j.ACCEPTED and first.live_nonce == 0
    again, created = journal.accept(new(0))
    assert not created and again.id == first.id
    with pytest.raises(j.Replayed):
        journal.accept(new(0, signature=b"\x02" * 65))
    # Another signer's nonce 0 is theirs.
    other, created = journal.accept(new(0, signer="0x" + "c3" * 20))
    assert created and other.id != first.id
    assert journal.next_nonce(SIGNER) == 1


def test_a_refused_request_frees_its_nonce_and_refuses_the_later_ones(journal: j.Journal) -> None:
    first, _ = journal.accept(new(4))
    later, _ = journal.accept(new(5))
    journal.refuse([first.id], reason("expired"))
    refused = journal.get(first.id)
    assert refused is not None and refused.state == j.REFUSED and refused.live_nonce is None
    assert refused.reason is not None and refused.reason.code == "expired"
    cascaded = journal.get(later.id)
    assert cascaded is not None and cascaded.state == j.REFUSED
    assert cascaded.reason is not None and cascaded.reason.code == "earlier_failed"
    assert journal.next_nonce(SIGNER) is None
    # Nonce 4 may be signed anew.
    fresh, created = journal.accept(new(4, signature=b"\x03" * 65))
    assert created and fresh.id != first.id
    # The refused do not count against the quota; the fresh one does.
    assert journal.count_today(SIGNER, fresh.day) == 1


def tx_for(requests: list[j.Request], nonce: int, hash_: str) -> j.Transaction:
    return j.Transaction(
        hash=hash_,
        relayer="0x" + "d4" * 20,
        nonce=nonce,
        raw=b"raw",
        gas_limit=100_000,
        max_fee_per_gas=2,
        max_priority_fee_per_gas=1,
        request_ids=[r.id for r in requests],
        state=j.TX_SIGNED,
        created_at=0.0,
        sent_at=None,
        block_number=None,
        block_hash=None,
        fee_wei=None,
    )


def test_a_transaction_that_failed_as_a_whole_requeues_until_the_last_attempt(
    journal: j.Journal,
) -> None:
    request, _ = journal.accept(new(0))
    for attempt in range(1, j.MAX_ATTEMPTS + 1):
        tx = tx_for([request], attempt, f"0x{attempt:064x}")
        assert journal.journal_transaction(tx)
        assert journal.get(request.id).state == j.SENT  # type: ignore[union-attr]
        assert not journal.journal_transaction(tx_for([request], 99, "0x" + "9" * 64))
        journal.requeue(tx)
    done = journal.get(request.id)
    assert done is not None and done.state == j.REFUSED and done.attempts == j.MAX_ATTEMPTS
    assert done.reason is not None and done.reason.code == "not_sent"
    assert {t.state for t in journal.transactions()} == {j.TX_DROPPED}


def test_mined_confirmed_and_unmined_keep_spending_right(journal: j.Journal) -> None:
    ok, _ = journal.accept(new(0))
    bad, _ = journal.accept(new(1))
    tx = tx_for([ok, bad], 0, "0x" + "e5" * 32)
    assert journal.journal_transaction(tx)
    journal.broadcast(tx.hash)
    journal.record_mined(
        tx,
        7,
        "0x" + "f6" * 32,
        50_000,
        123_456,
        {
            ok.id: j.Outcome(j.MINED),
            bad.id: j.Outcome(j.FAILED, reason("replayed"), nonce_used=False),
        },
    )
    day = journal.get(ok.id).day  # type: ignore[union-attr]
    assert journal.spent(day) == 123_456
    assert journal.get(bad.id).live_nonce is None  # type: ignore[union-attr]
    (mined,) = journal.mined()
    journal.unmine(mined)
    assert journal.spent(day) == 0
    assert {r.state for r in journal.many([ok.id, bad.id])} == {j.SENT}
    (pending,) = journal.pending()
    journal.record_mined(pending, 8, "0x" + "a7" * 32, 50_000, 100, {ok.id: j.Outcome(j.MINED)})
    (mined,) = journal.mined()
    journal.confirm(mined)
    assert journal.get(ok.id).state == j.CONFIRMED  # type: ignore[union-attr]
    assert journal.spent(day) == 100
    totals = journal.totals()
    assert totals["confirmed"] == 1 and totals["fees_wei"] == 100 and totals["accepted"] == 2
