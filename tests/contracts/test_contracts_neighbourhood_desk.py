"""The neighbourhood desk (contracts/NeighbourhoodDesk.vy, issue #14: associations bring residents
in).

A neighbourhood association (GMS) may register residents of the neighbourhoods the city's
registrar granted its account, and of no other; the desk holds REGISTRAR on Heitje and calls its
`register_citizens`, and its own `CitizenRegisteredBy` names the association. Checked: granting
and withdrawing (only a registrar on Heitje, each an event), registering in a granted
neighbourhood singly and in a batch, every refusal (not a registrar grants or withdraws; an
association outside its neighbourhoods, after a withdrawal, in a batch with one stranger; Heitje's
own rules through the desk), that it trusts Heitje's forwarder (an association key with no native
token registers through the relayer; appended bytes from anyone else are not read), that it
offers nothing that moves a resident or money, and a state machine of grants, withdrawals and
registrations by two associations against a model: a citizen registered through the desk is
always in a neighbourhood granted to the registering association at that moment.
"""

from __future__ import annotations

import os
from typing import Any

import boa
import pytest
from contracts_support import CONTRACTS, events, only_event, vyper_constants
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from wesh.forwarding import Domain, ForwardRequest, SignedRequest, sign_with_key

DESK_SOURCE = CONTRACTS / "NeighbourhoodDesk.vy"
DESK = vyper_constants(DESK_SOURCE)
MAX_NEIGHBOURHOOD = int(DESK["MAX_NEIGHBOURHOOD"])
MAX_BATCH = int(DESK["MAX_BATCH"])
ONLY_REGISTRAR = "access: only a registrar may do this"
NOT_GRANTED = "desk: neighbourhood not granted"
# The association's own neighbourhoods in these tests, and one it was never granted.
GMS_AREAS = (3, 4)
ELSEWHERE = 7


def newcomer(label: str) -> str:
    """A fresh address nobody registered (a resident's new account)."""
    return str(boa.env.generate_address(label))


# ------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def association() -> Any:
    """GMS's account: granted GMS_AREAS by the registrar in ``desk``."""
    return boa.env.generate_address("association")


@pytest.fixture(scope="session")
def other_association() -> Any:
    """Another association, granted neighbourhood ELSEWHERE only."""
    return boa.env.generate_address("other_association")


@pytest.fixture(scope="session")
def association_key() -> LocalAccount:
    """A key made for the session (nothing stored) for an association that signs requests."""
    return Account.create()


@pytest.fixture(scope="module")
def desk(
    heitje: Any,
    forwarder: Any,
    people: Any,
    relayer: Any,
    association: Any,
    other_association: Any,
    association_key: LocalAccount,
) -> Any:
    """The desk on the wired Heitje, holding REGISTRAR there; GMS granted GMS_AREAS, the other
    association ELSEWHERE, the signing association GMS_AREAS[0]. It asks for every session
    fixture this module uses, so none is set up after it (titanoboa anchors fixtures in a
    stack)."""
    contract = boa.load(str(DESK_SOURCE), heitje.address)
    with boa.env.prank(people.admin):
        heitje.grant_role(contract.address, 2)
    with boa.env.prank(people.registrar):
        for area in GMS_AREAS:
            contract.grant(association, area)
        contract.grant(other_association, ELSEWHERE)
        contract.grant(association_key.address, GMS_AREAS[0])
    return contract


def relayed(
    forwarder: Any, relayer: Any, signer: LocalAccount, function: Any, *args: Any
) -> list[Any]:
    """`function(*args)` signed by `signer` and sent by the relayer through the forwarder;
    returns the logs."""
    _fields, name, version, chain_id, verifying, _salt, _ext = forwarder.eip712Domain()
    domain = Domain(str(name), str(version), int(chain_id), to_checksum_address(verifying))
    request = ForwardRequest(
        signer=to_checksum_address(signer.address),
        to=to_checksum_address(function.contract.address),
        gas=500_000,
        nonce=int(forwarder.nonces(signer.address)),
        deadline=int(boa.env.evm.patch.timestamp) + 3_600,
        data=function.prepare_calldata(*args),
    )
    signed = SignedRequest(request, sign_with_key(request, domain, signer.key))
    with boa.env.prank(relayer):
        forwarder.execute(*signed.arguments())
    return list(forwarder.get_logs())


def the(logs: list[Any], name: str) -> Any:
    found = [log for log in logs if type(log).__name__ == name]
    assert len(found) == 1, [type(log).__name__ for log in logs]
    return found[0]


# ------------------------------------------------------------------- wiring
def test_the_desk_names_heitje_and_trusts_its_forwarder(desk, heitje, forwarder, relayer):
    assert desk.HEITJE() == heitje.address
    assert desk.TRUSTED_FORWARDER() == heitje.TRUSTED_FORWARDER() == forwarder.address
    assert desk.isTrustedForwarder(forwarder.address)
    assert not desk.isTrustedForwarder(relayer)


def test_the_desk_keeps_heitjes_neighbourhood_bound():
    heitje = vyper_constants(CONTRACTS / "Heitje.vy")
    assert heitje["MAX_NEIGHBOURHOOD"] == MAX_NEIGHBOURHOOD
    assert heitje["MAX_BATCH"] >= MAX_BATCH


def test_an_association_cannot_move_deactivate_or_rehouse_a_resident(desk):
    """Moving a lost phone (money), deactivating or changing a neighbourhood stays with the city's
    desk: the contract offers an association only registration."""
    functions = {entry["name"] for entry in desk.abi if entry["type"] == "function"}
    assert functions == {
        "HEITJE",
        "TRUSTED_FORWARDER",
        "isTrustedForwarder",
        "is_granted",
        "neighbourhood_count",
        "grant",
        "withdraw",
        "register_citizen",
        "register_citizens",
    }


# ------------------------------------------------------------ grants
def test_a_registrar_grants_a_neighbourhood(desk, registrar, association):
    with boa.env.prank(registrar):
        desk.grant(association, ELSEWHERE)
    granted = only_event(desk, "NeighbourhoodGranted")
    assert (granted.association, granted.neighbourhood, granted.by) == (
        association,
        ELSEWHERE,
        registrar,
    )
    assert desk.is_granted(association, ELSEWHERE)
    assert desk.neighbourhood_count(association) == len(GMS_AREAS) + 1


def test_a_registrar_withdraws_a_neighbourhood(desk, registrar, association):
    with boa.env.prank(registrar):
        desk.withdraw(association, GMS_AREAS[1])
    withdrawn = only_event(desk, "NeighbourhoodWithdrawn")
    assert (withdrawn.association, withdrawn.neighbourhood, withdrawn.by) == (
        association,
        GMS_AREAS[1],
        registrar,
    )
    assert not desk.is_granted(association, GMS_AREAS[1])
    assert desk.is_granted(association, GMS_AREAS[0])
    assert desk.neighbourhood_count(association) == len(GMS_AREAS) - 1


@pytest.mark.parametrize("who", ["admin", "merchant_manager", "treasurer", "outsider"])
def test_only_a_registrar_grants_or_withdraws(desk, people, association, who):
    caller = getattr(people, who)
    with boa.env.prank(caller), boa.reverts(ONLY_REGISTRAR):
        desk.grant(association, ELSEWHERE)
    with boa.env.prank(caller), boa.reverts(ONLY_REGISTRAR):
        desk.withdraw(association, GMS_AREAS[0])


def test_an_association_cannot_grant_itself_more(desk, association):
    with boa.env.prank(association), boa.reverts(ONLY_REGISTRAR):
        desk.grant(association, ELSEWHERE)


def test_a_registrar_whose_role_was_revoked_on_heitje_grants_nothing(
    desk, heitje, admin, registrar, association
):
    with boa.env.prank(admin):
        heitje.revoke_role(registrar, 2)
    with boa.env.prank(registrar), boa.reverts(ONLY_REGISTRAR):
        desk.grant(association, ELSEWHERE)


@pytest.mark.parametrize(
    ("area", "reason"),
    [
        (0, "desk: unknown neighbourhood"),
        (MAX_NEIGHBOURHOOD + 1, "desk: unknown neighbourhood"),
        (GMS_AREAS[0], "desk: already granted"),
    ],
)
def test_a_grant_is_refused_for_no_neighbourhood_or_twice(
    desk, registrar, association, area, reason
):
    with boa.env.prank(registrar), boa.reverts(reason):
        desk.grant(association, area)


def test_a_grant_to_the_zero_address_is_refused(desk, registrar):
    with boa.env.prank(registrar), boa.reverts("desk: association is the zero address"):
        desk.grant("0x" + "00" * 20, ELSEWHERE)


def test_the_highest_neighbourhood_can_be_granted(desk, registrar, association):
    with boa.env.prank(registrar):
        desk.grant(association, MAX_NEIGHBOURHOOD)
    assert desk.is_granted(association, MAX_NEIGHBOURHOOD)


def test_withdrawing_what_was_not_granted_is_refused(desk, registrar, association):
    with boa.env.prank(registrar), boa.reverts("desk: not granted"):
        desk.withdraw(association, ELSEWHERE)


# ------------------------------------------------------------ registering
def test_an_association_registers_a_resident_of_its_neighbourhood(desk, heitje, association):
    resident = newcomer("resident")
    with boa.env.prank(association):
        desk.register_citizen(resident, GMS_AREAS[0])
    logs = list(desk.get_logs())
    account = heitje.account(resident)
    assert account.is_citizen and account.active
    assert account.neighbourhood == GMS_AREAS[0]
    # Heitje names the desk as registrar; the desk names the association, right after.
    assert [type(log).__name__ for log in logs] == ["CitizenRegistered", "CitizenRegisteredBy"]
    registered = the(logs, "CitizenRegistered")
    assert (registered.citizen, registered.registrar) == (resident, desk.address)
    by = the(logs, "CitizenRegisteredBy")
    assert (by.citizen, by.neighbourhood, by.association) == (
        resident,
        GMS_AREAS[0],
        association,
    )


def test_an_association_registers_several_residents_at_once(desk, heitje, association):
    residents = [newcomer(f"resident-{i}") for i in range(3)]
    areas = [GMS_AREAS[0], GMS_AREAS[1], GMS_AREAS[0]]
    with boa.env.prank(association):
        desk.register_citizens(residents, areas)
    assert [heitje.account(r).neighbourhood for r in residents] == areas
    logged = events(desk, "CitizenRegisteredBy")
    assert [(e.citizen, e.neighbourhood, e.association) for e in logged] == [
        (r, a, association) for r, a in zip(residents, areas, strict=True)
    ]


@pytest.mark.parametrize("area", [ELSEWHERE, 0, MAX_NEIGHBOURHOOD + 1])
def test_an_association_registers_nobody_outside_its_neighbourhoods(
    desk, heitje, association, area
):
    resident = newcomer("resident")
    with boa.env.prank(association), boa.reverts(NOT_GRANTED):
        desk.register_citizen(resident, area)
    assert not heitje.account(resident).is_citizen


def test_an_association_registers_nobody_in_another_associations_neighbourhood(
    desk, heitje, other_association
):
    with boa.env.prank(other_association), boa.reverts(NOT_GRANTED):
        desk.register_citizen(newcomer("resident"), GMS_AREAS[0])


def test_an_account_without_grants_registers_nobody(desk, outsider, registrar):
    """Not even the city's registrar: it registers at Heitje, not through the desk."""
    for who in (outsider, registrar):
        with boa.env.prank(who), boa.reverts(NOT_GRANTED):
            desk.register_citizen(newcomer("resident"), GMS_AREAS[0])


def test_after_a_withdrawal_the_association_registers_nobody_there(
    desk, heitje, registrar, association
):
    with boa.env.prank(registrar):
        desk.withdraw(association, GMS_AREAS[0])
    resident = newcomer("resident")
    with boa.env.prank(association), boa.reverts(NOT_GRANTED):
        desk.register_citizen(resident, GMS_AREAS[0])
    with boa.env.prank(association):  # its other neighbourhood still works
        desk.register_citizen(resident, GMS_AREAS[1])
    assert heitje.account(resident).neighbourhood == GMS_AREAS[1]


def test_a_batch_with_one_resident_outside_registers_nobody(desk, heitje, association):
    residents = [newcomer("inside"), newcomer("outside")]
    with boa.env.prank(association), boa.reverts(NOT_GRANTED):
        desk.register_citizens(residents, [GMS_AREAS[0], ELSEWHERE])
    assert not any(heitje.account(r).is_citizen for r in residents)


def test_a_batch_with_lengths_that_differ_is_refused(desk, association):
    with boa.env.prank(association), boa.reverts("desk: lengths differ"):
        desk.register_citizens([newcomer("a"), newcomer("b")], [GMS_AREAS[0]])


def test_heitjes_rules_apply_through_the_desk(desk, heitje, admin, association, citizen):
    with boa.env.prank(association), boa.reverts("registry: already registered"):
        desk.register_citizen(citizen, GMS_AREAS[0])
    with boa.env.prank(association), boa.reverts("registry: invalid citizen"):
        desk.register_citizen("0x" + "00" * 20, GMS_AREAS[0])
    with boa.env.prank(admin):
        heitje.set_paused(True)
    with boa.env.prank(association), boa.reverts("heitje: paused"):
        desk.register_citizen(newcomer("resident"), GMS_AREAS[0])


def test_a_desk_without_the_registrar_role_registers_nobody(desk, heitje, admin, association):
    with boa.env.prank(admin):
        heitje.revoke_role(desk.address, 2)
    with boa.env.prank(association), boa.reverts(ONLY_REGISTRAR):
        desk.register_citizen(newcomer("resident"), GMS_AREAS[0])


# ------------------------------------------------------------ relayed (no native token)
def test_an_association_without_native_token_registers_through_the_relayer(
    desk, heitje, forwarder, relayer, association_key
):
    assert boa.env.get_balance(association_key.address) == 0
    resident = newcomer("resident")
    logs = relayed(
        forwarder, relayer, association_key, desk.register_citizen, resident, GMS_AREAS[0]
    )
    by = the(logs, "CitizenRegisteredBy")
    assert (by.citizen, by.association) == (resident, association_key.address)
    assert the(logs, "CitizenRegistered").registrar == desk.address
    assert heitje.account(resident).neighbourhood == GMS_AREAS[0]
    assert boa.env.get_balance(association_key.address) == 0


def test_a_relayed_request_outside_the_signers_neighbourhoods_is_refused(
    desk, heitje, forwarder, relayer, association_key
):
    resident = newcomer("resident")
    with boa.reverts(NOT_GRANTED):
        relayed(forwarder, relayer, association_key, desk.register_citizen, resident, GMS_AREAS[1])
    assert not heitje.account(resident).is_citizen
    assert forwarder.nonces(association_key.address) == 0  # a failed call uses no nonce


def test_a_registrar_grants_through_the_relayer(
    desk, heitje, admin, forwarder, relayer, association
):
    registrar_key = Account.create()
    with boa.env.prank(admin):
        heitje.grant_role(registrar_key.address, 2)
    logs = relayed(forwarder, relayer, registrar_key, desk.grant, association, ELSEWHERE)
    assert the(logs, "NeighbourhoodGranted").by == registrar_key.address
    assert desk.is_granted(association, ELSEWHERE)


def test_appended_bytes_from_anyone_else_are_not_read_as_the_association(
    desk, heitje, outsider, association
):
    """An outsider appends GMS's address to its own call: the desk reads the outsider."""
    resident = newcomer("resident")
    data = desk.register_citizen.prepare_calldata(resident, GMS_AREAS[0])
    appended = data + bytes.fromhex(str(association)[2:])
    computation = boa.env.execute_code(to_address=desk.address, sender=outsider, data=appended)
    assert computation.is_error
    assert not heitje.account(resident).is_citizen


# ------------------------------------------------------------ state machine
DESK_MACHINE_SETTINGS = settings(
    max_examples=int(os.environ.get("WESH_DESK_EXAMPLES", "25")),
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# The neighbourhoods the machine plays with (those the fixture granted among them).
MACHINE_AREAS = (*GMS_AREAS, 5, ELSEWHERE)


class DeskMachine(RuleBasedStateMachine):
    """Grants, withdrawals and registrations by two associations against a model of grants."""

    desk: Any
    heitje: Any
    registrar: Any
    associations: tuple[Any, Any]
    #: Over all examples: registrations accepted and refused.
    seen: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        with boa.env.prank(self.registrar):
            for who in self.associations:
                for area in MACHINE_AREAS:
                    if self.desk.is_granted(who, area):
                        self.desk.withdraw(who, area)
        self.granted: set[tuple[int, int]] = set()
        self.registered: list[tuple[str, int, int]] = []
        self.counter = 0

    def teardown(self) -> None:
        self._anchor.__exit__(None, None, None)

    @rule(who=st.integers(0, 1), area=st.sampled_from(MACHINE_AREAS))
    def grant(self, who: int, area: int) -> None:
        with boa.env.prank(self.registrar):
            if (who, area) in self.granted:
                with boa.reverts("desk: already granted"):
                    self.desk.grant(self.associations[who], area)
            else:
                self.desk.grant(self.associations[who], area)
                self.granted.add((who, area))

    @rule(who=st.integers(0, 1), area=st.sampled_from(MACHINE_AREAS))
    def withdraw(self, who: int, area: int) -> None:
        with boa.env.prank(self.registrar):
            if (who, area) in self.granted:
                self.desk.withdraw(self.associations[who], area)
                self.granted.discard((who, area))
            else:
                with boa.reverts("desk: not granted"):
                    self.desk.withdraw(self.associations[who], area)

    def _resident(self) -> str:
        self.counter += 1
        return newcomer(f"machine-resident-{self.counter}")

    @rule(who=st.integers(0, 1), area=st.sampled_from(MACHINE_AREAS))
    def register(self, who: int, area: int) -> None:
        resident = self._resident()
        with boa.env.prank(self.associations[who]):
            if (who, area) in self.granted:
                self.desk.register_citizen(resident, area)
                self.check_logged([(resident, area)], who)
                self.seen["accepted"] += 1
            else:
                with boa.reverts(NOT_GRANTED):
                    self.desk.register_citizen(resident, area)
                self.seen["refused"] += 1

    @rule(who=st.integers(0, 1), areas=st.lists(st.sampled_from(MACHINE_AREAS), max_size=4))
    def register_batch(self, who: int, areas: list[int]) -> None:
        residents = [self._resident() for _ in areas]
        with boa.env.prank(self.associations[who]):
            if all((who, area) in self.granted for area in areas):
                self.desk.register_citizens(residents, areas)
                self.check_logged(list(zip(residents, areas, strict=True)), who)
            else:
                with boa.reverts(NOT_GRANTED):
                    self.desk.register_citizens(residents, areas)

    def check_logged(self, expected: list[tuple[str, int]], who: int) -> None:
        """The desk's events of the last call: each names a neighbourhood granted to the
        registering association right now (the invariant), and the model agrees."""
        logged = events(self.desk, "CitizenRegisteredBy")
        assert [(e.citizen, e.neighbourhood) for e in logged] == expected
        for event in logged:
            assert event.association == self.associations[who]
            assert self.desk.is_granted(event.association, event.neighbourhood)
            assert (who, event.neighbourhood) in self.granted
            self.registered.append((str(event.citizen), event.neighbourhood, who))

    @invariant()
    def grants_match_the_model(self) -> None:
        for who, association in enumerate(self.associations):
            for area in MACHINE_AREAS:
                assert self.desk.is_granted(association, area) == ((who, area) in self.granted)
            mine = sum(1 for w, _ in self.granted if w == who)
            assert self.desk.neighbourhood_count(association) == mine

    @invariant()
    def every_registered_resident_lives_where_they_were_registered(self) -> None:
        for resident, area, _who in self.registered[-5:]:
            account = self.heitje.account(resident)
            assert account.is_citizen and account.neighbourhood == area


def test_residents_registered_through_the_desk_are_always_in_a_granted_neighbourhood(
    desk, heitje, registrar, association, other_association
):
    seen = {"accepted": 0, "refused": 0}
    machine = type(
        "Machine",
        (DeskMachine,),
        {
            "desk": desk,
            "heitje": heitje,
            "registrar": registrar,
            "associations": (association, other_association),
            "seen": seen,
        },
    )
    run_state_machine_as_test(machine, settings=DESK_MACHINE_SETTINGS)
    assert seen["accepted"] > 10 and seen["refused"] > 10, seen
