"""The relayer as the API serves it: offers to relay prepared calls, takes signed requests
(``relayer.checks``), and reports on them from the relayer's journal. The sender is a process
of its own (``python -m relayer``)."""

from __future__ import annotations

import logging
import time
from typing import Any

from eth_utils import to_checksum_address
from hexbytes import HexBytes
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from sqlalchemy.engine import Engine
from web3.contract import Contract

from api.errors import NotFound, RelayRefused, Unavailable
from api.prepared import RelayOffer
from api.relay.schemas import Reason, RelayInfo, RelayRequestIn, RelayRequestOut
from relayer import journal, key
from relayer.checks import Checks, Refused, Submitted
from relayer.journal import Journal, Request
from relayer.settings import RelayerSettings
from relayer.status import RelayStatus, status
from wesh import artifacts
from wesh.contract import TxRequest, Wesh

log = logging.getLogger("wesh.api")

#: Bounds of the accepted -> mined latency histogram (seconds).
LATENCY_BUCKETS = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)


def request_out(request: Request) -> RelayRequestOut:
    return RelayRequestOut(
        id=request.id,
        state=request.state,  # type: ignore[arg-type]
        signer=to_checksum_address(request.signer),
        nonce=request.nonce,
        function=request.function,
        reason=Reason(nl=request.reason.nl, en=request.reason.en) if request.reason else None,
        tx_hash=request.tx_hash,
        block_number=request.block_number,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


class RelayService:
    def __init__(
        self,
        settings: RelayerSettings,
        engine: Engine,
        wesh: Wesh,
        chain_id: int,
        forwarder: str = "",
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.wesh = wesh
        self.chain_id = chain_id
        self.journal = Journal(engine)
        self._forwarder_address = forwarder
        self._forwarder: Contract | None = None
        self._checks: Checks | None = None
        self.address: str | None = None
        self.enabled = False
        if settings.enabled:
            try:
                self.address = key.address_of(settings, chain_id)
                journal.create(engine)
                self.enabled = True
            except key.KeyProblem as error:
                log.error("the relayer is off: %s", error)
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_Metrics(self))

    @property
    def forwarder(self) -> Contract:
        """The forwarder the manifest names, or the one Heitje trusts (read once)."""
        if self._forwarder is None:
            if self._forwarder_address:
                self._forwarder = self.wesh.w3.eth.contract(
                    address=to_checksum_address(self._forwarder_address),
                    abi=artifacts.load("Forwarder").abi,
                )
            else:
                self._forwarder = self.wesh.forwarder
        return self._forwarder

    @property
    def checks(self) -> Checks:
        if self._checks is None:
            assert self.address is not None
            self._checks = Checks(
                self.settings,
                self.engine,
                self.wesh.w3,
                self.forwarder,
                self.wesh.heitje.address,
                self.wesh.redemption.address,
                self.address,
                desk=self.wesh.desk.address if self.wesh.has_desk else "",
            )
        return self._checks

    # ------------------------------------------------------------------------ reads
    def sender_running(self) -> bool:
        """Whether the sender made a pass within ``sender_timeout_s``."""
        if self.address is None:
            return False
        seen = self.journal.sender_seen(self.address)
        return seen is not None and time.time() - seen <= self.settings.sender_timeout_s

    def info(self) -> RelayInfo:
        if not self.enabled:
            return RelayInfo(
                enabled=False,
                configured=False,
                sender_running=False,
                chain_id=self.chain_id,
                forwarder=None,
                domain=None,
                relayer=None,
            )
        try:
            domain = self.checks.domain
        except Exception:  # the node does not answer
            raise Unavailable() from None
        running = self.sender_running()
        return RelayInfo(
            enabled=running,
            configured=True,
            sender_running=running,
            chain_id=self.chain_id,
            forwarder=domain.verifying_contract,
            domain=domain.as_dict(),
            relayer=self.address,
        )

    def get(self, request_id: str) -> RelayRequestOut:
        found = self.journal.get(request_id) if self.enabled else None
        if found is None:
            raise NotFound()
        return request_out(found)

    def status(self) -> RelayStatus:
        if not self.enabled:
            raise RelayRefused("disabled")
        assert self.address is not None
        return status(self.settings, self.engine, self.wesh.w3, self.address)

    # ----------------------------------------------------------------------- writes
    def offer(self, tx: TxRequest, sender: str) -> RelayOffer | None:
        """The request to sign instead of sending ``tx`` (None: send it yourself)."""
        if not self.enabled:
            return None
        found = self.checks.offer(tx.to, bytes(HexBytes(tx.data)), sender)
        return RelayOffer(**found) if found else None

    def submit(self, body: RelayRequestIn) -> tuple[RelayRequestOut, bool]:
        """Checks and journals a signed request: the journaled request and whether it is new."""
        if not self.enabled:
            raise RelayRefused("disabled")
        message = body.request
        submitted = Submitted(
            signer=to_checksum_address(message.from_),
            to=to_checksum_address(message.to),
            value=message.value,
            gas=message.gas,
            nonce=message.nonce,
            deadline=message.deadline,
            data=bytes(HexBytes(message.data)),
            signature=bytes(HexBytes(body.signature)),
            domain=body.domain.model_dump(exclude_none=True) if body.domain else None,
        )
        try:
            request, created = self.checks.submit(submitted)
        except Refused as refusal:
            raise RelayRefused(refusal.code, **refusal.params) from None
        return request_out(request), created

    # ---------------------------------------------------------------------- metrics
    def metrics(self) -> bytes:
        """The relayer's Prometheus metrics (read from the journal and the chain now)."""
        if not self.enabled:
            return b""
        return generate_latest(self.registry)


class _Metrics:
    """The relayer's figures, read from its journal at each scrape: every API worker reports the
    same numbers, whichever of them answers."""

    def __init__(self, service: RelayService) -> None:
        self.service = service

    def collect(self) -> Any:
        svc = self.service
        totals = svc.journal.totals()
        try:
            assert svc.address is not None
            balance = float(svc.wesh.w3.eth.get_balance(to_checksum_address(svc.address)))
        except Exception:  # the node does not answer: no balance this time
            balance = float("nan")
        yield GaugeMetricFamily(
            "wesh_relayer_balance_wei", "The relayer account's balance (wei)", value=balance
        )
        yield CounterMetricFamily(
            "wesh_relayer_spent_wei", "Fees the relayer paid (wei)", value=totals["fees_wei"]
        )
        requests = CounterMetricFamily(
            "wesh_relayer_requests", "Requests that reached each state", labels=["state"]
        )
        for state in journal.STATES:
            requests.add_metric([state], totals[state])
        yield requests
        waiting = svc.journal.counts_by_state()
        yield GaugeMetricFamily(
            "wesh_relayer_queue",
            "Requests accepted and not sent yet",
            value=waiting[journal.ACCEPTED],
        )
        yield GaugeMetricFamily(
            "wesh_relayer_sender_up",
            "Whether the sender made a pass within WESH_RELAYER_SENDER_TIMEOUT_S",
            value=1 if svc.sender_running() else 0,
        )
        yield GaugeMetricFamily(
            "wesh_relayer_in_flight",
            "Requests sent and not mined yet",
            value=waiting[journal.SENT],
        )
        below, count, total = svc.journal.latencies(LATENCY_BUCKETS)
        yield HistogramMetricFamily(
            "wesh_relayer_accepted_to_mined_seconds",
            "From accepting a request to the block that carried it",
            buckets=[
                *((str(b), n) for b, n in zip(LATENCY_BUCKETS, below, strict=True)),
                ("+Inf", count),
            ],
            sum_value=total,
        )
