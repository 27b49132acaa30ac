"""Event decoding for the WESH contracts: topic0 -> a decoder, built from the ABIs in
``wesh.artifacts`` so that it can never drift from the contracts.

Events are the indexer's API, and the indexer decodes every one of them, so decoding sits on its
hot path. web3's generic ``process_log`` manages ~2,400 events/s; slicing the hex strings of a
JSON-RPC log directly is ~20x faster. So:

* fixed-layout events (only static types: address, uint, bool, bytes32) get a decoder generated
  from their ABI entry as Python source (one slice per field, compiled once);
* events that carry a string (TaskCommissioned, MerchantRegistered/Updated, EvidenceSubmitted,
  RedemptionPaid) get the same generated slicing for their static fields, and their strings are
  read by following the ABI offset word (strictly checked: offset, length, padding room, UTF-8).
  RedemptionPaid comes 100 to a transaction, so this path is hot too;
* any other dynamic type (none today) would fall back to eth_abi, imported only then (it costs
  0.6 s of start-up, which matters for a process that is restarted).

Decoded values, the same for both paths: addresses as lowercase ``0x`` hex (the canonical form for
SQL lookups; checksum them for display), integers as ``int``, bools as ``bool``, ``bytes32`` as
lowercase ``0x`` hex, strings as ``str``. ``tests/indexer/test_indexer_events.py`` checks every
event of both ABIs against web3's ``process_log``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from eth_hash.auto import keccak

from wesh import artifacts

CONTRACTS = ("Heitje", "Redemption", "NeighbourhoodDesk")
STATIC_TYPES = ("address", "bool", "bytes32", *(f"uint{n}" for n in range(8, 257, 8)))
SLICED_TYPES = (*STATIC_TYPES, "string")

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
    #: True when every field is static (no string): the log's size is fixed.
    fixed_layout: bool
    decode: Decoder = field(repr=False, compare=False)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.inputs)


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


def _read_string(data: str, head: int, name: str) -> str:
    """The ABI string whose offset word is the ``head``-th word of ``data`` (0x hex)."""
    try:
        offset = int(data[2 + 64 * head : 2 + 64 * (head + 1)], 16)
        if offset % 32:
            raise ValueError("misaligned offset")
        start = 2 + 2 * offset
        length = int(data[start : start + 64], 16)
        body = data[start + 64 : start + 64 + 2 * length]
        if len(body) != 2 * length or len(data) < start + 64 + 64 * ((length + 31) // 32):
            raise ValueError("string runs past the data")
        return bytes.fromhex(body).decode("utf-8")
    except ValueError as error:
        raise DecodeError(f"{name}: bad string field: {error}") from None


def _sliced_decoder(name: str, inputs: tuple[tuple[str, str, bool], ...]) -> Decoder:
    """Generates ``def decode(topics, data)`` from the ABI inputs: one slice per field."""
    exprs: list[str] = []
    topic_i, data_i = 1, 0
    has_string = False
    for _, kind, indexed in inputs:
        if indexed:
            exprs.append(_topic_expr(kind, topic_i))
            topic_i += 1
        elif kind == "string":
            exprs.append(f"_read_string(data, {data_i}, {name!r})")
            has_string = True
            data_i += 1
        else:
            exprs.append(_data_expr(kind, data_i))
            data_i += 1
    size = f"len(data) != {2 + 64 * data_i}" if not has_string else f"len(data) < {2 + 64 * data_i}"
    source = (
        "def decode(topics, data):\n"
        f"    if len(topics) != {topic_i} or {size}:\n"
        f"        raise DecodeError('{name}: unexpected log layout')\n"
        f"    return ({', '.join(exprs)}{',' if len(exprs) == 1 else ''})\n"
    )
    namespace: dict[str, Any] = {"DecodeError": DecodeError, "_read_string": _read_string}
    exec(compile(source, f"<decoder {name}>", "exec"), namespace)
    decoder: Decoder = namespace["decode"]
    return decoder


def _generic_decoder(name: str, inputs: tuple[tuple[str, str, bool], ...]) -> Decoder:
    """eth_abi over the data, for dynamic types slicing does not cover; topics are sliced."""
    data_types = [kind for _, kind, indexed in inputs if not indexed]
    n_topics = 1 + sum(1 for _, _, indexed in inputs if indexed)
    topic_exprs = {}
    topic_i = 1
    for i, (_, kind, indexed) in enumerate(inputs):
        if indexed:
            topic_exprs[i] = compile(_topic_expr(kind, topic_i), name, "eval")
            topic_i += 1

    def decode(topics: list[str], data: str) -> tuple[Any, ...]:
        from eth_abi import decode as abi_decode

        if len(topics) != n_topics:
            raise DecodeError(f"{name}: unexpected log layout")
        try:
            values = iter(abi_decode(data_types, bytes.fromhex(data[2:])))
        except Exception as error:  # eth_abi raises several types for malformed data
            raise DecodeError(f"{name}: {error}") from None
        out: list[Any] = []
        for i, (_, kind, _indexed) in enumerate(inputs):
            if i in topic_exprs:
                out.append(eval(topic_exprs[i], {}, {"topics": topics}))
            else:
                value = next(values)
                if kind == "address":
                    value = str(value).lower()
                elif isinstance(value, bytes):
                    value = "0x" + value.hex()
                out.append(value)
        return tuple(out)

    return decode


def _spec(contract: str, entry: dict[str, Any]) -> EventSpec:
    inputs = tuple((i["name"], i["type"], bool(i["indexed"])) for i in entry["inputs"])
    signature = f"{entry['name']}({','.join(kind for _, kind, _ in inputs)})"
    topic0 = "0x" + keccak(signature.encode()).hex()
    fixed = all(kind in STATIC_TYPES for _, kind, _ in inputs)
    for _, kind, indexed in inputs:
        if indexed and kind not in STATIC_TYPES:
            raise ValueError(f"{signature}: indexed dynamic types are not decodable from topics")
    sliced = all(kind in SLICED_TYPES for _, kind, _ in inputs)
    decoder = (_sliced_decoder if sliced else _generic_decoder)(entry["name"], inputs)
    return EventSpec(contract, entry["name"], signature, topic0, inputs, fixed, decoder)


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
