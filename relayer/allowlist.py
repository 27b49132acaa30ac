"""Which calls the city pays for, by role: a short list, so that no one can spend the city's
money on an arbitrary call.

A request's target must be Heitje, Redemption or the neighbourhood desk, and its function one its
signer's role may use:

* a citizen: claiming, handing in, giving back and appealing tasks; paying a shop (``pay`` or a
  plain ``transfer``); ``approve`` only to withdraw an allowance (amount 0): nothing in WESH
  needs a citizen to allow anyone to spend for them, and taking one back must stay free;
* a merchant: refunding a citizen (``transfer``) and cashing in (Redemption ``redeem``);
* city staff, by the role bits they hold: task manager, reviewer, registrar, merchant manager,
  treasurer each their own calls (a registrar also grants and withdraws an association's
  neighbourhoods on the desk);
* a neighbourhood association (an account the desk grants at least one neighbourhood): only
  registering residents through the desk, which itself refuses any other neighbourhood. Its
  requests count under the staff quota: it works at a desk for the city.

Admin calls (granting roles, pausing, caps, the redemption contract, budget withdrawal) are not
relayed: in production the admin is a multisig that sends its own transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from eth_utils import function_abi_to_4byte_selector, to_checksum_address

from wesh import artifacts
from wesh.rules import Role

HEITJE, REDEMPTION, DESK = "Heitje", "Redemption", "NeighbourhoodDesk"
CITIZEN, MERCHANT, STAFF = "citizen", "merchant", "staff"
#: The quota roles, in the order a signer holding several is counted under.
QUOTA_ROLES = (STAFF, MERCHANT, CITIZEN)

Call = tuple[str, str]  # (contract, function)

CITIZEN_CALLS: frozenset[Call] = frozenset(
    {
        (HEITJE, "claim"),
        (HEITJE, "submit"),
        (HEITJE, "abandon"),
        (HEITJE, "appeal"),
        (HEITJE, "pay"),
        (HEITJE, "transfer"),
        (HEITJE, "approve"),  # amount 0 only (see ``allowed``)
    }
)
MERCHANT_CALLS: frozenset[Call] = frozenset({(HEITJE, "transfer"), (REDEMPTION, "redeem")})
ASSOCIATION_CALLS: frozenset[Call] = frozenset(
    {(DESK, "register_citizen"), (DESK, "register_citizens")}
)
STAFF_CALLS: dict[Role, frozenset[Call]] = {
    Role.TASK_MANAGER: frozenset(
        {(HEITJE, "commission_task"), (HEITJE, "cancel_task"), (HEITJE, "close_task")}
    ),
    Role.REVIEWER: frozenset(
        {
            (HEITJE, "approve_submission"),
            (HEITJE, "approve_submissions"),
            (HEITJE, "reject_submission"),
            (HEITJE, "decide_appeal"),
        }
    ),
    Role.REGISTRAR: frozenset(
        {
            (HEITJE, "register_citizens"),
            (HEITJE, "set_active"),
            (HEITJE, "move_citizen"),
            (HEITJE, "set_citizen_neighbourhood"),
            (DESK, "grant"),
            (DESK, "withdraw"),
        }
    ),
    Role.MERCHANT_MANAGER: frozenset(
        {
            (HEITJE, "register_merchant"),
            (HEITJE, "update_merchant"),
            (HEITJE, "set_active"),
            (HEITJE, "move_merchant"),
        }
    ),
    Role.TREASURER: frozenset({(HEITJE, "grant_budget"), (REDEMPTION, "mark_paid")}),
}


@dataclass(frozen=True)
class Who:
    """What the index says a signer is."""

    is_citizen: bool
    is_merchant: bool
    role_bits: int
    #: Granted at least one neighbourhood on the neighbourhood desk.
    is_association: bool = False

    @property
    def known(self) -> bool:
        """A registered citizen, a merchant, a city employee (any role but admin alone) or a
        neighbourhood association."""
        staff = self.role_bits & ~int(Role.ADMIN)
        return self.is_citizen or self.is_merchant or staff != 0 or self.is_association


@dataclass(frozen=True)
class Decoded:
    contract: str
    function: str
    args: dict[str, Any]


@lru_cache(maxsize=4)
def _functions(contract: str) -> dict[bytes, dict[str, Any]]:
    """The contract's functions by their 4-byte selector."""
    abi = artifacts.load(contract).abi
    return {
        bytes(function_abi_to_4byte_selector(cast(Any, entry))): entry
        for entry in abi
        if entry.get("type") == "function"
    }


def decode(
    target: str, data: bytes, heitje: str, redemption: str, desk: str = ""
) -> Decoded | None:
    """The contract and function a request calls (None: no WESH contract, or no function of
    it). Arguments are decoded only where the allow-list looks at them."""
    to = to_checksum_address(target)
    if to == to_checksum_address(heitje):
        contract = HEITJE
    elif to == to_checksum_address(redemption):
        contract = REDEMPTION
    elif desk and to == to_checksum_address(desk):
        contract = DESK
    else:
        return None
    entry = _functions(contract).get(bytes(data[:4]))
    if entry is None:
        return None
    args: dict[str, Any] = {}
    if (contract, entry["name"]) == (HEITJE, "approve"):
        from eth_abi import decode as abi_decode

        try:
            _spender, value = abi_decode(["address", "uint256"], bytes(data[4:68]))
        except Exception:  # undecodable arguments: not the approve we allow
            return Decoded(contract, entry["name"], {"value": None})
        args["value"] = int(value)
    return Decoded(contract, str(entry["name"]), args)


def calls_of(who: Who) -> dict[str, frozenset[Call]]:
    """The calls each of the signer's quota roles may make."""
    found: dict[str, frozenset[Call]] = {}
    staff: set[Call] = set()
    for role, calls in STAFF_CALLS.items():
        if who.role_bits & role:
            staff |= calls
    if who.is_association:
        staff |= ASSOCIATION_CALLS
    if staff:
        found[STAFF] = frozenset(staff)
    if who.is_merchant:
        found[MERCHANT] = MERCHANT_CALLS
    if who.is_citizen:
        found[CITIZEN] = CITIZEN_CALLS
    return found


def allowed(who: Who, call: Decoded) -> str | None:
    """The role under which ``who`` may have ``call`` relayed (its quota), or None."""
    if (call.contract, call.function) == (HEITJE, "approve") and call.args.get("value") != 0:
        return None
    by_role = calls_of(who)
    for role in QUOTA_ROLES:
        if (call.contract, call.function) in by_role.get(role, frozenset()):
            return role
    return None
