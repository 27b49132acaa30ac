"""Compiled contract artifacts (ABI and bytecode), compiled offline with the pip-installed Vyper.

ape compiles the same sources with the same compiler for the ape scripts; the pragmas at the top of
each contract (version, optimisation, EVM version) pin the settings, so both paths produce the same
bytecode. Artifacts are cached under ``.build/wesh/`` keyed by a hash of the sources.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
CACHE = ROOT / ".build" / "wesh"


@dataclass(frozen=True)
class Artifact:
    """What a deployment needs of one compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    runtime_bytecode: bytes


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(CONTRACTS.rglob("*.vy")):
        digest.update(str(path.relative_to(CONTRACTS)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _compile(name: str) -> dict[str, Any]:
    from vyper.compiler import compile_from_file_input
    from vyper.compiler.input_bundle import FilesystemInputBundle

    bundle = FilesystemInputBundle([CONTRACTS])
    file_input = bundle.load_file(CONTRACTS / f"{name}.vy")
    out = compile_from_file_input(
        file_input, input_bundle=bundle, output_formats=["abi", "bytecode", "bytecode_runtime"]
    )
    return {"abi": out["abi"], "bytecode": out["bytecode"], "runtime": out["bytecode_runtime"]}


@cache
def load(name: str = "Heitje") -> Artifact:
    """Returns the artifact of ``contracts/<name>.vy``, compiling it if the sources changed."""
    path = CACHE / f"{name}-{_sources_digest()}.json"
    if path.exists():
        data = json.loads(path.read_text())
    else:
        data = _compile(name)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(path)
    return Artifact(
        name=name,
        abi=data["abi"],
        bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")),
        runtime_bytecode=bytes.fromhex(data["runtime"].removeprefix("0x")),
    )
