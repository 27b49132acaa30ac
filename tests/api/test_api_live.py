"""The live stack: anvil, the indexer process following the chain into PostgreSQL, and two API
processes behind one public URL. A sign-in started on one process finishes on the other, the
session works on both, a replay is refused on either, and what one process prepares, the other
shows once the indexer has seen it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
from api_support import Stack, wait_until

from wesh.anvil import free_port

PUBLIC_URL = "http://localhost:8000"


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_two_api_processes_behave_as_one(stack: Stack, pg_url: str, tmp_path: object) -> None:
    env = {
        **os.environ,
        "WESH_DATABASE_URL": pg_url,
        "WESH_RPC_URL": stack.node.url,
        "WESH_DEPLOYMENT": str(stack.manifest_path),
        "WESH_PUBLIC_URL": PUBLIC_URL,
        "WESH_CONTENT_DIR": str(stack.content_dir),
    }
    ports = [free_port(), free_port()]
    processes = [spawn(["-m", "indexer", "--confirmations", "0"], env)]
    uvicorn = ["-m", "uvicorn", "api.app:create_app", "--factory", "--log-level", "warning"]
    processes += [spawn([*uvicorn, "--port", str(port)], env) for port in ports]
    one, two = (httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) for port in ports)
    try:
        for http in (one, two):
            wait_until(lambda http=http: _answers(http), timeout=30)
        wait_until(lambda: one.get("/ready").status_code == 200, timeout=30)

        address = stack.accounts["citizen4"].address
        message = one.post("/auth/message", json={"address": address}).json()["message"]
        signed = {"message": message, "signature": stack.sign("citizen4", message)}
        verified = two.post("/auth/verify", json=signed)
        assert verified.status_code == 200, verified.text
        token = verified.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert one.get("/auth/session", headers=auth).json()["address"] == address
        replay = one.post("/auth/verify", json=signed)
        assert replay.status_code == 401 and replay.json()["code"] == "siwe_nonce"

        tx = two.post(f"/me/tasks/{stack.tasks['stickers']}/claim", headers=auth).json()
        receipt = stack.w3.eth.wait_for_transaction_receipt(
            stack.w3.eth.send_transaction({"from": tx["from"], "to": tx["to"], "data": tx["data"]})
        )
        assert receipt["status"] == 1
        mined_at = time.monotonic()
        wait_until(
            lambda: any(
                c["task_id"] == stack.tasks["stickers"]
                for c in one.get("/me", headers=auth).json()["claims"]
            ),
            timeout=10,
        )
        assert time.monotonic() - mined_at < 5

        assert two.post("/auth/logout", headers=auth).status_code == 204
        assert one.get("/auth/session", headers=auth).status_code == 401
    finally:
        for http in (one, two):
            http.close()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for process in processes:
            assert process.returncode in (0, -15), (
                process.args,
                process.stderr.read() if process.stderr else b"",
            )


def _answers(http: httpx.Client) -> bool:
    try:
        return http.get("/health").status_code == 200
    except httpx.HTTPError:
        return False
