"""Executors: where runs happen, behind one small interface (the EMA workbench's evaluators).

An executor maps a picklable function over items and yields results as they finish,
keeping only a bounded number of tasks in flight (so a 100,000-run sweep does not queue
100,000 pickled scenarios). Results arrive in any order; callers sort them, and because a
run is a pure function of (scenario, seed, scale, years) the numbers do not depend on which
executor or how many workers ran them.

- :class:`SequentialExecutor`: in this process; easiest to debug.
- :class:`ProcessExecutor` (default): one ``spawn``-ed process per core. Workers ignore
  Ctrl-C (the parent handles it and stops them) and exit if the parent is killed.
- :class:`DaskExecutor`: a ``dask.distributed`` cluster (``Client`` or ``tcp://host:port``);
  every worker needs the same rainforest version installed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, Protocol, runtime_checkable

from rainforest.experiments.parameters import ExperimentError


@runtime_checkable
class Executor(Protocol):
    """Runs ``fn(item)`` for each item and yields results as they finish."""

    workers: int

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` for every item, in completion order."""
        ...

    def close(self, force: bool = False) -> None:
        """Release processes or connections this executor started (``force``: stop running
        work too)."""
        ...


class SequentialExecutor:
    """Runs every item in this process, one after another."""

    workers = 1

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` in item order."""
        for item in items:
            yield fn(item)

    def close(self, force: bool = False) -> None:
        """Nothing to release."""

    def __enter__(self) -> SequentialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "SequentialExecutor()"


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(1)


def _worker_init(parent_pid: int, threads: int = 0) -> None:
    """Worker set-up: leave Ctrl-C to the parent; exit when the parent dies (kill -9); with
    ``threads`` > 0, at most that many threads for Numba's parallel kernels.

    Why the last: every worker is already one of the pool's processes, one per core, and a
    parallel kernel (the living network's newcomers, ``m13_network._seed_rows``) that also
    starts a thread per core oversubscribes the machine. OpenMP threads wait by spinning, so
    two workers with two threads each on two cores ran ``explain --fitted`` slower than one
    process (104 s against 91 s for 129 runs); one thread each took 45 s. The kernels give
    the same tables whatever the thread count.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if threads > 0:
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


class ProcessExecutor:
    """A pool of ``spawn``-ed local processes (``concurrent.futures.ProcessPoolExecutor``).

    Parameters
    ----------
    workers
        Number of processes; default one per core (``os.cpu_count()``).
    in_flight
        Tasks queued at once; default ``2 * workers``.

    Notes
    -----
    ``spawn`` (not ``fork``) is used on every platform: workers start from a clean
    interpreter, which is safe with threads in the parent (Dask, optuna) and behaves the same
    on Linux, macOS and Windows. Scripts that create a pool must guard their entry point with
    ``if __name__ == "__main__":``. The pool starts on first use and is reused until
    :meth:`close`, so Numba's compiled kernels are loaded once per worker.
    """

    def __init__(self, workers: int | None = None, in_flight: int | None = None):
        n = (os.cpu_count() or 1) if workers is None else workers
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ExperimentError(f"workers must be a positive integer, got {workers!r}")
        self.workers = n
        self.in_flight = in_flight or 2 * n
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=mp.get_context("spawn"),
                initializer=_worker_init,
                # the cores shared among the workers: one thread each when one per core
                initargs=(os.getpid(), max(1, (os.cpu_count() or 1) // self.workers)),
            )
        return self._pool

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` as workers finish; on error or interrupt, stop the workers."""
        from concurrent.futures import FIRST_COMPLETED, wait

        pool = self._get_pool()
        it = iter(items)
        pending: set = set()
        try:
            for item in it:
                pending.add(pool.submit(fn, item))
                if len(pending) >= self.in_flight:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    for item in it:
                        pending.add(pool.submit(fn, item))
                        if len(pending) >= self.in_flight:
                            break
                    yield fut.result()
        except BaseException:
            for fut in pending:
                fut.cancel()
            self.close(force=True)
            raise

    def close(self, force: bool = False) -> None:
        """Shut the pool down; ``force`` terminates running workers (after Ctrl-C)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if force:
            # ProcessPoolExecutor has no public way to stop running tasks
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            pool.shutdown(wait=True)

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(force=exc_type is not None)

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self.workers})"


class DaskExecutor:
    """Runs items on a ``dask.distributed`` cluster.

    Parameters
    ----------
    client
        A ``dask.distributed.Client`` (left open on :meth:`close`), or
    address
        A scheduler address such as ``"tcp://10.0.0.5:8786"`` (a client is opened and closed
        here).
    in_flight
        Tasks submitted at once; default ``2 * workers`` (threads over all workers).
    """

    def __init__(
        self, client: Any = None, address: str | None = None, in_flight: int | None = None
    ):
        if (client is None) == (address is None):
            raise ExperimentError("DaskExecutor needs exactly one of client= or address=")
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover - dask is an optional extra
            raise ExperimentError(
                "the Dask executor needs dask.distributed: pip install 'rainforest[dask]'"
            ) from None
        self._own = client is None
        if client is None:
            try:
                client = Client(address, timeout="20s")
            except OSError as err:
                raise ExperimentError(
                    f"cannot reach the Dask scheduler at {address}: {err}"
                ) from None
        self.client = client
        threads = sum(self.client.nthreads().values()) or 1
        self.workers = threads
        self.in_flight = in_flight or 2 * threads

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` as cluster workers finish."""
        from dask.distributed import as_completed

        it = iter(items)
        first = []
        for item in it:
            first.append(self.client.submit(fn, item, pure=False))
            if len(first) >= self.in_flight:
                break
        if not first:
            return
        queue = as_completed(first)
        live = set(first)
        try:
            for fut in queue:
                for item in it:
                    nxt = self.client.submit(fn, item, pure=False)
                    queue.add(nxt)
                    live.add(nxt)
                    break
                result = fut.result()
                live.discard(fut)
                fut.release()
                yield result
        except BaseException:
            self.client.cancel(list(live))
            raise

    def close(self, force: bool = False) -> None:
        """Close the client if this executor opened it."""
        if self._own:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DaskExecutor({self.client!r})"


ExecutorLike = Executor | str | int | None


def is_dask_client(obj: Any) -> bool:
    """Whether ``obj`` is a ``dask.distributed.Client`` (without importing dask)."""
    return type(obj).__name__ == "Client" and type(obj).__module__.startswith("distributed")


def make_executor(spec: Any = None) -> tuple[Executor, bool]:
    """An executor from a spec, and whether the caller owns it (must close it).

    ``None`` or ``"processes"``: local processes, one per core; an ``int``: that many
    processes (1 runs in this process); ``"sequential"``; ``"tcp://host:port"`` or a
    ``dask.distributed.Client``: Dask; an :class:`Executor`: used as is, not closed.
    """
    if spec is None or spec in ("processes", "local"):
        return ProcessExecutor(), True
    if spec == "sequential":
        return SequentialExecutor(), True
    if isinstance(spec, int) and not isinstance(spec, bool):
        if spec < 1:
            raise ExperimentError(f"workers must be >= 1, got {spec}")
        return (SequentialExecutor() if spec == 1 else ProcessExecutor(spec)), True
    if isinstance(spec, str) and "://" in spec:
        return DaskExecutor(address=spec), True
    if is_dask_client(spec):
        return DaskExecutor(client=spec), True
    if isinstance(spec, Executor):
        return spec, False
    raise ExperimentError(
        f"executor must be None, 'processes', 'sequential', a number of workers, a Dask "
        f"address ('tcp://host:8786'), a dask.distributed.Client or an Executor; got {spec!r}"
    )


def _indexed(fn: Callable[[Any], Any], item: tuple[int, Any]) -> tuple[int, Any]:
    i, x = item
    return i, fn(x)


def map_ordered(
    spec: Any,
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[fn(item) for item in items]`` on the executor ``make_executor(spec)`` builds (closed
    afterwards if this call built it), in the items' order whatever order the runs finish in;
    ``progress(done, total)`` after each. ``fn`` must be picklable (a module-level function)
    for processes and Dask."""
    items = list(items)
    out: list[Any] = [None] * len(items)
    ex, own = make_executor(spec)
    try:
        runs = ex.imap_unordered(partial(_indexed, fn), enumerate(items))
        for done, (i, result) in enumerate(runs, start=1):
            out[i] = result
            if progress is not None:
                progress(done, len(items))
    finally:
        if own:
            ex.close()
    return out
