"""Reading ahead while catching up: the next ranges are read and decoded in a separate process
while the indexer applies the current one (``Prefetcher``); in that process, several threads ask
the node at once (``Readers``).

The read-ahead hands back what it read (``Fetched``: the range, its events and block hashes, its
RPC counters and the range size it suggests next) and writes nothing of the indexer's: the
indexer takes each range and applies it, adds the counters to its own and plans with the size.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable
from typing import Any

from indexer.range_reader import RangeReader
from indexer.ranges import ChainMoved, Fetched, Read, packed, parts
from indexer.rpc import Rpc, Stopped


class Prefetcher:
    """Reads the next ranges in a separate process while the current one is applied.

    A process, not a thread: parsing and decoding are pure Python, and in a thread they would
    take the interpreter lock from the thread that applies and writes (SQLite gives the lock up
    on every row it steps, and then waits to get it back). Ranges near the head are read ahead
    too: everything read is checked when it is applied (the first block's parent is the last
    indexed block, the blocks of a range are linked, the logs are from those blocks), so a
    reorganisation in between is found then, and undone through the journal like any other;
    anything unexpected stops the process and the main thread reads for itself. The process
    sends back its log records (logged here, as if read here), and its RPC counters and adapted
    range size with every range (in the ``Fetched``, for the indexer to take over).

    Used from the indexer's thread only. ``stopping``: the indexer's stop signal, for ``take``
    to give up waiting when it is set."""

    def __init__(
        self,
        reader: RangeReader,
        first: int,
        head: int,
        safe: int,
        stopping: threading.Event | None = None,
    ) -> None:
        self.stopping = stopping
        #: The first block of the next range ``take`` returns.
        self.next_first = first
        #: The confirmed tip the process reads towards.
        self.safe = safe
        # fork: the child starts in milliseconds with the indexer's settings and decoders
        # already loaded; it uses none of the parent's connections (it makes its own client).
        context = multiprocessing.get_context("fork")
        self._queue: Any = context.Queue(maxsize=6)
        self._stop = context.Event()
        self._process = context.Process(
            target=_child,
            args=(reader, first, head, safe, self._queue, self._stop, os.getpid()),
            name="wesh-indexer-read-ahead",
            daemon=True,
        )
        self._process.start()

    def take(self) -> Fetched | None:
        """The next range in chain order; None when the process reached the tip it reads
        towards. Raises what reading raised there (``ChainMoved`` if the process is gone): the
        read-ahead is finished then, and the caller stops it."""
        while True:
            try:
                kind, item = self._queue.get(timeout=1.0)
            except queue.Empty:
                if self.stopping is not None and self.stopping.is_set():
                    raise Stopped("stopped while waiting for the node (read-ahead)") from None
                if not self._process.is_alive():
                    raise ChainMoved("the read-ahead process ended unexpectedly") from None
                continue
            if kind == "log":
                logging.getLogger(item.name).handle(item)
                continue
            if kind == "done":
                return None
            if kind == "error":
                raise item
            fetched = Fetched.unpacked(item)
            self.next_first = fetched.last + 1
            return fetched

    def stop(self) -> None:
        self._stop.set()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._queue.close()
        self._queue.cancel_join_thread()


class _ToParent(logging.Handler):
    """In the read-ahead process: hands every log record to the parent."""

    def __init__(self, out: Any) -> None:
        super().__init__()
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = None
        with contextlib.suppress(queue.Full):
            self.out.put(("log", record), timeout=5)


def _child(
    reader: RangeReader, first: int, head: int, safe: int, out: Any, stop: Any, parent: int
) -> None:
    """The read-ahead process: reads the ranges from ``first`` to ``safe`` (the confirmed tip
    when it started) and sends them to the parent, until it is done, the parent stops it or
    the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(Exception):  # Linux: die with the parent (kill -9 included)
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        return
    gc.disable()  # acyclic garbage only; see _without_gc
    root = logging.getLogger()
    root.handlers = [_ToParent(out)]
    inherited = reader.rpc  # kept referenced: its sockets are the parent's
    rpc = inherited.clone()
    reader = reader.using(rpc)

    def send(kind: str, item: Any) -> bool:
        while not stop.is_set():
            if os.getppid() != parent:
                return False
            try:
                out.put((kind, item), timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    readers = Readers(reader, first, head, safe, stop)
    try:
        while True:
            r = readers.next(lambda: os.getppid() != parent)
            if r is None:  # the tip, stopped, or the parent is gone
                if readers.reached_tip:
                    send("done", None)
                return
            # A range much larger than planned (the chain got denser) is decoded and sent in
            # parts, so that the parent starts applying the first part while the rest is
            # decoded.
            for n, part in enumerate(parts(r, max(1, reader.settings.target_logs // 4))):
                counts = r.rpc_counts if n == 0 else (0, 0, 0)  # the range's, counted once
                if not send("range", packed(part, reader.decode(part), counts)):
                    return
    except BaseException as error:  # handed to the parent, which raises it
        try:
            pickle.dumps(error)
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        send("error", error)
    finally:
        readers.close()
        rpc.close()
        del inherited
        out.close()
        out.join_thread()


class Readers:
    """In the read-ahead process: ``READERS`` threads ask the node for the next ranges at once,
    each with its own client, and ``next`` hands the ranges out in chain order.

    The threads mostly wait for the node's answers (without the interpreter lock), so the node
    computes the next ranges while the process decodes the one before; and a node serves
    several eth_getLogs calls in parallel. A range is planned when a thread is free to read it,
    at the range size adapted to the answers so far.

    Shared between the threads, all of it under ``cond`` (its lock): the plan (``planned``),
    the ranges read (``results``) and the reader's range size, which every thread plans with
    and adapts to what it read (``RangeReader.plan`` and ``adapt``). ``RangeReader.read`` itself
    writes nothing, so the threads read at the same time without the lock."""

    READERS = 3
    #: Ranges read but not yet handed out, at most (each can be tens of megabytes).
    AHEAD = 3

    def __init__(self, reader: RangeReader, first: int, head: int, safe: int, stop: Any) -> None:
        self.reader, self.head, self.safe, self.stop = reader, head, safe, stop
        self.planned = first  # the first block of the next range to plan
        self.expected = first  # the first block of the next range to hand out
        self.reached_tip = False
        self.results: dict[int, tuple[str, Any]] = {}
        self.closed = False
        self.cond = threading.Condition()
        rpc = reader.rpc
        self.rpcs = [rpc] + [rpc.clone() for _ in range(self.READERS - 1)]
        self.threads = [
            threading.Thread(target=self._run, args=(r,), name=f"wesh-reader-{n}", daemon=True)
            for n, r in enumerate(self.rpcs)
        ]
        for thread in self.threads:
            thread.start()

    def _halted(self) -> bool:
        return self.closed or self.stop.is_set()

    def _run(self, rpc: Rpc) -> None:
        reader = self.reader
        while True:
            with self.cond:
                while not self._halted() and len(self.results) >= self.AHEAD:
                    self.cond.wait(0.2)
                if self._halted() or self.planned > self.safe:
                    return
                first = self.planned
                last, deep = reader.plan(first, self.head, self.safe)
                self.planned = last + 1
            result: tuple[str, Any]
            try:
                before = (rpc.stats.requests, rpc.stats.retries, rpc.stats.splits)
                r = reader.read(first, last, deep, rpc)
                r.rpc_counts = (
                    rpc.stats.requests - before[0],
                    rpc.stats.retries - before[1],
                    rpc.stats.splits - before[2],
                )
                result = ("range", r)
            except BaseException as error:  # handed on by ``next``
                result = ("error", error)
            with self.cond:
                if result[0] == "range":
                    reader.adapt(r)
                    r.next_size = reader.size
                self.results[first] = result
                self.cond.notify_all()
            if result[0] == "error":
                return

    def next(self, parent_gone: Callable[[], bool]) -> Read | None:
        """The next range in chain order (raising what reading it raised); None at the tip the
        process reads towards, when stopped, or when ``parent_gone``."""
        with self.cond:
            while True:
                if self._halted() or parent_gone():
                    return None
                if self.expected > self.safe:
                    self.reached_tip = True
                    return None
                found = self.results.pop(self.expected, None)
                if found is not None:
                    self.cond.notify_all()
                    kind, item = found
                    if kind == "error":
                        raise item
                    self.expected = item.last + 1
                    return item  # type: ignore[no-any-return]
                self.cond.wait(0.2)

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        for thread in self.threads:
            thread.join(timeout=5)
        for rpc in self.rpcs[1:]:
            rpc.close()
