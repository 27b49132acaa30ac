"""Starts and stops a local anvil node (from the npm package ``@foundry-rs/anvil``).

Used by ``make demo``, the integration tests and the benchmarks. Only ever a local dev chain:
chain id 31337, anvil's public well-known dev accounts.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from wesh.artifacts import ROOT

NPM_ANVIL = ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
DEV_CHAIN_ID = 31337


class AnvilNotFound(RuntimeError):
    """anvil is neither installed by npm in this checkout nor on PATH."""


def anvil_path() -> Path:
    """Where the anvil binary is: the npm-installed one first, then PATH."""
    if NPM_ANVIL.exists():
        return NPM_ANVIL
    found = shutil.which("anvil")
    if found:
        return Path(found)
    raise AnvilNotFound("anvil not found: run `make install` (it runs `npm ci`) first")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Anvil:
    """A running anvil process."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rpc(self, method: str, *params: object) -> object:
        """One JSON-RPC call; raises on an error answer."""
        reply = httpx.post(
            self.url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        ).json()
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(
    port: int | None = None,
    *,
    timestamp: int | None = None,
    block_time: float | None = None,
    extra: list[str] | None = None,
    log: Path | None = None,
) -> Anvil:
    """Starts anvil and waits until it answers. ``timestamp`` sets the genesis time."""
    port = port or free_port()
    args = [str(anvil_path()), "--port", str(port), "--host", "127.0.0.1", "--silent"]
    args += ["--chain-id", str(DEV_CHAIN_ID), "--gas-limit", "60000000"]
    if timestamp is not None:
        args += ["--timestamp", str(timestamp)]
    if block_time is not None:
        args += ["--block-time", str(block_time)]
    args += extra or []
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy())
    node = Anvil(process=process, port=port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"anvil exited with code {process.returncode}")
        try:
            node.rpc("eth_chainId")
            return node
        except (httpx.HTTPError, RuntimeError):
            time.sleep(0.05)
    node.stop()
    raise RuntimeError("anvil did not start within 20 s")


@contextmanager
def running(**kwargs: object) -> Iterator[Anvil]:
    """``with running() as node:`` a fresh anvil, stopped at the end."""
    node = start(**kwargs)  # type: ignore[arg-type]
    try:
        yield node
    finally:
        node.stop()
