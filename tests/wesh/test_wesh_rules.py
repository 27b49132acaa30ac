"""wesh.rules is the contracts' own numbers: every limit, status and role bit written there is read
back from the Vyper source, so a contract change that is not made in wesh.rules fails here."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from enum import IntEnum
from functools import cache
from pathlib import Path

import pytest

from wesh import rules
from wesh.artifacts import ROOT

CONTRACTS = ROOT / "contracts"
_CONSTANT = re.compile(r"^([A-Z][A-Z0-9_]*): constant\(u?int\d+\) = (.+?)\s*(?:#.*)?$", re.M)
_OPERATORS: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
}


def _evaluate(node: ast.AST, known: dict[str, int]) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        return known[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left, known), _evaluate(node.right, known))
    raise ValueError(f"cannot evaluate {ast.dump(node)}")


@cache
def vyper_constants(file: Path) -> dict[str, int]:
    """The integer constants of one Vyper file, with expressions (``365 * 86_400``,
    ``CITIZEN_FLAG << 4``) evaluated in file order."""
    known: dict[str, int] = {}
    for name, expression in _CONSTANT.findall(file.read_text()):
        known[name] = _evaluate(ast.parse(expression, mode="eval").body, known)
    return known


HEITJE = CONTRACTS / "Heitje.vy"
REDEMPTION = CONTRACTS / "Redemption.vy"
ACCESS = CONTRACTS / "modules" / "access.vy"

SAME_NAME = [
    "MAX_CID_LENGTH",
    "MAX_BATCH",
    "MAX_REWARD",
    "MAX_SLOTS",
    "MIN_CLAIM_DURATION",
    "MAX_CLAIM_DURATION",
    "RESUBMIT_WINDOW",
    "MAX_REJECTIONS",
    "MAX_CAP",
    "DEFAULT_YEARLY_CAP",
    "DEFAULT_MONTHLY_CAP",
    "DEFAULT_MAX_OPEN_CLAIMS",
    "MAX_OPEN_CLAIMS",
    "MAX_TOTAL_BUDGET",
    "MAX_NEIGHBOURHOOD",
    "MAX_MERCHANTS",
    "DECIMALS",
]


@pytest.mark.parametrize("name", SAME_NAME)
def test_each_heitje_limit_is_the_contracts(name: str) -> None:
    ours = rules.TOKEN_DECIMALS if name == "DECIMALS" else getattr(rules, name)
    assert ours == vyper_constants(HEITJE)[name]


def test_redemption_limits_are_the_contracts() -> None:
    theirs = vyper_constants(REDEMPTION)
    assert theirs["MAX_PAYMENT_REFERENCE_LENGTH"] == rules.MAX_PAYMENT_REFERENCE_LENGTH
    assert theirs["MAX_BATCH"] == rules.MAX_REDEMPTION_BATCH


def test_the_token_name_and_symbol_are_the_contracts() -> None:
    source = HEITJE.read_text()
    assert f'NAME: constant(String[25]) = "{rules.TOKEN_NAME}"' in source
    assert f'SYMBOL: constant(String[5]) = "{rules.TOKEN_SYMBOL}"' in source


def test_field_widths_match_the_contracts_words() -> None:
    """A task id must stay below the claim key's 64 bits, a deadline fits the task word's 40."""
    heitje = vyper_constants(HEITJE)
    assert heitje["MASK_64"] + 1 == rules.TASK_ID_LIMIT
    assert heitje["MASK_40"] == rules.MAX_TIMESTAMP
    assert heitje["MASK_8"] == rules.MAX_REASON_CODE


@pytest.mark.parametrize(
    ("enum", "file", "prefix", "renamed"),
    [
        (rules.TaskStatus, HEITJE, "TASK_", {}),
        (rules.ClaimStatus, HEITJE, "CLAIM_", {}),
        (rules.ReleaseReason, HEITJE, "RELEASE_", {"DENIED": "APPEAL_DENIED"}),
        (rules.RequestStatus, REDEMPTION, "STATUS_", {}),
        (rules.Role, ACCESS, "ROLE_", {}),
    ],
)
def test_every_status_and_role_is_the_contracts(
    enum: type[IntEnum], file: Path, prefix: str, renamed: dict[str, str]
) -> None:
    theirs = {
        name.removeprefix(prefix): value
        for name, value in vyper_constants(file).items()
        if name.startswith(prefix) and not name.endswith(("_SHIFT", "_FLAG"))
    }
    ours = {renamed.get(member.name, member.name): int(member) for member in enum if member}
    if prefix in ("TASK_", "CLAIM_", "STATUS_"):
        assert vyper_constants(file).get(f"{prefix}NONE", 0) == 0
        theirs.pop("NONE", None)
    assert ours == theirs


def test_released_claims_get_the_status_the_contract_gives() -> None:
    assert set(rules.RELEASED_STATUS) == set(rules.ReleaseReason)
    for reason, status in rules.RELEASED_STATUS.items():
        assert status.name == reason.name


def test_status_names_are_what_config_serves() -> None:
    assert rules.status_names(rules.ClaimStatus)[5] == "paid"
    assert len(rules.status_names(rules.TaskStatus)) == len(rules.TaskStatus)
    assert rules.DEFAULT_CATEGORY in rules.CATEGORIES
