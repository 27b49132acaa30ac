"""`ape run roles`: grant, revoke, list; only an admin may, and the last admin stays."""

from __future__ import annotations

from scripts_support import ADMIN, REGISTRAR, City, alias

from wesh.rules import Role


def test_grant_list_and_revoke(deployed: City) -> None:
    someone = deployed.accounts[26]
    output = deployed.ape("roles", "grant", someone, "reviewer,task-manager",
                          "--account", alias(ADMIN), "--yes")  # fmt: skip
    assert output.count("tx 0x") == 2
    assert deployed.wesh.roles_of(someone) == Role.REVIEWER | Role.TASK_MANAGER

    listing = deployed.ape("roles", "list")
    assert someone in listing and "task-manager, reviewer" in listing

    nonce = deployed.nonce(ADMIN)
    again = deployed.ape("roles", "grant", someone, "reviewer", "--account", alias(ADMIN), "--yes")
    assert "already holds reviewer: skipped" in again and deployed.nonce(ADMIN) == nonce

    deployed.ape("roles", "revoke", someone, "reviewer", "--account", alias(ADMIN), "--yes")
    assert deployed.wesh.roles_of(someone) == Role.TASK_MANAGER


def test_only_an_admin_grants_roles(deployed: City) -> None:
    nonce = deployed.nonce(REGISTRAR)
    output = deployed.ape("roles", "grant", deployed.accounts[26], "treasurer",
                          "--account", alias(REGISTRAR), "--yes", expect=1)  # fmt: skip
    assert "The contract refused: access: only an admin may do this" in output
    assert "Next:" in output
    assert deployed.nonce(REGISTRAR) == nonce
    assert deployed.wesh.roles_of(deployed.accounts[26]) == Role(0)


def test_the_last_admin_cannot_be_revoked(deployed: City) -> None:
    admin = deployed.accounts[ADMIN]
    output = deployed.ape("roles", "revoke", admin, "admin", "--account", alias(ADMIN), "--yes",
                          expect=1)  # fmt: skip
    assert "the last admin cannot be removed" in output
    assert Role.ADMIN in deployed.wesh.roles_of(admin)


def test_an_unknown_role_is_refused_before_anything(deployed: City) -> None:
    output = deployed.ape("roles", "grant", deployed.accounts[26], "mayor",
                          "--account", alias(ADMIN), "--yes", expect=1)  # fmt: skip
    assert "unknown role 'mayor'" in output and "registrar" in output


def test_without_yes_each_transaction_is_confirmed(deployed: City) -> None:
    someone = deployed.accounts[27]
    output = deployed.ape("roles", "grant", someone, "reviewer,treasurer",
                          "--account", alias(ADMIN), input="y\nn\n", expect=1)  # fmt: skip
    assert output.count("Send?") == 2
    assert "not sent: grant treasurer" in output
    assert deployed.wesh.roles_of(someone) == Role.REVIEWER
