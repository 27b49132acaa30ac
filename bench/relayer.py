"""Relayer benchmark (``make bench-relayer``): what the city's relayer costs and how fast it is.

1. The gas rows of ``make bench-gas`` (receipts on anvil), relayed rows included, with targets.
2. Throughput against anvil mining a block every second: the real stack (indexer, API with the
   relayer on, ``python -m relayer``) as ``make demo`` runs it, and N residents with keys and no
   native token who each claim a slot of one task through ``POST /relay/requests`` at once (a
   Monday morning after a task is published), then hand in their photo evidence. Printed:
   requests accepted per second (what the API takes, checks included), accepted -> mined p50 and
   p99 (from the relayer's journal), how many transactions carried them, and CPU seconds per
   request of the API and the relayer processes together.
3. A Heerlen year at 1 gwei, in xDAI: 1,000 active residents doing 5 tasks (claim, hand in) and
   20 payments at the counter each, every task reviewed, 50 shops cashing out weekly and the
   treasurer settling weekly, 1,000 registrations at the desk — each request sent on its own
   (the upper bound; batching only lowers it).

Everything printed is written to ``bench/results/relayer.json``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from web3 import Web3

from bench import gas as gas_bench
from demo.heerlen import RELAYER_ACCOUNT
from demo.services import Service, Supervisor, service_env
from indexer.db import make_engine
from relayer.journal import Journal
from wesh import anvil, forwarding
from wesh.contract import Role, TxRequest
from wesh.deploy import deploy
from wesh.deployment import Deployment, save
from wesh.signer import UnlockedSigner, transact

RESULTS = Path(__file__).parent / "results" / "relayer.json"
CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
RESIDENTS = 200
CLIENT_THREADS = 8
GWEI = 10**9
#: The year of issue #13: what a Heerlen year asks of the relayer.
YEAR = {
    "residents": 1_000,
    "tasks_per_resident": 5,
    "payments_per_resident": 20,
    "shops": 50,
    "cash_outs_per_shop": 52,
    "settlements": 52,
    "registrations": 1_000,
}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def year_cost(gas: dict[str, int]) -> dict[str, Any]:
    """Gas and xDAI of a Heerlen year at 1 gwei, each request on its own."""
    y = YEAR
    tasks = y["residents"] * y["tasks_per_resident"]
    lines = {
        "claims": tasks * gas["relayed_claim"],
        "hand_ins": tasks * gas["relayed_submit"],
        "reviews": tasks * gas["relayed_approve"],
        "payments": y["residents"] * y["payments_per_resident"] * gas["relayed_pay_with_reference"],
        "cash_outs": y["shops"] * y["cash_outs_per_shop"] * gas["relayed_redeem"],
        "settlements": y["settlements"] * gas["relayed_mark_paid"],
        "registrations": y["registrations"] * gas["relayed_register"],
    }
    total = sum(lines.values())
    return {
        "assumptions": y,
        "gas": lines,
        "total_gas": total,
        "xdai_at_1_gwei": total * GWEI / 10**18,
    }


class Stack:
    """anvil (1-second blocks), WESH deployed, N residents registered, the indexer, the API and the
    relayer running as in ``make demo``."""

    def __init__(self, workdir: Path, residents: int) -> None:
        self.workdir = workdir
        self.node = anvil.start(
            anvil.free_port(), extra=["--accounts", str(RELAYER_ACCOUNT + 1), "--block-time", "1"]
        )
        self.w3 = Web3(Web3.HTTPProvider(self.node.url, request_kwargs={"timeout": 60}))
        dev = [UnlockedSigner(a) for a in self.w3.eth.accounts]
        self.city = dev[0]
        roles = Role.REGISTRAR | Role.TASK_MANAGER | Role.TREASURER | Role.MERCHANT_MANAGER
        deployed = deploy(self.w3, self.city, {self.city.address: roles})
        self.wesh = deployed.wesh
        self.people = [Account.create() for _ in range(residents)]
        for start in range(0, residents, 100):
            chunk = self.people[start : start + 100]
            transact(
                self.w3,
                self.wesh.register_citizens([p.address for p in chunk], [1] * len(chunk)),
                self.city,
            )
        transact(self.w3, self.wesh.grant_budget(100_000_000), self.city)
        deadline = int(self.w3.eth.get_block("latest")["timestamp"]) + 30 * 86_400
        task = self.wesh.commission_task(CID, 100, residents, deadline, 7 * 86_400, 1)
        transact(self.w3, task, self.city)
        self.task = self.wesh.counts()[2]
        manifest = Deployment(
            network="ethereum:local:foundry",
            chain_id=int(self.w3.eth.chain_id),
            heitje=self.wesh.heitje.address,
            redemption=self.wesh.redemption.address,
            forwarder=self.wesh.forwarder.address,
            start_block=deployed.block,
            deployer=self.city.address,
            start_block_hash=self.w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
        )
        self.manifest = save(manifest, workdir / "manifest.json")
        self.database_url = f"sqlite:///{workdir / 'wesh.db'}"
        self.supervisor = Supervisor(workdir)
        self.api_port = anvil.free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"

    def start_services(self) -> None:
        env = service_env(
            rpc_url=self.node.url,
            manifest=self.manifest,
            content_dir=self.workdir / "content",
            state_dir=self.workdir,
        )
        indexer_port = anvil.free_port()
        services = [
            Service(
                name="indexer",
                argv=[
                    *[sys.executable, "-m", "indexer", "--confirmations", "0"],
                    *["--metrics-port", str(indexer_port)],
                ],
                ready_url=f"http://127.0.0.1:{indexer_port}/health",
            ),
            Service(
                name="api",
                argv=[
                    *[sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"],
                    *["--log-level", "warning", "--port", str(self.api_port)],
                ],
                ready_url=f"{self.api}/ready",
                env={"WESH_PUBLIC_URL": f"http://localhost:{self.api_port}"},
            ),
            Service(name="relayer", argv=[sys.executable, "-m", "relayer"]),
        ]
        self.children = {}
        for service in services:
            child = self.supervisor.start(service, env)
            if not self.supervisor.wait_ready(service, child):
                raise RuntimeError(f"{service.name} did not come up: see {child.log}")
            self.children[service.name] = child
        head = self.w3.eth.block_number
        while httpx.get(f"{self.api}/ready").json().get("indexed_block", -1) < head:
            time.sleep(0.2)

    def stop(self) -> None:
        self.supervisor.stop_all()
        self.node.stop()

    def cpu(self) -> float:
        return sum(cpu_seconds(self.children[n].process.pid) for n in ("api", "relayer"))


def run_wave(stack: Stack, name: str, calls: list[tuple[Any, TxRequest]]) -> dict[str, Any]:
    """Signs every call (each signer's next request), submits all at once from CLIENT_THREADS
    threads, waits until the relayer reports every one mined; returns the figures."""
    w3, forwarder = stack.w3, stack.wesh.forwarder
    domain = forwarding.domain_of(forwarder)
    deadline = int(w3.eth.get_block("latest")["timestamp"]) + 3_600
    bodies = []
    for person, tx in calls:
        request = forwarding.prepare(w3, forwarder, tx, person.address, deadline)
        signature = forwarding.sign_with_key(request, domain, person.key)
        bodies.append({"request": request.message(), "signature": "0x" + signature.hex()})
    cpu_before = stack.cpu()
    with httpx.Client(base_url=stack.api, timeout=60) as client:

        def post(body: dict[str, Any]) -> str:
            answer = client.post("/relay/requests", json=body)
            if answer.status_code not in (200, 202):
                raise RuntimeError(f"{name}: the relayer refused: {answer.text}")
            return str(answer.json()["id"])

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            ids = list(pool.map(post, bodies))
        accept_s = time.perf_counter() - started
    journal = Journal(make_engine(stack.database_url))
    end = time.monotonic() + 300
    while True:
        rows = [journal.get(i) for i in ids]
        if all(r is not None and r.mined_at is not None for r in rows):
            break
        if time.monotonic() > end:
            raise RuntimeError(f"{name}: not every request was mined within 300 s")
        time.sleep(0.5)
    cpu = stack.cpu() - cpu_before
    latencies = [r.mined_at - r.created_at for r in rows if r and r.mined_at]
    failed = sum(r.state == "failed" for r in rows if r)
    return {
        "requests": len(ids),
        "accepted_per_s": round(len(ids) / accept_s, 1),
        "accepted_to_mined_p50_s": round(percentile(latencies, 50), 2),
        "accepted_to_mined_p99_s": round(percentile(latencies, 99), 2),
        "transactions": len({r.tx_hash for r in rows if r}),
        "cpu_ms_per_request": round(1000 * cpu / len(ids), 2),
        "failed": failed,
    }


def throughput(residents: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="wesh-bench-relayer-") as folder:
        stack = Stack(Path(folder), residents)
        try:
            stack.start_services()
            wesh = stack.wesh
            claims = run_wave(
                stack, "claims", [(p, wesh.claim_task(stack.task)) for p in stack.people]
            )
            hand_ins = run_wave(
                stack, "hand-ins", [(p, wesh.submit(stack.task, CID)) for p in stack.people]
            )
            native = {stack.w3.eth.get_balance(p.address) for p in stack.people}
            assert native == {0}, "a resident paid a fee"
        finally:
            stack.stop()
    return {"block_time_s": 1, "claims": claims, "hand_ins": hand_ins}


def main() -> int:
    print("== gas (make bench-gas) ==")
    gas_ok = gas_bench.main() == 0
    gas = json.loads(gas_bench.RESULTS.read_text())
    print(f"\n== throughput: {RESIDENTS} residents at once, anvil mining a block a second ==")
    figures = throughput(RESIDENTS)
    print(f"{'wave':10} {'requests':>8} {'accepted/s':>11} {'p50 s':>7} {'p99 s':>7} "
          f"{'txs':>5} {'CPU ms/req':>11} {'failed':>7}")  # fmt: skip
    for wave in ("claims", "hand_ins"):
        f = figures[wave]
        print(f"{wave:10} {f['requests']:>8} {f['accepted_per_s']:>11} "
              f"{f['accepted_to_mined_p50_s']:>7} {f['accepted_to_mined_p99_s']:>7} "
              f"{f['transactions']:>5} {f['cpu_ms_per_request']:>11} {f['failed']:>7}")  # fmt: skip
    year = year_cost(gas)
    print("\n== a Heerlen year at 1 gwei, each request on its own ==")
    for line, value in year["gas"].items():
        print(f"  {line:14} {value:>15,} gas  {value * GWEI / 10**18:>8.3f} xDAI")
    print(f"  {'total':14} {year['total_gas']:>15,} gas  {year['xdai_at_1_gwei']:>8.3f} xDAI")
    ok = gas_ok and all(figures[w]["failed"] == 0 for w in ("claims", "hand_ins"))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"gas": gas, "throughput": figures, "year": year}, indent=2) + "\n"
    )
    print(f"\nwritten to {RESULTS} at {time.strftime('%Y-%m-%d %H:%M:%S')}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
