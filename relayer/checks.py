"""Whether the relayer takes a signed request: every check of docs/relayer.md ("API"), cheapest
first, before the city pays anything.

1. the domain the request names (if it names one) is this chain's and this forwarder's;
2. its deadline has not passed;
3. its signature recovers to its ``from`` (under the forwarder's own domain);
4. the journal: the same request again is answered with the journaled one; another request
   holding the signer's nonce is a replay;
5. the signer is a registered citizen, merchant or city employee (the index);
6. the call is on the allow-list of the signer's role (``relayer.allowlist``);
7. the signer's requests today are below its quota, and the city's fees today, with what waits,
   below its daily budget (the journal);
8. the signer's nonce on chain: used already (a replay) or a gap before it;
9. the sender is running (its heartbeat in the journal), and the relayer's balance pays for
   what waits and this request;
10. the call succeeds: ``eth_call`` of the forwarder's ``execute`` from the relayer's address
    (when earlier requests of the signer still wait, their effects are not on chain yet: then
    the simulation is the batch's, and a failing call is recorded as ``failed``).

A refusal raises ``Refused`` with a code of ``relayer.reasons`` and its parameters; the API turns
it into a problem.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from indexer.wallets import what_is
from relayer import allowlist, reasons
from relayer.journal import Journal, NewRequest, Replayed, Request, amsterdam_day
from relayer.settings import RelayerSettings
from wesh import forwarding
from wesh.contract import refusal_from

#: Gas a relayed request costs beyond the call's own (the forwarder's checks and its share of
#: the transaction), for estimates of what it costs the city.
FORWARDING_OVERHEAD = 30_000
#: The forwarder's revert for a request past its deadline.
EXPIRED = "forwarder: request expired"
#: How long a fee reading (base fee, tip, chain time) is used before it is read again (s).
FEE_TTL_S = 2.0


class Refused(Exception):
    """A request the relayer does not take: ``code`` names why (``relayer.reasons``)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Submitted:
    """A signed request as a client hands it in (already well-formed)."""

    signer: str
    to: str
    value: int
    gas: int
    nonce: int
    deadline: int
    data: bytes
    signature: bytes
    #: The domain the client signed under, if it says (chainId, verifyingContract, ...).
    domain: dict[str, Any] | None = None

    def request(self) -> forwarding.ForwardRequest:
        return forwarding.ForwardRequest(
            signer=self.signer,
            to=self.to,
            gas=self.gas,
            nonce=self.nonce,
            deadline=self.deadline,
            data=self.data,
        )


@dataclass(frozen=True)
class Fees:
    base_fee: int
    tip: int
    #: The chain's time: the later of the latest block's and this machine's clock.
    now: int

    @property
    def expected(self) -> int:
        """What a unit of gas is expected to cost now."""
        return self.base_fee + self.tip


def who(engine: Engine, address: str) -> allowlist.Who:
    """What the index says ``address`` is (as the API reads roles: the confirmed tables)."""
    with engine.connect() as db:
        wallet = what_is(db, address)
    return allowlist.Who(
        is_citizen=wallet.citizen_id is not None,
        is_merchant=wallet.merchant_id is not None,
        role_bits=wallet.role_bits,
        is_association=bool(wallet.neighbourhoods),
    )


class Checks:
    """The relayer as the API uses it: offers to relay a call, and checks and journals what is
    signed. ``relayer`` is the relayer's address (simulations run from it)."""

    def __init__(
        self,
        settings: RelayerSettings,
        engine: Engine,
        w3: Web3,
        forwarder: Contract,
        heitje: str,
        redemption: str,
        relayer: str,
        clock: Any = time.time,
        desk: str = "",
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.w3 = w3
        self.forwarder = forwarder
        self.heitje = to_checksum_address(heitje)
        self.redemption = to_checksum_address(redemption)
        self.relayer = to_checksum_address(relayer)
        #: The neighbourhood desk ("" for a deployment without one).
        self.desk = to_checksum_address(desk) if desk else ""
        self.journal = Journal(engine, clock)
        self.clock = clock
        self._domain: forwarding.Domain | None = None
        self._fees: tuple[float, Fees] | None = None

    # ------------------------------------------------------------------- chain facts
    @property
    def domain(self) -> forwarding.Domain:
        """The forwarder's EIP-712 domain (read from the contract once)."""
        if self._domain is None:
            self._domain = forwarding.domain_of(self.forwarder)
        return self._domain

    def fees(self) -> Fees:
        """The base fee, the tip and the chain's time, read at most every ``FEE_TTL_S`` (the
        time moved on by what passed since)."""
        now = self.clock()
        if self._fees is not None and now - self._fees[0] < FEE_TTL_S:
            read_at, fees = self._fees
            return Fees(fees.base_fee, fees.tip, fees.now + int(now - read_at))
        block = self.w3.eth.get_block("latest")
        tip = self.settings.priority_fee_wei
        if tip is None:
            try:
                tip = int(self.w3.eth.max_priority_fee)
            except Exception:  # a node without the method: 1 gwei
                tip = 10**9
        fees = Fees(
            base_fee=int(block.get("baseFeePerGas", 0) or 0),
            tip=int(tip),
            now=max(int(block["timestamp"]), int(now)),
        )
        self._fees = (now, fees)
        return fees

    def chain_nonce(self, signer: str) -> int:
        return int(self.forwarder.functions.nonces(to_checksum_address(signer)).call())

    def next_nonce(self, signer: str) -> int:
        """The signer's next nonce, counting the requests the relayer accepted and has not
        mined yet."""
        waiting = self.journal.next_nonce(signer)
        chain = self.chain_nonce(signer)
        return chain if waiting is None else max(chain, waiting)

    def cost(self, gas: int) -> int:
        """What a request of ``gas`` is expected to cost the city (wei)."""
        return (gas + FORWARDING_OVERHEAD) * self.fees().expected

    def quota(self, signer: str, role: str) -> int:
        """The signer's requests per day: its own override, its role's, or the default."""
        for subject in (f"signer:{signer.lower()}", role):
            value = self.journal.override(subject)
            if value is not None:
                return value
        return self.settings.quota(role)

    def budget(self) -> int:
        """The city's fees per day at most (wei)."""
        value = self.journal.override("budget")
        return self.settings.budget_per_day_wei if value is None else value

    # ------------------------------------------------------------------------- offer
    def offer(self, to: str, data: bytes, signer: str) -> dict[str, Any] | None:
        """The request to sign instead of sending ``data`` to ``to`` oneself: its typed data and
        deadline; None when the relayer is off or does not relay this call for this signer."""
        if not self.settings.enabled or len(data) > forwarding.MAX_DATA:
            return None
        call = allowlist.decode(to, data, self.heitje, self.redemption, self.desk)
        if call is None or allowlist.allowed(who(self.engine, signer), call) is None:
            return None
        try:
            gas = forwarding.forwarded_gas(self.w3, self.forwarder.address, to, data, signer)
            nonce = self.next_nonce(signer)
        except Exception:  # cannot estimate now: the wallet sends it itself
            return None
        deadline = self.fees().now + self.settings.deadline_s
        request = forwarding.ForwardRequest(
            signer=to_checksum_address(signer),
            to=to_checksum_address(to),
            gas=gas,
            nonce=nonce,
            deadline=deadline,
            data=data,
        )
        return {"typed_data": request.typed_data(self.domain), "expires_at": deadline}

    # ------------------------------------------------------------------------- check
    def submit(self, submitted: Submitted) -> tuple[Request, bool]:
        """Checks ``submitted`` and journals it: the journaled request and whether it is new
        (False: the same request was handed in before). Raises ``Refused``."""
        if not self.settings.enabled:
            raise Refused("disabled")
        domain = self.domain
        self._check_domain(submitted.domain, domain)
        fees = self.fees()
        if submitted.deadline < fees.now:
            raise Refused("expired")
        if submitted.value != 0:
            raise Refused("bad_signature")
        request = submitted.request()
        recovered = forwarding.recover(request, domain, submitted.signature)
        if recovered is None or recovered.lower() != submitted.signer.lower():
            raise Refused("bad_signature")
        journaled = self.journal.of_nonce(submitted.signer, submitted.nonce)
        for same in journaled:
            if same.signature == submitted.signature:
                return same, False
        if any(other.live_nonce is not None for other in journaled):
            raise Refused("replayed")
        call = allowlist.decode(
            submitted.to, submitted.data, self.heitje, self.redemption, self.desk
        )
        signer = who(self.engine, submitted.signer)
        if not signer.known:
            raise Refused("unknown_signer")
        role = allowlist.allowed(signer, call) if call else None
        if call is None or role is None:
            raise Refused("not_allowed", function=call.function if call else "?")
        day = amsterdam_day(self.clock())
        limit = self.quota(submitted.signer, role)
        if self.journal.count_today(submitted.signer, day) >= limit:
            raise Refused("quota_spent", quota=limit)
        estimate = self.cost(submitted.gas)
        waiting = self.journal.reserved()
        if self.journal.spent(day) + waiting + estimate > self.budget():
            raise Refused("budget_spent")
        chain = self.chain_nonce(submitted.signer)
        if submitted.nonce < chain:
            raise Refused("replayed")
        expected = max(chain, self.journal.next_nonce(submitted.signer) or 0)
        if submitted.nonce > expected:
            raise Refused("nonce_gap", expected=expected)
        seen = self.journal.sender_seen(self.relayer)
        if seen is None or self.clock() - seen > self.settings.sender_timeout_s:
            raise Refused("sender_down")
        if int(self.w3.eth.get_balance(self.relayer)) < waiting + estimate:
            raise Refused("out_of_funds")
        if submitted.nonce == chain:
            self._simulate(forwarding.SignedRequest(request, submitted.signature))
        try:
            return self.journal.accept(
                NewRequest(
                    signer=submitted.signer,
                    nonce=submitted.nonce,
                    target=submitted.to,
                    function=call.function,
                    data=submitted.data,
                    gas=submitted.gas,
                    deadline=submitted.deadline,
                    signature=submitted.signature,
                    role=role,
                    estimate_wei=estimate,
                )
            )
        except Replayed:
            raise Refused("replayed") from None

    def _check_domain(self, named: dict[str, Any] | None, domain: forwarding.Domain) -> None:
        if not named:
            return
        chain_id = named.get("chainId")
        if chain_id is not None and int(chain_id) != domain.chain_id:
            raise Refused("wrong_chain", chain_id=int(chain_id), expected=domain.chain_id)
        verifying = named.get("verifyingContract")
        other = (
            (verifying is not None and str(verifying).lower() != domain.verifying_contract.lower())
            or named.get("name", domain.name) != domain.name
            or str(named.get("version", domain.version)) != domain.version
        )
        if other:
            raise Refused(
                "wrong_forwarder",
                forwarder=str(verifying or "?"),
                expected=domain.verifying_contract,
            )

    def _simulate(self, signed: forwarding.SignedRequest) -> None:
        """``eth_call`` of ``execute`` from the relayer: the contract's reason if it reverts."""
        try:
            self.forwarder.functions.execute(*signed.arguments()).call({"from": self.relayer})
        except ContractLogicError as error:
            revert = refusal_from(error).reason
            if revert == EXPIRED:  # the chain's clock ran ahead of the one read before
                raise Refused("expired") from None
            nl, en = reasons.contract_words(revert)
            raise Refused("simulation_failed", revert=revert, reason_nl=nl, reason_en=en) from None
