"""wesh.deadlines says what the contract decides: its constants are Heitje.vy's, and a claim's
effective expiry after a pause is the moment the deployed contract starts to refuse `submit` and
accept `expire_claim` (titanoboa, the contract compiled from source)."""

from __future__ import annotations

import re
from typing import Any

import boa
import pytest

from wesh import deadlines
from wesh.artifacts import ROOT

HEITJE = ROOT / "contracts" / "Heitje.vy"
DAY = 86_400
CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def _constant(name: str) -> int:
    found = re.search(rf"^{name}: constant\(uint256\) = ([0-9_ *]+)$", HEITJE.read_text(), re.M)
    assert found, name
    value = 1
    for factor in found.group(1).split("*"):
        value *= int(factor.strip().replace("_", ""))
    return value


@pytest.mark.parametrize("name", ["RESUBMIT_WINDOW", "MAX_REJECTIONS"])
def test_the_constants_are_the_contracts(name: str) -> None:
    assert getattr(deadlines, name) == _constant(name)


def _world() -> tuple[Any, Any, Any]:
    admin, citizen = boa.env.generate_address("admin"), boa.env.generate_address("citizen")
    with boa.env.prank(admin):
        heitje = boa.load(str(HEITJE), admin, 150_000, 0, "0x" + "00" * 20)
        for bit in (2, 4, 8, 32):  # registrar, merchant manager, task manager, treasurer
            heitje.grant_role(admin, bit)
        heitje.register_citizens([citizen], [1])
        heitje.grant_budget(100_000)
        now = boa.env.evm.patch.timestamp
        heitje.commission_task(CID, 1_000, 2, now + 60 * DAY, 3 * DAY, 1)
    with boa.env.prank(citizen):
        heitje.claim(1)
    return heitje, admin, citizen


# (seconds from the claim to the pause, pause length): a deadline before, inside and after a
# pause, and a second pause inside the grace of the first.
SCENARIOS = [(1 * DAY, 1 * DAY), (2 * DAY, 5 * DAY), (5 * DAY, 2 * DAY), (2 * DAY, 30 * DAY)]


@pytest.mark.parametrize(("pause_after", "pause_for"), SCENARIOS)
def test_effective_expiry_is_where_the_contract_starts_refusing(
    pause_after: int, pause_for: int
) -> None:
    with boa.env.anchor():
        heitje, admin, citizen = _world()
        claimed = boa.env.evm.patch.timestamp
        expires_at = heitje.claim_of(1, 1).expires_at
        boa.env.time_travel(seconds=pause_after)
        with boa.env.prank(admin):
            heitje.set_paused(True)
        grace_from = boa.env.evm.patch.timestamp
        boa.env.time_travel(seconds=pause_for)
        with boa.env.prank(admin):
            heitje.set_paused(False)
        resumed_at = boa.env.evm.patch.timestamp
        expiry = deadlines.effective_expiry(expires_at, grace_from, resumed_at)
        assert expiry >= expires_at and claimed < expiry
        if expiry >= resumed_at:
            boa.env.evm.patch.timestamp = expiry
            with boa.env.anchor(), boa.env.prank(citizen):
                heitje.submit(1, CID)  # still valid at the effective expiry
            boa.env.evm.patch.timestamp = expiry + 1
        else:  # it ran out before the pause began: no grace
            assert expiry == expires_at < grace_from
        with boa.env.anchor(), boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
            heitje.submit(1, CID)
        heitje.expire_claim(1, citizen)  # anyone may, one second later


def test_a_rejection_count_is_final_at_max_rejections() -> None:
    assert not deadlines.is_final(deadlines.MAX_REJECTIONS - 1)
    assert deadlines.is_final(deadlines.MAX_REJECTIONS)


def test_in_grace_follows_the_contracts_merge_rule() -> None:
    resumed = 1_000_000
    assert not deadlines.in_grace(resumed, 0)  # never unpaused: a pause starts its own window
    assert deadlines.in_grace(resumed + deadlines.RESUBMIT_WINDOW, resumed)
    assert not deadlines.in_grace(resumed + deadlines.RESUBMIT_WINDOW + 1, resumed)
