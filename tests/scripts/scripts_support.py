"""Helpers of the admin scripts' tests: a real anvil per test, and the scripts run as users do.

``City.ape(...)`` runs ``ape run <script> <command> ... --network ethereum:local:foundry``
in-process through ape's own ``run`` command (``ape_run._cli.cli``): the same script discovery,
option parsing, network connection and account loading as the terminal, without paying ape's
~5 s start-up for every call (it is paid once per session). ``City.ape_subprocess`` runs the real
``ape`` executable for the smoke tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address
from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from wesh import neighbourhoods
from wesh.anvil import Anvil
from wesh.artifacts import ROOT
from wesh.contract import TxRequest, Wesh
from wesh.deployment import load
from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.money import parse_euros
from wesh.provision import NodeSender, ensure_deployment
from wesh.rules import Role
from wesh.signer import UnlockedSigner, transact

NETWORK = "ethereum:local:foundry"
APE = Path(sys.executable).parent / "ape"

# Who is who in every test (anvil's dev accounts; 0-9 are also ape's TEST::0-9).
ADMIN, REGISTRAR, MERCHANT_MANAGER, TASK_MANAGER, REVIEWER, REVIEWER2, TREASURER = range(7)
MERCHANTS = range(7, 12)
CITIZENS = range(12, 30)
ACCOUNTS = 30


def alias(index: int) -> str:
    """ape's name for anvil's dev account ``index`` (0-9)."""
    assert index < 10, "ape has 10 test accounts"
    return f"TEST::{index}"


@dataclass
class Run:
    exit_code: int
    output: str


class City:
    """One test's world: its own anvil, manifest and content folder, and the scripts to drive it."""

    def __init__(self, node: Anvil, folder: Path) -> None:
        self.node = node
        self.folder = folder
        self.w3 = Web3(Web3.HTTPProvider(node.url))
        self.accounts = [str(a) for a in self.w3.eth.accounts]
        self.manifest = folder / "deployment.json"
        self.content = folder / "content"

    # ------------------------------------------------------------ running
    def env(self) -> dict[str, str]:
        return {
            "APE_FOUNDRY_HOST": self.node.url,
            "WESH_DEPLOYMENT": str(self.manifest),
            "WESH_CONTENT_DIR": str(self.content),
        }

    def ape(self, *args: str, input: str | None = None, expect: int = 0) -> str:
        """``ape run <args> --network ethereum:local:foundry`` in-process; returns the output."""
        from ape_run._cli import cli
        from click.testing import CliRunner

        # ape 0.8.51's use_temp_sys_path removes the project folder from sys.path on exit even
        # when it was there before: harmless for the `ape` process, not for this test process.
        saved = list(sys.path)
        try:
            result = CliRunner().invoke(cli, [*args, "--network", NETWORK], input=input)
        finally:
            sys.path[:] = saved
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"`ape run {' '.join(args)}` crashed:\n{result.output}") from (
                result.exception
            )
        assert "Traceback" not in result.output, result.output
        assert result.exit_code == expect, (
            f"`ape run {' '.join(args)}` exited {result.exit_code}, expected {expect}:\n"
            f"{result.output}"
        )
        return result.output

    def ape_subprocess(self, *args: str, timeout: float = 120) -> Run:
        """The real ``ape run`` executable, as a user runs it."""
        env = {**os.environ, **self.env()}
        done = subprocess.run(
            [str(APE), "run", *args, "--network", NETWORK],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Run(done.returncode, done.stdout + done.stderr)

    # ---------------------------------------------------------- the chain
    def deploy(self) -> Wesh:
        """Deploys with the script, every staff role granted to its account."""
        a = self.accounts
        self.ape(
            "deploy", "contracts", "--account", alias(ADMIN),
            "--registrar", a[REGISTRAR], "--merchant-manager", a[MERCHANT_MANAGER],
            "--task-manager", a[TASK_MANAGER], "--reviewer", a[REVIEWER],
            "--reviewer", a[REVIEWER2], "--treasurer", a[TREASURER], "--yes",
        )  # fmt: skip
        return self.wesh

    def deploy_directly(self) -> Wesh:
        """The same deployment as ``deploy`` through ``wesh.provision`` (the code path the deploy
        script runs) with anvil's unlocked admin account: the fixture for tests of other scripts,
        without ape's ~15 round trips per transaction."""
        a = self.accounts
        roles = {
            a[REGISTRAR]: Role.REGISTRAR,
            a[MERCHANT_MANAGER]: Role.MERCHANT_MANAGER,
            a[TASK_MANAGER]: Role.TASK_MANAGER,
            a[REVIEWER]: Role.REVIEWER,
            a[REVIEWER2]: Role.REVIEWER,
            a[TREASURER]: Role.TREASURER,
        }
        sender = NodeSender(self.w3, UnlockedSigner(a[ADMIN]))
        ensure_deployment(self.w3, sender, network=NETWORK, roles=roles, path=self.manifest)
        return self.wesh

    @property
    def wesh(self) -> Wesh:
        deployment = load(self.manifest)
        return Wesh(
            self.w3, deployment.heitje, deployment.redemption, deployment.neighbourhood_desk
        )

    def act(self, index: int, tx: TxRequest) -> TxReceipt:
        """A citizen or merchant acting with their own wallet (what the web dApp sends)."""
        return transact(self.w3, tx, UnlockedSigner(self.accounts[index]))

    def nonce(self, index: int) -> int:
        return int(self.w3.eth.get_transaction_count(to_checksum_address(self.accounts[index])))

    def nonces(self) -> list[int]:
        return [self.nonce(i) for i in range(10)]

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def events(self, name: str, contract: str = "heitje") -> list[Any]:
        deployment = load(self.manifest)
        target = getattr(self.wesh, contract)
        event = getattr(target.events, name)
        return list(event.get_logs(from_block=deployment.start_block))

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    # ------------------------------------------------------------ set-ups
    # Done directly with the wrapper and the staff's unlocked accounts (~10 ms a transaction):
    # each test drives only the script it is about through ape.
    def register_citizens(self, *indexes: int, neighbourhood: str = "Schandelen") -> None:
        code = neighbourhoods.lookup(neighbourhood).code
        wallets = [self.accounts[i] for i in indexes]
        self.act(REGISTRAR, self.wesh.register_citizens(wallets, [code] * len(wallets)))

    def register_merchants(self, *indexes: int) -> None:
        store = FolderStore(self.content)
        for i in indexes:
            document = merchant_document(
                name=f"Winkel {i}", kind="bakery", street=f"Saroleastraat {i}",
                postcode="6411 HN", city="Heerlen", neighbourhood=1,
            )  # fmt: skip
            cid = put_document(store, document)
            self.act(MERCHANT_MANAGER, self.wesh.register_merchant(self.accounts[i], cid))

    def grant_budget(self, euros: int) -> None:
        self.act(TREASURER, self.wesh.grant_budget(euros * 100))

    def commission(self, *tasks: tuple[str, str, int], days: int = 30) -> list[int]:
        """Commissions (title, reward in euros, slots) tasks in Schandelen; returns their ids."""
        store = FolderStore(self.content)
        deadline, ids = self.now() + days * 86_400, []
        for title, reward, slots in tasks:
            cents = parse_euros(reward)
            document = task_document(
                title=title, description=f"Omschrijving van {title}.", neighbourhood=4,
                street="Schandelerboord", lat=50.8975, lon=5.9975, reward=cents, slots=slots,
                claim_deadline=deadline, claim_duration=7 * 86_400,
            )  # fmt: skip
            tx = self.wesh.commission_task(
                put_document(store, document), cents, slots, deadline, 7 * 86_400, 4
            )
            receipt = self.act(TASK_MANAGER, tx)
            event = self.wesh.heitje.events.TaskCommissioned().process_receipt(receipt, DISCARD)
            ids.append(int(event[0]["args"]["task_id"]))
        return ids

    def approve_all(self, items: list[tuple[int, int]]) -> None:
        """The reviewer approves (task id, citizen account index) submissions."""
        pairs = [(task, self.accounts[citizen]) for task, citizen in items]
        self.act(REVIEWER, self.wesh.approve_submissions(pairs))

    def deadline(self, days: int) -> str:
        """A claim deadline ``days`` after the chain's now, as a task file writes it."""
        from datetime import datetime, timedelta

        from wesh.rules import AMSTERDAM

        moment = datetime.fromtimestamp(self.now(), AMSTERDAM) + timedelta(days=days)
        return moment.date().isoformat()

    def claim_and_submit(self, citizen: int, task_id: int, evidence: str) -> None:
        self.act(citizen, self.wesh.claim_task(task_id))
        self.act(citizen, self.wesh.submit(task_id, evidence))


EVIDENCE = "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"
