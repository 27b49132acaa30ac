"""Compiled contract artifacts (ABI, creation and runtime bytecode), shipped inside the package.

``wesh/compiled/<Name>.json`` is what every deployment sends, what the typed wrapper's ABI and
the event decoder are built from. The files are committed and are package data, so the API and
the indexer (an installed wheel included) read them without a compiler: at run time nothing here
imports Vyper, and Vyper, ape and titanoboa are not run-time dependencies (pyproject's
``scripts`` extra brings them, for the city's ape scripts and the tests).

``python -m wesh.artifacts`` (``make compile``) writes them from ``contracts/`` with the
pip-installed Vyper. The pragmas at the top of each contract pin compiler version, optimisation
and EVM version, so ape's compile of the same sources builds the same bytecode. tests/build
checks both: the shipped files equal a fresh compile (a contract changed without regenerating
them fails ``make test``) and ape's runtime bytecode equals the shipped one.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: The repository checkout this package sits in (contracts/, deployments/, .demo/).
ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
#: The shipped artifacts: package data (pyproject's ``[tool.setuptools.package-data]``).
COMPILED = Path(__file__).resolve().parent / "compiled"
#: The contracts WESH deploys, each ``contracts/<name>.vy``.
NAMES = ("Heitje", "Redemption", "Forwarder", "NeighbourhoodDesk")
#: What regenerates the shipped files after a contract changed.
REGENERATE = "make compile (python -m wesh.artifacts)"


@dataclass(frozen=True)
class Artifact:
    """What a deployment needs of one compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    runtime_bytecode: bytes


def path_of(name: str) -> Path:
    """Where the shipped artifact of ``contracts/<name>.vy`` lives."""
    return COMPILED / f"{name}.json"


@cache
def load(name: str = "Heitje") -> Artifact:
    """The shipped artifact of ``contracts/<name>.vy`` (read once per process)."""
    path = path_of(name)
    if not path.exists():
        raise FileNotFoundError(f"no compiled artifact for {name} at {path}: run {REGENERATE}")
    data = json.loads(path.read_text(encoding="utf-8"))
    return Artifact(
        name=name,
        abi=data["abi"],
        bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")),
        runtime_bytecode=bytes.fromhex(data["runtime"].removeprefix("0x")),
    )


# ------------------------------------------------------------------ build step (needs vyper)
def compile_contract(name: str) -> dict[str, Any]:
    """Compiles ``contracts/<name>.vy`` with the installed Vyper: the content of its artifact.

    Only the build step and the tests call this; Vyper comes with the ``scripts`` extra.
    """
    import vyper
    from vyper.compiler import compile_from_file_input
    from vyper.compiler.input_bundle import FilesystemInputBundle

    bundle = FilesystemInputBundle([CONTRACTS])
    file_input = bundle.load_file(CONTRACTS / f"{name}.vy")
    out = compile_from_file_input(
        file_input, input_bundle=bundle, output_formats=["abi", "bytecode", "bytecode_runtime"]
    )
    return {
        "contract": name,
        "compiler": f"vyper {vyper.__version__}",
        "abi": out["abi"],
        "bytecode": out["bytecode"],
        "runtime": out["bytecode_runtime"],
    }


def render(data: dict[str, Any]) -> str:
    """The artifact as its file holds it: one ABI entry per line, so a diff shows what changed."""
    abi = ",\n".join(f"    {json.dumps(entry, sort_keys=True)}" for entry in data["abi"])
    head = {key: value for key, value in data.items() if key not in ("abi", "bytecode", "runtime")}
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    return "\n".join(
        [
            "{",
            *lines,
            f'  "abi": [\n{abi}\n  ],',
            f'  "bytecode": {json.dumps(data["bytecode"])},',
            f'  "runtime": {json.dumps(data["runtime"])}',
            "}",
            "",
        ]
    )


def write(name: str) -> Path:
    """Compiles ``contracts/<name>.vy`` and writes its shipped artifact (atomically)."""
    path = path_of(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(compile_contract(name)), encoding="utf-8")
    tmp.replace(path)
    return path


def main() -> int:
    for name in NAMES:
        path = write(name)
        print(f"{name}: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
