"""Event decoding for the WESH contracts: topic0 -> a decoder, built from the ABIs in
``wesh.artifacts`` so that it can never drift from the contracts.

Events are the indexer's API, and the indexer decodes every one of them, so decoding sits on its
hot path. web3's generic ``process_log`` manages ~2,400 events/s; slicing the hex strings of a
JSON-RPC log directly is ~20x faster. So:

* fixed-layout events (only static types: address, uint, bool, bytes32) get a decoder generated
  from their ABI entry as Python source (one slice per field, compiled once);
* events that carry a string (TaskCommissioned, MerchantRegistered/Updated, EvidenceSubmitted,
  RedemptionPaid) use a generic fallback, eth_abi over the data, plus slicing for the topics.

Decoded values, the same for both paths: addresses as lowercase ``0x`` hex (the canonical form for
SQL lookups; checksum them for display), integers as ``int``, bools as ``bool``, ``bytes32`` as
lowercase ``0x`` hex, strings as ``str``. ``tests/indexer/test_events.py`` checks every event of
both ABIs against web3's ``process_log``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak

from wesh import artifacts

CONTRACTS = ("Heitje", "Redemption")
STATIC_TYPES = ("address", "bool", "bytes32") + tuple(f"uint{n}" for n in range(8, 257, 8))

Decoder = Callable[[list[str], str], tuple[Any, ...]]


class DecodeError(ValueError):
    """A log does not have the layout its topic0 promises (wrong topic count or data length)."""


@dataclass(frozen=True)
class EventSpec:
    """One event of one contract, with its decoder."""

    contract: str
    name: str
    signature: str
    topic0: str
    #: (name, type, indexed) in ABI order.
    inputs: tuple[tuple[str, str, bool], ...]
    #: True when the fast slicing decoder is used, False for the eth_abi fallback.
    fixed_layout: bool
    decode: Decoder = field(repr=False, compare=False)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.inputs)

    def decode_dict(self, topics: list[str], data: str) -> dict[str, Any]:
        return dict(zip(self.arg_names, self.decode(topics, data), strict=True))


def _topic_expr(kind: str, index: int) -> str:
    ref = f"topics[{index}]"
    if kind == "address":
        return f"'0x' + {ref}[26:].lower()"
    if kind == "bool":
        return f"int({ref}, 16) != 0"
    if kind == "bytes32":
        return f"{ref}.lower()"
    return f"int({ref}, 16)"


def _data_expr(kind: str, index: int) -> str:
    start, end = 2 + 64 * index, 2 + 64 * (index + 1)
    word = f"data[{start}:{end}]"
    if kind == "address":
        return f"'0x' + data[{start + 24}:{end}].lower()"
    if kind == "bool":
        return f"int({word}, 16) != 0"
    if kind == "bytes32":
        return f"'0x' + {word}.lower()"
    return f"int({word}, 16)"


def _fast_decoder(name: str, inputs: tuple[tuple[str, str, bool], ...]) -> Decoder:
    """Generates ``def decode(topics, data)`` for a fixed-layout event from its ABI inputs."""
    exprs: list[str] = []
    topic_i, data_i = 1, 0
    for _, kind, indexed in inputs:
        if indexed:
            exprs.append(_topic_expr(kind, topic_i))
            topic_i += 1
        else:
            exprs.append(_data_expr(kind, data_i))
            data_i += 1
    source = (
        "def decode(topics, data):\n"
        f"    if len(topics) != {topic_i} or len(data) != {2 + 64 * data_i}:\n"
        f"        raise DecodeError('{name}: unexpected log layout')\n"
        f"    return ({', '.join(exprs)}{',' if len(exprs) == 1 else ''})\n"
    )
    namespace: dict[str, Any] = {"DecodeError": DecodeError}
    exec(compile(source, f"<decoder {name}>", "exec"), namespace)
    decoder: Decoder = namespace["decode"]
    return decoder


def _generic_decoder(name: str, inputs: tuple[tuple[str, str, bool], ...]) -> Decoder:
    """eth_abi over the data for events with dynamic fields; topics are sliced as above."""
    data_types = [kind for _, kind, indexed in inputs if not indexed]

    def values(data: str) -> tuple[Any, ...]:
        try:
            return tuple(abi_decode(data_types, bytes.fromhex(data[2:])))
        except Exception as error:  # eth_abi raises several types for malformed data
            raise DecodeError(f"{name}: {error}") from None

    exprs: list[str] = []
    topic_i, data_i = 1, 0
    for _, kind, indexed in inputs:
        if indexed:
            exprs.append(_topic_expr(kind, topic_i))
            topic_i += 1
        else:
            ref = f"values[{data_i}]"
            if kind == "address":
                ref = f"{ref}.lower()"
            elif kind == "bytes32":
                ref = f"'0x' + {ref}.hex()"
            exprs.append(ref)
            data_i += 1
    source = (
        "def decode(topics, data):\n"
        f"    if len(topics) != {topic_i}:\n"
        f"        raise DecodeError('{name}: unexpected log layout')\n"
        "    values = _values(data)\n"
        f"    return ({', '.join(exprs)}{',' if len(exprs) == 1 else ''})\n"
    )
    namespace: dict[str, Any] = {"DecodeError": DecodeError, "_values": values}
    exec(compile(source, f"<decoder {name}>", "exec"), namespace)
    decoder: Decoder = namespace["decode"]
    return decoder


def _spec(contract: str, entry: dict[str, Any]) -> EventSpec:
    inputs = tuple((i["name"], i["type"], bool(i["indexed"])) for i in entry["inputs"])
    signature = f"{entry['name']}({','.join(kind for _, kind, _ in inputs)})"
    topic0 = "0x" + keccak(text=signature).hex()
    fixed = all(kind in STATIC_TYPES for _, kind, _ in inputs)
    for _, kind, indexed in inputs:
        if indexed and kind not in STATIC_TYPES:
            raise ValueError(f"{signature}: indexed dynamic types are not decodable from topics")
    build = _fast_decoder if fixed else _generic_decoder
    return EventSpec(contract, entry["name"], signature, topic0, inputs, fixed, build(entry["name"], inputs))


@cache
def specs() -> dict[str, EventSpec]:
    """topic0 (lowercase hex) -> EventSpec, for every event of both contracts' ABIs."""
    table: dict[str, EventSpec] = {}
    for contract in CONTRACTS:
        for entry in artifacts.load(contract).abi:
            if entry["type"] != "event":
                continue
            spec = _spec(contract, entry)
            other = table.get(spec.topic0)
            if other is not None and other.signature != spec.signature:
                raise ValueError(f"topic0 collision: {other.signature} / {spec.signature}")
            table.setdefault(spec.topic0, spec)
    return table


@cache
def by_name() -> dict[str, EventSpec]:
    """Event name -> EventSpec (event names are unique across the two contracts)."""
    table = {spec.name: spec for spec in specs().values()}
    if len(table) != len(specs()):
        raise ValueError("two events share a name")
    return table


def topic0(name: str) -> str:
    return by_name()[name].topic0


def decode_log(log: dict[str, Any]) -> tuple[EventSpec, tuple[Any, ...]] | None:
    """Decodes a JSON-RPC log (``topics``, ``data``); None for a topic0 no WESH contract emits."""
    topics = log["topics"]
    if not topics:
        return None
    spec = specs().get(topics[0].lower())
    if spec is None:
        return None
    return spec, spec.decode(topics, log["data"])
