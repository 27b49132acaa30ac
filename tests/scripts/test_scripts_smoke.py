"""Every script run the way city staff run it: the real `ape run <script> ...` executable.

Each `ape run` starts ape from scratch (~5 s), so the ten smoke runs start together against one
seeded chain and each test checks its own run: a script that fails to load, connect, parse its
options, load its account or print cleanly is caught here, outside the in-process harness.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from scripts_support import (
    ACCOUNTS,
    ADMIN,
    APE,
    CITIZENS,
    EVIDENCE,
    MERCHANTS,
    REGISTRAR,
    TREASURER,
    City,
    Run,
    alias,
)

from wesh import anvil
from wesh.artifacts import ROOT

SCRIPTS = ("deploy", "roles", "citizens", "merchants", "tasks", "review", "budget",
           "redemptions", "report", "parameters")  # fmt: skip


@pytest.fixture(scope="module")
def smoke() -> Iterator[tuple[City, dict[str, Run]]]:
    node = anvil.start(extra=["--accounts", str(ACCOUNTS)])
    folder = Path(tempfile.mkdtemp(prefix="wesh-smoke-"))
    city = City(node, folder)
    try:
        city.deploy_directly()
        city.register_citizens(CITIZENS[0])
        city.register_merchants(MERCHANTS[0])
        city.grant_budget(100)
        (task,) = city.commission(("Bankje schilderen in het Aambos", "25", 2))
        city.claim_and_submit(CITIZENS[0], task, EVIDENCE)
        bad = city.write("citizens.csv", f"address,neighbourhood\n{city.accounts[20]},Centrum\n"
                         "0xnope,Centrum\n")  # fmt: skip
        runs = {
            "deploy": ["deploy", "contracts", "--account", alias(ADMIN), "--yes"],
            "roles": ["roles", "list"],
            "citizens": ["citizens", "register", str(bad), "--account", alias(REGISTRAR), "--yes"],
            "merchants": ["merchants", "list"],
            "tasks": ["tasks", "list"],
            "review": ["review", "list"],
            "budget": ["budget", "grant", "10", "--account", alias(TREASURER), "--yes"],
            "redemptions": ["redemptions", "list"],
            "report": ["report", "summary"],
            "parameters": ["parameters", "show"],
        }
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = {name: pool.submit(city.ape_subprocess, *args) for name, args in runs.items()}
            help_run = pool.submit(_ape_help, city)
            results = {name: future.result() for name, future in futures.items()}
            results["--help"] = help_run.result()
        yield city, results
    finally:
        node.stop()


def _ape_help(city: City) -> Run:
    done = subprocess.run([str(APE), "run", "--help"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **city.env()}, timeout=120)  # fmt: skip
    return Run(done.returncode, done.stdout + done.stderr)


def _clean(run: Run) -> None:
    assert "Traceback" not in run.output, run.output


def test_ape_run_lists_every_script_and_no_shared_module(
    smoke: tuple[City, dict[str, Run]],
) -> None:
    run = smoke[1]["--help"]
    assert run.exit_code == 0, run.output
    for script in SCRIPTS:
        assert f"  {script}" in run.output, script
    assert "_common" not in run.output


def test_deploy_rerun_changes_nothing(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["deploy"]
    assert run.exit_code == 0 and "Nothing changed" in run.output, run.output
    _clean(run)


def test_roles_list(smoke: tuple[City, dict[str, Run]]) -> None:
    city, runs = smoke
    assert runs["roles"].exit_code == 0 and city.accounts[TREASURER] in runs["roles"].output
    _clean(runs["roles"])


def test_citizens_bad_file_is_one_clean_error(smoke: tuple[City, dict[str, Run]]) -> None:
    city, runs = smoke
    run = runs["citizens"]
    assert run.exit_code == 1, run.output
    assert "Error:" in run.output and "line 3: '0xnope' is not an address" in run.output
    assert not city.wesh.account(city.accounts[20]).is_citizen  # line 2 was fine: not sent either
    _clean(run)


def test_merchants_list(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["merchants"]
    assert run.exit_code == 0 and "Winkel 7" in run.output, run.output
    _clean(run)


def test_tasks_list(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["tasks"]
    assert run.exit_code == 0 and "Bankje schilderen in het Aambos" in run.output, run.output
    _clean(run)


def test_review_list(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["review"]
    assert run.exit_code == 0 and EVIDENCE in run.output and "submitted" in run.output
    _clean(run)


def test_budget_grant_signs_with_the_ape_account(smoke: tuple[City, dict[str, Run]]) -> None:
    city, runs = smoke
    run = runs["budget"]
    assert run.exit_code == 0 and "tx 0x" in run.output, run.output
    assert city.wesh.ledger().budget_granted == 11_000
    _clean(run)


def test_redemptions_list(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["redemptions"]
    assert run.exit_code == 0 and "No open cash-out requests" in run.output, run.output
    _clean(run)


def test_report_summary(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["report"]
    assert run.exit_code == 0 and "Budget granted / Budget toegekend" in run.output, run.output
    _clean(run)


def test_parameters_show(smoke: tuple[City, dict[str, Run]]) -> None:
    run = smoke[1]["parameters"]
    assert run.exit_code == 0 and "yearly cap" in run.output, run.output
    _clean(run)
