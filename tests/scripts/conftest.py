"""Fixtures of the admin scripts' tests: each test gets a fresh anvil (it starts in ~0.1 s) and
its own deployment manifest and content folder, so tests never see each other's chain.

ape keeps its data (accounts, caches) in a temporary folder for the session, never in ~/.ape:
``APE_DATA_FOLDER`` is set before anything imports ape. anvil's folder is put on PATH, as the
Makefile does, for ape-foundry.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from scripts_support import ACCOUNTS, City

from wesh import anvil
from wesh.artifacts import ROOT

_APE_DATA = Path(tempfile.mkdtemp(prefix="wesh-ape-data-"))
os.environ["APE_DATA_FOLDER"] = str(_APE_DATA)
os.environ["PATH"] = os.pathsep.join(
    [str(Path(sys.executable).parent), str(anvil.NPM_ANVIL.parent), os.environ.get("PATH", "")]
)


@pytest.fixture(scope="session", autouse=True)
def _ape_data_folder() -> Iterator[None]:
    yield
    shutil.rmtree(_APE_DATA, ignore_errors=True)


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[City]:
    """A fresh anvil with 30 dev accounts, nothing deployed; scripts pointed at it."""
    node = anvil.start(extra=["--accounts", str(ACCOUNTS)])
    world = City(node, tmp_path)
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(ROOT)  # `ape run` finds scripts/ in the working directory
    try:
        yield world
    finally:
        node.stop()


@pytest.fixture
def deployed(city: City) -> City:
    """``city`` with WESH deployed (``wesh.provision``, the deploy script's code path) and every
    staff role granted; test_scripts_deploy.py drives the deploy script itself."""
    city.deploy_directly()
    return city
