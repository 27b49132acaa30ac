"""`ape run parameters`: caps for next year (lowered only while paused, never below an open
reservation), the open-claims limit, pause and unpause; only an admin may change them."""

from __future__ import annotations

import importlib
import re
import sys

from scripts_support import ADMIN, CITIZENS, REGISTRAR, City, alias


def _year(city: City) -> int:
    return city.wesh.period()[0]


def _pause(city: City) -> None:
    city.ape("parameters", "pause", "--account", alias(ADMIN), "--yes")


def test_show_and_schedule_caps_for_next_year(deployed: City) -> None:
    year = _year(deployed)
    show = deployed.ape("parameters", "show")
    assert f"yearly cap {year}" in show and "€ 1.500,00" in show
    assert "open claims per citizen" in show and "paused" in show

    _pause(deployed)  # a lower cap: checked while no claim can be made
    output = deployed.ape("parameters", "caps", "1200", "--monthly", "200",
                          "--account", alias(ADMIN), "--yes")  # fmt: skip
    assert f"caps from 1 January {year + 1}: yearly € 1.200,00, monthly € 200,00" in output
    assert "tx 0x" in output
    (changed,) = [e for e in deployed.events("CapsChanged") if e["args"]["from_year"]]
    assert (changed["args"]["yearly"], changed["args"]["monthly"]) == (120_000, 20_000)
    caps = deployed.wesh.caps()
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (120_000, 20_000, year + 1)
    assert caps.yearly == 150_000  # this year's cap does not change
    assert f"from 1 January {year + 1}" in deployed.ape("parameters", "show")


def test_a_cap_below_an_open_reservation_is_refused(deployed: City) -> None:
    deployed.register_citizens(CITIZENS[0], CITIZENS[1])
    deployed.grant_budget(200)
    (task,) = deployed.commission(("Zwerfvuil prikken", "25", 2))
    deployed.act(CITIZENS[1], deployed.wesh.claim_task(task))  # citizen 2 reserves € 25
    _pause(deployed)
    nonce = deployed.nonce(ADMIN)
    output = deployed.ape("parameters", "caps", "20", "--account", alias(ADMIN), "--yes",
                          expect=1)  # fmt: skip
    assert "citizen 2" in output and deployed.accounts[CITIZENS[1]] in output
    assert "€ 25,00 reserved for open claims" in output and "yearly cap of € 20,00" in output
    assert "Next: choose a cap of at least € 25,00" in output
    monthly = deployed.ape("parameters", "caps", "1000", "--monthly", "10",
                           "--account", alias(ADMIN), "--yes", expect=1)  # fmt: skip
    assert "monthly cap of € 10,00" in monthly
    assert deployed.nonce(ADMIN) == nonce
    assert deployed.wesh.caps().next_from_year == 0

    fits = deployed.ape("parameters", "caps", "25", "--account", alias(ADMIN), "--yes")
    assert "Largest open reservation now: € 25,00 (citizen 2)" in fits
    assert deployed.wesh.caps().next_yearly == 2_500


def test_a_lower_cap_needs_a_pause_first(deployed: City) -> None:
    nonce = deployed.nonce(ADMIN)
    output = deployed.ape("parameters", "caps", "1000", "--account", alias(ADMIN), "--yes",
                          expect=1)  # fmt: skip
    assert "a lower cap needs WESH paused first" in output
    assert "Next: ape run parameters pause" in output
    assert deployed.nonce(ADMIN) == nonce
    assert deployed.wesh.caps().next_from_year == 0


def test_a_higher_cap_needs_no_pause_and_a_second_replaces_the_first(deployed: City) -> None:
    year = _year(deployed)
    deployed.ape("parameters", "caps", "1600", "--account", alias(ADMIN), "--yes")
    assert deployed.wesh.caps().next_yearly == 160_000
    again = deployed.ape("parameters", "caps", "1700", "--monthly", "0", "--account",
                         alias(ADMIN), "--yes")  # fmt: skip
    assert f"replaces the change scheduled for {year + 1}: yearly € 1.600,00" in again
    assert deployed.wesh.caps().next_yearly == 170_000
    assert not deployed.wesh.ledger().paused


def test_caps_change_only_from_next_year_and_within_bounds(deployed: City) -> None:
    year = _year(deployed)
    nonce = deployed.nonce(ADMIN)
    for wrong in (year, year + 2):
        refused = deployed.ape("parameters", "caps", "1000", "--from-year", str(wrong),
                               "--account", alias(ADMIN), "--yes", expect=1)  # fmt: skip
        assert f"only from 1 January of next year: --from-year {year + 1}" in refused
    above = deployed.ape("parameters", "caps", "100", "--monthly", "200",
                         "--account", alias(ADMIN), "--yes", expect=1)  # fmt: skip
    assert "monthly cap cannot be more than the yearly cap" in above
    huge = deployed.ape("parameters", "caps", "100001", "--account", alias(ADMIN), "--yes",
                        expect=1)  # fmt: skip
    assert "at most € 100.000,00" in huge
    assert deployed.nonce(ADMIN) == nonce


def test_open_claims_limit_pause_and_unpause(deployed: City) -> None:
    output = deployed.ape("parameters", "open-claims", "5", "--account", alias(ADMIN), "--yes")
    assert "open claims per citizen: 5" in output and "tx 0x" in output
    assert deployed.wesh.caps().max_open_claims == 5
    nonce = deployed.nonce(ADMIN)
    again = deployed.ape("parameters", "open-claims", "5", "--account", alias(ADMIN), "--yes")
    assert "is 5 already: nothing sent" in again
    for bad in ("0", "21"):
        refused = deployed.ape("parameters", "open-claims", bad, "--account", alias(ADMIN),
                               "--yes", expect=1)  # fmt: skip
        assert "the limit must be 1 to 20" in refused
    assert deployed.nonce(ADMIN) == nonce

    assert "WESH is paused now" in deployed.ape("parameters", "pause", "--account", alias(ADMIN),
                                                "--yes")  # fmt: skip
    assert deployed.wesh.ledger().paused
    assert "paused already: nothing sent" in deployed.ape("parameters", "pause", "--account",
                                                          alias(ADMIN), "--yes")  # fmt: skip
    assert re.search(r"paused\s+yes", deployed.ape("parameters", "show"))
    deployed.ape("parameters", "unpause", "--account", alias(ADMIN), "--yes")
    assert not deployed.wesh.ledger().paused


def test_only_an_admin_changes_parameters(deployed: City) -> None:
    nonce = deployed.nonce(REGISTRAR)
    output = deployed.ape("parameters", "pause", "--account", alias(REGISTRAR), "--yes",
                          expect=1)  # fmt: skip
    assert "only an admin may do this" in output and "Next:" in output
    assert deployed.nonce(REGISTRAR) == nonce
    assert not deployed.wesh.ledger().paused


def test_the_scripts_bounds_are_wesh_rules() -> None:
    """The scripts check bounds before sending, with the contract's own numbers: they take them
    from wesh.rules (checked against the Vyper source by tests/wesh/test_wesh_rules.py) and write
    no number of their own, so the two cannot drift apart."""
    from wesh import rules
    from wesh.artifacts import ROOT

    names = ("citizens", "parameters", "redemptions", "review")
    try:
        citizens, parameters, redemptions, review = (
            importlib.import_module(f"scripts.{name}") for name in names
        )
        assert parameters.MAX_CAP is rules.MAX_CAP
        assert parameters.MAX_OPEN_CLAIMS is rules.MAX_OPEN_CLAIMS
        assert citizens.MAX_BATCH is review.MAX_BATCH is rules.MAX_BATCH
        assert redemptions.MAX_REDEMPTION_BATCH is rules.MAX_REDEMPTION_BATCH
        assert redemptions.MAX_PAYMENT_REFERENCE_LENGTH is rules.MAX_PAYMENT_REFERENCE_LENGTH
    finally:
        # `ape run` (in this process, City.ape) runs each script as __main__ again; a copy left
        # imported here would make runpy warn.
        for name in names:
            sys.modules.pop(f"scripts.{name}", None)
    contract_numbers = {
        value for name, value in vars(rules).items() if name.isupper() and type(value) is int
    }
    for script in sorted((ROOT / "scripts").glob("*.py")):
        source = script.read_text()
        for name, expression in re.findall(r"^([A-Z][A-Z0-9_]*)[^=\n]*= *(.+)$", source, re.M):
            value = eval(expression, {"__builtins__": {}}) if _arithmetic(expression) else None
            assert value not in contract_numbers, f"{script.name}: {name} copies wesh.rules"


def _arithmetic(expression: str) -> bool:
    return re.fullmatch(r"[0-9_ *+\-()]+", expression.split("#")[0].strip()) is not None
