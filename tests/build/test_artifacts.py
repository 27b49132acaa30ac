"""The compiled contracts ship inside the package, equal to what contracts/ compiles to today, and
the API and the indexer run without a compiler: no ape, Vyper or titanoboa at run time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wesh import artifacts

ROOT = artifacts.ROOT


@pytest.mark.parametrize("name", artifacts.NAMES)
def test_shipped_artifact_equals_a_fresh_compile(name: str) -> None:
    shipped = artifacts.path_of(name)
    assert shipped.exists(), f"{shipped} is missing: run {artifacts.REGENERATE} and commit it"
    fresh = artifacts.render(artifacts.compile_contract(name))
    assert shipped.read_text(encoding="utf-8") == fresh, (
        f"{shipped.relative_to(ROOT)} is not what contracts/{name}.vy compiles to: "
        f"run {artifacts.REGENERATE} and commit wesh/compiled/"
    )


@pytest.mark.parametrize("name", artifacts.NAMES)
def test_load_serves_the_shipped_file(name: str) -> None:
    data = json.loads(artifacts.path_of(name).read_text(encoding="utf-8"))
    loaded = artifacts.load(name)
    assert loaded.abi == data["abi"]
    assert loaded.bytecode == bytes.fromhex(data["bytecode"].removeprefix("0x"))
    assert loaded.runtime_bytecode == bytes.fromhex(data["runtime"].removeprefix("0x"))
    # The creation code carries the runtime code it deploys.
    assert loaded.runtime_bytecode and loaded.runtime_bytecode in loaded.bytecode


def test_the_wheel_ships_the_compiled_contracts(tmp_path: Path) -> None:
    """An installed wheel (the API's or the indexer's) has wesh/compiled/*.json."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.tmp")
    for package in ("wesh", "indexer", "api"):
        shutil.copytree(ROOT / package, project / package, ignore=ignore)
    out = tmp_path / "dist"
    # uv, as `make install` uses it: an isolated build environment with pyproject's setuptools
    # (the venv's own packaging is too old for the licence expression; ape pins it).
    uv = Path(sys.executable).parent / "uv"
    result = subprocess.run(
        [str(uv), "build", "--wheel", "--quiet", "--out-dir", str(out), str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("wesh-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in artifacts.NAMES:
        assert f"wesh/compiled/{name}.json" in names, sorted(names)


#: Imports the API app and the indexer's entry point, builds the app (a manifest and a database in
#: a temporary folder; nothing talks to a chain) and the indexer's event table, then prints every
#: module of the compile and script toolchain that got imported.
RUNTIME = """
import json, sys
from pathlib import Path

import api.app
import indexer.__main__
from api.settings import ApiSettings
from wesh import events
from wesh.deployment import Deployment, save

tmp = Path(sys.argv[1])
manifest = save(
    Deployment(
        network="ethereum:local:foundry", chain_id=31337, heitje="0x" + "11" * 20,
        redemption="0x" + "22" * 20, start_block=0, deployer="0x" + "33" * 20,
    ),
    tmp / "local.json",
)
settings = ApiSettings(
    database_url=f"sqlite:///{tmp / 'wesh.db'}", deployment=manifest, content_dir=tmp / "content"
)
api.app.create_app(settings)
assert events.specs()
loaded = sorted(
    m for m in sys.modules if m.split(".")[0] in ("ape", "boa", "vyper") or m.startswith("ape_")
)
print(json.dumps(loaded))
"""


def test_api_and_indexer_run_without_ape_vyper_or_titanoboa(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WESH_")  # the settings given in the script, nothing else
    }
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-c", RUNTIME, str(tmp_path)],
        cwd=tmp_path,  # no .env file of a developer's
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], (
        "the API or the indexer imports the compile/script toolchain at run time (it must come "
        f"from wesh/compiled/ instead): {loaded}"
    )
