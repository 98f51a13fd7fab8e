"""The limited worker process: :class:`RewardWorker` (and its child's entry point, which
``spawn`` imports by module path) and :func:`preflight`."""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Final

from gendexhand.errors import ConfigError
from gendexhand.sandbox.checker import check_reward_code
from gendexhand.sandbox.compiled import RewardFn, _validate_terms, compile_reward
from gendexhand.sandbox.errors import RewardRejected, RewardWorkerError
from gendexhand.sandbox.limits import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_BUDGET

_MAX_REPLY: Final = 1 << 20


def _format_bytes(count: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _address_space() -> int:
    """This process's current virtual memory size in bytes (0 where /proc is unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _apply_limits(memory_limit: int) -> None:
    """Limit this (worker) process: address space, file size 0, no core files."""
    soft = _address_space() + memory_limit
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, soft))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _send(conn: Connection, message: list[Any]) -> None:
    conn.send_bytes(json.dumps(message).encode())


def _worker_main(conn: Connection, source: str, memory_limit: int) -> None:
    """The worker process: compile, limit itself, then answer calls until told to stop.

    Replies are JSON (never pickle), so the parent never unpickles anything the worker sends:
    ``["ready"]``, ``["startup", msg]``, ``["ok", terms, cpu_seconds]``, ``["invalid", msg]``
    (bad result; the worker is fine), ``["error", msg]`` (the code raised), ``["memory", msg]``,
    ``["snapshot", msg]`` (a malformed snapshot).
    """
    try:
        fn = compile_reward(source)
        sys.dont_write_bytecode = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # nothing reaches the parent's terminal or capture files
        os.dup2(devnull, 2)
        os.close(devnull)
        _apply_limits(memory_limit)
    except BaseException as exc:
        _send(conn, ["startup", f"{type(exc).__name__}: {exc}"])
        return
    _send(conn, ["ready"])
    while True:
        try:
            snapshot = conn.recv()
        except (EOFError, OSError):
            return
        if snapshot is None:
            return
        reply: list[Any]
        start = time.process_time()
        try:
            terms = fn(snapshot)
        except RewardRejected as exc:
            cause = exc.__cause__
            if isinstance(cause, MemoryError):
                reply = ["memory", str(exc)]
            else:
                reply = ["invalid" if cause is None else "error", str(exc)]
        except MemoryError:
            reply = ["memory", "MemoryError while reading the snapshot"]
        except Exception as exc:
            reply = ["snapshot", f"{type(exc).__name__}: {exc}"]
        else:
            reply = ["ok", terms, time.process_time() - start]
        try:
            _send(conn, reply)
        except BaseException:
            os._exit(3)


class RewardWorker:
    """Runs reward code in a separate, limited process; a context manager.

    ``RewardWorker(code)`` checks and compiles ``code`` here first (raising
    :class:`RewardRejected`), then starts a worker process with the ``spawn`` start method:
    a fresh interpreter that inherits no threads, locks, OpenGL/MuJoCo state or address space
    from this process (``fork`` would, which makes ``RLIMIT_AS`` meaningless in a big parent
    and can deadlock in a threaded one). As with every ``spawn`` child, the main module is
    imported again in the worker, so scripts need the ``if __name__ == "__main__":`` guard.

    The worker limits itself with ``RLIMIT_AS`` = its size after start-up (interpreter and
    numpy, typically 100–200 MiB; this varies between machines, so the limit is relative to it)
    + ``memory_limit``, with ``RLIMIT_FSIZE`` = 0 (it cannot write any file) and
    ``RLIMIT_CORE`` = 0, and sends results back as JSON.

    :meth:`call` sends one snapshot and waits ``time_budget + wait_slack`` seconds for the
    answer. It raises :class:`RewardRejected` with the reason, and the object stays usable:

    * no answer in time → the process is killed: ``"time budget 0.05 s exceeded"``;
    * an answer that used more than ``time_budget`` seconds of CPU → the same message (the
      process is healthy and is kept);
    * ``MemoryError`` in the code → killed: ``"memory limit 1 GiB exceeded (...)"``; the process
      died → ``"worker process died (...); most likely the memory limit 1 GiB was exceeded"``;
    * the code raised → killed: ``"ZeroDivisionError: division by zero (reward code line 4)"``;
    * a bad result (not a dict, NaN…) → ``"term 'x' is not finite: nan"``; the process is kept.

    A killed process is replaced by a new one on the next call (:attr:`starts` counts them).
    ``wait_slack`` covers inter-process communication and scheduling delays, so a correct reward
    is not killed because the machine is busy; CPU time over the budget is rejected exactly.
    """

    def __init__(
        self,
        code: str | RewardFn,
        *,
        time_budget: float = DEFAULT_TIME_BUDGET,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        wait_slack: float = 0.25,
        start_timeout: float = 60.0,
    ) -> None:
        source = code.source if isinstance(code, RewardFn) else code
        compile_reward(source)  # reject bad code here, before any process starts
        if not (isinstance(time_budget, int | float) and 0 < time_budget < math.inf):
            raise ConfigError(f"time_budget must be a positive number of seconds: {time_budget}")
        if not (isinstance(wait_slack, int | float) and 0 <= wait_slack < math.inf):
            raise ConfigError(f"wait_slack must be a non-negative number: {wait_slack}")
        if isinstance(memory_limit, bool) or not isinstance(memory_limit, int):
            raise ConfigError(f"memory_limit must be an int number of bytes: {memory_limit!r}")
        if memory_limit < 16 << 20:
            raise ConfigError(f"memory_limit must be at least 16 MiB: {memory_limit}")
        self.source = source
        self.time_budget = float(time_budget)
        self.memory_limit = memory_limit
        self.wait_slack = float(wait_slack)
        self.start_timeout = float(start_timeout)
        self.starts = 0
        """How many worker processes have been started."""
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False

    # -------------------------------------------------------------- lifecycle
    @property
    def running(self) -> bool:
        """Whether a worker process is started and alive."""
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        """The worker process id, or None while none is running."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the worker process if none is running (calls do this on demand)."""
        if self._closed:
            raise RewardWorkerError("this RewardWorker is closed")
        if self.running:
            return
        self._kill()
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(
            target=_worker_main,
            args=(child, self.source, self.memory_limit),
            name="gendexhand-reward",
            daemon=True,
        )
        process.start()
        child.close()  # so that the worker's death reads as end-of-file here
        self._process, self._conn = process, parent
        self.starts += 1
        try:
            if not parent.poll(self.start_timeout):
                raise RewardWorkerError(
                    f"reward worker did not start within {self.start_timeout:g} s"
                )
            reply = json.loads(parent.recv_bytes(_MAX_REPLY))
        except (EOFError, OSError, ValueError) as exc:
            process.join(1.0)
            code = process.exitcode
            self._kill()
            raise RewardWorkerError(
                f"reward worker failed to start ({type(exc).__name__}, exit code {code}). With "
                f"the spawn start method the main module is imported again in the worker: a "
                f"script that creates a RewardWorker when imported needs the "
                f"`if __name__ == '__main__':` guard"
            ) from None
        except RewardWorkerError:
            self._kill()
            raise
        if reply != ["ready"]:
            self._kill()
            raise RewardWorkerError(f"reward worker failed to start: {reply[-1]}")

    def _kill(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5.0)
            if process.exitcode is not None:
                process.close()
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Stop the worker process; later calls raise :class:`RewardWorkerError`."""
        if self._conn is not None and self.running:
            try:
                self._conn.send(None)
                assert self._process is not None
                self._process.join(1.0)
            except (OSError, ValueError):
                pass
        self._kill()
        self._closed = True

    def __enter__(self) -> RewardWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._kill()

    # -------------------------------------------------------------- calls
    @property
    def _memory(self) -> str:
        return _format_bytes(self.memory_limit)

    def call(self, snapshot: Mapping[str, Any]) -> dict[str, float]:
        """Run the reward on ``snapshot`` in the worker; ``{term: float}`` or
        :class:`RewardRejected` (see the class docstring for the reasons).

        A snapshot the worker cannot read raises :class:`ValueError` (a bug on the caller's
        side, not in the reward code).
        """
        self.start()
        conn = self._conn
        assert conn is not None
        try:
            conn.send(dict(snapshot))
        except (OSError, ValueError):  # the worker died between calls: start afresh, once
            self._kill()
            self.start()
            conn = self._conn
            assert conn is not None
            conn.send(dict(snapshot))
        budget = f"time budget {self.time_budget:g} s exceeded"
        if not conn.poll(self.time_budget + self.wait_slack):
            self._kill()
            raise RewardRejected(budget)
        try:
            raw = conn.recv_bytes(_MAX_REPLY)
        except (EOFError, OSError):
            assert self._process is not None
            self._process.join(1.0)
            code = self._process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            self._kill()
            raise RewardRejected(
                f"worker process died ({how}); most likely the memory limit {self._memory} was "
                f"exceeded"
            ) from None
        try:
            reply = json.loads(raw)
        except ValueError:
            self._kill()
            raise RewardRejected("the reward worker sent an unreadable reply") from None
        kind = reply[0] if isinstance(reply, list) and reply else None
        if kind == "ok" and len(reply) == 3:
            terms = _validate_terms(reply[1])
            if float(reply[2]) > self.time_budget:
                raise RewardRejected(budget)
            return terms
        message = str(reply[1]) if isinstance(reply, list) and len(reply) > 1 else repr(reply)
        if kind == "invalid":
            raise RewardRejected(message)
        if kind == "snapshot":
            raise ValueError(f"the reward worker could not read the snapshot: {message}")
        self._kill()
        if kind == "memory":
            raise RewardRejected(f"memory limit {self._memory} exceeded ({message})")
        raise RewardRejected(message)


def preflight(
    source: str,
    snapshots: Sequence[Mapping[str, Any]],
    *,
    time_budget: float = DEFAULT_TIME_BUDGET,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    max_failures: int = 10,
) -> list[str]:
    """Check ``source``, then run it on recorded ``snapshots`` in a :class:`RewardWorker`.

    Returns the distinct rejection reasons in order of first appearance; an empty list means the
    code passed. A checker rejection is returned as the only reason (no process is started).
    Stops after ``max_failures`` failed calls, since every failure that kills the worker costs a
    process start.
    """
    try:
        check_reward_code(source)
    except RewardRejected as exc:
        return [str(exc)]
    reasons: dict[str, None] = {}
    failures = 0
    with RewardWorker(source, time_budget=time_budget, memory_limit=memory_limit) as worker:
        for snapshot in snapshots:
            try:
                worker.call(snapshot)
            except RewardRejected as exc:
                reasons[str(exc)] = None
                failures += 1
                if failures >= max_failures:
                    break
    return list(reasons)
