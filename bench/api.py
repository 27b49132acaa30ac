"""API benchmark: requests per second and latency of the busiest endpoints, beside a bare FastAPI
"hello" endpoint in the same run.

Run with ``make bench-api``. It fills an indexer database with 100,000 tasks and 20,000 citizens
(written straight into the projection tables: this measures serving, not indexing, which
``make bench-indexer`` measures), signs 1,000 of the citizens in (sessions made as the API makes
them), starts the API and a bare "hello" app with 2 uvicorn workers each, and drives each endpoint
with wrk (16 connections, 2 threads) on this same machine; ``GET /me`` takes the next citizen's
token on every request (a wrk Lua script). Prints a table and the targets, and writes
``bench/results/api.json``. ``--me-cache-size 0`` measures ``GET /me`` without its cache.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from eth_utils import to_checksum_address

from api.auth.siwe import new_session_token
from api.auth.store import SqlStore
from api.database import migrate
from api.settings import ApiSettings
from api.tables import task_meta
from indexer import schema as s
from indexer.db import make_engine
from wesh import deployment
from wesh.anvil import free_port

RESULTS = Path(__file__).parent / "results" / "api.json"
TASKS, CITIZENS = 100_000, 20_000
#: Citizens signed in, whose tokens ``GET /me`` takes in turn.
SIGNED_IN = 1_000
HEERLEN = (50.8882, 5.9795)
CONNECTIONS, THREADS = 16, 2

# Each wrk thread takes the next token on every request, the two threads from opposite ends of
# the list: every request is another citizen's, as on a morning when everyone opens the app.
ROTATE_TOKENS = """
local tokens = {}
for line in io.lines("%s") do tokens[#tokens + 1] = line end
local threads, next_token = 0, 0

function setup(thread)
  thread:set("first", threads * math.floor(#tokens / 2))
  threads = threads + 1
end

function init(args)
  next_token = first
end

function request()
  next_token = next_token %% #tokens + 1
  return wrk.format(nil, nil, {["Authorization"] = "Bearer " .. tokens[next_token]})
end
"""

HELLO_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}
"""


def fill(database_url: str) -> tuple[list[str], int]:
    """Writes the projections and signs SIGNED_IN citizens in; returns their session tokens and
    a task id."""
    engine = make_engine(database_url)
    s.create(engine)
    migrate(engine)  # the API's own tables
    rng = random.Random(7)
    now = int(time.time())
    wallets = [f"0x{n:040x}" for n in range(1, CITIZENS + 1)]
    with engine.begin() as db:
        db.execute(
            s.sync_state.insert().values(
                id=1,
                chain_id=31337,
                heitje="0x" + "11" * 20,
                redemption="0x" + "22" * 20,
                start_block=1,
                start_block_hash="0x" + "00" * 32,
                indexed_block=1_000_000,
                indexed_hash="0x" + "00" * 32,
                journal_floor=1_000_000,
                head_block=1_000_000,
                head_seen_at=time.time(),
                events_total=0,
                updated_at=time.time(),
            )
        )
        db.execute(
            s.ledger.insert().values(
                id=1, cap_yearly=150_000, max_open_claims=3, citizens=CITIZENS, tasks=TASKS
            )
        )
        db.execute(
            s.tasks.insert(),
            [
                {
                    "task_id": task_id,
                    "reward": rng.choice((500, 800, 1_000, 1_500, 2_500)),
                    "slots": 5,
                    "slots_open": rng.randint(1, 5),
                    "claim_deadline": now + rng.randint(86_400, 90 * 86_400),
                    "claim_duration": 7 * 86_400,
                    "neighbourhood": rng.randint(1, 16),
                    "status": 1,
                    "metadata_cid": f"bafkreitask{task_id}",
                    "task_manager": "0x" + "33" * 20,
                    "commissioned_block": task_id,
                    "commissioned_tx": "0x" + "44" * 32,
                }
                for task_id in range(1, TASKS + 1)
            ],
        )
        db.execute(
            task_meta.insert(),
            [
                {
                    "task_id": task_id,
                    "cid": f"bafkreitask{task_id}",
                    "title_nl": f"Klus {task_id}: onkruid wieden",
                    "title_en": f"Task {task_id}: weeding",
                    "category": rng.choice(("onkruid", "stickers", "schilderen")),
                    "street": "Promenade",
                    "lat": HEERLEN[0] + rng.uniform(-0.03, 0.03),
                    "lon": HEERLEN[1] + rng.uniform(-0.04, 0.04),
                    "document": json.dumps({"title": {"nl": f"Klus {task_id}"}}),
                }
                for task_id in range(1, TASKS + 1)
            ],
        )
        db.execute(
            s.citizens.insert(),
            [
                {
                    "citizen_id": n,
                    "wallet": wallet,
                    "neighbourhood": rng.randint(1, 16),
                    "active": True,
                    "reserved": 1_000,
                    "open_claims": 1,
                }
                for n, wallet in enumerate(wallets, start=1)
            ],
        )
        db.execute(
            s.accounts.insert(),
            [
                {"address": wallet, "balance": rng.randint(0, 50_000), "is_citizen": True}
                for wallet in wallets
            ],
        )
        db.execute(
            s.earnings.insert(),
            [
                {"citizen_id": n, "year": 2026, "month": month, "amount": 1_500, "tasks_paid": 1}
                for n in range(1, CITIZENS + 1)
                for month in (10, 11)
            ],
        )
        db.execute(
            s.claims.insert(),
            [
                {
                    "task_id": rng.randint(1, TASKS),
                    "citizen_id": n,
                    "wallet": wallets[n - 1],
                    "status": 1,
                    "expires_at": now + 86_400,
                    "reward": 1_000,
                    "rejected_by": "0x" + "00" * 20,
                }
                for n in range(1, CITIZENS + 1)
            ],
        )
    tokens = sign_in(SqlStore(engine), rng.sample(wallets, SIGNED_IN))
    engine.dispose()
    return tokens, rng.randint(1, TASKS)


def sign_in(store: SqlStore, wallets: list[str]) -> list[str]:
    """A session for each wallet as ``AuthService.sign_in`` starts one after a checked
    signature: a fresh token, the checksummed address, the configured lifetime."""
    ttl_s = int(ApiSettings.model_fields["session_ttl_s"].default)
    tokens = []
    for wallet in wallets:
        token = new_session_token()
        store.create_session(token, to_checksum_address(wallet), ttl_s)
        tokens.append(token)
    return tokens


def serve(app: str, port: int, env: dict[str, str], factory: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", "2"]
    args += ["--log-level", "warning", "--no-access-log"] + (["--factory"] if factory else [])
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within 60 s")


def wrk(url: str, seconds: int, script: Path | None = None) -> dict[str, float]:
    args = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency"]
    if script is not None:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    latencies: dict[str, float] = {}
    for pct in ("50", "99"):
        match = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        assert match, out
        number, unit = float(match.group(1)), match.group(2)
        latencies[pct] = number / 1000 if unit == "us" else number * 1000 if unit == "s" else number
    return {"rps": rps, "p50_ms": latencies["50"], "p99_ms": latencies["99"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument(
        "--me-cache-size",
        type=int,
        help="WESH_ME_CACHE_SIZE for the API (0: GET /me without its cache); default: the API's",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: `apt-get install wrk` (make bench-api does this)")
        return 2
    root = Path(tempfile.mkdtemp(prefix="wesh-bench-api-"))
    database_url = args.database_url or f"sqlite:///{root / 'wesh.db'}"
    started = time.monotonic()
    tokens, task_id = fill(database_url)
    print(
        f"filled {TASKS:,} tasks and {CITIZENS:,} citizens, signed {SIGNED_IN:,} in, "
        f"in {time.monotonic() - started:.1f} s"
    )
    (root / "tokens.txt").write_text("\n".join(tokens) + "\n")
    rotate = root / "rotate_tokens.lua"
    rotate.write_text(ROTATE_TOKENS % (root / "tokens.txt"))
    manifest = deployment.save(
        deployment.Deployment(
            network="bench",
            chain_id=31337,
            heitje="0x" + "11" * 20,
            redemption="0x" + "22" * 20,
            start_block=1,
            deployer="0x" + "33" * 20,
        ),
        root / "manifest.json",
    )
    (root / "hello_app.py").write_text(HELLO_APP)
    env = {
        **os.environ,
        "WESH_DATABASE_URL": database_url,
        "WESH_DEPLOYMENT": str(manifest),
        "WESH_CONTENT_DIR": str(root / "content"),
        "PYTHONPATH": f"{root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    if args.me_cache_size is not None:
        env["WESH_ME_CACHE_SIZE"] = str(args.me_cache_size)
    api_port, hello_port = free_port(), free_port()
    servers = [
        serve("api.app:create_app", api_port, env, factory=True),
        serve("hello_app:app", hello_port, env, factory=False),
    ]
    try:
        api, hello = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{hello_port}"
        wait_for(f"{api}/health")
        wait_for(f"{hello}/hello")
        for url in (f"{api}/tasks?limit=50", f"{api}/tasks/{task_id}"):  # warm both workers
            wrk(url, 2)
        wrk(f"{api}/me", 2, rotate)
        results = {
            "hello": wrk(f"{hello}/hello", args.seconds),
            "tasks": wrk(f"{api}/tasks?limit=50", args.seconds),
            "task_detail": wrk(f"{api}/tasks/{task_id}", args.seconds),
            "me": wrk(f"{api}/me", args.seconds, rotate),
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)

    hello_rps = results["hello"]["rps"]
    print(f"\n{'endpoint':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs hello':>9}")
    labels = {
        "hello": "bare FastAPI hello",
        "tasks": "GET /tasks (open, page of 50)",
        "task_detail": "GET /tasks/{id}",
        "me": f"GET /me ({SIGNED_IN:,} citizens)",
    }
    for key, label in labels.items():
        r = results[key]
        print(
            f"{label:34} {r['rps']:>9,.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
            f" {r['rps'] / hello_rps:>8.0%}"
        )
    print()
    ok = True
    for key, path, share in (("tasks", "/tasks", 0.30), ("me", "/me", 0.50)):
        ratio = results[key]["rps"] / hello_rps
        met = ratio >= share and results[key]["p99_ms"] <= 50
        ok = ok and met
        print(
            f"target: {path} >= {share:.0%} of hello and p99 <= 50 ms: "
            f"{ratio:.0%}, {results[key]['p99_ms']:.1f} ms -> {'ok' if met else 'MISSED'}"
        )
    figures = {
        "hello_rps": round(hello_rps, 1),
        "tasks_rps": round(results["tasks"]["rps"], 1),
        "tasks_p50_ms": round(results["tasks"]["p50_ms"], 2),
        "tasks_p99_ms": round(results["tasks"]["p99_ms"], 2),
        "task_detail_rps": round(results["task_detail"]["rps"], 1),
        "me_citizens": SIGNED_IN,
        "me_rps": round(results["me"]["rps"], 1),
        "me_p50_ms": round(results["me"]["p50_ms"], 2),
        "me_p99_ms": round(results["me"]["p99_ms"], 2),
        "me_ratio": round(results["me"]["rps"] / hello_rps, 3),
    }
    if args.me_cache_size is not None:
        figures["me_cache_size"] = args.me_cache_size
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {RESULTS}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
