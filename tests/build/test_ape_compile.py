"""`ape compile` builds the contracts offline, and builds exactly what wesh.artifacts deploys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from wesh import artifacts

ROOT = artifacts.ROOT


def test_ape_compiles_offline_to_the_same_bytecode(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "contracts", project / "contracts")
    shutil.copy(ROOT / "ape-config.yaml", project / "ape-config.yaml")
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "APE_DATA_FOLDER": str(tmp_path / "ape-data"),
        # No network at all: a compile that tried to download a compiler would fail here.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [str(bin_dir / "ape"), "compile", "--force"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    built = json.loads((project / ".build" / "__local__.json").read_text())["contractTypes"]
    for name in artifacts.NAMES:
        expected = artifacts.load(name)
        runtime = built[name]["runtimeBytecode"]["bytecode"]
        assert bytes.fromhex(runtime.removeprefix("0x")) == expected.runtime_bytecode, name
        assert len(expected.runtime_bytecode) <= 24_576, f"{name} exceeds EIP-170"
