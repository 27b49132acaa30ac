"""What the city allows and how much: the allow-list by role, quotas per signer per day by role
(and their run-time overrides), the daily budget counting what waits, the status figures, and
``python -m relayer status``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any, cast

import forked
import pytest
from relayer_support import RELAYER_INDEX, World

from relayer import allowlist
from relayer import journal as j
from relayer.checks import FORWARDING_OVERHEAD, Refused
from relayer.status import status
from wesh.artifacts import ROOT
from wesh.contract import Role

HEITJE, REDEMPTION, DESK = "0x" + "11" * 20, "0x" + "22" * 20, "0x" + "55" * 20
TARGETS = {allowlist.HEITJE: HEITJE, allowlist.REDEMPTION: REDEMPTION, allowlist.DESK: DESK}


def selector(contract: str, function: str) -> bytes:
    from eth_utils import function_abi_to_4byte_selector

    from wesh import artifacts

    (entry,) = [
        e
        for e in artifacts.load(contract).abi
        if e.get("type") == "function" and e["name"] == function
    ]
    return bytes(function_abi_to_4byte_selector(cast(Any, entry)))


def call(contract: str, function: str, args: bytes = b"") -> allowlist.Decoded | None:
    data = selector(contract, function) + args
    return allowlist.decode(TARGETS[contract], data, HEITJE, REDEMPTION, DESK)


CITIZEN = allowlist.Who(is_citizen=True, is_merchant=False, role_bits=0)
SHOP = allowlist.Who(is_citizen=False, is_merchant=True, role_bits=0)
MANAGER = allowlist.Who(is_citizen=False, is_merchant=False, role_bits=int(Role.MERCHANT_MANAGER))
REGISTRAR = allowlist.Who(is_citizen=False, is_merchant=False, role_bits=int(Role.REGISTRAR))
#: A neighbourhood association (GMS): granted a neighbourhood on the desk, no city role.
GMS = allowlist.Who(is_citizen=False, is_merchant=False, role_bits=0, is_association=True)


@pytest.mark.parametrize(
    ("who", "contract", "function", "role"),
    [
        (CITIZEN, "Heitje", "claim", "citizen"),
        (CITIZEN, "Heitje", "submit", "citizen"),
        (CITIZEN, "Heitje", "pay", "citizen"),
        (CITIZEN, "Heitje", "redeem", None),  # not a Heitje function at all
        (CITIZEN, "Redemption", "redeem", None),
        (CITIZEN, "Heitje", "transferFrom", None),
        (SHOP, "Redemption", "redeem", "merchant"),
        (SHOP, "Heitje", "transfer", "merchant"),
        (SHOP, "Heitje", "claim", None),
        (allowlist.Who(False, False, int(Role.REVIEWER)), "Heitje", "approve_submission", "staff"),
        (allowlist.Who(False, False, int(Role.REVIEWER)), "Heitje", "grant_budget", None),
        (allowlist.Who(False, False, int(Role.TREASURER)), "Redemption", "mark_paid", "staff"),
        (allowlist.Who(False, False, int(Role.REGISTRAR)), "Heitje", "register_citizens", "staff"),
        (allowlist.Who(False, False, int(Role.TASK_MANAGER)), "Heitje", "commission_task", "staff"),
        (MANAGER, "Heitje", "move_merchant", "staff"),
        (MANAGER, "Heitje", "move_citizen", None),
        (allowlist.Who(False, False, int(Role.REGISTRAR)), "Heitje", "move_merchant", None),
        (allowlist.Who(False, False, int(Role.ADMIN)), "Heitje", "grant_role", None),
        (allowlist.Who(False, False, int(Role.ADMIN)), "Heitje", "set_paused", None),
        # A reviewer who is also a citizen: her own claim counts as a citizen's.
        (allowlist.Who(True, False, int(Role.REVIEWER)), "Heitje", "claim", "citizen"),
        # The neighbourhood desk: an association registers through it (the staff quota), and
        # nothing else; the registrar grants and withdraws its neighbourhoods.
        (GMS, "NeighbourhoodDesk", "register_citizen", "staff"),
        (GMS, "NeighbourhoodDesk", "register_citizens", "staff"),
        (GMS, "NeighbourhoodDesk", "grant", None),
        (GMS, "Heitje", "register_citizens", None),
        (GMS, "Heitje", "move_citizen", None),
        (GMS, "Heitje", "claim", None),
        (REGISTRAR, "NeighbourhoodDesk", "grant", "staff"),
        (REGISTRAR, "NeighbourhoodDesk", "withdraw", "staff"),
        (REGISTRAR, "NeighbourhoodDesk", "register_citizen", None),
        (CITIZEN, "NeighbourhoodDesk", "register_citizen", None),
    ],
)
def test_the_allow_list_by_role(
    who: allowlist.Who, contract: str, function: str, role: str | None
) -> None:
    try:
        decoded = call(contract, function)
    except ValueError:  # not a function of that contract
        decoded = None
    assert (allowlist.allowed(who, decoded) if decoded else None) == role


def test_a_citizen_may_only_withdraw_an_allowance() -> None:
    spender = bytes(12) + bytes.fromhex("33" * 20)
    zero = call("Heitje", "approve", spender + (0).to_bytes(32, "big"))
    some = call("Heitje", "approve", spender + (5).to_bytes(32, "big"))
    assert zero is not None and some is not None
    assert allowlist.allowed(CITIZEN, zero) == "citizen"
    assert allowlist.allowed(CITIZEN, some) is None
    assert allowlist.decode("0x" + "44" * 20, b"\x00" * 4, HEITJE, REDEMPTION) is None
    assert not allowlist.Who(False, False, int(Role.ADMIN)).known
    assert GMS.known
    # A deployment without a desk: a call to its address is no WESH call.
    assert (
        allowlist.decode(DESK, selector("NeighbourhoodDesk", "grant"), HEITJE, REDEMPTION) is None
    )


def test_quotas_per_role_and_their_overrides(world: World) -> None:
    shop = world.address("bakker")
    checks = world.checks(quota_citizen=2)
    base = world.nonce("anna")
    for nonce in (base, base + 1):
        world.submit("anna", world.wesh.transfer(shop, 1), checks, nonce=nonce)
    with pytest.raises(Refused) as refused:
        world.submit("anna", world.wesh.transfer(shop, 1), checks, nonce=base + 2)
    assert refused.value.code == "quota_spent" and refused.value.params == {"quota": 2}
    # The role's run-time override wins over the setting, the signer's over the role's.
    world.journal.set_override("citizen", 3)
    world.submit("anna", world.wesh.transfer(shop, 1), checks, nonce=base + 2)
    with pytest.raises(Refused):
        world.submit("anna", world.wesh.transfer(shop, 1), checks, nonce=base + 3)
    world.journal.set_override(f"signer:{world.address('anna').lower()}", 10)
    world.submit("anna", world.wesh.transfer(shop, 1), checks, nonce=base + 3)
    # Other citizens keep the role's quota; a shop has its own.
    world.submit("bram", world.wesh.transfer(shop, 1), checks)
    assert checks.quota(world.address("bram"), "citizen") == 3
    assert checks.quota(shop, "merchant") == world.settings().quota_merchant
    assert world.journal.overrides() == {
        "citizen": 3,
        f"signer:{world.address('anna').lower()}": 10,
    }


def test_the_daily_budget_counts_what_waits_and_what_was_paid(world: World) -> None:
    shop = world.address("bakker")
    request = world.signed("anna", world.wesh.transfer(shop, 1))
    cost = (request.gas + FORWARDING_OVERHEAD) * world.checks().fees().expected
    checks = world.checks(budget_per_day_wei=cost * 3 // 2)
    first, _ = checks.submit(request)
    assert first.estimate_wei == cost
    # What waits is counted: a second request does not fit next to the first.
    with pytest.raises(Refused) as refused:
        world.submit("bram", world.wesh.transfer(shop, 1), checks)
    assert refused.value.code == "budget_spent"
    world.drain()
    # Mined: what it really cost is counted instead (a batch of one costs more than the
    # estimate of the call: still no room).
    spent = world.journal.spent(first.day)
    assert spent > 0
    with pytest.raises(Refused):
        world.submit("bram", world.wesh.transfer(shop, 1), checks)
    world.journal.set_override("budget", spent + cost * 2)
    world.submit("bram", world.wesh.transfer(shop, 1), checks)


def test_status_figures_match_the_journal_and_the_chain(world: World) -> None:
    shop = world.address("bakker")
    checks = world.checks()
    for name in ("anna", "bram", "cas"):
        world.submit(name, world.wesh.transfer(shop, 2), checks)
    world.drain()
    waiting = world.submit("dewi", world.wesh.transfer(shop, 2), checks)
    settings = world.settings()
    now = time.time()
    figures = status(settings, world.engine, world.w3, world.relayer, now)
    fees = sum(t.fee_wei or 0 for t in world.journal.transactions())
    balance = world.w3.eth.get_balance(world.relayer)
    assert figures.balance_wei == str(balance)
    assert figures.spent_today_wei == figures.spent_7_days_wei == str(fees)
    assert figures.days_left == round(balance / (fees / 7), 1)
    assert figures.requests_today["confirmed"] == 3 and figures.requests_today["accepted"] == 1
    assert figures.queue == 1 and figures.in_flight == 0
    assert figures.budget_per_day_wei == str(settings.budget_per_day_wei)
    assert [r.id for r in world.journal.waiting()] == [waiting.id]
    (mined,) = [t for t in world.journal.transactions() if t.state == j.TX_CONFIRMED]
    assert figures.last_sent_tx == mined.hash


def test_python_m_relayer_status_and_a_missing_key(world: World) -> None:
    env = {
        **os.environ,
        "WESH_DATABASE_URL": world.database_url,
        "WESH_RPC_URL": world.node.url,
        "WESH_DEPLOYMENT": str(world.manifest_path),
    }
    missing = subprocess.run(
        [sys.executable, "-m", "relayer"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert missing.returncode == 2
    assert "no relayer key" in missing.stderr and "Traceback" not in missing.stderr
    env["WESH_RELAYER_DEV_ACCOUNT"] = str(RELAYER_INDEX)
    shown = forked.run("relayer", ["status"], env)
    assert shown.returncode == 0, shown.stderr
    figures = json.loads(shown.stdout)
    assert figures["relayer"] == world.relayer
    assert figures["balance_wei"] == str(world.w3.eth.get_balance(world.relayer))
    env["WESH_RPC_URL"] = "http://127.0.0.1:9"
    # The same main in a process forked from the session's fork server (tests/forked.py).
    away = forked.run("relayer", [], env)
    assert away.returncode == 4 and "does not answer" in away.stderr
    assert "Traceback" not in away.stderr


def test_no_request_is_taken_while_the_sender_is_down(world: World) -> None:
    shop = world.address("bakker")
    checks = world.checks(sender_timeout_s=5)
    world.submit("anna", world.wesh.transfer(shop, 1), checks)
    # A sender that stopped takes its heartbeat along.
    stop = threading.Event()
    stop.set()
    world.sender().run(stop)
    assert world.journal.sender_seen(world.relayer) is None
    with pytest.raises(Refused) as refused:
        world.submit("bram", world.wesh.transfer(shop, 1), checks)
    assert refused.value.code == "sender_down"
    figures = status(world.settings(), world.engine, world.w3, world.relayer)
    assert not figures.sender_running and figures.sender_seen_at is None
    # One killed leaves a heartbeat that goes stale.
    a_minute_ago = j.Journal(world.engine, clock=lambda: time.time() - 60)
    a_minute_ago.beat(world.relayer, 4242, time.time() - 600)
    with pytest.raises(Refused) as refused:
        world.submit("bram", world.wesh.transfer(shop, 1), checks)
    assert refused.value.code == "sender_down"
    world.journal.beat(world.relayer, 4242, time.time())
    world.submit("bram", world.wesh.transfer(shop, 1), checks)
    assert status(world.settings(), world.engine, world.w3, world.relayer).sender_running
