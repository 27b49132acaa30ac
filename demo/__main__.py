"""``python -m demo`` (``make demo``): the whole of WESH running locally with one command.

Starts anvil on 127.0.0.1:8545 (another free port, said loudly, if 8545 is taken by something
that is not an earlier demo), deploys WESH through the code path of ``ape run deploy``, seeds three
months of Heerlen, starts the ``SERVICES`` later parts add (indexer, API, web), sets this month's
goals and shops' offers once the indexer has read the chain, prints the URLs and
which demo account plays which role, and stays in the foreground. Ctrl-C (or SIGTERM) stops every
process it started; a second run first stops whatever an earlier run left behind.

    python -m demo                 # run until Ctrl-C
    python -m demo --no-wait       # set up, print, stop (a smoke test of the whole path)
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from web3 import Web3

from demo import heerlen
from demo.city import seed_beside_chain
from demo.finance import keep_bank_accounts
from demo.seed import MERCHANT_MANAGER, NETWORK, Seeded, chain_start, dev_key, seed, story_start
from demo.services import SERVICES, Supervisor, service_env, wesh_services
from wesh import anvil
from wesh.artifacts import ROOT
from wesh.contract import Wesh
from wesh.deployment import DEV_CHAIN_ID, manifest_path
from wesh.metadata import FolderStore
from wesh.money import format_euros
from wesh.provision import role_names
from wesh.rules import AMSTERDAM

DEFAULT_PORT = 8545  # what ape-config.yaml's foundry host points at
APE = ".venv/bin/ape"


class Stop(Exception):
    """SIGINT (Ctrl-C), SIGTERM or SIGHUP: stop everything the demo started."""


def say(message: str) -> None:
    print(f"[demo] {message}", flush=True)


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="anvil's port (8545)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=ROOT / ".demo",
        help="where the demo keeps its chain data, files and logs (.demo/)",
    )
    parser.add_argument(
        "--no-wait", action="store_true", help="set everything up, print it, then stop everything"
    )
    parser.add_argument(
        "--no-services",
        action="store_true",
        help="only the chain: do not start indexer, API or web",
    )
    return parser.parse_args(argv)


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def accounts_table(seeded: Seeded, wesh: Wesh) -> list[tuple[str, str, str, str]]:
    """(number, ape account, address, who) for every demo account with a part to play."""
    rows = []
    accounts = seeded.accounts

    def ape_alias(index: int) -> str:
        return f"TEST::{index}" if index < 10 else "-"

    for staff in heerlen.STAFF:
        roles = role_names(wesh.roles_of(accounts[staff.account]))
        rows.append(
            (
                str(staff.account),
                ape_alias(staff.account),
                accounts[staff.account],
                f"{staff.who} [{roles}]",
            )
        )
    for shop in heerlen.SHOPS:
        balance = format_euros(wesh.balance_of(accounts[shop.account]))
        rows.append(
            (
                str(shop.account),
                ape_alias(shop.account),
                accounts[shop.account],
                f"Ondernemer / merchant: {shop.name}, {shop.neighbourhood} - saldo {balance}",
            )
        )
    for citizen in heerlen.CITIZENS:
        view = wesh.account(accounts[citizen.account])
        rows.append(
            (
                str(citizen.account),
                ape_alias(citizen.account),
                accounts[citizen.account],
                f"Inwoner / citizen #{view.id}: {citizen.name}, {citizen.neighbourhood} - "
                f"saldo {format_euros(view.balance)}",
            )
        )
    for association in heerlen.ASSOCIATIONS:
        rows.append(
            (
                str(association.account),
                ape_alias(association.account),
                accounts[association.account],
                f"{association.who} [{', '.join(association.neighbourhoods)}]",
            )
        )
    hoods = ", ".join(heerlen.NEIGHBOURS_BY_HOOD)
    rows.append(
        (
            f"{heerlen.NEIGHBOURS[0].account}-{heerlen.NEIGHBOURS[-1].account}",
            "-",
            f"{accounts[heerlen.NEIGHBOURS[0].account]} ...",
            f"{len(heerlen.NEIGHBOURS)} buren / neighbours ({hoods}): names in accounts.txt",
        )
    )
    first, last = heerlen.SPARE_ACCOUNTS[0], heerlen.SPARE_ACCOUNTS[-1]
    rows.append(
        (
            f"{first}-{last}",
            "-",
            f"{accounts[first]} ...",
            "not registered: try `citizens register` with them",
        )
    )
    return rows


def write_accounts_file(path: Path, seeded: Seeded, rows: list[tuple[str, str, str, str]]) -> None:
    lines = [
        "# WESH demo accounts: anvil's public dev keys, valid only on the local chain (id 31337).",
        "# Import a key into a browser wallet to act as that person in the web demo.",
        "# number  address  private key  who",
    ]
    for number, _alias, address, who in rows:
        if number.isdigit():
            lines.append(f"{number}\t{address}\t{dev_key(int(number))}\t{who}")
    for index in heerlen.SPARE_ACCOUNTS:
        lines.append(f"{index}\t{seeded.accounts[index]}\t{dev_key(index)}\tnot registered")
    for n in heerlen.NEIGHBOURS:
        who = f"Inwoner / citizen: {n.name}, {n.neighbourhood}"
        lines.append(f"{n.account}\t{seeded.accounts[n.account]}\t{dev_key(n.account)}\t{who}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_names_file(manifest: Path, seeded: Seeded) -> None:
    """The names the banner gives the demo accounts, by address, beside the manifest
    (``api.demo.service.NAMES_FILE``): the page's demo picker says "Anouk" as the terminal does."""
    accounts = seeded.accounts
    # The Dutch half of the staff's "who" (the page has its own words for the roles).
    names = {accounts[s.account]: s.who.split(" / ")[0] for s in heerlen.STAFF}
    names |= {accounts[a.account]: a.who.split(" / ")[0] for a in heerlen.ASSOCIATIONS}
    names |= {accounts[c.account]: c.name for c in heerlen.CITIZENS}
    names |= {accounts[c.account]: c.name for c in heerlen.NEIGHBOURS}
    (manifest.parent / "demo-names.json").write_text(json.dumps(names, indent=1), encoding="utf-8")


def banner(
    seeded: Seeded,
    wesh: Wesh,
    rpc_url: str,
    state_dir: Path,
    urls: list[str],
    default_dir: bool,
    no_wait: bool = False,
) -> str:
    rows = accounts_table(seeded, wesh)
    write_accounts_file(state_dir / "accounts.txt", seeded, rows)  # the keys, for wallets
    write_names_file(seeded.manifest, seeded)
    width = max(len(r[2]) for r in rows)
    table = "\n".join(f"  {n:>5}  {a:<8}  {addr:<{width}}  {who}" for n, a, addr, who in rows)
    waiting = seeded.task_ids["nestboxes"]
    began = datetime.fromtimestamp(seeded.began, AMSTERDAM)
    network = f"--network {NETWORK}"
    env = "" if rpc_url.endswith(f":{DEFAULT_PORT}") else f"APE_FOUNDRY_HOST={rpc_url} "
    if not default_dir:
        env += f"WESH_DEPLOYMENT={seeded.manifest} WESH_CONTENT_DIR={state_dir / 'content'} "
    # Staff accounts hold no native token: their scripts sign, the relayer in the API sends.
    api = next((u.split()[-1] for u in urls if u.startswith("api")), "").removesuffix("/")
    relay = f"WESH_RELAYER_URL={api} " if api else ""
    lines = [
        "",
        "WESH-demo draait / the WESH demo is running",
        f"  chain       {rpc_url}  (anvil, chain id {DEV_CHAIN_ID})",
        f"  Heitje      {seeded.deployment.heitje}",
        f"  Redemption  {seeded.deployment.redemption}",
        f"  manifest    {seeded.manifest}",
        f"  history     {seeded.transactions} transactions since {began:%d-%m-%Y}:",
        f"              {len(heerlen.NEIGHBOURS)} neighbours did their neighbourhood's monthly "
        f"task {seeded.round_tasks} times (three months back and this month),",
        f"              and 21 days with {len(heerlen.TASKS)} tasks, {len(heerlen.CITIZENS)} "
        f"citizens and {len(heerlen.SHOPS)} shops",
        *(f"  {url}" for url in urls),
        "",
        "Demo accounts (anvil's dev accounts, mnemonic 'test test ... junk'; private keys in "
        f"{state_dir / 'accounts.txt'}):",
        f"  {'#':>5}  {'ape':<8}  {'address':<{width}}  {'rol / role'}",
        table,
        "",
        "Probeer / try (in another terminal):",
        f"  {env}{APE} run review list {network}",
        f"  {env}{relay}{APE} run review decide-appeal {waiting} "
        f"{seeded.accounts[19]} --grant --account TEST::5 {network}",
        f"  {env}{APE} run redemptions list {network}",
        f"  {env}{relay}{APE} run citizens register {seeded.examples / 'new-citizens.csv'} "
        f"--account TEST::1 {network}",
        f"  {env}{APE} run report summary {network}",
        f"  example input files: {seeded.examples}/; a SEPA payout file: {seeded.sepa_file}",
        "",
        "Alles stopt nu (--no-wait) / everything stops now (--no-wait)."
        if no_wait
        else "Ctrl-C stopt alles / stops everything.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    state_dir: Path = args.state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(state_dir)
    # SIGINT too: a process started in the background by a non-interactive shell inherits
    # SIGINT as ignored, and Python then never raises KeyboardInterrupt.
    _handle_stop_signals(_on_signal)
    try:
        return run(args, state_dir, supervisor)
    except (KeyboardInterrupt, Stop):
        say("stopping / stoppen ...")
        return 0
    finally:
        _handle_stop_signals(signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        supervisor.stop_all()
        say("everything the demo started has stopped")


def _handle_stop_signals(handler: Callable[[int, FrameType | None], Any] | int) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, handler)


def run(args: argparse.Namespace, state_dir: Path, supervisor: Supervisor) -> int:
    """Brings the demo up and prints the banner; then, unless ``--no-wait``, keeps it running."""
    supervisor.end_previous_run(say)
    try:
        anvil.anvil_path()
    except anvil.AnvilNotFound as error:
        say(f"{error}")
        return 2
    port = chain_port(args.port)
    manifest = forget_previous_chain(state_dir)
    start = story_start(time.time())
    node = start_chain(supervisor, state_dir, port, start)
    content = state_dir / "content"
    seeded = seed(
        node,
        state_dir=state_dir,
        manifest=manifest,
        store=FolderStore(content),
        start=start,
        log=say,
    )
    # The shops' bank accounts on the web, as the merchant manager keeps them (demo/finance.py).
    keep_bank_accounts(
        f"sqlite:///{state_dir / 'wesh.db'}",
        seeded.examples / "merchant-bank-accounts.csv",
        seeded.accounts[MERCHANT_MANAGER],
        start,
    )
    w3 = Web3(Web3.HTTPProvider(node.url))
    deployment = seeded.deployment
    wesh = Wesh(w3, deployment.heitje, deployment.redemption, deployment.neighbourhood_desk)
    urls = (
        []
        if args.no_services
        else start_services(supervisor, node.url, manifest, content, state_dir)
    )
    # This month's goals, and the shops' offers once the indexer has read the chain.
    indexing = any(url.startswith("indexer") for url in urls)
    database = f"sqlite:///{state_dir / 'wesh.db'}"
    head = w3.eth.block_number if indexing else None
    for line in seed_beside_chain(database, seeded, int(time.time()), head):
        say(line)
    default_dir = state_dir == (ROOT / ".demo").resolve()
    print(banner(seeded, wesh, node.url, state_dir, urls, default_dir, args.no_wait), flush=True)
    if args.no_wait:
        return 0
    return keep_running(supervisor)


def chain_port(port: int) -> int:
    """``port`` when it is free, else another free one (said loudly: the scripts need it)."""
    if not port_in_use(port):
        return port
    other = anvil.free_port()
    say(
        f"port {port} is in use by another program: the demo chain uses port {other}. "
        f"ape scripts need APE_FOUNDRY_HOST=http://127.0.0.1:{other}"
    )
    return other


def forget_previous_chain(state_dir: Path) -> Path:
    """Removes the previous chain's manifest, index and sessions; returns where the manifest of
    the new chain goes."""
    # Where `ape run ... --network ethereum:local:foundry` looks (wesh.deployment), unless the
    # demo runs in another folder (tests do).
    manifest = manifest_path(NETWORK, DEV_CHAIN_ID)
    if state_dir != (ROOT / ".demo").resolve():
        manifest = state_dir / "deployments" / manifest.name
    manifest.unlink(missing_ok=True)  # a new chain: the old manifest means nothing
    for suffix in ("", "-wal", "-shm"):  # nor the old chain's index and sessions
        (state_dir / f"wesh.db{suffix}").unlink(missing_ok=True)
    return manifest


def start_chain(supervisor: Supervisor, state_dir: Path, port: int, start: int) -> anvil.Anvil:
    """anvil on ``port``, its genesis an hour before the history begins (``chain_start``),
    watched by the supervisor."""
    log = state_dir / "logs" / "anvil.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"starting anvil on 127.0.0.1:{port}")
    accounts = ["--accounts", str(heerlen.ACCOUNTS)]
    node = anvil.start(port, timestamp=chain_start(start) - 3600, extra=accounts, log=log)
    supervisor.adopt("anvil", node.process, log)
    return node


def start_services(
    supervisor: Supervisor, rpc_url: str, manifest: Path, content: Path, state_dir: Path
) -> list[str]:
    """The indexer, the API (port 8000 when free) and the ``SERVICES`` later parts add; returns
    a line with the URL of each one that came up."""
    env = service_env(rpc_url=rpc_url, manifest=manifest, content_dir=content, state_dir=state_dir)
    api_port = 8000 if not port_in_use(8000) else anvil.free_port()
    if api_port != 8000:
        say(f"port 8000 is in use by another program: the API uses port {api_port}")
    urls: list[str] = []
    for service in [*wesh_services(api_port, anvil.free_port()), *SERVICES]:
        say(f"starting {service.name}")
        child = supervisor.start(service, env)
        if supervisor.wait_ready(service, child):
            urls.append(f"{service.name:<11} {service.url or 'running'}")
        else:
            say(f"{service.name} did not come up: see {child.log}")
    return urls


def keep_running(supervisor: Supervisor) -> int:
    """Until a signal stops the demo (``Stop``) or anvil dies (1); a service that stops is
    reported once, and the chain keeps running."""
    reported: set[str] = set()
    while True:
        for child in supervisor.exited():
            if child.name == "anvil":
                say(f"anvil stopped unexpectedly (see {child.log}); stopping the demo")
                return 1
            if child.name not in reported:
                reported.add(child.name)
                say(
                    f"{child.name} stopped (exit code {child.process.returncode}): see "
                    f"{child.log}; the chain keeps running"
                )
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
