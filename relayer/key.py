"""The city's relayer key: an ape account, an encrypted keystore file, or (on anvil's chain 31337
only) one of anvil's public dev accounts. Never a raw private key in the repository or the
environment.

``address_of`` reads the relayer's address without the password (the API needs it for its
simulations and for ``GET /relay``; a keystore file holds its address in plain text);
``load`` decrypts the key for the sender.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from relayer.settings import RelayerSettings
from wesh.anvil import DEV_CHAIN_ID

#: anvil's public dev mnemonic (its accounts are well known: chain 31337 only).
DEV_MNEMONIC = "test test test test test test test test test test test junk"

Account.enable_unaudited_hdwallet_features()


class KeyProblem(Exception):
    """The key is not configured, cannot be read, or is not allowed on this chain; the message
    says what to set."""


def ape_keyfile(alias: str) -> Path:
    """Where ape keeps the account ``alias``: ``$APE_DATA_FOLDER/accounts/<alias>.json``
    (default ``~/.ape``)."""
    folder = Path(os.environ.get("APE_DATA_FOLDER") or Path.home() / ".ape")
    return folder / "accounts" / f"{alias}.json"


def _keystore(settings: RelayerSettings) -> Path | None:
    if settings.ape_account:
        return ape_keyfile(settings.ape_account)
    return settings.keyfile


def _configured(settings: RelayerSettings) -> int:
    return sum(
        value is not None
        for value in (settings.ape_account, settings.keyfile, settings.dev_account)
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except FileNotFoundError:
        raise KeyProblem(f"no key file at {path}") from None
    except (OSError, ValueError) as error:
        raise KeyProblem(f"the key file {path} cannot be read: {error}") from None


def _check_choice(settings: RelayerSettings, chain_id: int) -> None:
    if _configured(settings) == 0:
        raise KeyProblem(
            "no relayer key: set WESH_RELAYER_APE_ACCOUNT (an ape account alias) or "
            "WESH_RELAYER_KEYFILE (an encrypted keystore), each with WESH_RELAYER_PASSWORD_FILE; "
            "on a local anvil chain WESH_RELAYER_DEV_ACCOUNT (an anvil account index)"
        )
    if _configured(settings) > 1:
        raise KeyProblem(
            "set only one of WESH_RELAYER_APE_ACCOUNT, WESH_RELAYER_KEYFILE and "
            "WESH_RELAYER_DEV_ACCOUNT"
        )
    if settings.dev_account is not None and chain_id != DEV_CHAIN_ID:
        raise KeyProblem(
            f"WESH_RELAYER_DEV_ACCOUNT is for anvil's chain {DEV_CHAIN_ID} only (this chain is "
            f"{chain_id}): use an ape account or an encrypted keystore"
        )


def _dev(index: int) -> LocalAccount:
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def address_of(settings: RelayerSettings, chain_id: int) -> str:
    """The relayer's address, without decrypting anything."""
    _check_choice(settings, chain_id)
    if settings.dev_account is not None:
        return str(_dev(settings.dev_account).address)
    path = _keystore(settings)
    assert path is not None
    address = _read(path).get("address")
    if not address:
        raise KeyProblem(f"the key file {path} names no address")
    return to_checksum_address(address if str(address).startswith("0x") else f"0x{address}")


def load(settings: RelayerSettings, chain_id: int) -> LocalAccount:
    """The relayer's account, decrypted (the sender's only)."""
    _check_choice(settings, chain_id)
    if settings.dev_account is not None:
        return _dev(settings.dev_account)
    path = _keystore(settings)
    assert path is not None
    if settings.password_file is None:
        raise KeyProblem(
            f"WESH_RELAYER_PASSWORD_FILE is needed to decrypt {path} (a file holding only the "
            "password)"
        )
    try:
        password = settings.password_file.read_text().rstrip("\r\n")
    except OSError as error:
        raise KeyProblem(f"the password file cannot be read: {error}") from None
    try:
        key = Account.decrypt(_read(path), password)
    except ValueError:
        raise KeyProblem(f"the password does not decrypt {path}") from None
    account: LocalAccount = Account.from_key(key)
    return account
