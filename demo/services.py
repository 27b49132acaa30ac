"""The processes ``make demo`` runs, and stopping every one of them.

``wesh_services`` are the indexer (``python -m indexer``), the API under uvicorn (which also
serves the dApp) and the city's relayer (``python -m relayer``: it sends what residents, shops
and staff sign and pays the fees, from anvil's dev account 30); ``SERVICES`` is the hook for
more. Each ``Service`` is one long-running
process started after the chain is deployed and seeded, with the demo's settings in its
environment (``service_env``). A service may name the URL it serves (printed in the banner) and a
readiness check. To add one:

    SERVICES.append(Service(
        name="web dev server",
        argv=[sys.executable, "-m", "http.server", "8001", "--directory", "web"],
        url="http://127.0.0.1:8001",
        ready_url="http://127.0.0.1:8001/",
    ))

``Supervisor`` starts them in their own process groups, records every pid in
``.demo/pids.json``, and stops them all (newest first: SIGTERM, then SIGKILL after a grace
period) when the demo ends. The next ``make demo`` reads that file and ends whatever a previous
run left behind, but only processes whose command line still matches what was recorded, so it
never kills a stranger that happens to reuse a pid.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from demo.heerlen import RELAYER_ACCOUNT


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    #: What the banner shows for this service (a web page, an API root).
    url: str | None = None
    #: Polled until it answers 2xx before the demo says it is up.
    ready_url: str | None = None
    #: Extra environment on top of ``service_env``.
    env: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait for ``ready_url``.
    start_timeout: float = 60.0


#: Extra services the demo runs after seeding, after the indexer and the API (wesh_services).
SERVICES: list[Service] = []


INDEXER = [sys.executable, "-m", "indexer", "--confirmations", "0"]
UVICORN = [
    sys.executable,
    "-m",
    "uvicorn",
    "api.app:create_app",
    "--factory",
    "--log-level",
    "warning",
]


RELAYER = [sys.executable, "-m", "relayer"]


def wesh_services(api_port: int, indexer_port: int) -> list[Service]:
    """The indexer, following the demo chain into the demo database, and the API, which also
    serves the dApp. The API's public URL is what SIWE messages name, so it is ``localhost``."""
    public_url = f"http://localhost:{api_port}"
    return [
        Service(
            name="indexer",
            argv=[*INDEXER, "--metrics-port", str(indexer_port)],
            url=f"http://127.0.0.1:{indexer_port}/metrics",
            ready_url=f"http://127.0.0.1:{indexer_port}/health",
        ),
        Service(
            name="api + web",
            argv=[*UVICORN, "--host", "127.0.0.1", "--port", str(api_port)],
            url=f"{public_url}/",
            ready_url=f"http://127.0.0.1:{api_port}/ready",
            env={"WESH_PUBLIC_URL": public_url},
        ),
        Service(name="relayer", argv=[*RELAYER]),
    ]


def service_env(
    *, rpc_url: str, manifest: Path, content_dir: Path, state_dir: Path
) -> dict[str, str]:
    """The settings every WESH process reads (``wesh.settings``): where the chain and data are."""
    return {
        "WESH_RPC_URL": rpc_url,
        "WESH_NETWORK": "ethereum:local:foundry",
        "WESH_DEPLOYMENT": str(manifest),
        "WESH_CONTENT_DIR": str(content_dir),
        "WESH_DATABASE_URL": f"sqlite:///{state_dir / 'wesh.db'}",
        "APE_FOUNDRY_HOST": rpc_url,
        # The city pays the fees: the API offers to relay, the relayer sends (docs/relayer.md).
        "WESH_RELAYER_ENABLED": "true",
        "WESH_RELAYER_DEV_ACCOUNT": str(RELAYER_ACCOUNT),
    }


def log_name(name: str) -> str:
    """A plain file name for a service's log: "api + web" -> "api-web" (no spaces or signs a
    shell or a file manager trips over)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "service"


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    own_group: bool


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _end(pid: int, group: bool, grace: float = 5.0) -> None:
    """SIGTERM to a process (or its group), SIGKILL if it outlives ``grace`` seconds."""
    send: Callable[[int, int], None] = os.killpg if group else os.kill
    try:
        send(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid) or _cmdline(pid) == "":
            return
        time.sleep(0.05)
    try:
        send(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return


class Supervisor:
    """Every child process of one demo run, recorded in a pid file."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.pidfile = state_dir / "pids.json"
        self.children: list[Child] = []

    # ------------------------------------------------------- previous runs
    def end_previous_run(self, say: Callable[[str], None]) -> None:
        """Stops what an earlier demo run left running (its orchestrator first, then children)."""
        if not self.pidfile.exists():
            return
        try:
            entries = json.loads(self.pidfile.read_text())
        except ValueError:
            entries = []
        for entry in entries:
            pid, marker = int(entry["pid"]), str(entry["marker"])
            if pid == os.getpid() or not _alive(pid) or marker not in _cmdline(pid):
                continue
            say(f"stopping {entry['name']} (pid {pid}) left from an earlier demo run")
            _end(pid, bool(entry.get("group")), grace=10.0 if entry["name"] == "demo" else 5.0)
        self.pidfile.unlink(missing_ok=True)

    def _record(self) -> None:
        entries = [{"name": "demo", "pid": os.getpid(), "marker": "demo", "group": False}]
        for child in self.children:
            marker = Path(str(child.process.args[0])).name  # type: ignore[index]
            entries.append(
                {"name": child.name, "pid": child.process.pid, "marker": marker,
                 "group": child.own_group}
            )  # fmt: skip
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.pidfile.write_text(json.dumps(entries, indent=2))

    # -------------------------------------------------------------- children
    def adopt(self, name: str, process: subprocess.Popen[bytes], log: Path) -> None:
        """Tracks a process started elsewhere (anvil, via wesh.anvil)."""
        self.children.append(Child(name, process, log, own_group=False))
        self._record()

    def start(self, service: Service, env: dict[str, str]) -> Child:
        log = self.state_dir / "logs" / f"{log_name(service.name)}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            process = subprocess.Popen(
                service.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env, **service.env},
                start_new_session=True,  # its own group: stopping it stops its children too
            )
        child = Child(service.name, process, log, own_group=True)
        self.children.append(child)
        self._record()
        return child

    def wait_ready(self, service: Service, child: Child) -> bool:
        if not service.ready_url:
            return child.process.poll() is None
        deadline = time.monotonic() + service.start_timeout
        while time.monotonic() < deadline:
            if child.process.poll() is not None:
                return False
            try:
                if httpx.get(service.ready_url, timeout=2).is_success:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        return False

    def exited(self) -> list[Child]:
        """Children that stopped by themselves."""
        return [c for c in self.children if c.process.poll() is not None]

    def stop_all(self) -> None:
        """Stops every child, newest first, and forgets the pid file."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                _end(child.process.pid, child.own_group)
            try:
                child.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.process.kill()
        self.children.clear()
        self.pidfile.unlink(missing_ok=True)
