"""`ape run relayer`: the relayer's status, funding it, and the daily limits in its journal."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from scripts_support import ADMIN, City, alias

from relayer import journal
from relayer.key import address_of
from relayer.settings import RelayerSettings

#: An anvil dev account no test uses (beyond the 30 funded ones): the relayer's.
RELAYER = 40


@pytest.fixture
def relayed(deployed: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> City:
    monkeypatch.setenv("WESH_DATABASE_URL", f"sqlite:///{tmp_path / 'wesh.db'}")
    monkeypatch.setenv("WESH_RELAYER_DEV_ACCOUNT", str(RELAYER))
    return deployed


def relayer_address() -> ChecksumAddress:
    return to_checksum_address(address_of(RelayerSettings(dev_account=RELAYER), 31337))


def test_fund_and_status(relayed: City) -> None:
    address = relayer_address()
    before = relayed.w3.eth.get_balance(address)
    output = relayed.ape("relayer", "fund", "2,5", "--account", alias(ADMIN), "--yes")
    assert f"send 2.5 xDAI to the relayer {address}" in output and "tx 0x" in output
    assert relayed.w3.eth.get_balance(address) == before + 25 * 10**17
    status = relayed.ape("relayer", "status")
    assert address in status
    assert "2.5 xDAI" in status and "spent today" in status and "requests today" in status
    bad = relayed.ape("relayer", "fund", "twee", "--account", alias(ADMIN), "--yes", expect=1)
    assert "is not an amount" in bad


def test_quota_shows_sets_and_resets_the_journals_overrides(relayed: City, tmp_path: Path) -> None:
    shown = relayed.ape("relayer", "quota")
    assert "citizen" in shown and "40" in shown and "1 xDAI" in shown
    relayed.ape("relayer", "quota", "citizen", "12")
    relayed.ape("relayer", "quota", "budget", "0.25")
    signer = relayed.accounts[20]
    output = relayed.ape("relayer", "quota", signer, "3")
    assert signer.lower() in output and "0.25 xDAI" in output
    book = journal.open_journal(f"sqlite:///{tmp_path / 'wesh.db'}")
    assert book.overrides() == {
        "citizen": 12,
        "budget": 25 * 10**16,
        f"signer:{signer.lower()}": 3,
    }
    relayed.ape("relayer", "quota", "citizen", "--reset")
    assert "citizen" not in book.overrides()
    wrong = relayed.ape("relayer", "quota", "burgemeester", "3", expect=1)
    assert "none of citizen, merchant, staff, budget" in wrong
    relayed.ape("relayer", "quota", "staff", "veel", expect=1)
