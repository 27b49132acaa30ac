"""The Python enums of wesh/contract.py match the constants of the Vyper sources."""

from __future__ import annotations

from contracts_support import (
    ACCESS_SOURCE,
    HEITJE_SOURCE,
    REDEMPTION_SOURCE,
    prefixed_constants,
    role_bits,
)

from wesh.contract import ClaimStatus, RequestStatus, Role, TaskStatus


def _statuses(path, prefix: str) -> dict[str, int]:
    """Status constants: those with the prefix that are not bit positions, flags or masks."""
    return {
        name: value
        for name, value in prefixed_constants(path, prefix).items()
        if not name.endswith(("SHIFT", "FLAG")) and "MASK" not in name
    }


def test_role_matches_access_module():
    assert {member.name: int(member) for member in Role} == role_bits()
    assert (
        int(Role(sum(role_bits().values()))) == prefixed_constants(ACCESS_SOURCE, "ALL_")["ROLES"]
    )


def test_claim_status_matches_heitje():
    assert {member.name: int(member) for member in ClaimStatus} == _statuses(
        HEITJE_SOURCE, "CLAIM_"
    )


def test_task_status_matches_heitje():
    statuses = _statuses(HEITJE_SOURCE, "TASK_")
    # Status 0 is "no such task"; the contract names only the states a task can be in.
    assert {member.name: int(member) for member in TaskStatus if member.name != "NONE"} == statuses
    assert TaskStatus.NONE == 0 and 0 not in statuses.values()


def test_request_status_matches_redemption():
    statuses = _statuses(REDEMPTION_SOURCE, "STATUS_")
    assert {member.name: int(member) for member in RequestStatus if member.name != "NONE"} == (
        statuses
    )
    assert RequestStatus.NONE == 0 and 0 not in statuses.values()
