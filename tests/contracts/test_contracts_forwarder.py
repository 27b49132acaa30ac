"""The trusted forwarder (contracts/Forwarder.vy, issue #13: "the city pays the fees").

A resident, a shop or a city employee signs a request with a key that holds no native token; the
city's relayer sends it to the forwarder, which checks it and calls Heitje or Redemption with the
signer's address appended, and those read the signer as the actor. Every request here is built and
signed in Python through `wesh.forwarding` (`ForwardRequest.typed_data` and `digest`,
`sign_with_key`, `compact`), with eth_account keys made for the session (none is stored), so
whenever the contract accepts one, Python and Vyper agree on the EIP-712 domain, type and
encoding.

What is checked: the ERC-5267 domain; each relayed action (claim, hand-in, payment by `pay` and by
`transfer`, refund, approval, redemption, registration) acts as the signer while the relayer, which
holds no role, sends it; every refusal (expired, replayed, a future nonce, another key, a value
other than 0, a high s, another chain id, another forwarder, a field changed after signing, the
zero signer, a failing call with its own reason and no nonce used); the 63/64 rule for `execute`
and `execute_batch`; batches with invalid and failing requests; that Heitje and Redemption read
appended bytes only from their trusted forwarder; and a state machine of several signers sending
valid, replayed, expired and forged requests, singly and in batches, against a model.

The relayer pays: titanoboa charges no fees, so "pays" is checked as "sends the transaction"; the
signers never hold any native token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boa
import pytest
from boa.contracts.base_evm_contract import BoaError
from contracts_model import AccountWord
from contracts_support import (
    DAY,
    EVIDENCE_CID,
    FORWARDER_SOURCE,
    MERCHANT_CID,
    PAYMENT_REFERENCE,
    ROLE,
    ZERO_FORWARDER,
    forwarder_constant,
    forwarder_constants,
    heitje_constant,
)
from eth_abi import decode as abi_decode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_keys.exceptions import BadSignature
from eth_utils import keccak, to_checksum_address
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from wesh import forwarding
from wesh.forwarding import Domain, ForwardRequest, SignedRequest, compact, recover, sign_with_key

MAX_BATCH = forwarder_constant("MAX_BATCH")
SECP256K1N_HALF = forwarder_constant("SECP256K1N_HALF")
S_MASK = forwarder_constant("S_MASK")
VALID = forwarder_constant("VALID")
INVALID_DEADLINE = forwarder_constant("INVALID_DEADLINE")
INVALID_SIGNATURE = forwarder_constant("INVALID_SIGNATURE")
# The order of secp256k1 (SEC 2), of which SECP256K1N_HALF must be half.
SECP256K1N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

EXPIRED = "forwarder: request expired"
INVALID = "forwarder: invalid signature or nonce"
OVERDRAWN = "heitje: amount exceeds your balance"
ERROR_SELECTOR = keccak(b"Error(string)")[:4]
ZERO = ZERO_FORWARDER
# The gas each request signs for its call: ample for any WESH call.
CALL_GAS = 500_000
# How long a signed request stays valid.
TTL = 3_600
# The gas a costly request of the 63/64 tests signs for.
COSTLY_GAS = 2_000_000


# -------------------------------------------------------------------- helpers
def now() -> int:
    return int(boa.env.evm.patch.timestamp)


def revert_reason(output: bytes) -> str:
    """The reason string of an `Error(string)` revert, or a description of other revert data."""
    if output[:4] == ERROR_SELECTOR:
        (reason,) = abi_decode(["string"], output[4:])
        return str(reason)
    return f"<revert data 0x{output.hex()}>"


def named(logs: list[Any], name: str) -> list[Any]:
    return [log for log in logs if type(log).__name__ == name]


def the(logs: list[Any], name: str) -> Any:
    found = named(logs, name)
    assert len(found) == 1, f"expected one {name}, got {[type(x).__name__ for x in logs]}"
    return found[0]


def mirror(signature: bytes) -> tuple[int, int, int]:
    """(r, s, v) of the other valid signature of the same message: s -> n - s, v flipped (EIP-2
    forbids it; ecrecover alone accepts it)."""
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    return r, SECP256K1N - s, 55 - signature[64]


def vs_word(s: int, v: int) -> bytes:
    """A compact signature's second word written by hand: s with v - 27 in its top bit."""
    return ((s | ((v - 27) << 255)) % 2**256).to_bytes(32, "big")


class Relay:
    """Signs requests through wesh.forwarding and has the relayer send them to one forwarder."""

    def __init__(self, forwarder: Any, relayer: Any) -> None:
        self.forwarder = forwarder
        self.relayer = relayer

    def domain(self) -> Domain:
        """The domain the forwarder reports (ERC-5267), as wesh.forwarding holds it."""
        _fields, name, version, chain_id, verifying, _salt, _ext = self.forwarder.eip712Domain()
        return Domain(str(name), str(version), int(chain_id), to_checksum_address(verifying))

    def nonce(self, who: Any) -> int:
        return int(self.forwarder.nonces(getattr(who, "address", who)))

    def request(
        self,
        signer: Any,
        function: Any,
        *args: Any,
        gas: int = CALL_GAS,
        deadline: int | None = None,
        nonce: int | None = None,
    ) -> ForwardRequest:
        """The request for `function(*args)` from `signer` (its next nonce, an hour to live)."""
        address = getattr(signer, "address", signer)
        return ForwardRequest(
            signer=to_checksum_address(address),
            to=to_checksum_address(function.contract.address),
            gas=gas,
            nonce=self.nonce(address) if nonce is None else nonce,
            deadline=now() + TTL if deadline is None else deadline,
            data=function.prepare_calldata(*args),
        )

    def sign(
        self,
        signer: LocalAccount,
        function: Any,
        *args: Any,
        domain: Domain | None = None,
        key: LocalAccount | None = None,
        **fields: Any,
    ) -> SignedRequest:
        """`signer`'s request signed under `domain` (the forwarder's) with `key` (its own)."""
        request = self.request(signer, function, *args, **fields)
        signature = sign_with_key(request, domain or self.domain(), (key or signer).key)
        return SignedRequest(request, signature)

    def execute(self, signed: SignedRequest, gas: int | None = None) -> list[Any]:
        """Sends one request as the relayer; returns the logs (the called contract's too)."""
        with boa.env.prank(self.relayer):
            self.forwarder.execute(*signed.arguments(), gas=gas)
        return list(self.forwarder.get_logs())

    def batch(self, requests: list[Any], gas: int | None = None) -> list[Any]:
        """Sends a batch (signed requests or hand-made argument lists); returns the logs."""
        items = [
            tuple(r.arguments()) if isinstance(r, SignedRequest) else tuple(r) for r in requests
        ]
        with boa.env.prank(self.relayer):
            self.forwarder.execute_batch(items, gas=gas)
        return list(self.forwarder.get_logs())

    def send(self, arguments: list[Any], gas: int | None = None) -> Any:
        """`execute` with these arguments straight to the EVM: the computation (what a node
        would report: the top-level revert data, the child calls)."""
        return boa.env.execute_code(
            to_address=self.forwarder.address,
            sender=self.relayer,
            data=self.forwarder.execute.prepare_calldata(*arguments),
            gas=gas,
        )

    def send_batch(self, requests: list[Any], gas: int | None = None) -> Any:
        items = [
            tuple(r.arguments()) if isinstance(r, SignedRequest) else tuple(r) for r in requests
        ]
        return boa.env.execute_code(
            to_address=self.forwarder.address,
            sender=self.relayer,
            data=self.forwarder.execute_batch.prepare_calldata(items),
            gas=gas,
        )

    def refusal(self, arguments: list[Any]) -> str | None:
        """Why `execute` refuses these arguments (its top-level revert reason), or None."""
        computation = self.send(arguments)
        return revert_reason(computation.output) if computation.is_error else None

    def validate(self, arguments: list[Any]) -> int:
        return int(self.forwarder.validate(tuple(arguments)))


def arguments(signed: SignedRequest, **changes: Any) -> list[Any]:
    """`execute`'s arguments of a signed request, with some fields changed after signing."""
    names = ["signer", "to", "gas", "deadline", "data", "r", "vs"]
    values = dict(zip(names, signed.arguments(), strict=True))
    values.update(changes)
    return [values[name] for name in names]


# ------------------------------------------------------------------- fixtures
# Keys made for the session (nothing is stored); each signer fixture registers its key in the
# wired Heitje for the one test that asks for it.
@pytest.fixture(scope="session")
def citizen_key() -> LocalAccount:
    return Account.create()


@pytest.fixture(scope="session")
def other_citizen_key() -> LocalAccount:
    return Account.create()


@pytest.fixture(scope="session")
def merchant_key() -> LocalAccount:
    return Account.create()


@pytest.fixture(scope="session")
def reviewer_key() -> LocalAccount:
    return Account.create()


@pytest.fixture(scope="session")
def registrar_key() -> LocalAccount:
    return Account.create()


@pytest.fixture(scope="session")
def stranger_key() -> LocalAccount:
    """A key nobody registered: it signs what it should not."""
    return Account.create()


@pytest.fixture
def signing_citizen(heitje: Any, registrar: Any, citizen_key: LocalAccount) -> LocalAccount:
    """A citizen who signs requests (registered in neighbourhood 3, no balance yet)."""
    with boa.env.prank(registrar):
        heitje.register_citizens([citizen_key.address], [3])
    return citizen_key


@pytest.fixture
def signing_other_citizen(
    heitje: Any, registrar: Any, other_citizen_key: LocalAccount
) -> LocalAccount:
    with boa.env.prank(registrar):
        heitje.register_citizens([other_citizen_key.address], [4])
    return other_citizen_key


@pytest.fixture
def signing_merchant(
    heitje: Any, merchant_manager: Any, merchant_key: LocalAccount
) -> LocalAccount:
    """A shop that signs requests."""
    with boa.env.prank(merchant_manager):
        heitje.register_merchant(merchant_key.address, MERCHANT_CID)
    return merchant_key


@pytest.fixture
def signing_reviewer(heitje: Any, admin: Any, reviewer_key: LocalAccount) -> LocalAccount:
    with boa.env.prank(admin):
        heitje.grant_role(reviewer_key.address, ROLE["REVIEWER"])
    return reviewer_key


@pytest.fixture
def signing_registrar(heitje: Any, admin: Any, registrar_key: LocalAccount) -> LocalAccount:
    with boa.env.prank(admin):
        heitje.grant_role(registrar_key.address, ROLE["REGISTRAR"])
    return registrar_key


@pytest.fixture(scope="session")
def relay(forwarder: Any, relayer: Any) -> Relay:
    return Relay(forwarder, relayer)


@pytest.fixture
def paying_citizen(signing_citizen: LocalAccount, flow: Any) -> LocalAccount:
    """The signing citizen with 10.00 Heitje earned."""
    flow.earn(signing_citizen.address, 1_000)
    return signing_citizen


def assert_relayed_for(relay: Relay, heitje: Any, signer: LocalAccount, nonce_before: int) -> None:
    """The request acted for `signer`, whose nonce went up by one; the signer never paid a fee
    (holds no native token) and the relayer that sent it holds no role and no Heitjes."""
    assert relay.nonce(signer) == nonce_before + 1
    assert boa.env.get_balance(signer.address) == 0
    assert heitje.roles_of(relay.relayer) == 0
    assert heitje.balanceOf(relay.relayer) == 0
    assert not heitje.account(relay.relayer).is_citizen


# ------------------------------------------------------------------ the domain
def test_eip712_domain_reports_fields_name_version_chain_this_forwarder_no_salt(forwarder):
    fields, name, version, chain_id, verifying, salt, extensions = forwarder.eip712Domain()
    constants = forwarder_constants()
    assert fields == bytes([forwarder_constant("DOMAIN_FIELDS")]) == b"\x0f"
    assert (name, version) == (constants["NAME"], constants["VERSION"]) == ("WESH Forwarder", "1")
    assert chain_id == boa.env.evm.patch.chain_id
    assert verifying == forwarder.address
    assert salt == b"\x00" * 32
    assert extensions == []


def test_a_request_signed_under_the_reported_domain_executes(
    relay, heitje, signing_citizen, merchant
):
    """Python's digest is what the key signs and what the contract recovers."""
    domain = relay.domain()
    request = relay.request(signing_citizen, heitje.approve, merchant, 1_234)
    signature = sign_with_key(request, domain, signing_citizen.key)
    # The digest is the signed hash, and the signature is the one of that digest.
    by_hash = Account.unsafe_sign_hash(request.digest(domain), signing_citizen.key)
    assert bytes(by_hash.signature) == signature
    assert recover(request, domain, signature) == signing_citizen.address
    r, vs = compact(signature)
    signed = SignedRequest(request, signature)
    assert signed.arguments()[5:] == [r, vs]
    assert relay.validate(signed.arguments()) == VALID

    nonce = relay.nonce(signing_citizen)
    logs = relay.execute(signed)

    approval = the(logs, "Approval")
    assert (approval.owner, approval.spender, approval.value) == (
        signing_citizen.address,
        merchant,
        1_234,
    )
    assert heitje.allowance(signing_citizen.address, merchant) == 1_234
    assert_relayed_for(relay, heitje, signing_citizen, nonce)


def test_python_holds_the_forwarders_constants_and_types():
    constants = forwarder_constants()
    limits = {name: value for name, value in constants.items() if name.startswith("MAX_")}
    assert limits and limits == {name: getattr(forwarding, name) for name in limits}
    assert (forwarding.INVALID_DEADLINE, forwarding.INVALID_SIGNATURE) == (
        INVALID_DEADLINE,
        INVALID_SIGNATURE,
    )
    assert forwarding.SECP256K1N_HALF == SECP256K1N_HALF == SECP256K1N // 2
    assert S_MASK == 2**255 - 1
    source = FORWARDER_SOURCE.read_text()

    def hashed(constant: str) -> str:
        match = re.search(constant + r': constant\(bytes32\) = keccak256\(\s*"([^"]+)"', source)
        assert match, constant
        return match.group(1)

    def encoded(name: str, fields: list[dict[str, str]]) -> str:
        return name + "(" + ",".join(f"{f['type']} {f['name']}" for f in fields) + ")"

    assert hashed("REQUEST_TYPE_HASH") == encoded("ForwardRequest", forwarding.REQUEST_TYPE)
    assert hashed("DOMAIN_TYPE_HASH") == encoded("EIP712Domain", forwarding.DOMAIN_TYPE)


def test_after_a_chain_split_the_domain_follows_the_new_chain_id(
    relay, heitje, signing_citizen, merchant
):
    old = relay.sign(signing_citizen, heitje.approve, merchant, 5)
    chain_id = int(boa.env.evm.patch.chain_id)
    boa.env.evm.patch.chain_id = chain_id + 1  # rolled back with the test

    assert relay.domain().chain_id == chain_id + 1
    assert relay.refusal(old.arguments()) == INVALID
    fresh = relay.sign(signing_citizen, heitje.approve, merchant, 6)
    relay.execute(fresh)
    assert heitje.allowance(signing_citizen.address, merchant) == 6


# ------------------------------------------------ each action acts as the signer
def test_a_relayed_claim_claims_for_the_signer(relay, heitje, flow, signing_citizen):
    task_id = flow.commission()
    nonce = relay.nonce(signing_citizen)

    logs = relay.execute(relay.sign(signing_citizen, heitje.claim, task_id))

    claimed = the(logs, "TaskClaimed")
    assert (claimed.task_id, claimed.citizen) == (task_id, signing_citizen.address)
    assert claimed.citizen_id == flow.citizen_id(signing_citizen.address)
    assert heitje.account(signing_citizen.address).open_claims == 1
    assert_relayed_for(relay, heitje, signing_citizen, nonce)


def test_a_relayed_hand_in_submits_the_signers_evidence(relay, heitje, flow, signing_citizen):
    task_id = flow.claimed(signing_citizen.address)
    nonce = relay.nonce(signing_citizen)

    logs = relay.execute(relay.sign(signing_citizen, heitje.submit, task_id, EVIDENCE_CID))

    submitted = the(logs, "EvidenceSubmitted")
    assert (submitted.citizen, submitted.evidence_cid) == (signing_citizen.address, EVIDENCE_CID)
    assert flow.claim_of(task_id, signing_citizen.address).status == heitje_constant(
        "CLAIM_SUBMITTED"
    )
    assert_relayed_for(relay, heitje, signing_citizen, nonce)


def test_a_relayed_pay_moves_the_signers_heitjes_to_the_shop(
    relay, heitje, paying_citizen, merchant
):
    shop_before = heitje.balanceOf(merchant)
    nonce = relay.nonce(paying_citizen)

    logs = relay.execute(relay.sign(paying_citizen, heitje.pay, merchant, 300, PAYMENT_REFERENCE))

    transfer = the(logs, "Transfer")
    assert (transfer.sender, transfer.receiver, transfer.value) == (
        paying_citizen.address,
        merchant,
        300,
    )
    payment = the(logs, "Payment")
    assert (payment.merchant, payment.reference) == (merchant, PAYMENT_REFERENCE)
    assert heitje.balanceOf(paying_citizen.address) == 700
    assert heitje.balanceOf(merchant) == shop_before + 300
    assert_relayed_for(relay, heitje, paying_citizen, nonce)


def test_a_relayed_transfer_moves_the_signers_heitjes_to_the_shop(
    relay, heitje, paying_citizen, merchant
):
    shop_before = heitje.balanceOf(merchant)
    nonce = relay.nonce(paying_citizen)

    logs = relay.execute(relay.sign(paying_citizen, heitje.transfer, merchant, 250))

    transfer = the(logs, "Transfer")
    assert (transfer.sender, transfer.receiver, transfer.value) == (
        paying_citizen.address,
        merchant,
        250,
    )
    assert heitje.balanceOf(paying_citizen.address) == 750
    assert heitje.balanceOf(merchant) == shop_before + 250
    assert_relayed_for(relay, heitje, paying_citizen, nonce)


def test_a_relayed_refund_comes_from_the_signing_shop(
    relay, heitje, flow, signing_merchant, citizen, other_citizen
):
    flow.earn(citizen, 800)
    flow.pay_request(citizen, signing_merchant.address, 500)
    nonce = relay.nonce(signing_merchant)

    logs = relay.execute(relay.sign(signing_merchant, heitje.transfer, citizen, 200))

    transfer = the(logs, "Transfer")
    assert (transfer.sender, transfer.receiver, transfer.value) == (
        signing_merchant.address,
        citizen,
        200,
    )
    assert heitje.balanceOf(signing_merchant.address) == 300
    assert heitje.balanceOf(citizen) == 500
    assert_relayed_for(relay, heitje, signing_merchant, nonce)
    # The refund window is the signing shop's: what is left of it (300), not more, though the
    # shop holds more.
    flow.earn(other_citizen, 1_000)
    flow.pay(other_citizen, signing_merchant.address, 1_000)
    too_much = relay.sign(signing_merchant, heitje.transfer, citizen, 301)
    assert relay.refusal(too_much.arguments()) == "heitje: refund exceeds what they paid here"


def test_a_relayed_approval_is_the_signing_reviewers(
    relay, heitje, flow, signing_reviewer, citizen
):
    task_id = flow.submitted(citizen, reward=900, slots=1)
    before = heitje.balanceOf(citizen)
    nonce = relay.nonce(signing_reviewer)

    logs = relay.execute(relay.sign(signing_reviewer, heitje.approve_submission, task_id, citizen))

    approved = the(logs, "SubmissionApproved")
    assert (approved.task_id, approved.reviewer) == (task_id, signing_reviewer.address)
    assert heitje.balanceOf(citizen) == before + 900
    assert_relayed_for(relay, heitje, signing_reviewer, nonce)


def test_a_relayed_redemption_burns_the_signing_shops_heitjes(
    relay, heitje, redemption, flow, signing_merchant, citizen
):
    flow.earn(citizen, 700)
    flow.pay(citizen, signing_merchant.address, 600)
    nonce = relay.nonce(signing_merchant)

    logs = relay.execute(relay.sign(signing_merchant, redemption.redeem, 450))

    requested = the(logs, "RedemptionRequested")
    assert (requested.merchant, requested.amount) == (signing_merchant.address, 450)
    burn = the(logs, "Transfer")
    assert (burn.sender, burn.receiver, burn.value) == (signing_merchant.address, ZERO, 450)
    assert heitje.balanceOf(signing_merchant.address) == 150
    assert redemption.request(requested.redemption_id).merchant == signing_merchant.address
    assert_relayed_for(relay, heitje, signing_merchant, nonce)


def test_a_relayed_registration_is_the_signing_registrars(
    relay, heitje, signing_registrar, relayer
):
    newcomer = str(boa.env.generate_address("newcomer"))
    # The relayer itself may not register anyone: it holds no role.
    with boa.env.prank(relayer), boa.reverts("access: only a registrar may do this"):
        heitje.register_citizens([newcomer], [5])
    nonce = relay.nonce(signing_registrar)

    logs = relay.execute(relay.sign(signing_registrar, heitje.register_citizens, [newcomer], [5]))

    registered = the(logs, "CitizenRegistered")
    assert (registered.citizen, registered.registrar) == (newcomer, signing_registrar.address)
    assert heitje.account(newcomer).is_citizen
    assert_relayed_for(relay, heitje, signing_registrar, nonce)


# ------------------------------------------------------------------- refusals
def test_a_request_past_its_deadline_is_refused(relay, heitje, paying_citizen, merchant):
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100, deadline=now() - 1)
    assert relay.validate(signed.arguments()) == INVALID_DEADLINE
    assert relay.refusal(signed.arguments()) == EXPIRED
    assert relay.nonce(paying_citizen) == 0
    assert heitje.balanceOf(paying_citizen.address) == 1_000


def test_a_request_is_valid_up_to_and_including_its_deadline_second(
    relay, heitje, paying_citizen, merchant
):
    first = relay.sign(paying_citizen, heitje.transfer, merchant, 100, deadline=now())
    relay.execute(first)
    second = relay.sign(paying_citizen, heitje.transfer, merchant, 100, deadline=now())
    boa.env.time_travel(seconds=1)
    assert relay.refusal(second.arguments()) == EXPIRED
    assert heitje.balanceOf(paying_citizen.address) == 900


def test_the_same_request_twice_is_refused_the_second_time(relay, heitje, paying_citizen, merchant):
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100)
    relay.execute(signed)
    assert relay.validate(signed.arguments()) == INVALID_SIGNATURE
    assert relay.refusal(signed.arguments()) == INVALID
    assert relay.nonce(paying_citizen) == 1
    assert heitje.balanceOf(paying_citizen.address) == 900


def test_a_request_with_a_later_nonce_waits_for_the_earlier_one(
    relay, heitje, paying_citizen, merchant
):
    later = relay.sign(paying_citizen, heitje.transfer, merchant, 200, nonce=1)
    assert relay.refusal(later.arguments()) == INVALID
    assert relay.nonce(paying_citizen) == 0

    relay.execute(relay.sign(paying_citizen, heitje.transfer, merchant, 100, nonce=0))
    relay.execute(later)
    assert relay.nonce(paying_citizen) == 2
    assert heitje.balanceOf(paying_citizen.address) == 700


def test_a_request_signed_by_another_key_is_refused(
    relay, heitje, paying_citizen, stranger_key, merchant
):
    forged = relay.sign(paying_citizen, heitje.transfer, merchant, 100, key=stranger_key)
    assert recover(forged.request, relay.domain(), forged.signature) == stranger_key.address
    assert relay.validate(forged.arguments()) == INVALID_SIGNATURE
    assert relay.refusal(forged.arguments()) == INVALID
    assert heitje.balanceOf(paying_citizen.address) == 1_000


def test_a_request_signed_with_a_value_is_refused(relay, heitje, paying_citizen, merchant):
    """The forwarder verifies against value 0: a request signed with another value (which it
    would never send) does not verify."""
    request = relay.request(paying_citizen, heitje.transfer, merchant, 100)
    document = request.typed_data(relay.domain())
    document["message"]["value"] = 1
    signature = bytes(Account.sign_typed_data(paying_citizen.key, full_message=document).signature)
    signed = SignedRequest(request, signature)
    assert recover(request, relay.domain(), signature) != paying_citizen.address
    assert relay.refusal(signed.arguments()) == INVALID
    assert heitje.balanceOf(paying_citizen.address) == 1_000


def test_the_mirror_of_a_valid_signature_is_refused(relay, heitje, paying_citizen, merchant):
    """(r, n - s) with v flipped is a second valid ECDSA signature of the same request (EIP-2).
    Python will not write it compactly nor recover it; written by hand, the forwarder refuses
    it in `execute`, `validate` and `execute_batch` (its nonce unused), and the original still
    executes."""
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100)
    r, high_s, v = mirror(signed.signature)
    assert high_s > SECP256K1N_HALF
    high = r.to_bytes(32, "big") + high_s.to_bytes(32, "big") + bytes([v])
    # ecrecover alone would accept it: it recovers the same key.
    hashed = signed.request.digest(relay.domain())
    assert Account._recover_hash(hashed, vrs=(v, r, high_s)) == paying_citizen.address
    with pytest.raises(ValueError, match="lower half"):
        compact(high)
    assert recover(signed.request, relay.domain(), high) is None

    forged = arguments(signed, vs=vs_word(high_s, v))
    assert relay.validate(forged) == INVALID_SIGNATURE
    assert relay.refusal(forged) == INVALID
    skipped = the(relay.batch([forged]), "SkippedForwardRequest")
    assert (skipped.signer, skipped.nonce, skipped.reason) == (
        paying_citizen.address,
        0,
        INVALID_SIGNATURE,
    )
    assert relay.nonce(paying_citizen) == 0
    relay.execute(signed)
    assert heitje.balanceOf(paying_citizen.address) == 900


@pytest.mark.parametrize("parity", [0, 1])
@pytest.mark.parametrize("s", [SECP256K1N_HALF + 1, S_MASK])
def test_a_compact_signature_with_s_above_half_the_order_is_refused(
    relay, heitje, paying_citizen, merchant, s, parity
):
    """An s (after the parity bit) above n/2 is refused. No signature anyone can make tells the
    explicit EIP-2 check apart from ecrecover's own answer: a valid signature's mirror has an s
    below 2**255 only with a chance of ~2**-128, so written compactly it is another signature,
    which recovers another address. This checks the outcome, for both parities."""
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100)
    forged = arguments(signed, vs=vs_word(s, 27 + parity))
    assert relay.validate(forged) == INVALID_SIGNATURE
    assert relay.refusal(forged) == INVALID
    assert relay.nonce(paying_citizen) == 0


def test_a_request_signed_for_another_chain_is_refused(relay, heitje, paying_citizen, merchant):
    domain = relay.domain()
    other_chain = Domain(
        domain.name, domain.version, domain.chain_id + 1, domain.verifying_contract
    )
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100, domain=other_chain)
    assert relay.validate(signed.arguments()) == INVALID_SIGNATURE
    assert relay.refusal(signed.arguments()) == INVALID
    assert heitje.balanceOf(paying_citizen.address) == 1_000


def test_a_request_signed_for_another_forwarder_is_refused_and_that_one_is_not_trusted(
    relay, heitje, forwarder_deployer, relayer, paying_citizen, merchant
):
    """The verifying contract is signed: a request for another forwarder does not verify here.
    That other forwarder executes it, but Heitje does not trust it: the call acts as the
    forwarder itself, which holds no Heitjes."""
    elsewhere = Relay(forwarder_deployer.deploy(), relayer)
    signed = relay.sign(
        paying_citizen, heitje.transfer, merchant, 100, domain=elsewhere.domain(), nonce=0
    )
    assert relay.refusal(signed.arguments()) == INVALID

    assert elsewhere.validate(signed.arguments()) == VALID
    assert elsewhere.refusal(signed.arguments()) == (
        "heitje: only registered citizens and merchants hold Heitjes"
    )
    approve = elsewhere.sign(paying_citizen, heitje.approve, merchant, 7)
    approval = the(elsewhere.execute(approve), "Approval")
    assert approval.owner == elsewhere.forwarder.address
    assert heitje.allowance(paying_citizen.address, merchant) == 0
    assert heitje.balanceOf(paying_citizen.address) == 1_000


@pytest.mark.parametrize("changed", ["to", "data", "gas", "deadline"])
def test_a_field_changed_after_signing_is_refused(
    relay, heitje, redemption, paying_citizen, merchant, changed
):
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100)
    request = signed.request
    change = {
        "to": redemption.address,
        "data": heitje.transfer.prepare_calldata(merchant, 1_000),
        "gas": request.gas + 1,
        "deadline": request.deadline + 1,
    }[changed]
    tampered = arguments(signed, **{changed: change})
    assert relay.validate(tampered) == INVALID_SIGNATURE
    assert relay.refusal(tampered) == INVALID
    assert relay.nonce(paying_citizen) == 0
    # The request as signed still goes through.
    relay.execute(signed)
    assert heitje.balanceOf(paying_citizen.address) == 900


@pytest.mark.parametrize(("r", "s"), [(0, 0), (SECP256K1N, 1)], ids=["zeros", "r out of range"])
def test_the_zero_address_never_signs(relay, heitje, merchant, r, s):
    """A signature that is none (recovers no key) makes ecrecover return the zero address: the
    zero address as signer is refused all the same (execute, validate and a batch)."""
    request = relay.request(ZERO, heitje.approve, merchant, 5)
    with pytest.raises(BadSignature):
        Account._recover_hash(request.digest(relay.domain()), vrs=(27, r, s))
    forged = [
        ZERO,
        heitje.address,
        request.gas,
        request.deadline,
        request.data,
        r.to_bytes(32, "big"),
        s.to_bytes(32, "big"),
    ]
    assert relay.validate(forged) == INVALID_SIGNATURE
    assert relay.refusal(forged) == INVALID
    skipped = the(relay.batch([forged]), "SkippedForwardRequest")
    assert (skipped.signer, skipped.reason) == (ZERO, INVALID_SIGNATURE)
    assert relay.nonce(ZERO) == 0
    assert heitje.allowance(ZERO, merchant) == 0


def test_a_failing_call_reverts_with_its_own_reason_and_uses_no_nonce(
    relay, heitje, paying_citizen, merchant
):
    overdrawn = relay.sign(paying_citizen, heitje.transfer, merchant, 1_001)
    computation = relay.send(overdrawn.arguments())
    assert computation.is_error
    assert revert_reason(computation.output) == OVERDRAWN
    with boa.reverts(OVERDRAWN):
        relay.execute(overdrawn)
    assert relay.nonce(paying_citizen) == 0
    # The nonce is still free for the next request.
    relay.execute(relay.sign(paying_citizen, heitje.transfer, merchant, 1_000))
    assert heitje.balanceOf(paying_citizen.address) == 0


# --------------------------------------------------------------- the 63/64 rule
def outcomes(send: Callable[[int], Any], target: str, gas_values: range) -> dict[str, list[int]]:
    """Sends with each amount of gas (rolled back each time) and sorts the outcomes: the
    transaction succeeded; the forwarded call ran out of gas; the transaction failed before or
    after a call that did not run out of gas."""
    seen: dict[str, list[int]] = {"succeeded": [], "call starved": [], "failed": []}
    for gas in gas_values:
        with boa.env.anchor():
            computation = send(gas)
            calls = [c for c in computation.children if to_checksum_address(c.msg.to) == target]
            if not computation.is_error:
                assert calls and not any(c.is_error for c in calls), gas
                seen["succeeded"].append(gas)
            elif calls and calls[-1].is_error:
                seen["call starved"].append(gas)
            else:
                seen["failed"].append(gas)
    return seen


def batch_data_limit() -> int:
    """The longest call data of a request in `execute_batch` (ForwardRequestData.data's bound)."""
    source = FORWARDER_SOURCE.read_text()
    struct = source[source.index("struct ForwardRequestData:") :]
    match = re.search(r"data: Bytes\[(\w+)\]", struct)
    assert match
    bound = match.group(1)
    return int(bound) if bound.isdigit() else forwarder_constant(bound)


def costly_registration(relay: Relay, heitje: Any, registrar: LocalAccount) -> SignedRequest:
    """A registration of as many new citizens as a request of a batch carries (selector, two
    offsets, two lengths, then 64 bytes a citizen): a new storage word each, so the call needs
    far more gas than the forwarder spends after it, and the 1/64 the forwarder keeps back from
    a starved call would pay for finishing the batch. Signed with ample gas."""
    count = (batch_data_limit() - 4 - 4 * 32) // 64
    wallets = [str(boa.env.generate_address()) for _ in range(count)]
    return relay.sign(registrar, heitje.register_citizens, wallets, [1] * count, gas=COSTLY_GAS)


def sweep(used: int) -> range:
    """Gas amounts from half of what a transaction used with ample gas to well above it (the
    forwarder wants requested / 63 left after the call)."""
    return range(used // 2, used + COSTLY_GAS // 63 + used // 8, max(used // 100, 1))


def test_execute_with_too_little_gas_for_the_call_fails_whole_and_uses_no_nonce(
    relay, heitje, signing_registrar
):
    """`execute` fails whole when the relayer starves the call (a failed call reverts it, and
    the 63/64 check stands behind that), so the nonce stays unused."""
    signed = costly_registration(relay, heitje, signing_registrar)
    citizens = heitje.counts()[0]
    with boa.env.anchor():
        used = relay.send(signed.arguments()).get_gas_used()
    seen = outcomes(lambda gas: relay.send(signed.arguments(), gas), heitje.address, sweep(used))
    assert seen["call starved"] and seen["succeeded"], seen
    starved = seen["call starved"][-1]
    with pytest.raises(BoaError):
        relay.execute(signed, gas=starved)
    assert relay.nonce(signing_registrar) == 0
    assert heitje.counts()[0] == citizens
    relay.execute(signed)
    assert relay.nonce(signing_registrar) == 1


def test_execute_batch_with_too_little_gas_for_a_call_fails_whole_and_uses_no_nonce(
    relay, heitje, signing_registrar
):
    """Without the 63/64 check the relayer could starve the call, have the batch record it as
    failed and the signer's nonce used. With it, no amount of gas gives a starved call that
    counts: the batch either succeeds with the call succeeding, or fails whole, for a starved
    call on the check itself (the INVALID opcode), not for want of gas to finish."""
    signed = costly_registration(relay, heitje, signing_registrar)
    citizens = heitje.counts()[0]
    checked: list[int] = []

    def send(gas: int) -> Any:
        computation = relay.send_batch([signed], gas)
        if not computation.is_error:
            executed = the(
                relay.forwarder.get_logs(computation=computation), "ExecutedForwardRequest"
            )
            assert executed.success, gas
        elif type(computation.error).__name__ == "InvalidInstruction":
            checked.append(gas)
        return computation

    with boa.env.anchor():
        used = relay.send_batch([signed]).get_gas_used()
    seen = outcomes(send, heitje.address, sweep(used))
    assert seen["call starved"] and seen["succeeded"], seen
    assert set(checked) & set(seen["call starved"]), (checked, seen)
    starved = seen["call starved"][-1]
    with pytest.raises(BoaError):
        relay.batch([signed], gas=starved)
    assert relay.nonce(signing_registrar) == 0
    assert heitje.counts()[0] == citizens
    logs = relay.batch([signed])
    assert the(logs, "ExecutedForwardRequest").success
    assert relay.nonce(signing_registrar) == 1


def test_a_request_signed_with_too_little_gas_fails_on_its_own(
    relay, heitje, paying_citizen, merchant
):
    """The signer's own `gas` too small: the relayer gave plenty, so in a batch the failure is
    recorded and the nonce used (the request was executed as signed); `execute` reverts."""
    signed = relay.sign(paying_citizen, heitje.transfer, merchant, 100, gas=2_000)
    # `execute` passes on the call's failure: out of gas, it has no revert data.
    computation = relay.send(signed.arguments())
    assert computation.is_error and computation.output == b""
    assert relay.nonce(paying_citizen) == 0
    executed = the(relay.batch([signed]), "ExecutedForwardRequest")
    assert (executed.signer, executed.nonce, executed.success) == (paying_citizen.address, 0, False)
    assert relay.nonce(paying_citizen) == 1
    assert heitje.balanceOf(paying_citizen.address) == 1_000


# -------------------------------------------------------------------- batches
def test_a_batch_applies_the_valid_skips_the_invalid_and_records_the_failing(
    relay, heitje, paying_citizen, signing_other_citizen, stranger_key, merchant
):
    valid = relay.sign(paying_citizen, heitje.transfer, merchant, 100, nonce=0)
    invalid = relay.sign(signing_other_citizen, heitje.approve, merchant, 9, key=stranger_key)
    failing = relay.sign(paying_citizen, heitje.transfer, merchant, 5_000, nonce=1)
    assert [relay.validate(s.arguments()) for s in (valid, invalid, failing)] == [
        VALID,
        INVALID_SIGNATURE,
        INVALID_SIGNATURE,  # its nonce is not the next one until `valid` ran
    ]
    shop_before = heitje.balanceOf(merchant)

    logs = relay.batch([valid, invalid, failing])

    summary = [
        (type(log).__name__, log.signer, log.nonce, getattr(log, "success", None))
        for log in logs
        if type(log).__name__ in ("ExecutedForwardRequest", "SkippedForwardRequest")
    ]
    assert summary == [
        ("ExecutedForwardRequest", paying_citizen.address, 0, True),
        ("SkippedForwardRequest", signing_other_citizen.address, 0, None),
        ("ExecutedForwardRequest", paying_citizen.address, 1, False),
    ]
    assert the(logs, "SkippedForwardRequest").reason == INVALID_SIGNATURE
    assert len(named(logs, "Transfer")) == 1
    assert relay.nonce(paying_citizen) == 2  # the failing call used its nonce
    assert relay.nonce(signing_other_citizen) == 0  # the invalid one did not
    assert heitje.allowance(signing_other_citizen.address, merchant) == 0
    assert heitje.balanceOf(paying_citizen.address) == 900
    assert heitje.balanceOf(merchant) == shop_before + 100


def test_a_batch_takes_one_signers_nonces_in_order(relay, heitje, paying_citizen, merchant):
    first = relay.sign(paying_citizen, heitje.transfer, merchant, 100, nonce=0)
    second = relay.sign(paying_citizen, heitje.transfer, merchant, 200, nonce=1)
    logs = relay.batch([first, second])
    assert [(e.nonce, e.success) for e in named(logs, "ExecutedForwardRequest")] == [
        (0, True),
        (1, True),
    ]
    assert relay.nonce(paying_citizen) == 2
    assert heitje.balanceOf(paying_citizen.address) == 700


def test_a_batch_out_of_nonce_order_skips_the_early_one(relay, heitje, paying_citizen, merchant):
    first = relay.sign(paying_citizen, heitje.transfer, merchant, 100, nonce=0)
    second = relay.sign(paying_citizen, heitje.transfer, merchant, 200, nonce=1)
    logs = relay.batch([second, first])
    skipped = the(logs, "SkippedForwardRequest")
    # The event names the nonce the signer was at (the one the request should have had).
    assert (skipped.nonce, skipped.reason) == (0, INVALID_SIGNATURE)
    assert the(logs, "ExecutedForwardRequest").nonce == 0
    assert heitje.balanceOf(paying_citizen.address) == 900
    relay.execute(second)
    assert relay.nonce(paying_citizen) == 2
    assert heitje.balanceOf(paying_citizen.address) == 700


def test_a_batch_skips_an_expired_request_with_reason_1(relay, heitje, paying_citizen, merchant):
    expired = relay.sign(paying_citizen, heitje.transfer, merchant, 100, deadline=now() - 1)
    skipped = the(relay.batch([expired]), "SkippedForwardRequest")
    assert (skipped.signer, skipped.nonce, skipped.reason) == (
        paying_citizen.address,
        0,
        INVALID_DEADLINE,
    )
    assert relay.nonce(paying_citizen) == 0
    assert heitje.balanceOf(paying_citizen.address) == 1_000


def test_a_full_batch_of_one_signers_requests_executes_in_order(
    relay, heitje, paying_citizen, merchant
):
    batch = [
        relay.sign(paying_citizen, heitje.transfer, merchant, 10, nonce=n) for n in range(MAX_BATCH)
    ]
    logs = relay.batch(batch)
    assert [e.nonce for e in named(logs, "ExecutedForwardRequest")] == list(range(MAX_BATCH))
    assert all(e.success for e in named(logs, "ExecutedForwardRequest"))
    assert relay.nonce(paying_citizen) == MAX_BATCH
    assert heitje.balanceOf(paying_citizen.address) == 1_000 - 10 * MAX_BATCH


# ------------------------------------------------- Heitje and Redemption trust it
def test_heitje_and_redemption_trust_exactly_the_forwarder(
    heitje, redemption, forwarder, relayer, outsider
):
    assert heitje.TRUSTED_FORWARDER() == forwarder.address
    assert redemption.TRUSTED_FORWARDER() == heitje.TRUSTED_FORWARDER()
    for contract in (heitje, redemption):
        assert contract.isTrustedForwarder(forwarder.address)
        assert not contract.isTrustedForwarder(relayer)
        assert not contract.isTrustedForwarder(outsider)
        assert not contract.isTrustedForwarder(ZERO)


def raw_call(contract: Any, sender: Any, function: Any, *args: Any, appended: str) -> Any:
    """`function(*args)` with an address appended to the call data, sent by `sender` itself."""
    data = function.prepare_calldata(*args) + bytes.fromhex(appended[2:])
    return boa.env.execute_code(to_address=contract.address, sender=sender, data=data)


@pytest.mark.parametrize("call", ["transfer", "pay"])
def test_appended_bytes_from_anyone_else_are_not_read_as_the_actor(
    heitje, flow, outsider, citizen, merchant, call
):
    """An outsider appends a citizen's address to a payment: it is the outsider's payment, and
    refused as the outsider's, exactly as without the suffix."""
    flow.earn(citizen, 500)
    args = (merchant, 100) if call == "transfer" else (merchant, 100, PAYMENT_REFERENCE)
    function = getattr(heitje, call)
    spoofed = raw_call(heitje, outsider, function, *args, appended=citizen)
    plain = boa.env.execute_code(
        to_address=heitje.address, sender=outsider, data=function.prepare_calldata(*args)
    )
    assert spoofed.is_error and plain.is_error
    assert (
        revert_reason(spoofed.output)
        == revert_reason(plain.output)
        == ("heitje: only registered citizens and merchants hold Heitjes")
    )
    assert heitje.balanceOf(citizen) == 500


def test_an_approval_with_appended_bytes_is_the_senders(heitje, outsider, citizen, merchant):
    computation = raw_call(heitje, outsider, heitje.approve, merchant, 42, appended=citizen)
    assert not computation.is_error
    assert heitje.allowance(outsider, merchant) == 42
    assert heitje.allowance(citizen, merchant) == 0


def test_a_redemption_with_appended_bytes_is_the_senders(
    heitje, redemption, flow, outsider, citizen, merchant
):
    flow.earn(citizen, 500)
    flow.pay(citizen, merchant, 400)
    shop = heitje.balanceOf(merchant)
    computation = raw_call(redemption, outsider, redemption.redeem, 100, appended=merchant)
    assert computation.is_error
    assert revert_reason(computation.output) == "redeem: not a merchant"
    assert heitje.balanceOf(merchant) == shop
    assert redemption.request_count() == 0


def test_a_heitje_with_the_zero_forwarder_trusts_no_forwarder(
    heitje_deployer, redemption_deployer, admin, outsider, citizen, merchant, relay
):
    alone = heitje_deployer.deploy(
        admin,
        heitje_constant("DEFAULT_YEARLY_CAP"),
        heitje_constant("DEFAULT_MONTHLY_CAP"),
        ZERO_FORWARDER,
    )
    its_redemption = redemption_deployer.deploy(alone.address)
    assert alone.TRUSTED_FORWARDER() == its_redemption.TRUSTED_FORWARDER() == ZERO
    for contract in (alone, its_redemption):
        assert not contract.isTrustedForwarder(ZERO)
        assert not contract.isTrustedForwarder(relay.forwarder.address)
    # Appended bytes are ignored.
    assert not raw_call(alone, outsider, alone.approve, merchant, 42, appended=citizen).is_error
    assert alone.allowance(outsider, merchant) == 42
    assert alone.allowance(citizen, merchant) == 0
    # A forwarder's request acts as the forwarder itself.
    key = Account.create()
    approval = the(relay.execute(relay.sign(key, alone.approve, merchant, 7)), "Approval")
    assert approval.owner == relay.forwarder.address
    assert alone.allowance(key.address, merchant) == 0


# -------------------------------------------------------------- state machine
# A few signers send requests at random: valid ones, ones with a later nonce, replays (any
# request already sent, drawn again), expired ones and forgeries, one at a time and in batches,
# while the clock moves. Settings as the suite's other machine (derandomized, no database);
# WESH_FORWARDER_EXAMPLES=n for a deeper local run.
MACHINE_SIGNERS = 3
# Each signer starts with a tenth of the largest reward.
START_BALANCE = heitje_constant("MAX_REWARD") // 10
raw_amounts = st.integers(min_value=1, max_value=START_BALANCE)
# How a payment's amount relates to the signer's balance when signed (which may change before it
# is sent): 0-5 part of it, 6 all of it, 7 one cent more, 8 any amount.
amount_modes = st.integers(min_value=0, max_value=8)
signer_picks = st.integers(min_value=0, max_value=MACHINE_SIGNERS - 1)
pool_picks = st.integers(min_value=0, max_value=255)
# How far ahead of the signer's next nonce a request is signed (mostly the next one).
NONCE_AHEAD = [0, 0, 0, 0, 1, 2]
DEADLINES = ["hour", "hour", "hour", "this second", "past"]
FORGERIES = ["another key", "changed amount", "another chain", "mirrored s", "another forwarder"]
TRAVELS = [1, 60, TTL, TTL + 1, DAY]
# Requests kept for sending (and sending again).
POOL_SIZE = 12

FORWARDER_MACHINE_SETTINGS = settings(
    max_examples=int(os.environ.get("WESH_FORWARDER_EXAMPLES", "30")),
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass(frozen=True)
class RelayWorld:
    """One wired deployment with funded signers; every hypothesis example starts from it."""

    heitje: Any
    forwarder: Any
    relay: Relay
    signers: list[LocalAccount]
    forger: LocalAccount
    merchant: str
    other_forwarder_domain: Domain
    # What each example saw, over all examples: (single or batch, verdict) -> count.
    seen: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Pending:
    """A request as the relayer holds it: `execute`'s arguments, and what the model knows."""

    arguments: list[Any]
    who: int
    nonce: int
    deadline: int
    amount: int
    forged: str | None
    # What was signed (a forgery's digest is the genuine request's it imitates).
    digest: bytes


@pytest.fixture(scope="module")
def relay_world(
    deploy_wesh, forwarder_deployer, flow_for, people, relayer, heitje, forwarder, start_clock
) -> RelayWorld:
    """A deployment of its own. It asks for every session fixture this module uses, so none is
    set up after it: titanoboa's plugin anchors fixtures in a stack, and a session fixture set
    up later would keep this one's state until the session ends."""
    heitje_m, redemption_m = deploy_wesh()
    forwarder_m = forwarder_deployer.at(heitje_m.TRUSTED_FORWARDER())
    signers = [Account.create() for _ in range(MACHINE_SIGNERS)]
    with boa.env.prank(people.registrar):
        heitje_m.register_citizens([k.address for k in signers], [1] * MACHINE_SIGNERS)
    shop = to_checksum_address(str(boa.env.generate_address()))
    with boa.env.prank(people.merchant_manager):
        heitje_m.register_merchant(shop, MERCHANT_CID)
    flow_m = flow_for(heitje_m, redemption_m)
    for key in signers:
        flow_m.earn(key.address, START_BALANCE)
    other = Relay(forwarder_deployer.deploy(), relayer)
    return RelayWorld(
        heitje=heitje_m,
        forwarder=forwarder_m,
        relay=Relay(forwarder_m, relayer),
        signers=signers,
        forger=Account.create(),
        merchant=shop,
        other_forwarder_domain=other.domain(),
    )


class ForwarderMachine(RuleBasedStateMachine):
    """Signed requests in random order against a model of nonces and balances."""

    world: RelayWorld

    def __init__(self) -> None:
        super().__init__()
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        w = self.world
        self.heitje, self.relay = w.heitje, w.relay
        self.domain = self.relay.domain()
        self.nonces = [0] * MACHINE_SIGNERS
        self.balances = [START_BALANCE] * MACHINE_SIGNERS
        self.shop = int(self.heitje.balanceOf(w.merchant))
        self.pool: list[Pending] = []
        # What the chain reported executed: per signer, and every (signer, nonce) and digest.
        self.executed = [0] * MACHINE_SIGNERS
        self.executed_nonces: set[tuple[int, int]] = set()
        self.executed_digests: set[bytes] = set()

    def teardown(self) -> None:
        self._anchor.__exit__(None, None, None)

    # -------------------------------------------------------------- helpers
    def keep(self, pending: Pending) -> None:
        self.pool = [*self.pool, pending][-POOL_SIZE:]

    def pick(self, pick: int) -> Pending:
        """Mostly a recent request; larger picks reach older ones (replays)."""
        return self.pool[-1 - pick % len(self.pool)]

    def verdict(self, pending: Pending) -> str:
        """What the forwarder must do with it now: the deadline first, then the signature and
        nonce, then whether the call succeeds."""
        if pending.deadline < now():
            return "expired"
        if pending.forged or pending.nonce != self.nonces[pending.who]:
            return "invalid"
        if pending.amount > self.balances[pending.who]:
            return "fails"
        return "ok"

    def amount(self, who: int, mode: int, raw: int) -> int:
        """See `amount_modes`; at least 1 (`pay` refuses 0)."""
        balance = self.balances[who]
        amount = {6: balance, 7: balance + 1, 8: raw}.get(mode, min(raw, balance))
        return max(amount, 1)

    def count(self, mode: str, verdict: str) -> None:
        key = (mode, verdict)
        self.world.seen[key] = self.world.seen.get(key, 0) + 1

    def record_execution(self, pending: Pending, nonce: int, succeeded: bool) -> None:
        """The chain executed `pending` with `nonce`: never twice, and as the model predicts."""
        assert (pending.who, nonce) not in self.executed_nonces
        assert pending.digest not in self.executed_digests
        self.executed_nonces.add((pending.who, nonce))
        self.executed_digests.add(pending.digest)
        self.executed[pending.who] += 1
        assert nonce == self.nonces[pending.who]
        self.nonces[pending.who] += 1
        if succeeded:
            self.balances[pending.who] -= pending.amount
            self.shop += pending.amount

    def chain_state(self) -> tuple[list[int], list[int], int]:
        """The signers' nonces and balances and the shop's balance, read from storage (the
        signers' and the shop's addresses have no titanoboa alias: storage is keyed by them)."""
        nonces = self.world.forwarder._storage.nonces.get()
        words = self.heitje._storage._accounts.get()
        addresses = [k.address for k in self.world.signers]
        return (
            [nonces.get(a, 0) for a in addresses],
            [AccountWord.decode(words[a]).balance for a in addresses],
            AccountWord.decode(words[self.world.merchant]).balance,
        )

    # ---------------------------------------------------------------- rules
    @rule(
        who=signer_picks,
        mode=amount_modes,
        raw=raw_amounts,
        pay=st.booleans(),
        deadline=st.sampled_from(DEADLINES),
        ahead=st.sampled_from(NONCE_AHEAD),
    )
    def sign(self, who: int, mode: int, raw: int, pay: bool, deadline: str, ahead: int) -> None:
        """A signer signs a payment to the shop (with `pay` or `transfer`)."""
        self.keep(self.signed(who, self.amount(who, mode, raw), pay, deadline, ahead))

    def signed(self, who: int, amount: int, pay: bool, deadline: str, ahead: int) -> Pending:
        signer, merchant = self.world.signers[who], self.world.merchant
        expires = {"hour": now() + TTL, "this second": now(), "past": now() - 1}[deadline]
        call = (
            (self.heitje.pay, merchant, amount, PAYMENT_REFERENCE)
            if pay
            else (self.heitje.transfer, merchant, amount)
        )
        signed = self.relay.sign(
            signer, *call, deadline=expires, nonce=self.nonces[who] + ahead, domain=self.domain
        )
        digest = signed.request.digest(self.domain)
        nonce = self.nonces[who] + ahead
        return Pending(signed.arguments(), who, nonce, expires, amount, None, digest)

    @rule(who=signer_picks, mode=amount_modes, raw=raw_amounts, how=st.sampled_from(FORGERIES))
    def forge(self, who: int, mode: int, raw: int, how: str) -> None:
        """Someone makes a request for a signer at its next nonce that the signer did not
        sign as it is sent."""
        signer, merchant = self.world.signers[who], self.world.merchant
        amount = self.amount(who, mode, raw)
        call = (self.heitje.transfer, merchant, amount)
        domain = {
            "another chain": Domain(
                self.domain.name,
                self.domain.version,
                self.domain.chain_id + 1,
                self.domain.verifying_contract,
            ),
            "another forwarder": self.world.other_forwarder_domain,
        }.get(how, self.domain)
        key = self.world.forger if how == "another key" else signer
        signed = self.relay.sign(signer, *call, domain=domain, key=key, nonce=self.nonces[who])
        sent = signed.arguments()
        if how == "changed amount":
            sent = arguments(
                signed, data=self.heitje.transfer.prepare_calldata(merchant, amount + 1)
            )
        elif how == "mirrored s":
            _r, high_s, v = mirror(signed.signature)
            sent = arguments(signed, vs=vs_word(high_s, v))
        request = signed.request
        digest = request.digest(self.domain)
        self.keep(Pending(sent, who, request.nonce, request.deadline, amount, how, digest))

    @rule(who=signer_picks, mode=amount_modes, raw=raw_amounts, pay=st.booleans())
    def sign_and_execute(self, who: int, mode: int, raw: int, pay: bool) -> None:
        """A signer signs a payment with its next nonce and the relayer sends it at once."""
        pending = self.signed(who, self.amount(who, mode, raw), pay, "hour", 0)
        self.keep(pending)
        self.send(pending)

    @precondition(lambda self: self.pool)
    @rule(pick=pool_picks)
    def execute(self, pick: int) -> None:
        """The relayer sends one held request with `execute` (perhaps again)."""
        self.send(self.pick(pick))

    def send(self, pending: Pending) -> None:
        """Sends `pending` with `execute`: it executes, or is refused with the predicted reason
        and changes nothing."""
        verdict = self.verdict(pending)
        self.count("single", verdict)
        before = self.chain_state()
        computation = self.relay.send(pending.arguments)
        if verdict == "ok":
            assert not computation.is_error, revert_reason(computation.output)
            logs = self.relay.forwarder.get_logs(computation=computation)
            transfer = the(logs, "Transfer")
            signer = self.world.signers[pending.who].address
            assert (transfer.sender, transfer.value) == (signer, pending.amount)
            self.record_execution(pending, before[0][pending.who], succeeded=True)
            return
        assert computation.is_error
        expected = {"expired": EXPIRED, "invalid": INVALID, "fails": OVERDRAWN}[verdict]
        assert revert_reason(computation.output) == expected
        # Refused: nothing changed, no nonce used.
        assert self.chain_state() == before

    @precondition(lambda self: self.pool)
    @rule(picks=st.lists(pool_picks, min_size=1, max_size=6))
    def execute_batch(self, picks: list[int]) -> None:
        """The relayer sends several held requests with `execute_batch`."""
        self.send_batch([self.pick(p) for p in picks])

    @rule(
        fresh=st.lists(
            st.tuples(signer_picks, amount_modes, raw_amounts, st.booleans()),
            min_size=1,
            max_size=3,
        ),
        picks=st.lists(pool_picks, max_size=3),
        at=st.integers(min_value=0, max_value=7),
    )
    def sign_and_batch(
        self, fresh: list[tuple[int, int, int, bool]], picks: list[int], at: int
    ) -> None:
        """Signers sign new requests with their next nonces (one signer's in order: n, n + 1,
        ...), and the relayer sends them in one batch with some held requests put in between."""
        ahead = [0] * MACHINE_SIGNERS
        batch = []
        for who, mode, raw, pay in fresh:
            pending = self.signed(who, self.amount(who, mode, raw), pay, "hour", ahead[who])
            ahead[who] += 1
            self.keep(pending)
            batch.append(pending)
        held = [self.pick(p) for p in picks] if self.pool else []
        cut = at % (len(batch) + 1)
        self.send_batch(batch[:cut] + held + batch[cut:])

    def send_batch(self, batch: list[Pending]) -> None:
        """Sends `batch` with `execute_batch`: each request's fate is predicted in order."""
        computation = self.relay.send_batch([p.arguments for p in batch])
        assert not computation.is_error, revert_reason(computation.output)
        logs = self.relay.forwarder.get_logs(computation=computation)
        outcomes = [
            log
            for log in logs
            if type(log).__name__ in ("ExecutedForwardRequest", "SkippedForwardRequest")
        ]
        assert len(outcomes) == len(batch)
        paid: list[tuple[str, int]] = []
        for pending, outcome in zip(batch, outcomes, strict=True):
            signer = self.world.signers[pending.who].address
            verdict = self.verdict(pending)
            self.count("batch", verdict)
            assert outcome.signer == signer
            if verdict in ("expired", "invalid"):
                assert type(outcome).__name__ == "SkippedForwardRequest"
                reason = INVALID_DEADLINE if verdict == "expired" else INVALID_SIGNATURE
                assert (outcome.nonce, outcome.reason) == (self.nonces[pending.who], reason)
                continue
            assert type(outcome).__name__ == "ExecutedForwardRequest"
            assert outcome.success == (verdict == "ok")
            self.record_execution(pending, outcome.nonce, succeeded=outcome.success)
            if outcome.success:
                paid.append((signer, pending.amount))
        # Only the requests executed successfully moved money, in order.
        assert [(t.sender, t.value) for t in named(logs, "Transfer")] == paid

    @rule(seconds=st.sampled_from(TRAVELS))
    def travel(self, seconds: int) -> None:
        boa.env.time_travel(seconds=seconds)

    # ----------------------------------------------------------- invariants
    @invariant()
    def nonces_count_executions_and_balances_match_the_model(self) -> None:
        nonces, balances, shop = self.chain_state()
        assert nonces == self.executed == self.nonces
        assert balances == self.balances
        assert shop == self.shop == self.heitje.balanceOf(self.world.merchant)
        # The forger's key never became anyone.
        assert self.world.forger.address not in self.world.forwarder._storage.nonces.get()
        assert self.world.forger.address not in self.heitje._storage._accounts.get()


def test_random_signed_requests_keep_nonces_and_balances_with_the_model(relay_world):
    machine = type("Machine", (ForwarderMachine,), {"world": relay_world})
    run_state_machine_as_test(machine, settings=FORWARDER_MACHINE_SETTINGS)
    # The runs reached every verdict, singly and in batches.
    for mode in ("single", "batch"):
        for verdict in ("ok", "fails", "invalid", "expired"):
            assert relay_world.seen.get((mode, verdict), 0) > 0, (mode, verdict, relay_world.seen)
