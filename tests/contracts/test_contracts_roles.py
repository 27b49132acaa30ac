"""Rule 6, roles: granting and revoking, their events, and the admin's own limits."""

from __future__ import annotations

import boa
import pytest
from contracts_support import ROLE, ZERO_FORWARDER, event_names, heitje_constant, only_event

ZERO = "0x" + "00" * 20
YEARLY = heitje_constant("DEFAULT_YEARLY_CAP")
MONTHLY = heitje_constant("DEFAULT_MONTHLY_CAP")


def test_deployer_admin_holds_only_the_admin_role(heitje_deployer, admin):
    fresh = heitje_deployer.deploy(admin, YEARLY, MONTHLY, ZERO_FORWARDER)
    assert fresh.roles_of(admin) == ROLE["ADMIN"]
    assert fresh.admin_count() == 1


def test_deploy_emits_role_granted_for_the_first_admin(heitje_deployer, admin):
    fresh = heitje_deployer.deploy(admin, YEARLY, MONTHLY, ZERO_FORWARDER)
    granted = [log for log in fresh.get_logs() if type(log).__name__ == "RoleGranted"]
    assert len(granted) == 1
    assert (granted[0].role, granted[0].account) == (ROLE["ADMIN"], admin)


def test_deploy_refuses_the_zero_address_as_admin(heitje_deployer):
    with boa.reverts("access: admin is the zero address"):
        heitje_deployer.deploy(ZERO, YEARLY, MONTHLY, ZERO_FORWARDER)


def test_wired_role_holders_hold_exactly_their_role(heitje, people):
    for account, role in people.role_holders().values():
        expected = role | (ROLE["ADMIN"] if account == people.admin else 0)
        assert heitje.roles_of(account) == expected
    for account in (people.citizen, people.merchant, people.outsider):
        assert heitje.roles_of(account) == 0


@pytest.mark.parametrize("role_name", sorted(ROLE))
def test_grant_role_sets_the_bit_and_emits_role_granted(heitje, admin, outsider, role_name):
    with boa.env.prank(admin):
        heitje.grant_role(outsider, ROLE[role_name])
    event = only_event(heitje, "RoleGranted")
    assert (event.role, event.account, event.sender) == (ROLE[role_name], outsider, admin)
    assert heitje.roles_of(outsider) == ROLE[role_name]


def test_roles_accumulate_on_one_account(heitje, admin, outsider):
    with boa.env.prank(admin):
        heitje.grant_role(outsider, ROLE["REVIEWER"])
        heitje.grant_role(outsider, ROLE["TREASURER"])
    assert heitje.roles_of(outsider) == ROLE["REVIEWER"] | ROLE["TREASURER"]


def test_granting_a_held_role_changes_nothing_and_logs_nothing(heitje, admin, reviewer):
    with boa.env.prank(admin):
        heitje.grant_role(reviewer, ROLE["REVIEWER"])
    assert event_names(heitje) == []
    assert heitje.roles_of(reviewer) == ROLE["REVIEWER"]


@pytest.mark.parametrize("role_name", sorted(ROLE))
def test_revoke_role_clears_the_bit_and_emits_role_revoked(heitje, admin, outsider, role_name):
    with boa.env.prank(admin):
        heitje.grant_role(outsider, ROLE[role_name])
        heitje.revoke_role(outsider, ROLE[role_name])
    event = only_event(heitje, "RoleRevoked")
    assert (event.role, event.account, event.sender) == (ROLE[role_name], outsider, admin)
    assert heitje.roles_of(outsider) == 0


def test_revoking_a_role_not_held_changes_nothing_and_logs_nothing(heitje, admin, outsider):
    with boa.env.prank(admin):
        heitje.revoke_role(outsider, ROLE["TREASURER"])
    assert event_names(heitje) == []


def test_revoked_role_holder_is_refused_afterwards(heitje, admin, treasurer):
    with boa.env.prank(admin):
        heitje.revoke_role(treasurer, ROLE["TREASURER"])
    with boa.env.prank(treasurer), boa.reverts("access: only a treasurer may do this"):
        heitje.grant_budget(1)


def test_last_admin_cannot_be_removed(heitje, admin):
    assert heitje.admin_count() == 1
    with boa.env.prank(admin), boa.reverts("access: the last admin cannot be removed"):
        heitje.revoke_role(admin, ROLE["ADMIN"])
    assert heitje.roles_of(admin) & ROLE["ADMIN"]


def test_an_admin_can_be_removed_while_another_remains(heitje, admin, outsider):
    with boa.env.prank(admin):
        heitje.grant_role(outsider, ROLE["ADMIN"])
    assert heitje.admin_count() == 2
    with boa.env.prank(outsider):
        heitje.revoke_role(admin, ROLE["ADMIN"])
    assert heitje.admin_count() == 1
    assert heitje.roles_of(admin) & ROLE["ADMIN"] == 0
    with boa.env.prank(outsider), boa.reverts("access: the last admin cannot be removed"):
        heitje.revoke_role(outsider, ROLE["ADMIN"])


def test_admin_can_remove_itself_when_another_admin_remains(heitje, admin, outsider):
    with boa.env.prank(admin):
        heitje.grant_role(outsider, ROLE["ADMIN"])
        heitje.revoke_role(admin, ROLE["ADMIN"])
    assert heitje.admin_count() == 1
    with boa.env.prank(admin), boa.reverts("access: only an admin may do this"):
        heitje.grant_role(admin, ROLE["ADMIN"])


def test_granting_admin_twice_counts_one_admin(heitje, admin, outsider):
    with boa.env.prank(admin):
        heitje.grant_role(outsider, ROLE["ADMIN"])
        heitje.grant_role(outsider, ROLE["ADMIN"])
    assert heitje.admin_count() == 2


UNKNOWN_ROLES = [0, 3, 64, 128, 2**255, max(ROLE.values()) * 2, sum(ROLE.values())]


@pytest.mark.parametrize("role", UNKNOWN_ROLES)
def test_unknown_role_is_refused_on_grant(heitje, admin, outsider, role):
    with boa.env.prank(admin), boa.reverts("access: unknown role"):
        heitje.grant_role(outsider, role)


@pytest.mark.parametrize("role", UNKNOWN_ROLES)
def test_unknown_role_is_refused_on_revoke(heitje, admin, outsider, role):
    with boa.env.prank(admin), boa.reverts("access: unknown role"):
        heitje.revoke_role(outsider, role)


def test_role_cannot_be_granted_to_the_zero_address(heitje, admin):
    with boa.env.prank(admin), boa.reverts("access: account is the zero address"):
        heitje.grant_role(ZERO, ROLE["REVIEWER"])


def test_set_paused_emits_paused_and_unpaused(heitje, admin):
    with boa.env.prank(admin):
        heitje.set_paused(True)
        assert only_event(heitje, "Paused").admin == admin
        assert heitje.ledger().paused is True
        heitje.set_paused(False)
        assert only_event(heitje, "Unpaused").admin == admin
    assert heitje.ledger().paused is False


@pytest.mark.parametrize("state", [True, False])
def test_set_paused_to_the_current_state_is_refused(heitje, admin, state):
    with boa.env.prank(admin):
        if state:
            heitje.set_paused(True)
        with boa.reverts("heitje: already in that state"):
            heitje.set_paused(state)


def test_set_redemption_only_once(heitje, admin, outsider):
    with boa.env.prank(admin), boa.reverts("redeem: contract already set"):
        heitje.set_redemption(outsider)


def test_set_redemption_names_the_contract_and_emits(heitje_deployer, redemption_deployer, admin):
    fresh = heitje_deployer.deploy(admin, YEARLY, MONTHLY, ZERO_FORWARDER)
    redemption = redemption_deployer.deploy(fresh.address)
    with boa.env.prank(admin):
        fresh.set_redemption(redemption.address)
    event = only_event(fresh, "RedemptionContractSet")
    assert (event.redemption, event.admin) == (redemption.address, admin)
    assert fresh.redemption() == redemption.address


def test_set_redemption_refuses_a_redemption_of_another_heitje(heitje_deployer, redemption, admin):
    """`redemption` is bound to the wired Heitje: it may not burn on a fresh one."""
    fresh = heitje_deployer.deploy(admin, YEARLY, MONTHLY, ZERO_FORWARDER)
    with boa.env.prank(admin), boa.reverts("redeem: not this Heitje's contract"):
        fresh.set_redemption(redemption.address)
    assert fresh.redemption() == ZERO


def test_set_redemption_refuses_an_address_without_code(heitje_deployer, admin, outsider):
    """Asking a wallet for HEITJE() fails (no code), so this refusal carries no reason text."""
    fresh = heitje_deployer.deploy(admin, YEARLY, MONTHLY, ZERO_FORWARDER)
    with boa.env.prank(admin), boa.reverts():
        fresh.set_redemption(outsider)
    assert fresh.redemption() == ZERO
