"""The relayer's sender: takes accepted requests from the journal and gets them mined.

One pass (``Sender.step``) does, in order:

1. **watch**: for every nonce of the relayer's account with a transaction not mined yet, look
   for a receipt of any attempt at it. Mined: the transaction and what became of each request
   (``ExecutedForwardRequest`` success or not, ``SkippedForwardRequest``, or the call's revert
   for a lone ``execute``) are journaled in one database transaction. A nonce the chain has used
   with none of the attempts: the requests wait again (the forwarder's nonces make sure none of
   them runs twice). Not mined: the node is given the journaled bytes again if it lost them.
   Mined transactions deep enough (the manifest's confirmation depth) are confirmed, after
   checking their block is still the chain's.
2. **replace**: a transaction not mined after ``replace_after_s`` whose fees no longer cover the
   base fee is signed again with the same nonce and fees at least 12.5% higher (EIP-1559).
3. **send**: the waiting requests of signers with nothing in flight, in each signer's nonce
   order from its nonce on chain, up to ``batch_max`` in one ``execute_batch`` (one alone:
   ``execute``), with an access list. The signed transaction is journaled *before* it is
   broadcast, and the relayer's nonce is the journal's next (or the chain's, if higher).

At start-up every journaled transaction not mined yet is broadcast again: a crash between
signing and sending loses nothing, and sending the same bytes twice is harmless.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from eth_account.signers.local import LocalAccount
from eth_account.typed_transactions import TypedTransaction
from eth_utils import event_abi_to_log_topic, to_checksum_address
from hexbytes import HexBytes
from sqlalchemy.engine import Engine
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError, TransactionNotFound
from web3.types import TxParams, TxReceipt

from relayer import reasons
from relayer.journal import (
    ACCEPTED,
    FAILED,
    MINED,
    TX_SIGNED,
    Journal,
    Outcome,
    Request,
    Transaction,
)
from relayer.settings import RelayerSettings
from wesh import forwarding
from wesh.contract import TxRequest, refusal_from

log = logging.getLogger("relayer")

#: A request is not sent when its deadline is this close (s): it would be skipped on chain.
DEADLINE_MARGIN_S = 3
#: Gas limit: the estimate and this much more (a state that changes before the block).
GAS_MARGIN = 1.25
#: A replacement offers at least this much more, in eighths (12.5%: what nodes require).
BUMP_EIGHTHS = 9
#: How often the sender tells the journal it is alive (s).
BEAT_S = 2.0
#: How often the node is asked whether it still has a pending transaction (s).
RECHECK_S = 5.0
#: The PostgreSQL advisory lock one sender holds ("WESHSEND").
SENDER_LOCK = 0x5745534853454E44


class AnotherSender(RuntimeError):
    """Another sender holds the journal of this database."""


@contextlib.contextmanager
def single_sender(engine: Engine, wait_s: float = 30.0) -> Iterator[None]:
    """Holds the one-sender lock of this database while the block runs: a PostgreSQL session
    lock, or an OS file lock beside the SQLite file. Both go with the process, also when it is
    killed, so a restarted sender gets it at once."""
    deadline = time.monotonic() + wait_s
    said = False

    def waiting() -> None:
        nonlocal said
        if not said:
            log.info("another sender holds this database's journal: waiting until it stops")
            said = True

    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            while not conn.execute(sa.select(sa.func.pg_try_advisory_lock(SENDER_LOCK))).scalar():
                conn.rollback()
                waiting()
                if time.monotonic() > deadline:
                    raise AnotherSender("another relayer sender is running on this database")
                time.sleep(0.05)
            conn.commit()
            yield
        finally:
            conn.close()
        return
    database = engine.url.database or "memory"
    with open(f"{database}.relayer.lock", "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waiting()
                if time.monotonic() > deadline:
                    raise AnotherSender(
                        "another relayer sender is running on this database"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Market:
    base_fee: int
    tip: int
    #: The chain's time (the later of the latest block's and this machine's).
    now: int

    def max_fee(self, cap: int) -> int:
        """The most per gas a new transaction offers: twice the base fee and the tip (room for
        six blocks of rising base fee), capped."""
        return min(cap, 2 * self.base_fee + self.tip)


def _bump(value: int) -> int:
    """``value`` plus 12.5%, rounded up."""
    return (value * BUMP_EIGHTHS + 7) // 8


class Sender:
    def __init__(
        self,
        settings: RelayerSettings,
        engine: Engine,
        w3: Web3,
        forwarder: Contract,
        account: LocalAccount,
        confirmations: int,
        clock: Any = time.time,
    ) -> None:
        self.settings = settings
        self.w3 = w3
        self.forwarder = forwarder
        self.account = account
        self.address = to_checksum_address(account.address)
        self.confirmations = confirmations
        self.journal = Journal(engine, clock)
        self.clock = clock
        self.chain_id = int(w3.eth.chain_id)
        self._started = clock()
        self._beaten = float("-inf")
        #: When each pending transaction was last looked for in the node (``_lost``).
        self._checked: dict[str, float] = {}
        self._events = {
            event_abi_to_log_topic(cast(Any, event.abi)): event
            for event in (
                forwarder.events.ExecutedForwardRequest(),
                forwarder.events.SkippedForwardRequest(),
            )
        }

    # --------------------------------------------------------------------- the loop
    def run(self, stop: threading.Event) -> None:
        """Sends until ``stop`` is set; a failing pass (the node or the database away) is
        logged and tried again, since the journal says where things are."""
        self.rebroadcast()
        backoff = 0.0
        try:
            while not stop.is_set():
                try:
                    self.beat()
                    busy = self.step()
                    backoff = 0.0
                except Exception as error:  # the journal makes every pass repeatable
                    backoff = min(5.0, backoff * 2 or 0.2)
                    log.warning(
                        "pass failed (%s: %s); again in %.1f s",
                        type(error).__name__,
                        error,
                        backoff,
                    )
                    busy = False
                stop.wait(backoff or (0 if busy else self.settings.poll_s))
        finally:
            try:
                self.journal.stopped(self.address, os.getpid())
            except Exception as error:  # the database is away: the heartbeat goes stale
                log.warning("could not record the stop: %s", error)

    def run_until_idle(self, stop: threading.Event) -> None:
        """Sends until nothing waits, is in flight or waits for confirmation (or ``stop``)."""
        self.rebroadcast()
        while not stop.is_set():
            self.beat()
            busy = self.step()
            if not busy and self.idle():
                return
            stop.wait(0 if busy else self.settings.poll_s)

    def beat(self) -> None:
        """Tells the API this sender is alive (at most every ``BEAT_S``)."""
        now = self.clock()
        if now - self._beaten >= BEAT_S:
            self.journal.beat(self.address, os.getpid(), self._started)
            self._beaten = now

    def idle(self) -> bool:
        return not (self.journal.waiting() or self.journal.pending() or self.journal.mined())

    def step(self) -> bool:
        """One pass; True if it did something (another pass follows at once)."""
        watched = self.watch()
        confirmed = self.confirm()
        market = self.market()
        replaced = self.replace(market)
        sent = self.send(market)
        return watched or confirmed or replaced or sent

    def market(self) -> Market:
        block = self.w3.eth.get_block("latest")
        tip = self.settings.priority_fee_wei
        if tip is None:
            try:
                tip = int(self.w3.eth.max_priority_fee)
            except Exception:  # a node without the method: 1 gwei
                tip = 10**9
        return Market(
            base_fee=int(block.get("baseFeePerGas", 0) or 0),
            tip=int(tip),
            now=max(int(block["timestamp"]), int(self.clock())),
        )

    # -------------------------------------------------------------------- broadcast
    def rebroadcast(self) -> None:
        """Gives the node every journaled transaction not mined yet (at start-up)."""
        pending = self.journal.pending()
        if pending:
            log.info(
                "broadcasting again %d journaled transaction(s) not mined yet (%d never sent)",
                len(pending),
                sum(tx.state == TX_SIGNED for tx in pending),
            )
        for tx in pending:
            self.broadcast(tx)

    def broadcast(self, tx: Transaction) -> bool:
        """Sends the journaled bytes; True if the node has them (now or before)."""
        try:
            self.w3.eth.send_raw_transaction(HexBytes(tx.raw))
        except Exception as error:  # the node's words differ; see below
            message = str(error).lower()
            known = "already known" in message or "already imported" in message
            if not known:
                # "nonce too low": mined or replaced (watch finds out); anything else (no
                # funds, node away): the bytes stay journaled and are sent again.
                log.info("broadcast of %s (nonce %d): %s", tx.hash, tx.nonce, error)
                return False
        self.journal.broadcast(tx.hash)
        return True

    # ------------------------------------------------------------------------ watch
    def watch(self) -> bool:
        pending = self.journal.pending()
        if not pending:
            return False
        used = int(self.w3.eth.get_transaction_count(self.address, "latest"))
        changed = False
        for nonce, attempts in _by_nonce(pending).items():
            mined = None
            for tx in attempts:
                receipt = self._receipt(tx.hash)
                if receipt is not None:
                    mined = (tx, receipt)
                    break
            if mined is not None:
                self.on_mined(*mined)
                changed = True
            elif nonce < used:
                # The chain used this nonce (read before the receipts) for none of ours.
                log.warning("relayer nonce %d was used by another transaction: requeued", nonce)
                self.journal.requeue(attempts[-1])
                changed = True
            else:
                for tx in attempts:
                    if tx.state == TX_SIGNED or self._lost(tx):
                        self.broadcast(tx)
        return changed

    def _receipt(self, tx_hash: str) -> TxReceipt | None:
        try:
            return self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
        except TransactionNotFound:
            return None

    def _lost(self, tx: Transaction) -> bool:
        """Whether the node no longer knows a transaction it took (a restart of the node, a
        pool that dropped it): asked at most every ``RECHECK_S`` per transaction."""
        now = self.clock()
        if now - self._checked.get(tx.hash, tx.sent_at or now) < RECHECK_S:
            return False
        self._checked[tx.hash] = now
        try:
            self.w3.eth.get_transaction(HexBytes(tx.hash))
            return False
        except TransactionNotFound:
            return True

    def on_mined(self, tx: Transaction, receipt: TxReceipt) -> None:
        requests = self.journal.many(tx.request_ids)
        block = int(receipt["blockNumber"])
        outcomes: dict[str, Outcome] = {}
        if receipt["status"] != 1:
            traced = self._trace(tx.hash)
            for request in requests:
                revert = traced.reason if traced and len(requests) == 1 else None
                if revert is None:
                    revert = self._replay(request, block, alone=len(requests) == 1)
                if revert is None:  # it would have gone through: out of gas or the like
                    outcomes[request.id] = Outcome(ACCEPTED, nonce_used=False)
                else:
                    outcomes[request.id] = Outcome(
                        FAILED, reasons.call_failed(revert), nonce_used=False
                    )
        elif len(tx.request_ids) == 1 and not self._forwarder_events(receipt):
            outcomes[requests[0].id] = Outcome(MINED)
        else:
            outcomes = self._batch_outcomes(tx, requests, receipt, block)
        fee = int(receipt["gasUsed"]) * int(receipt.get("effectiveGasPrice", 0) or 0)
        self.journal.record_mined(
            tx,
            block,
            HexBytes(receipt["blockHash"]).to_0x_hex(),
            int(receipt["gasUsed"]),
            fee,
            outcomes,
        )
        summary: dict[str, int] = {}
        for outcome in outcomes.values():
            summary[outcome.state] = summary.get(outcome.state, 0) + 1
        log.info(
            "mined %s (nonce %d) in block %d: %s, fee %d wei",
            tx.hash,
            tx.nonce,
            block,
            summary,
            fee,
        )

    def _forwarder_events(self, receipt: TxReceipt) -> list[Any]:
        """The forwarder's events of ``receipt``, in log order (one per request of a batch)."""
        found = []
        for entry in receipt["logs"]:
            if to_checksum_address(entry["address"]) != self.forwarder.address:
                continue
            event = self._events.get(bytes(entry["topics"][0])) if entry["topics"] else None
            if event is not None:
                found.append(event.process_log(entry))
        return found

    def _trace(self, tx_hash: str) -> Trace | None:
        """What each call the forwarder made in ``tx_hash`` answered (``debug_traceTransaction``
        with the call tracer; None where the node does not trace)."""
        try:
            answer = self.w3.provider.make_request(
                cast(Any, "debug_traceTransaction"), [tx_hash, {"tracer": "callTracer"}]
            )
        except Exception:  # a node without tracing: the replay says what it can
            return None
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, dict):
            return None
        calls = [
            _revert_of(call)
            for call in result.get("calls") or []
            if call.get("type") == "CALL" and int(str(call.get("to") or "0x0"), 16) > PRECOMPILES
        ]
        return Trace(reason=_revert_of(result), calls=calls)

    def _batch_outcomes(
        self, tx: Transaction, requests: list[Request], receipt: TxReceipt, block: int
    ) -> dict[str, Outcome]:
        events = self._forwarder_events(receipt)
        traced = (
            self._trace(tx.hash)
            if any(
                e["event"] == "ExecutedForwardRequest" and not e["args"]["success"] for e in events
            )
            else None
        )
        calls = iter(traced.calls if traced else [])
        if len(events) != len(requests):
            log.error(
                "transaction %s: %d forwarder events for %d requests",
                HexBytes(receipt["transactionHash"]).to_0x_hex(),
                len(events),
                len(requests),
            )
        outcomes: dict[str, Outcome] = {}
        for request, event in zip(requests, events, strict=False):
            if event["event"] == "SkippedForwardRequest":
                why = reasons.skipped(int(event["args"]["reason"]))
                outcomes[request.id] = Outcome(FAILED, why, nonce_used=False)
            elif event["args"]["success"]:
                next(calls, None)
                outcomes[request.id] = Outcome(MINED)
            else:
                revert = next(calls, None) or self._replay(request, block, alone=False)
                outcomes[request.id] = Outcome(
                    FAILED, reasons.call_failed(revert or "reverted without a reason")
                )
        return outcomes

    def _replay(self, request: Request, block: int, alone: bool) -> str | None:
        """Why ``request``'s call fails, asked of the state before ``block``: its revert string,
        or None if it would succeed there. ``alone``: as the whole ``execute`` (its signature
        and nonce checked too), else just the call the forwarder makes."""
        signer = to_checksum_address(request.signer)
        try:
            if alone:
                signed = forwarding.SignedRequest(_forward_request(request), request.signature)
                self.forwarder.functions.execute(*signed.arguments()).call(
                    {"from": self.address}, block_identifier=max(0, block - 1)
                )
            else:
                self.w3.eth.call(
                    cast(
                        TxParams,
                        {
                            "from": self.forwarder.address,
                            "to": to_checksum_address(request.target),
                            "data": HexBytes(request.data + bytes.fromhex(signer[2:])),
                        },
                    ),
                    block_identifier=max(0, block - 1),
                )
        except ContractLogicError as error:
            return refusal_from(error).reason
        except Exception as error:  # out of gas, node trouble: no reason known
            return f"{type(error).__name__}"
        return None

    def confirm(self) -> bool:
        mined = self.journal.mined()
        if not mined:
            return False
        head = int(self.w3.eth.block_number)
        changed = False
        for tx in mined:
            assert tx.block_number is not None
            if head - tx.block_number + 1 < max(1, self.confirmations):
                continue
            receipt = self._receipt(tx.hash)
            if receipt is None or HexBytes(receipt["blockHash"]).to_0x_hex() != tx.block_hash:
                log.warning(
                    "%s left block %d (a reorganisation): pending again", tx.hash, tx.block_number
                )
                self.journal.unmine(tx)
            else:
                self.journal.confirm(tx)
            changed = True
        return changed

    # ---------------------------------------------------------------------- replace
    def replace(self, market: Market) -> bool:
        """Signs again, with the same nonce and higher fees, what waited ``replace_after_s``
        while the base fee rose above what it offers."""
        now = self.clock()
        changed = False
        for nonce, attempts in _by_nonce(self.journal.pending()).items():
            latest = attempts[-1]
            since = latest.sent_at or latest.created_at
            if now - since < self.settings.replace_after_s:
                continue
            market_fee = market.max_fee(self.settings.max_fee_per_gas_wei)
            if market_fee <= latest.max_fee_per_gas:
                continue  # the base fee did not rise past it: not stuck on fees
            max_fee = max(_bump(latest.max_fee_per_gas), market_fee)
            tip = max(_bump(latest.max_priority_fee_per_gas), market.tip)
            if max_fee > self.settings.max_fee_per_gas_wei:
                log.warning(
                    "nonce %d waits: a replacement would offer more than the cap of %d wei/gas",
                    nonce,
                    self.settings.max_fee_per_gas_wei,
                )
                continue
            fields = _unsigned(latest.raw)
            fields.update(maxFeePerGas=max_fee, maxPriorityFeePerGas=min(tip, max_fee))
            replacement = self._sign(fields, latest.request_ids)
            if self.journal.journal_transaction(replacement, replacement=True):
                log.info(
                    "replaced %s by %s (nonce %d): max fee %d -> %d wei/gas",
                    latest.hash,
                    replacement.hash,
                    nonce,
                    latest.max_fee_per_gas,
                    max_fee,
                )
                self.broadcast(replacement)
                changed = True
        return changed

    # ------------------------------------------------------------------------- send
    def send(self, market: Market) -> bool:
        pending = self.journal.pending()
        if len(_by_nonce(pending)) >= self.settings.max_in_flight:
            return False
        waiting = self.journal.waiting()
        if not waiting:
            return False
        expired = [r.id for r in waiting if r.deadline < market.now + DEADLINE_MARGIN_S]
        if expired:
            self.journal.refuse(expired, reasons.reason("expired"))
            log.info("refused %d expired requests", len(expired))
            return True
        ready = self._ready(waiting)
        if not ready:
            return False
        oldest = min(r.created_at for r in ready)
        if (
            len(ready) < self.settings.batch_max
            and self.clock() - oldest < self.settings.batch_wait_s
        ):
            return False
        return self._send_batch(_batch(ready, self.settings.batch_max), market)

    def _ready(self, waiting: list[Request]) -> list[Request]:
        """The waiting requests that can go now: of signers with nothing in flight, each signer's
        from its nonce on chain on, without gaps; the signers in the order they asked first.
        Requests whose nonce the chain has used already are refused."""
        busy = self.journal.signers_in_flight()
        by_signer: dict[str, list[Request]] = {}
        for request in waiting:
            if request.signer not in busy:
                by_signer.setdefault(request.signer, []).append(request)
        ready: list[Request] = []
        used: list[str] = []
        for signer, requests in by_signer.items():
            expected = int(self.forwarder.functions.nonces(to_checksum_address(signer)).call())
            for request in sorted(requests, key=lambda r: r.nonce):
                if request.nonce < expected:
                    used.append(request.id)
                elif request.nonce == expected:
                    ready.append(request)
                    expected += 1
        if used:
            self.journal.refuse(used, reasons.reason("replayed"))
        return ready

    def _send_batch(self, batch: list[Request], market: Market) -> bool:
        signed = [forwarding.SignedRequest(_forward_request(r), r.signature) for r in batch]
        if len(batch) == 1:
            call = forwarding.execute_tx(self.forwarder, signed[0])
        else:
            call = forwarding.execute_batch_tx(self.forwarder, signed)
        try:
            access = forwarding.access_list(self.w3, call, self.address)
        except Exception:  # a node without eth_createAccessList: none
            access = []
        try:
            estimate = self._estimate(call, access)
        except ContractLogicError as error:
            if len(batch) > 1:
                log.warning("batch of %d would revert (%s): sending one alone", len(batch), error)
                return self._send_batch(batch[:1], market)
            revert = refusal_from(error).reason
            self.journal.refuse([batch[0].id], reasons.call_failed(revert))
            log.info("refused request %s: %s", batch[0].id, revert)
            return True
        max_fee = market.max_fee(self.settings.max_fee_per_gas_wei)
        fields: dict[str, Any] = {
            "type": 2,
            "chainId": self.chain_id,
            "nonce": self._next_nonce(),
            "to": self.forwarder.address,
            "value": 0,
            "data": call.data,
            "gas": int(estimate * GAS_MARGIN),
            "maxFeePerGas": max_fee,
            "maxPriorityFeePerGas": min(market.tip, max_fee),
            "accessList": access,
        }
        tx = self._sign(fields, [r.id for r in batch])
        if not self.journal.journal_transaction(tx):
            return True  # a request moved on meanwhile: plan again
        log.info(
            "sending %s (nonce %d): %d request(s), gas %d, max fee %d wei/gas",
            tx.hash,
            tx.nonce,
            len(batch),
            tx.gas_limit,
            max_fee,
        )
        self.broadcast(tx)
        return True

    def _estimate(self, call: TxRequest, access: list[dict[str, Any]]) -> int:
        params = {**call.as_dict(), "from": self.address, "accessList": access}
        return int(self.w3.eth.estimate_gas(cast(TxParams, params)))

    def _next_nonce(self) -> int:
        """The journal's next nonce of the relayer's account, or the chain's if that is higher
        (someone else used the key)."""
        top = self.journal.top_nonce(self.address)
        chain = int(self.w3.eth.get_transaction_count(self.address, "pending"))
        return chain if top is None else max(top + 1, chain)

    def _sign(self, fields: dict[str, Any], request_ids: list[str]) -> Transaction:
        signed = self.account.sign_transaction(fields)
        return Transaction(
            hash=HexBytes(signed.hash).to_0x_hex(),
            relayer=self.address,
            nonce=int(fields["nonce"]),
            raw=bytes(signed.raw_transaction),
            gas_limit=int(fields["gas"]),
            max_fee_per_gas=int(fields["maxFeePerGas"]),
            max_priority_fee_per_gas=int(fields["maxPriorityFeePerGas"]),
            request_ids=request_ids,
            state=TX_SIGNED,
            created_at=self.clock(),
            sent_at=None,
            block_number=None,
            block_hash=None,
            fee_wei=None,
        )


#: Addresses up to this are precompiles (ecrecover is 0x01): not calls of a request.
PRECOMPILES = 0xFFFF
#: ``Error(string)``: how a revert with a reason starts.
ERROR_SELECTOR = bytes.fromhex("08c379a0")


@dataclass(frozen=True)
class Trace:
    #: Why the whole transaction reverted (None: it did not).
    reason: str | None
    #: Why each call to a contract reverted (None: it did not), in order.
    calls: list[str | None]


def _revert_of(call: dict[str, Any]) -> str | None:
    """A traced call's revert string (None: it did not revert)."""
    if not call.get("error"):
        return None
    if call.get("revertReason"):
        return str(call["revertReason"])
    output = bytes(HexBytes(call.get("output") or "0x"))
    if output[:4] == ERROR_SELECTOR:
        try:
            from eth_abi import decode

            return str(decode(["string"], output[4:])[0])
        except Exception:  # a malformed reason: none
            pass
    return "reverted without a reason"


def _batch(ready: list[Request], most: int) -> list[Request]:
    """The first of ``ready`` that go in one transaction: up to ``most``, and a request with more
    data than a batch takes (``forwarding.MAX_BATCH_DATA``) alone."""
    batch: list[Request] = []
    for request in ready[:most]:
        if len(request.data) > forwarding.MAX_BATCH_DATA:
            return batch or [request]
        batch.append(request)
    return batch


def _by_nonce(transactions: list[Transaction]) -> dict[int, list[Transaction]]:
    """Attempts grouped by nonce, oldest first (as ``Journal.pending`` orders them)."""
    grouped: dict[int, list[Transaction]] = {}
    for tx in transactions:
        grouped.setdefault(tx.nonce, []).append(tx)
    return grouped


def _forward_request(request: Request) -> forwarding.ForwardRequest:
    return forwarding.ForwardRequest(
        signer=to_checksum_address(request.signer),
        to=to_checksum_address(request.target),
        gas=request.gas,
        nonce=request.nonce,
        deadline=request.deadline,
        data=request.data,
    )


def _unsigned(raw: bytes) -> dict[str, Any]:
    """The fields of a signed EIP-1559 transaction, to sign again with other fees."""
    fields = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
    for signature_part in ("v", "r", "s"):
        fields.pop(signature_part, None)
    fields["to"] = to_checksum_address(HexBytes(fields["to"]))
    fields["data"] = HexBytes(fields["data"]).to_0x_hex()
    fields["accessList"] = [
        {
            "address": to_checksum_address(HexBytes(entry["address"])),
            "storageKeys": [
                "0x" + int(key).to_bytes(32, "big").hex() for key in entry["storageKeys"]
            ],
        }
        for entry in fields.get("accessList", ())
    ]
    return fields
