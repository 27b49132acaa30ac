"""The access matrix: every privileged function refuses every caller without its role.

The list of guarded functions is read from the sources (every external function of Heitje that
calls `access._check_role`, Redemption's `mark_paid`, and `burn_for_redemption`), and the matrix
must cover exactly that list, so a new privileged function cannot be added untested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boa
import pytest
from contracts_support import (
    HEITJE_SOURCE,
    REDEMPTION_SOURCE,
    ROLE,
    TASK_CID,
    People,
)

# The refusal each role's guard gives: the project's published texts (contracts/README.md).
REFUSAL = {
    "ADMIN": "access: only an admin may do this",
    "REGISTRAR": "access: only a registrar may do this",
    "MERCHANT_MANAGER": "access: only a merchant manager may do this",
    "TASK_MANAGER": "access: only a task manager may do this",
    "REVIEWER": "access: only a reviewer may do this",
    "TREASURER": "access: only a treasurer may do this",
}
ONLY_REDEMPTION = "redeem: only the Redemption contract"

# Everyone who can call: the three without a role, then each role fixture.
CALLERS = [
    "outsider",
    "citizen",
    "merchant",
    "admin",
    "registrar",
    "merchant_manager",
    "task_manager",
    "reviewer",
    "second_reviewer",
    "treasurer",
]
HOLDS = {
    "admin": "ADMIN",
    "registrar": "REGISTRAR",
    "merchant_manager": "MERCHANT_MANAGER",
    "task_manager": "TASK_MANAGER",
    "reviewer": "REVIEWER",
    "second_reviewer": "REVIEWER",
    "treasurer": "TREASURER",
}

Args = Callable[[People, Any], tuple[Any, ...]]


@dataclass(frozen=True)
class Guarded:
    contract: str  # "heitje" or "redemption"
    function: str
    role: str | None  # None: only the Redemption contract may call it
    args: Args
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.function}{'[' + self.label + ']' if self.label else ''}"


def _fresh(_people: People, _h: Any) -> Any:
    return boa.env.generate_address("fresh")


def _future_year(_people: People, heitje: Any) -> int:
    return int(heitje.period()[0]) + 1


GUARDED = [
    Guarded("heitje", "set_paused", "ADMIN", lambda p, h: (True,)),
    Guarded("heitje", "grant_role", "ADMIN", lambda p, h: (p.outsider, ROLE["REVIEWER"])),
    Guarded("heitje", "revoke_role", "ADMIN", lambda p, h: (p.reviewer, ROLE["REVIEWER"])),
    Guarded("heitje", "set_caps", "ADMIN", lambda p, h: (100_000, 0, _future_year(p, h))),
    Guarded("heitje", "set_max_open_claims", "ADMIN", lambda p, h: (5,)),
    Guarded("heitje", "set_redemption", "ADMIN", lambda p, h: (p.outsider,)),
    Guarded("heitje", "register_citizens", "REGISTRAR", lambda p, h: ([_fresh(p, h)], [1])),
    Guarded("heitje", "set_citizen_neighbourhood", "REGISTRAR", lambda p, h: (p.citizen, 9)),
    Guarded("heitje", "set_active", "REGISTRAR", lambda p, h: (p.citizen, False), "citizen"),
    Guarded("heitje", "move_citizen", "REGISTRAR", lambda p, h: (p.citizen, _fresh(p, h))),
    Guarded("heitje", "register_merchant", "MERCHANT_MANAGER", lambda p, h: (_fresh(p, h), "x")),
    Guarded("heitje", "update_merchant", "MERCHANT_MANAGER", lambda p, h: (p.merchant, "x")),
    Guarded("heitje", "move_merchant", "MERCHANT_MANAGER", lambda p, h: (p.merchant, _fresh(p, h))),
    Guarded(
        "heitje",
        "set_active",
        "MERCHANT_MANAGER",
        lambda p, h: (p.merchant, False),
        "merchant",
    ),
    Guarded("heitje", "grant_budget", "TREASURER", lambda p, h: (1,)),
    Guarded("heitje", "withdraw_budget", "TREASURER", lambda p, h: (1,)),
    Guarded(
        "heitje",
        "commission_task",
        "TASK_MANAGER",
        lambda p, h: (TASK_CID, 100, 1, 2**39, 86_400, 1),
    ),
    Guarded("heitje", "cancel_task", "TASK_MANAGER", lambda p, h: (1,)),
    Guarded("heitje", "approve_submission", "REVIEWER", lambda p, h: (1, p.citizen)),
    Guarded("heitje", "approve_submissions", "REVIEWER", lambda p, h: ([1], [p.citizen])),
    Guarded("heitje", "reject_submission", "REVIEWER", lambda p, h: (1, p.citizen, 1)),
    Guarded("heitje", "decide_appeal", "REVIEWER", lambda p, h: (1, p.citizen, True, 0)),
    Guarded("heitje", "burn_for_redemption", None, lambda p, h: (p.merchant, 1)),
    Guarded("redemption", "mark_paid", "TREASURER", lambda p, h: ([1], "SEPA-REF-1")),
]


def _cases() -> list[Any]:
    cases = []
    for guarded in GUARDED:
        for caller in CALLERS:
            if guarded.role is not None and HOLDS.get(caller) == guarded.role:
                continue
            cases.append(pytest.param(guarded, caller, id=f"{guarded.id}-by-{caller}"))
    return cases


def _external_functions(source: str) -> dict[str, str]:
    """External function name -> body, from a Vyper source."""
    functions = {}
    for match in re.finditer(r"^@external\n(?:@\w+\n)*def (\w+)\(", source, re.MULTILINE):
        rest = source[match.end() :]
        # The body runs to the next decorator or section comment at the left margin.
        end = re.search(r"^(?:@|# )", rest, re.MULTILINE)
        functions[match.group(1)] = rest[: end.start() if end else len(rest)]
    return functions


def test_matrix_covers_exactly_the_guarded_functions_of_the_sources():
    heitje_functions = _external_functions(HEITJE_SOURCE.read_text())
    redemption_functions = _external_functions(REDEMPTION_SOURCE.read_text())
    guarded_in_source = {
        ("heitje", name, role)
        for name, body in heitje_functions.items()
        for role in re.findall(r"access\._check_role\(\w+, access\.ROLE_(\w+)\)", body)
    }
    guarded_in_source |= {
        ("heitje", name, None)
        for name, body in heitje_functions.items()
        if "msg.sender == self.redemption" in body
    }
    guarded_in_source |= {
        ("redemption", name, role)
        for name, body in redemption_functions.items()
        for role in re.findall(r"access\.ROLE_(\w+)", body)
    }
    assert {(g.contract, g.function, g.role) for g in GUARDED} == guarded_in_source
    assert len(guarded_in_source) >= len(REFUSAL)


def test_matrix_has_a_refusal_text_for_every_role_of_access_module():
    assert set(REFUSAL) == set(ROLE)


@pytest.mark.parametrize(("guarded", "caller"), _cases())
def test_privileged_function_refuses_caller_without_the_role(
    heitje, redemption, people, guarded, caller
):
    contract = heitje if guarded.contract == "heitje" else redemption
    args = guarded.args(people, heitje)
    expected = ONLY_REDEMPTION if guarded.role is None else REFUSAL[guarded.role]
    roles_before = heitje.roles_of(getattr(people, caller))
    with boa.env.prank(getattr(people, caller)), boa.reverts(expected):
        getattr(contract, guarded.function)(*args)
    assert heitje.roles_of(getattr(people, caller)) == roles_before


@pytest.mark.parametrize("guarded", [g for g in GUARDED if g.role], ids=lambda g: g.id)
def test_privileged_function_lets_its_role_holder_past_the_guard(
    heitje, redemption, people, guarded
):
    """The holder of the role is not refused for access (it may still fail on the terms)."""
    contract = heitje if guarded.contract == "heitje" else redemption
    holder = next(name for name, role in HOLDS.items() if role == guarded.role)
    args = guarded.args(people, heitje)
    reason = ""
    try:
        with boa.env.prank(getattr(people, holder)):
            getattr(contract, guarded.function)(*args)
    except boa.BoaError as error:
        reason = str(error.stack_trace.last_frame.pretty_vm_reason)
    assert not reason.startswith("access: only"), reason


def test_redemption_contract_is_the_only_burner(heitje, redemption, flow, people):
    flow.earn(people.citizen, 1_000)
    flow.pay(people.citizen, people.merchant, 1_000)
    with boa.env.prank(redemption.address):
        heitje.burn_for_redemption(people.merchant, 400)
    assert heitje.balanceOf(people.merchant) == 600
