"""`ape run deploy`: deploys or finds WESH, grants roles, writes the manifest; a rerun changes
nothing."""

from __future__ import annotations

import json
import subprocess
from typing import cast

from eth_utils import to_checksum_address
from hexbytes import HexBytes
from scripts_support import ADMIN, REGISTRAR, REVIEWER, REVIEWER2, TREASURER, City, alias

from wesh import anvil
from wesh.anvil import Anvil
from wesh.deployment import Deployment, load
from wesh.rules import Role


def test_deploy_writes_a_manifest_that_matches_the_chain(city: City) -> None:
    output = city.ape(
        "deploy", "contracts", "--account", alias(ADMIN),
        "--registrar", city.accounts[REGISTRAR], "--reviewer", city.accounts[REVIEWER],
        "--reviewer", city.accounts[REVIEWER2], "--yes",
    )  # fmt: skip
    d = load(city.manifest)
    assert d.network == "ethereum:local:foundry" and d.chain_id == 31337
    assert d.deployer == city.accounts[ADMIN]
    assert d.confirmations == 0  # the dev chain
    assert d.start_block_hash == city.w3.eth.get_block(d.start_block)["hash"].to_0x_hex()
    assert city.w3.eth.get_code(to_checksum_address(d.heitje))
    assert city.w3.eth.get_code(to_checksum_address(d.redemption))
    first = city.w3.eth.get_block(d.start_block)["transactions"][0]
    creation = city.w3.eth.get_transaction_receipt(cast(HexBytes, first))  # a hash: full=False
    assert creation["contractAddress"] == d.heitje
    wesh = city.wesh
    assert wesh.heitje.functions.redemption().call() == d.redemption
    assert wesh.roles_of(city.accounts[ADMIN]) == Role.ADMIN
    assert wesh.roles_of(city.accounts[REGISTRAR]) == Role.REGISTRAR
    assert wesh.roles_of(city.accounts[REVIEWER2]) == Role.REVIEWER
    caps = wesh.caps()
    assert (caps.yearly, caps.monthly) == (150_000, 0)
    # Every transaction is printed with its hash.
    # Four contracts, the link, three roles and the neighbourhood desk's REGISTRAR.
    assert output.count("tx 0x") == 5 + 4
    # The trusted forwarder (the city pays the fees) is in the manifest and Heitje trusts it.
    assert city.w3.eth.get_code(to_checksum_address(d.forwarder))
    assert wesh.heitje.functions.TRUSTED_FORWARDER().call() == d.forwarder
    # The neighbourhood desk: in the manifest, registrar on Heitje, bound to it.
    assert city.w3.eth.get_code(to_checksum_address(d.neighbourhood_desk))
    assert wesh.roles_of(d.neighbourhood_desk) == Role.REGISTRAR
    assert wesh.desk.functions.HEITJE().call() == d.heitje
    assert wesh.desk.functions.TRUSTED_FORWARDER().call() == d.forwarder
    assert d.heitje in output and str(city.manifest) in output


def test_a_deployment_from_before_the_desk_gets_one_on_a_rerun(city: City) -> None:
    city.ape("deploy", "contracts", "--account", alias(ADMIN), "--yes")
    before = load(city.manifest)
    old = json.loads(city.manifest.read_text())
    old.pop("neighbourhood_desk")  # a manifest written before the desk existed
    city.manifest.write_text(json.dumps(old))

    output = city.ape("deploy", "contracts", "--account", alias(ADMIN), "--yes")

    after = load(city.manifest)
    assert after.heitje == before.heitje  # found, not deployed again
    assert after.neighbourhood_desk not in ("", before.neighbourhood_desk)
    assert output.count("tx 0x") == 2  # the desk, and its REGISTRAR role
    assert "neighbourhood desk" in output
    assert city.wesh.roles_of(after.neighbourhood_desk) == Role.REGISTRAR


def test_deploying_twice_changes_nothing(city: City) -> None:
    args = ["deploy", "contracts", "--account", alias(ADMIN), "--treasurer",
            city.accounts[TREASURER], "--yes"]  # fmt: skip
    city.ape(*args)
    manifest = city.manifest.read_bytes()
    nonces, block = city.nonces(), city.w3.eth.block_number

    output = city.ape(*args)

    assert "Nothing changed" in output and "tx 0x" not in output
    assert city.nonces() == nonces and city.w3.eth.block_number == block
    assert city.manifest.read_bytes() == manifest


def test_a_rerun_grants_only_the_roles_still_missing(city: City) -> None:
    city.ape("deploy", "contracts", "--account", alias(ADMIN), "--yes")
    heitje = load(city.manifest).heitje
    output = city.ape("deploy", "contracts", "--account", alias(ADMIN), "--reviewer",
                      city.accounts[REVIEWER], "--yes")  # fmt: skip
    assert load(city.manifest).heitje == heitje  # found, not deployed again
    assert output.count("tx 0x") == 1 and "grant REVIEWER" in output
    assert city.wesh.roles_of(city.accounts[REVIEWER]) == Role.REVIEWER


def test_roles_from_a_roles_file(city: City) -> None:
    roles = city.write(
        "roles.yaml",
        f"registrar: [{city.accounts[REGISTRAR]}]\n"
        f"reviewer: [{city.accounts[REVIEWER]}, {city.accounts[REVIEWER2]}]\n"
        f"treasurer: {city.accounts[TREASURER]}\n",
    )
    city.ape("deploy", "contracts", "--account", alias(ADMIN), "--roles-file", str(roles), "--yes")
    wesh = city.wesh
    assert wesh.roles_of(city.accounts[REGISTRAR]) == Role.REGISTRAR
    assert wesh.roles_of(city.accounts[REVIEWER2]) == Role.REVIEWER
    assert wesh.roles_of(city.accounts[TREASURER]) == Role.TREASURER


def test_a_bad_roles_file_sends_nothing(city: City) -> None:
    roles = city.write("roles.yaml", "reviewers: [0x1234]\ntreasurer: [not-an-address]\n")
    output = city.ape(
        "deploy", "contracts", "--account", alias(ADMIN), "--roles-file", str(roles), "--yes",
        expect=1,
    )  # fmt: skip
    assert "unknown role 'reviewers'" in output and "not an address" in output
    assert "Nothing was sent" in output
    assert city.nonce(ADMIN) == 0 and not city.manifest.exists()


def test_admin_handover_to_a_multisig(city: City) -> None:
    multisig = city.accounts[25]  # stands in for a Safe
    args = ["deploy", "contracts", "--account", alias(ADMIN), "--admin", multisig,
            "--registrar", city.accounts[REGISTRAR], "--yes"]  # fmt: skip
    output = city.ape(*args)
    wesh = city.wesh
    assert wesh.roles_of(multisig) == Role.ADMIN
    assert wesh.roles_of(city.accounts[ADMIN]) == Role(0)  # the deployer kept nothing
    assert wesh.roles_of(city.accounts[REGISTRAR]) == Role.REGISTRAR
    assert "admin handed over" in output
    nonce = city.nonce(ADMIN)
    assert "Nothing changed" in city.ape(*args)
    assert city.nonce(ADMIN) == nonce


def test_a_new_role_after_the_handover_needs_the_multisig(city: City) -> None:
    multisig = city.accounts[25]
    city.ape("deploy", "contracts", "--account", alias(ADMIN), "--admin", multisig, "--yes")
    nonce = city.nonce(ADMIN)
    output = city.ape("deploy", "contracts", "--account", alias(ADMIN), "--admin", multisig,
                      "--reviewer", city.accounts[REVIEWER], "--yes", expect=1)  # fmt: skip
    assert "only an admin may do this" in output and "Next:" in output
    grant = city.wesh.grant_role(city.accounts[REVIEWER], Role.REVIEWER)
    assert f"submit this call through it: to {grant.to}, value 0, data {grant.data}" in output
    assert city.nonce(ADMIN) == nonce


def test_a_stale_local_manifest_is_replaced(city: City) -> None:
    stale = Deployment(
        network="ethereum:local:foundry", chain_id=31337,
        heitje="0x00000000000000000000000000000000000000aa",
        redemption="0x00000000000000000000000000000000000000bb",
        start_block=0, deployer=city.accounts[ADMIN],
    )  # fmt: skip
    city.manifest.write_text(stale.to_json())
    output = city.ape("deploy", "contracts", "--account", alias(ADMIN), "--yes")
    assert "stale local manifest" in output
    assert load(city.manifest).heitje != stale.heitje
    assert city.w3.eth.get_code(to_checksum_address(load(city.manifest).heitje))


def test_a_manifest_of_another_chain_is_never_overwritten(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a chain other than the dev chain, a manifest that does not match is an error."""
    port = anvil.free_port()
    process = subprocess.Popen(
        [str(anvil.anvil_path()), "--port", str(port), "--chain-id", "100", "--silent"]
    )
    node = Anvil(process, port)
    try:
        _wait(node)
        world = City(node, tmp_path)
        for key, value in world.env().items():
            monkeypatch.setenv(key, value)
        mismatched = Deployment(
            network="ethereum:local:foundry", chain_id=100,
            heitje="0x00000000000000000000000000000000000000aa",
            redemption="0x00000000000000000000000000000000000000bb",
            start_block=0, deployer=world.accounts[ADMIN],
        )  # fmt: skip
        world.manifest.write_text(mismatched.to_json())
        output = world.ape("deploy", "status", expect=1)
        assert "no contract at" in output and "move" in output
        assert json.loads(world.manifest.read_text())["heitje"] == mismatched.heitje
        # Test accounts' keys are public: refused on any chain but the dev chain.
        output = world.ape("deploy", "contracts", "--account", alias(ADMIN), "--yes", expect=1)
        assert "test account whose key is public" in output
        assert world.nonce(ADMIN) == 0
    finally:
        node.stop()


def _wait(node: Anvil) -> None:
    import time

    for _ in range(100):
        try:
            node.rpc("eth_chainId")
            return
        except Exception:
            time.sleep(0.05)
    raise AssertionError("anvil did not start")


def test_status_shows_the_deployment(deployed: City) -> None:
    output = deployed.ape("deploy", "status")
    d = load(deployed.manifest)
    assert d.heitje in output and d.redemption in output
    assert "€ 1.500,00" in output  # the yearly cap
    assert deployed.accounts[TREASURER] in output and "treasurer" in output


def test_status_without_a_deployment_says_what_to_run(city: City) -> None:
    output = city.ape("deploy", "status", expect=1)
    assert "no WESH deployment" in output and "ape run deploy contracts" in output
