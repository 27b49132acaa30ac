"""Starting the indexer and the relayer many times over, fast: for the kill -9 tests, the
indexer's command-line tests and the web tests' stacks.

A fresh ``python -m indexer`` or ``python -m relayer`` spends a second or more importing
SQLAlchemy, httpx or web3 before it does any work, and the kill tests start one 20 times per
backend. Here a multiprocessing fork server imports both programs once; each start forks it and
runs the same ``main(argv)`` that ``python -m <program>`` runs, in a process of its own that
makes its own connections, and that the tests kill with SIGKILL as before. Only the imports are
shared. (The fork server is started at the first start of the test session, and ends with it.)
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from wesh.artifacts import ROOT

PROGRAMS = ("indexer", "relayer")
_context: Any = multiprocessing.get_context("forkserver")
_started: list[Any] = []


def _main(program: str, argv: list[str], env: dict[str, str], log: str, stdout: str) -> None:
    """In the forked process: the working folder and environment of the command line, stderr
    to ``log`` and stdout to ``stdout``, and the program's ``main``."""
    for path, fd in ((stdout, 1), (log, 2)):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(out, fd)
        os.close(out)
    os.chdir(ROOT)
    os.environ.update(env)
    main = importlib.import_module(f"{program}.__main__").main
    sys.exit(main(argv))


def start(
    program: str, argv: list[str], env: dict[str, str], log: Path, stdout: Path | None = None
) -> Any:
    """A started ``multiprocessing.Process`` running ``python -m <program> <argv>`` in the
    repository's folder with ``env`` added to the environment, its stderr appended to ``log``,
    its stdout to ``stdout`` (by default ``log`` too)."""
    assert program in PROGRAMS, program
    _context.set_forkserver_preload([f"{name}.__main__" for name in PROGRAMS])
    args = (program, argv, env, str(log), str(stdout or log))
    process = _context.Process(target=_main, args=args, name=program)
    process.start()
    _started.append(process)
    return process


def run(
    program: str, argv: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m <program> <argv>`` run to its end, as ``subprocess.run`` with
    ``capture_output=True, text=True`` gives it: the exit code, stdout and stderr."""
    command = [sys.executable, "-m", program, *argv]
    with tempfile.TemporaryDirectory(prefix=f"wesh-{program}-cli-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = start(program, argv, env, err, stdout=out)
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(command, timeout, out.read_text(), err.read_text())
        return subprocess.CompletedProcess(
            command, process.exitcode, out.read_text(), err.read_text()
        )


@atexit.register
def _end_all() -> None:
    """Kills what still runs at the end of the session (a test that failed before ending its
    processes), before multiprocessing waits for them."""
    for process in _started:
        if process.exitcode is None:
            process.kill()
            process.join(5)


class Program:
    """A program started with ``start``, used as a ``subprocess.Popen`` (poll, wait, terminate,
    kill, args, returncode): for the web tests' stack."""

    def __init__(self, program: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.args = [sys.executable, "-m", program, *argv]
        self._process = start(program, argv, env, log)

    @property
    def pid(self) -> int:
        return int(self._process.pid)

    @property
    def returncode(self) -> int | None:
        code: int | None = self._process.exitcode
        return code

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()
