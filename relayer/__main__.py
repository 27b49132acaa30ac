"""``python -m relayer``: the city's relayer sender (see relayer/sender.py).

    python -m relayer [run] [--once]   # send what the API accepted; --once: until nothing waits
    python -m relayer status           # the journal and the relayer's balance, as JSON

Settings come from ``WESH_RELAYER_*`` and the stack's ``WESH_DATABASE_URL``, ``WESH_RPC_URL``,
``WESH_DEPLOYMENT`` (relayer/settings.py). One sender runs per database: a second one waits
for the first to stop. Exit codes: 0 stopped by a signal (or done with --once), 2 a
configuration, key or manifest problem, 3 the journal is of another version, 4 the node does not
answer at start-up (once running, the sender waits for it), 1 unexpected.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

import requests
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from web3 import Web3

from indexer.db import describe, make_engine
from relayer import journal, key
from relayer.sender import AnotherSender, Sender, single_sender
from relayer.settings import RelayerSettings
from relayer.status import status
from wesh import deployment
from wesh.contract import Wesh

log = logging.getLogger("relayer")

EXIT_CONFIG, EXIT_VERSION, EXIT_RPC, EXIT_UNEXPECTED = 2, 3, 4, 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m relayer", description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "status"])
    parser.add_argument("--once", action="store_true", help="send until nothing waits, then exit")
    return parser.parse_args(argv)


def connect(settings: RelayerSettings) -> tuple[Web3, deployment.Deployment, Wesh]:
    w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 15}))
    path = settings.deployment or deployment.manifest_path(settings.network, int(w3.eth.chain_id))
    manifest = deployment.load(path)
    return w3, manifest, Wesh(w3, manifest.heitje, manifest.redemption, manifest.neighbourhood_desk)


def forwarder_of(manifest: deployment.Deployment, wesh: Wesh) -> Any:
    """The forwarder the manifest names, or (an older manifest) the one Heitje trusts."""
    if manifest.forwarder:
        from wesh import artifacts

        return wesh.w3.eth.contract(
            address=Web3.to_checksum_address(manifest.forwarder),
            abi=artifacts.load("Forwarder").abi,
        )
    return wesh.forwarder


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = RelayerSettings()
    except ValidationError as error:
        print(f"relayer: invalid setting: {error}", file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("web3").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    try:
        w3, manifest, wesh = connect(settings)
        journal.create(engine)
        if args.command == "status":
            address = key.address_of(settings, manifest.chain_id)
            print(json.dumps(status(settings, engine, w3, address).model_dump(), indent=2))
            return 0
        account = key.load(settings, manifest.chain_id)
        confirmations = (
            settings.confirmations if settings.confirmations is not None else manifest.confirmations
        )
        sender = Sender(settings, engine, w3, forwarder_of(manifest, wesh), account, confirmations)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        with single_sender(engine, wait_s=3_600.0):
            log.info(
                "relayer %s sending to forwarder %s (chain %d, %d confirmations)",
                sender.address,
                sender.forwarder.address,
                manifest.chain_id,
                confirmations,
            )
            if args.once:
                sender.run_until_idle(stop)
            else:
                sender.run(stop)
        return 0
    except (deployment.ManifestError, key.KeyProblem, AnotherSender) as error:
        log.error("%s", error)
        return EXIT_CONFIG
    except journal.JournalVersionError as error:
        log.error("%s", error)
        return EXIT_VERSION
    except (OSError, requests.RequestException) as error:
        log.error("the node at %s does not answer: %s", settings.rpc_url, error)
        return EXIT_RPC
    except OperationalError as error:
        log.error("database %s: %s", describe(settings.database_url), error.orig)
        return EXIT_CONFIG
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
