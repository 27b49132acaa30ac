"""wesh.events: every event of both ABIs has a decoder, and it decodes exactly as web3 does."""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from hypothesis import given, settings
from hypothesis import strategies as st
from indexer_world import World
from web3 import Web3
from web3.contract import Contract

from indexer.rpc import Rpc
from wesh import artifacts, events


def _normalise(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return value.lower()
    return value


_W3 = Web3()
_CONTRACTS: dict[str, type[Contract]] = {}


def _web3_args(log: dict[str, Any], spec: events.EventSpec) -> dict[str, Any]:
    """What web3's ``contract.events.<Name>().process_log`` makes of the log."""
    if spec.contract not in _CONTRACTS:
        _CONTRACTS[spec.contract] = _W3.eth.contract(abi=artifacts.load(spec.contract).abi)
    event = _CONTRACTS[spec.contract].events[spec.name]()
    w3_log = {
        "address": Web3.to_checksum_address(log["address"]),
        "topics": [bytes.fromhex(t[2:]) for t in log["topics"]],
        "data": bytes.fromhex(log["data"][2:]),
        "blockNumber": 1,
        "transactionHash": b"\0" * 32,
        "transactionIndex": 0,
        "blockHash": b"\0" * 32,
        "logIndex": 0,
    }
    decoded = event.process_log(w3_log)  # type: ignore[arg-type]
    return {k: _normalise(v) for k, v in decoded["args"].items()}


def test_every_event_of_the_abis_has_a_decoder() -> None:
    declared = {
        (name, e["name"])
        for name in events.CONTRACTS
        for e in artifacts.load(name).abi
        if e["type"] == "event"
    }
    table = events.specs()
    assert {(s.contract, s.name) for s in table.values()} == declared
    # 31 + MerchantMoved (move_merchant) + the neighbourhood desk's three
    assert len(declared) == 35
    with_strings = {s.name for s in table.values() if not s.fixed_layout}
    assert with_strings == {
        "TaskCommissioned",
        "MerchantRegistered",
        "MerchantUpdated",
        "EvidenceSubmitted",
        "RedemptionPaid",
    }
    assert events.topic0("Transfer") == (
        "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    )


def test_real_logs_decode_as_web3_does(world: World) -> None:
    """Every event, emitted on anvil by the tour, decodes to what web3's process_log gives."""
    world.tour()
    rpc = Rpc(world.node.url)
    logs = rpc.get_logs(world.contracts(), 0, world.head())
    seen = set()
    for log in logs:
        found = events.decode_log(log)
        assert found is not None
        spec, args = found
        seen.add(spec.name)
        ours = {k: _normalise(v) for k, v in zip(spec.arg_names, args, strict=True)}
        assert ours == _web3_args(log, spec), spec.name
    assert seen == set(events.by_name())


uint = st.integers(min_value=0, max_value=2**256 - 1)
address = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
values = {
    "uint256": uint,
    "uint8": st.integers(min_value=0, max_value=255),
    "address": address,
    "bool": st.booleans(),
    "bytes32": st.binary(min_size=32, max_size=32),
    "string": st.text(max_size=120),
}


@st.composite
def synthetic_log(draw: st.DrawFn) -> tuple[events.EventSpec, dict[str, Any]]:
    spec = draw(st.sampled_from(sorted(events.specs().values(), key=lambda s: s.name)))
    args = [draw(values[kind]) for _, kind, _ in spec.inputs]
    topics = [spec.topic0]
    data_types, data_values = [], []
    for (_, kind, indexed), value in zip(spec.inputs, args, strict=True):
        if indexed:
            topics.append("0x" + encode([kind], [value]).hex())
        else:
            data_types.append(kind)
            data_values.append(value)
    log = {
        "address": "0x" + "11" * 20,
        "topics": topics,
        "data": "0x" + encode(data_types, data_values).hex(),
    }
    return spec, log


@settings(max_examples=300, deadline=None)
@given(synthetic_log())
def test_synthetic_logs_decode_as_web3_does(case: tuple[events.EventSpec, dict[str, Any]]) -> None:
    spec, log = case
    found = events.decode_log(log)
    assert found is not None and found[0] is spec
    ours = {k: _normalise(v) for k, v in zip(spec.arg_names, found[1], strict=True)}
    assert ours == _web3_args(log, spec)


def test_malformed_logs_are_refused() -> None:
    spec = events.by_name()["Transfer"]
    log = {"topics": [spec.topic0, "0x" + "00" * 32], "data": "0x" + "00" * 32}
    try:
        events.decode_log(log)
    except events.DecodeError as error:
        assert "Transfer" in str(error)
    else:
        raise AssertionError("a Transfer with two topics decoded")
    assert events.decode_log({"topics": ["0x" + "ab" * 32], "data": "0x"}) is None


def test_the_generic_fallback_decodes_other_dynamic_types() -> None:
    """No WESH event has an array or bytes field today; if one gets one, eth_abi decodes it."""
    entry = {
        "type": "event",
        "name": "Batch",
        "anonymous": False,
        "inputs": [
            {"name": "batch_id", "type": "uint256", "indexed": True},
            {"name": "ids", "type": "uint256[]", "indexed": False},
            {"name": "who", "type": "address", "indexed": True},
            {"name": "blob", "type": "bytes", "indexed": False},
        ],
    }
    spec = events._spec("Test", entry)
    assert not spec.fixed_layout
    who = "0x" + "ab" * 20
    log: dict[str, Any] = {
        "address": "0x" + "11" * 20,
        "topics": [
            spec.topic0,
            "0x" + encode(["uint256"], [7]).hex(),
            "0x" + encode(["address"], [who]).hex(),
        ],
        "data": "0x" + encode(["uint256[]", "bytes"], [[1, 2, 3], b"\x01\x02"]).hex(),
    }
    assert spec.decode(log["topics"], log["data"]) == (7, (1, 2, 3), who, "0x0102")
    event = _W3.eth.contract(abi=[entry]).events["Batch"]()
    w3_log = {
        "address": Web3.to_checksum_address(log["address"]),
        "topics": [bytes.fromhex(t[2:]) for t in log["topics"]],
        "data": bytes.fromhex(log["data"][2:]),
        "blockNumber": 1,
        "transactionHash": b"\0" * 32,
        "transactionIndex": 0,
        "blockHash": b"\0" * 32,
        "logIndex": 0,
    }
    args = event.process_log(w3_log)["args"]  # type: ignore[arg-type]
    assert (args["batch_id"], tuple(args["ids"]), args["who"].lower(), args["blob"]) == (
        7,
        (1, 2, 3),
        who,
        b"\x01\x02",
    )
