"""An RPC that fails, throttles and truncates still yields the exact state; what is retried,
split, or refused at once."""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest
from flaky_proxy import FlakyProxy
from indexer_support import assert_matches_chain, diff_dumps, dump, index_once
from indexer_world import World

from indexer.rpc import DeterministicError, GaveUp, Rpc


def test_a_flaky_rpc_yields_the_exact_state(
    world: World, new_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    world.tour()
    world.random_actions(40, random.Random(7))
    world.mine(3)
    clean = index_once(new_db(), world.node.url, world.deployment)
    caplog.set_level(logging.INFO, logger="indexer")
    with FlakyProxy(world.node.url, seed=3, failure_rate=0.35, hang_seconds=0.6) as proxy:
        flaky = index_once(
            new_db(),
            proxy.url,
            world.deployment,
            rpc_timeout=0.3,
            max_reorg_depth=8,
            batch_blocks=50,
            header_batch=7,
        )
    a, b = dump(flaky.engine), dump(clean.engine)
    assert a == b, diff_dumps(a, b)
    assert_matches_chain(flaky.engine, world)
    for failure in (
        "429",
        "502",
        "hang",
        "drop",
        "truncate",
        "truncate_short",
        "batch_partial",
        "too_many_results",
    ):
        assert proxy.counts[failure] > 0, (failure, proxy.counts)
    stats = flaky.rpc.stats
    assert stats.retries > 10 and stats.splits > 3
    text = caplog.text
    assert "rate limited (HTTP 429)" in text
    assert "server error (HTTP 50" in text
    assert "timeout" in text
    assert "truncated or malformed answer" in text
    assert "splitting at" in text


def test_deterministic_errors_are_not_retried(world: World) -> None:
    rpc = Rpc(world.node.url, max_backoff=0.05)
    with pytest.raises(DeterministicError):
        rpc.call("eth_getBlockByNumber", "not-a-block", False)
    assert rpc.stats.requests == 1 and rpc.stats.retries == 0
    with pytest.raises(DeterministicError):
        rpc.call("wesh_noSuchMethod")
    assert rpc.stats.requests == 2


def test_an_unreachable_node_is_retried_then_given_up(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="indexer")
    rpc = Rpc("http://127.0.0.1:9", max_attempts=3, max_backoff=0.01, base_backoff=0.001)
    with pytest.raises(GaveUp, match="connection failed"):
        rpc.block_number()
    assert rpc.stats.requests == 3
    assert caplog.text.count("retry") == 2
