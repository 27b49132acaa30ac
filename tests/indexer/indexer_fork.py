"""Starting the indexer's command-line program many times over, fast, for the kill -9 test.

A fresh ``python -m indexer`` spends a second or more importing SQLAlchemy, httpx and the
decoders before it reads a block, and the kill test starts it 20 times per backend. Here a
multiprocessing fork server imports ``indexer.__main__`` once; each start forks it and runs the
same ``main(["--once"])`` that ``python -m indexer --once`` runs, in a process of its own with
its own connections, which the test kills with SIGKILL as before. Only the imports are shared.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

_context: Any = multiprocessing.get_context("forkserver")


def _main(env: dict[str, str], log: str) -> None:
    """In the forked process: the environment of the command line, stderr to ``log``."""
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(out, 2)
    os.close(out)
    os.environ.update(env)
    from indexer.__main__ import main

    sys.exit(main(["--once"]))


def start(env: dict[str, str], log: Path) -> Any:
    """A started ``multiprocessing.Process`` running ``python -m indexer --once`` with ``env``
    added to the environment, its stderr appended to ``log``."""
    _context.set_forkserver_preload(["indexer.__main__"])
    process = _context.Process(target=_main, args=(env, str(log)), name="indexer --once")
    process.start()
    return process
