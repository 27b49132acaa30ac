"""The relayer's key: an ape account, an encrypted keystore, or anvil's dev account on chain 31337
only; its address is readable without the password; every mistake says what to set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from relayer import key
from relayer.settings import RelayerSettings

ANVIL_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def keystore(tmp_path: Path, password: str = "geheim") -> tuple[Path, Path, str]:
    account = Account.create()
    path = tmp_path / "relayer.json"
    # A cheap key derivation: the format is what matters here, not its cost.
    path.write_text(json.dumps(Account.encrypt(account.key, password, kdf="pbkdf2", iterations=2)))
    secret = tmp_path / "password"
    secret.write_text(password + "\n")
    return path, secret, str(account.address)


def test_an_encrypted_keystore_with_a_password_file(tmp_path: Path) -> None:
    path, secret, address = keystore(tmp_path)
    settings = RelayerSettings(keyfile=path, password_file=secret)
    assert key.address_of(settings, 100) == address
    assert key.load(settings, 100).address == address


def test_an_ape_account_by_its_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, secret, address = keystore(tmp_path)
    accounts = tmp_path / "ape" / "accounts"
    accounts.mkdir(parents=True)
    path.rename(accounts / "gemeente-relayer.json")
    monkeypatch.setenv("APE_DATA_FOLDER", str(tmp_path / "ape"))
    settings = RelayerSettings(ape_account="gemeente-relayer", password_file=secret)
    assert key.address_of(settings, 100) == address
    assert key.load(settings, 100).address == address


def test_anvils_dev_account_only_on_chain_31337() -> None:
    settings = RelayerSettings(dev_account=0)
    assert key.address_of(settings, 31337) == ANVIL_0
    assert key.load(settings, 31337).address == ANVIL_0
    with pytest.raises(key.KeyProblem, match="chain 31337 only"):
        key.load(settings, 100)
    with pytest.raises(key.KeyProblem, match="chain 31337 only"):
        key.address_of(settings, 100)


def test_every_mistake_says_what_to_set(tmp_path: Path) -> None:
    path, secret, _ = keystore(tmp_path)
    with pytest.raises(key.KeyProblem, match="WESH_RELAYER_APE_ACCOUNT"):
        key.load(RelayerSettings(), 100)
    with pytest.raises(key.KeyProblem, match="only one"):
        key.load(RelayerSettings(keyfile=path, dev_account=1), 31337)
    with pytest.raises(key.KeyProblem, match="WESH_RELAYER_PASSWORD_FILE"):
        key.load(RelayerSettings(keyfile=path), 100)
    wrong = tmp_path / "wrong"
    wrong.write_text("fout")
    with pytest.raises(key.KeyProblem, match="does not decrypt"):
        key.load(RelayerSettings(keyfile=path, password_file=wrong), 100)
    with pytest.raises(key.KeyProblem, match="no key file"):
        key.load(RelayerSettings(keyfile=tmp_path / "missing.json", password_file=secret), 100)
