"""wesh.refusals has, for every revert string of the contracts, a Dutch and an English text (and
nothing for a string the contracts no longer have): the revert strings are read from
contracts/**/*.vy, so a new refusal without its words fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from wesh import refusals
from wesh.artifacts import ROOT

_ASSERT = re.compile(r'^assert .*, "([^"]*)"$')
_RAISE = re.compile(r'^raise "([^"]*)"$')
_FAIL = re.compile(r'\b_fail\(\s*"([^"]*)"\s*\)')
_RAISE_NAME = re.compile(r"^raise ([a-z_]\w*)$")
_ASSIGN = re.compile(r'^([a-z_]\w*)(?:: String\[\d+\])? = "([^"]*)"$')
#: Any string literal shaped like a revert string ("area: what"), wherever it is used.
_SHAPED = re.compile(r'"([a-z]+: [^"]+)"')


def _statements(source: str) -> Iterator[str]:
    """The logical lines of Vyper code (docstrings and comments left out; a statement continued
    inside brackets joined into one line)."""
    code = re.sub(r'"""[\s\S]*?"""', "", source)
    depth, parts = 0, []
    for line in code.splitlines():
        line = line.split("#")[0].strip()  # no revert string holds a '#'
        parts.append(line)
        depth += line.count("(") + line.count("[") - line.count(")") - line.count("]")
        if depth == 0:
            statement = " ".join(part for part in parts if part)
            if statement:
                yield statement
            parts = []


def _contract_files() -> list[Path]:
    return sorted((ROOT / "contracts").rglob("*.vy"))


@cache
def revert_strings() -> frozenset[str]:
    """Every string a contract reverts with: ``assert cond, "..."``, ``raise "..."``,
    ``self._fail("...")``, and a string put in a variable that is then raised."""
    found: set[str] = set()
    for file in _contract_files():
        statements = list(_statements(file.read_text()))
        raised = {m.group(1) for s in statements if (m := _RAISE_NAME.match(s))}
        for statement in statements:
            for pattern in (_ASSERT, _RAISE):
                if match := pattern.match(statement):
                    found.add(match.group(1))
            found.update(_FAIL.findall(statement))
            assigned = _ASSIGN.match(statement)
            if assigned and assigned.group(1) in raised:
                found.add(assigned.group(2))
    return frozenset(found)


def test_the_parser_finds_every_revert_string() -> None:
    strings = revert_strings()
    assert "tasks: all slots taken" in strings  # assert
    assert "heitje: refund exceeds what they paid here" in strings  # assert over several lines
    assert "cap: pause before lowering caps" in strings  # self._fail
    assert "access: only a reviewer may do this" in strings  # chosen, then raised
    shaped = {s for file in _contract_files() for s in _SHAPED.findall(_code(file))}
    assert shaped == strings, "a revert string in a form this parser does not read"


def _code(file: Path) -> str:
    return "\n".join(_statements(file.read_text()))


def test_every_revert_string_has_dutch_and_english() -> None:
    missing = sorted(revert_strings() - set(refusals.BY_REASON))
    assert not missing, f"no words in wesh/refusals.py for {missing}"
    for reason in revert_strings():
        refusal = refusals.BY_REASON[reason]
        assert refusal.nl.strip() and refusal.en.strip(), reason
        assert refusal.nl != refusal.en, reason


def test_the_table_holds_only_what_the_contracts_refuse() -> None:
    stale = sorted(set(refusals.BY_REASON) - revert_strings())
    assert not stale, f"wesh/refusals.py has words for strings the contracts lost: {stale}"
    assert len(refusals.BY_REASON) == len(refusals.REFUSALS), "a reason twice in the table"


def test_a_next_step_is_in_both_languages_or_neither() -> None:
    for refusal in refusals.REFUSALS:
        assert (refusal.next_nl is None) == (refusal.next_en is None), refusal.reason
        assert refusal.next_nl != "" and refusal.next_en != "", refusal.reason
    with_steps = [r for r in refusals.REFUSALS if r.next_en]
    assert {r.reason.split(":")[0] for r in with_steps} >= {"access", "budget", "cap", "tasks"}


def test_find_takes_the_reason_or_the_longest_it_starts_with() -> None:
    paused = refusals.BY_REASON["heitje: paused"]
    assert refusals.find("heitje: paused") is paused
    assert refusals.find("heitje: paused (block 7)") is paused
    admin = refusals.find("access: only an admin may do this")
    assert admin is not None and admin.next_en and "ask an admin to run it" in admin.next_en
    assert refusals.find("transaction 0xabc reverted") is None
    assert refusals.find("") is None
