"""`make demo` (`python -m demo`): one command brings up a seeded Heerlen, Ctrl-C stops it all,
and a second run starts cleanly even after the first was killed hard."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_utils import to_checksum_address
from web3 import Web3

from demo import heerlen
from wesh import anvil, sepa
from wesh.artifacts import ROOT
from wesh.contract import ClaimStatus, RequestStatus, Role, TaskStatus, Wesh
from wesh.csv_rows import parse_bank_accounts, parse_citizens, parse_merchants
from wesh.deployment import load
from wesh.history import History
from wesh.task_files import parse_tasks

BANNER_END = "Ctrl-C stopt alles"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "X"
    )
    return state not in ("Z", "X")


class Demo:
    """`python -m demo` running in the background, its output collected."""

    def __init__(self, state_dir: Path, port: int, *, sigint_ignored: bool = False) -> None:
        self.state_dir, self.port = state_dir, port
        self.log = state_dir.parent / f"demo-{time.monotonic_ns()}.out"
        self.out = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        # A job started in the background by a non-interactive shell inherits SIGINT as ignored.
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "demo", "--port", str(port), "--state-dir", str(state_dir)],
            cwd=ROOT, stdout=self.out, stderr=subprocess.STDOUT, preexec_fn=ignore,
        )  # fmt: skip

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_banner(self, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if BANNER_END in self.output:
                return self.output
            assert self.process.poll() is None, f"the demo exited early:\n{self.output}"
            time.sleep(0.2)
        raise AssertionError(f"no banner within {timeout} s:\n{self.output}")

    def pids(self) -> dict[str, int]:
        entries = json.loads((self.state_dir / "pids.json").read_text())
        return {entry["name"]: int(entry["pid"]) for entry in entries}

    def stop(self, signum: int = signal.SIGINT, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        code = self.process.wait(timeout=timeout)
        self.out.close()
        return code


@pytest.fixture
def demo_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "demo"


def test_one_command_brings_up_a_seeded_heerlen_and_ctrl_c_stops_it(demo_dir: Path) -> None:
    port = anvil.free_port()
    demo = Demo(demo_dir, port, sigint_ignored=True)
    try:
        banner = demo.wait_for_banner()
        pids = demo.pids()
        manifest = load(demo_dir / "deployments" / "ethereum-local-foundry.json")
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
        wesh = Wesh(w3, manifest.heitje, manifest.redemption, manifest.neighbourhood_desk)
        accounts = [str(a) for a in w3.eth.accounts]

        # The banner says which demo account plays which role.
        for text in ("WESH-demo draait", "Burgerzaken", "Heerlen Mijn Stad", "Financiën",
                     "Bakkerij Coriovallum", "Café De Mijnlamp", "Boekhandel Het Geleenbeekje",
                     "Wijktheater De Schacht", "Fietsenmaker Oranje Nassau", "Anouk", "Joke",
                     "TEST::6", accounts[0], manifest.heitje):  # fmt: skip
            assert text in banner, text
        assert wesh.roles_of(accounts[1]) == Role.REGISTRAR
        assert wesh.roles_of(accounts[6]) == Role.TREASURER
        # GMS, the neighbourhood association: Schandelen (4) and Meezenbroek on the desk, no role.
        (gms,) = heerlen.ASSOCIATIONS
        assert "GMS" in banner and "Schandelen, Meezenbroek" in banner
        assert wesh.roles_of(accounts[gms.account]) == Role(0)
        assert wesh.neighbourhood_count(accounts[gms.account]) == 2
        assert wesh.is_granted(accounts[gms.account], 4)

        # A believable history: registry, tasks everywhere, work, payments, cash-outs.
        assert wesh.counts() == (10, 5, 12)
        history = History(wesh, manifest.start_block)
        hoods = {task.neighbourhood for task in history.tasks()}
        assert len(hoods) >= 8
        assert sum(t.status == TaskStatus.CANCELLED for t in history.tasks()) == 1
        assert len(history.payouts()) == 8
        assert {e["args"]["reason"] for e in history.heitje_events("SubmissionRejected")} == {
            1, 2, 3}  # fmt: skip
        waiting = {s.status for s in history.waiting_submissions()}
        assert waiting == {ClaimStatus.SUBMITTED, ClaimStatus.APPEALED}
        # Every hand-in's photos say what a phone's do: taken during the claim, 10-60 m from the
        # pin; the hand-in waiting for review hands in another task's "after" photo again
        # (issue #15: the reviewer sees the warnings).
        from api.evidence.checks import REUSE_BITS, bits_apart, phash_of, photos_of
        from wesh.metadata import FolderStore, get_document

        store = FolderStore(demo_dir / "content")
        handed = [
            photos_of(get_document(store, e["args"]["evidence_cid"]))
            for e in history.heitje_events("EvidenceSubmitted")
        ]
        facts = [(p["taken_at"], p["distance_m"]) for photos in handed for p in photos]
        assert len(facts) == 2 * len(handed) and all(t and m is not None for t, m in facts)
        assert sum(1 for _, m in facts if m <= 60) == len(facts) - 1  # the reused one: far
        (waits,) = [s for s in history.waiting_submissions() if s.status == ClaimStatus.SUBMITTED]
        reused = photos_of(get_document(store, waits.evidence_cid))[1]
        reused_hash = phash_of(store.get(reused["cid"]))
        earlier = [p for photos in handed[:-2] for p in photos if p["role"] == "after"]
        assert reused_hash and any(
            bits_apart(reused_hash, str(phash_of(store.get(p["cid"])))) <= REUSE_BITS
            for p in earlier
        )
        assert len(history.heitje_events("Payment")) == 9
        requests = history.requests()
        assert [r.status for r in requests] == [RequestStatus.PAID, RequestStatus.OPEN]
        ledger = wesh.ledger()
        assert ledger.budget_granted == ledger.budget_available + ledger.escrow_locked + (
            ledger.total_minted)  # fmt: skip
        assert ledger.total_supply == ledger.total_minted - ledger.total_burned > 0
        # The city pays the fees: every citizen, shop and staff account (all but the admin, 0,
        # and the relayer) holds none of the native token after all that history, which went
        # through the forwarder (each actor's forwarder nonce counts its requests).
        relayer = heerlen.RELAYER_ACCOUNT
        others = [a for i, a in enumerate(accounts) if i not in (0, relayer)]
        assert {w3.eth.get_balance(to_checksum_address(a)) for a in others} == {0}
        assert w3.eth.get_balance(to_checksum_address(accounts[relayer])) > 0
        nonces = {i: wesh.forwarder.functions.nonces(accounts[i]).call() for i in (1, 4, 6, 7, 12)}
        assert all(n > 0 for n in nonces.values()), nonces
        # History spread over three weeks, ending now.
        start = w3.eth.get_block(manifest.start_block)["timestamp"]
        latest = w3.eth.get_block("latest")["timestamp"]
        assert 19 * 86_400 < latest - start < 23 * 86_400
        assert abs(latest - time.time()) < 600

        # The example files are valid inputs for the scripts; the SEPA file checks out.
        examples = demo_dir / "examples"
        assert len(parse_citizens(examples / "citizens.csv")) == 10
        assert len(parse_citizens(examples / "new-citizens.csv")) == 3
        assert len(parse_merchants(examples / "merchants.csv")) == 5
        assert len(parse_bank_accounts(examples / "merchant-bank-accounts.csv")) == 5
        assert len(parse_tasks(examples / "tasks.yaml", now=int(time.time()))) == 12
        (payout,) = (demo_dir / "sepa").glob("*.xml")
        summary = sepa.check(payout.read_bytes())
        assert summary.end_to_end_ids == ("WESH-R1",)
        assert history.payment_references() == {1: summary.message_id}
        # The shops' bank accounts are kept on the web too (demo/finance.py), so the treasurer's
        # page can pay the bar's open cash-out by a payout file made there.
        with sqlite3.connect(demo_dir / "wesh.db") as db:
            assert db.execute("SELECT count(*) FROM api_bank_accounts").fetchone() == (5,)
        keys = (demo_dir / "accounts.txt").read_text()
        assert accounts[12] in keys and "0x" in keys.split(accounts[12])[1][:5]

        # The banner's command for Burgerzaken works as printed: the registrar's account holds
        # no native token, so the script signs and the relayer in the API sends and pays.
        (command,) = [line for line in banner.splitlines() if "run citizens register" in line]
        assert "WESH_RELAYER_URL=http" in command
        run = subprocess.run(
            f"{command.strip()} --yes", shell=True, cwd=ROOT, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert "paid by the city's relayer" in run.stdout
        assert wesh.counts()[0] == 13
        assert w3.eth.get_balance(to_checksum_address(accounts[1])) == 0
    finally:
        code = demo.stop(signal.SIGINT)

    assert code == 0, demo.output
    assert "everything the demo started has stopped" in demo.output
    assert not _alive(pids["anvil"]) and not _port_open(port)
    assert not (demo_dir / "pids.json").exists()
    assert "Traceback" not in demo.output


def test_a_second_run_starts_cleanly_after_a_hard_kill(demo_dir: Path) -> None:
    port = anvil.free_port()
    first = Demo(demo_dir, port)
    first.wait_for_banner()
    stale_anvil = first.pids()["anvil"]
    first.process.kill()  # no chance to clean up: anvil is left behind
    first.process.wait()
    first.out.close()
    assert _alive(stale_anvil) and _port_open(port)

    second = Demo(demo_dir, port)
    try:
        banner = second.wait_for_banner()
        assert f"stopping anvil (pid {stale_anvil}) left from an earlier demo run" in banner
        assert "is in use by another program" not in banner  # it got its own port back
        assert not _alive(stale_anvil)
        assert second.pids()["anvil"] != stale_anvil
    finally:
        code = second.stop(signal.SIGTERM)
    assert code == 0 and not _port_open(port)


def test_services_are_started_and_stopped_and_a_busy_port_is_avoided(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hook later parts use (indexer, API, web): a real HTTP server stands in for one."""
    from demo import __main__ as orchestrator
    from demo import services

    web_port = anvil.free_port()
    service = services.Service(
        name="web",
        argv=[sys.executable, "-m", "http.server", str(web_port), "--bind", "127.0.0.1"],
        url=f"http://127.0.0.1:{web_port}/",
        ready_url=f"http://127.0.0.1:{web_port}/",
    )
    monkeypatch.setattr(services, "SERVICES", [service])
    monkeypatch.setattr(orchestrator, "SERVICES", [service])
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with socket.socket() as busy:  # something else holds the port the demo asks for
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        try:
            code = orchestrator.main(["--no-wait", "--port", str(taken),
                                      "--state-dir", str(demo_dir)])  # fmt: skip
        finally:
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
    output = capsys.readouterr().out
    assert code == 0, output
    assert f"port {taken} is in use by another program" in output
    assert "APE_FOUNDRY_HOST=" in output and "WESH_DEPLOYMENT=" in output
    assert f"web         http://127.0.0.1:{web_port}/" in output
    assert not _port_open(web_port)  # the service was stopped with the demo
    log = (demo_dir / "logs" / "web.log").read_text()
    assert "GET / HTTP" in log  # the readiness check reached it
    # --no-wait stops at once: no "Ctrl-C" to press (issue #15).
    assert "Ctrl-C" not in output and "Alles stopt nu (--no-wait)" in output
    # The page's demo picker names the people as the banner does (api.demo.service.demo_names).
    from api.demo.service import demo_names

    names = demo_names(demo_dir / "deployments" / "ethereum-local-foundry.json")
    citizens = {c.name for c in heerlen.CITIZENS}
    assert citizens <= set(names.values()) and "Burgerzaken: inwoners inschrijven" in names.values()
    assert all(name in output for name in citizens)


def test_log_files_have_plain_names() -> None:
    from demo import services

    assert services.log_name("api + web") == "api-web"
    names = {services.log_name(s.name) for s in services.wesh_services(8000, 9000)}
    assert names == {"indexer", "api-web", "relayer"}
