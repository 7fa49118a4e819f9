"""Background jobs of the dashboard: runs (and explanations) in worker processes, with
progress, live series, stop, limits, and a clean record when the server stops mid-job.

A run job is :func:`rainforest.simulate` with an ``on_month`` callback, so the page can draw
the series while they grow; a job of several seeds is :func:`rainforest.experiments.ensemble`
and an explanation is :func:`rainforest.explain.explain`.

Each job's work runs in its own process (:func:`_worker_main`, forked from a fork server that
has the package imported), never in the server's: compiled kernels hold the interpreter lock
while they run, so a job in a thread could freeze every request, and a kernel cannot be
interrupted. The server's thread for the job relays the worker's messages (progress, live
series at most twice a second, the result) and kills the worker at once when the job is
stopped, passes the time limit per job, or the server stops; the worker's address space is
capped, so a job over the memory limit fails alone. The pool has ``max_jobs`` threads and the
manager refuses new jobs while that many are queued or running.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import resource
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rainforest.api import simulate
from rainforest.experiments import ensemble
from rainforest.experiments.runner import ID_COLUMNS
from rainforest.explain import DEFAULT_GROUPS, explain
from rainforest.explain.explain import DEFAULT_PERMUTATIONS
from rainforest.explain.shapley import EXACT_MAX
from rainforest.report._common import INVESTMENT_COLUMNS, metric_label, metric_unit
from rainforest.scenario import Scenario

log = logging.getLogger("rainforest.web")

#: Metrics sent to the page as series (investment is the sum of the five kinds).
SERIES_METRICS = (
    "foundings",
    "startups_alive",
    "people",
    "investment",
    "output",
    "failures",
    "unicorns",
    "patents",
    "belief",
)
ACTIVE = ("queued", "running")
FINAL = ("done", "failed", "stopped", "interrupted")


class JobStoppedError(Exception):
    """Raised inside a job's progress callback to stop it."""


class TooManyJobsError(RuntimeError):
    """The server already runs its maximum number of jobs."""


class JobFailedError(RuntimeError):
    """A job's worker failed, died or passed a limit; the message is shown as is."""


#: Time limit per job (seconds) unless the server is given another.
DEFAULT_TIME_LIMIT_S = 3600.0
#: Attempts to write a finished run when the store is busy (another process holds its lock).
STORE_ATTEMPTS = 6
_CTX: Any = None


def _context() -> Any:
    """The fork-server context (started once, with the package imported, before any job)."""
    global _CTX
    if _CTX is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["rainforest.web.jobs"])
        _CTX = ctx
    return _CTX


def _worker_main(kind: str, kwargs: dict[str, Any], conn: Any, memory_bytes: float) -> None:
    """A job's process: cap its memory, do the work, send progress, live series and result."""
    if memory_bytes:
        try:
            limit = int(memory_bytes)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):  # pragma: no cover - a platform without the limit
            pass
    last = [0.0]

    def progress(done: int, total: int) -> None:
        conn.send(("progress", int(done), int(total)))

    def on_month(done: int, total: int, so_far: Callable[[], pd.DataFrame]) -> None:
        now = time.monotonic()
        if now - last[0] > 0.5 or done == total:
            last[0] = now
            conn.send(("live", so_far()))

    try:
        sc = kwargs.pop("scenario")
        if kind == "run":
            out = simulate(sc, **kwargs, progress=progress, on_month=on_month)
        elif kind == "ensemble":
            out = ensemble(sc, **kwargs, executor="sequential", progress=progress)
        else:  # the server's explain_function(), passed by reference (tests swap it)
            fn = kwargs.pop("fn", None) or explain
            out = fn(sc, **kwargs, executor="sequential", progress=progress)
        conn.send(("result", out))
    except MemoryError:
        gib = memory_bytes / 2**30
        conn.send(("error", f"MemoryError: over this server's memory limit of {gib:.1f} GiB "
                   "per job; raise scale or run fewer years"))  # fmt: skip
    except BaseException as err:  # reported to the server, which marks the job failed
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def _replicated(metrics: pd.DataFrame) -> bool:
    """Whether a metrics table holds several runs (an ensemble's ``replicate`` column)."""
    return "replicate" in metrics.columns and metrics["replicate"].nunique() > 1


def _round(values: np.ndarray) -> list:
    return [None if not np.isfinite(v) else round(float(v), 4) for v in values]


def _spending(metrics: pd.DataFrame) -> tuple[str, ...]:
    """The public-spending metrics a run has and spent on (issue 16: every run reports public
    spending by instrument): the total, then each instrument's cost that is not all zero."""
    from rainforest.mechanisms.m17_instruments import COSTS, TOTAL

    names = [TOTAL] if TOTAL in metrics.columns else []
    for name, *_ in COSTS:
        if name in metrics.columns and bool((metrics[name].fillna(0.0) != 0.0).any()):
            names.append(name)
    return tuple(names)


def series_payload(metrics: pd.DataFrame, names: tuple[str, ...] = SERIES_METRICS) -> dict:
    """A metrics table as JSON-ready series: months, regions and ``metric -> region -> values``
    (``names``, then public spending: its total and each instrument that spent).

    For several runs (an ensemble's table) the values are means over runs, and ``lo``/``hi``
    hold the 5% and 95% quantiles in the same layout (``runs`` says how many)."""
    if metrics is None or metrics.empty:
        return {"months": [], "regions": [], "metrics": {}, "units": {}, "labels": {}}
    names = (*names, *(n for n in _spending(metrics) if n not in names))
    m = metrics
    inv = [c for c in INVESTMENT_COLUMNS if c in m.columns]
    if inv and "investment" not in m.columns:
        m = m.assign(investment=m[inv].sum(axis=1))
    regions = [str(r) for r in pd.unique(m["region"].astype(str))]
    months = sorted(int(x) for x in pd.unique(m["month"]))
    reps = _replicated(m)
    keys = ["month", m["region"].astype(str).rename("region")]
    if reps:
        keys.append("replicate")
    out: dict[str, dict[str, list]] = {}
    lo: dict[str, dict[str, list]] = {}
    hi: dict[str, dict[str, list]] = {}
    for name in names:
        if name not in m.columns:
            continue
        per = m.groupby(keys, observed=True)[name].sum(min_count=1)
        frames = {"mean": per}
        if reps:
            by = per.groupby(level=["month", "region"])
            frames = {"mean": by.mean(), "lo": by.quantile(0.05), "hi": by.quantile(0.95)}
        for what, ser in frames.items():
            wide = ser.unstack().reindex(index=months, columns=regions)
            target = {"mean": out, "lo": lo, "hi": hi}[what]
            target[name] = {r: _round(wide[r].to_numpy()) for r in regions}
    payload = {
        "months": months,
        "regions": regions,
        "metrics": out,
        "units": {n: metric_unit(n) for n in out},
        "labels": {n: metric_label(n) for n in out},
    }
    if reps:
        payload.update(lo=lo, hi=hi, runs=int(m["replicate"].nunique()))
    return payload


SUMMARY_FLOWS = (
    "foundings",
    "failures",
    "ipos",
    "unicorns",
    "patents",
    "output",
    "public_spending",
)
SUMMARY_STOCKS = ("people", "startups_alive", "firms")
#: the summary table's columns, in page order (those a table has)
SUMMARY_ORDER = (
    "people", "foundings", "failures", "ipos", "unicorns", "startups_alive", "firms", "patents",
    "output", "public_spending",
)  # fmt: skip


def _totals(m: pd.DataFrame) -> pd.DataFrame:
    """Per-region totals of one run: flows summed, stocks at the last month, in page order."""
    reg = m["region"].astype(str)
    flows = [c for c in SUMMARY_FLOWS if c in m.columns]
    stocks = [c for c in SUMMARY_STOCKS if c in m.columns]
    t = m.groupby(reg, sort=False)[flows].sum()
    last = m[m["month"] == m["month"].max()]
    t = t.join(last.set_index(last["region"].astype(str))[stocks])
    return t[[c for c in SUMMARY_ORDER if c in t.columns]]


def summary_rows(metrics: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-region totals of a metrics table (flows summed, stocks at the last month), as
    JSON-ready rows: region, people, foundings, failures, ipos, unicorns, startups_alive, firms,
    patents, output and public spending (million yuan). For several runs each value is
    ``{"mean", "lo", "hi"}`` (mean and 90% interval over runs)."""
    if metrics is None or metrics.empty:
        return []

    def num(v: Any) -> float | None:
        v = float(v)
        return round(v, 1) if np.isfinite(v) else None

    if not _replicated(metrics):
        t = _totals(metrics)
        return [
            {"region": str(region), **{c: num(r[c]) for c in t.columns}}
            for region, r in t.iterrows()
        ]
    per = pd.concat(
        {rep: _totals(g) for rep, g in metrics.groupby("replicate", sort=True)}, names=["rep"]
    )
    by = per.groupby(level=1, sort=False)
    mean, lo, hi = by.mean(), by.quantile(0.05), by.quantile(0.95)

    def cell(region: str, c: str) -> dict[str, float | None]:
        return {
            "mean": num(mean.loc[region, c]),
            "lo": num(lo.loc[region, c]),
            "hi": num(hi.loc[region, c]),
        }

    return [
        {"region": str(region), **{c: cell(region, c) for c in mean.columns}}
        for region in mean.index
    ]


@dataclass
class Job:
    """A dashboard job and everything the page polls."""

    id: str
    kind: str  # "run" | "explain"
    scenario_id: str
    scenario: Scenario
    years: int
    seed: int
    scale: float
    levers: dict[str, Any]
    person_months: float
    label: str = ""
    other: Scenario | None = None  # explain: the scenario compared with
    runs: int = 1
    status: str = "queued"
    done: int = 0
    total: int = 0
    warmup_months: int = 0
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    simulated_people: int | None = None
    result: Any = None
    explanation: Any = None
    live: pd.DataFrame | None = None
    stored: bool = False
    store_error: str | None = None
    stop_event: threading.Event = field(default_factory=threading.Event)
    store_lock: threading.Lock = field(default_factory=threading.Lock)

    def info(self) -> dict[str, Any]:
        """The short, JSON-ready description of the job (no series)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label or self.scenario.name,
            "scenario_id": self.scenario_id,
            "scenario": self.scenario.name,
            "vs": self.other.name if self.other is not None else None,
            "years": self.years,
            "seed": self.seed,
            "scale": self.scale,
            "levers": self.levers,
            "status": self.status,
            "runs": self.runs,
            "progress": {"done": self.done, "total": self.total, "warmup": self.warmup_months},
            "person_months": self.person_months,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "error": self.error,
            "has_report": self.result is not None or self.explanation is not None,
            "stored": self.stored,
            "store_error": self.store_error,
        }


def explain_function() -> Callable[..., Any] | None:
    """The function explanation jobs call: :func:`rainforest.explain.explain`.

    One place to swap it: tests put a quick stand-in here, and None (a server that offers no
    explanations) makes ``POST /api/explain`` answer 501 and ``/api/health`` say so."""
    return explain


def explain_arms() -> tuple[int, int]:
    """Runs per replicate of an explanation over the default lever groups: (coalitions run on
    B, runs of A). Exact Shapley runs every one of the 2**n coalitions; beyond
    :data:`~rainforest.explain.shapley.EXACT_MAX` groups the sampled orders run at most one
    coalition per prefix of each order, plus the single groups and the whole set."""
    n = len(DEFAULT_GROUPS)
    if n <= EXACT_MAX:
        return 2**n, 1
    return min(2**n, DEFAULT_PERMUTATIONS * (n + 1) + n + 1), 1


class JobManager:
    """Runs jobs in a thread pool and keeps them (and their results) in memory.

    Parameters
    ----------
    max_jobs
        Jobs queued or running at once; more are refused with :class:`TooManyJobsError`.
    store
        A :class:`~rainforest.web.storage.WebStore`, or None to keep runs in memory only.
    keep
        Finished jobs kept in memory (oldest dropped first).
    time_limit_s
        Seconds a job may run before its worker is killed (it then fails with a message).
    memory_bytes
        Address space of each job's worker (default: the run budget's memory limit, twice,
        shared by ``max_jobs`` workers); a job over it fails alone.
    """

    def __init__(
        self,
        max_jobs: int = 2,
        store: Any = None,
        keep: int = 100,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        memory_bytes: float | None = None,
    ):
        from rainforest.scenario.budget import memory_limit

        self.max_jobs = max(1, int(max_jobs))
        self.store = store
        self.keep = keep
        self.time_limit_s = float(time_limit_s)
        self.memory_bytes = float(memory_bytes or 2 * memory_limit() / self.max_jobs)
        self._workers: dict[str, Any] = {}
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=self.max_jobs, thread_name_prefix="rf-job")
        self._closed = False

    # -- queries ---------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        """Every job kept, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def active(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return sum(j.status in ACTIVE for j in self._jobs.values())

    # -- submitting ------------------------------------------------------------------------
    def submit(self, job: Job) -> Job:
        """Queue a job.

        Raises
        ------
        TooManyJobsError
            If ``max_jobs`` jobs are already queued or running, or the server is stopping.
        """
        with self._lock:
            if self._closed:
                raise TooManyJobsError("the server is shutting down")
            busy = sum(j.status in ACTIVE for j in self._jobs.values())
            if busy >= self.max_jobs:
                raise TooManyJobsError(
                    f"{busy} job(s) already queued or running; this server runs at most "
                    f"{self.max_jobs} at once. Wait for one to finish or stop one."
                )
            self._jobs[job.id] = job
            self._trim()
        target = self._run if job.kind == "run" else self._explain
        self._pool.submit(self._guard, job, target)
        return job

    def _trim(self) -> None:
        done = [j for j in self._jobs.values() if j.status in FINAL]
        for j in sorted(done, key=lambda j: j.created)[: max(0, len(self._jobs) - self.keep)]:
            self._jobs.pop(j.id, None)

    @staticmethod
    def new_id() -> str:
        """A fresh job id."""
        return uuid.uuid4().hex[:12]

    def stop(self, job_id: str) -> Job | None:
        """Ask a job to stop (a queued job stops at once); None if unknown."""
        job = self.get(job_id)
        if job is None:
            return None
        job.stop_event.set()
        with self._lock:
            if job.status == "queued":
                job.status = "stopped"
                job.finished = time.time()
        return job

    # -- running ---------------------------------------------------------------------------
    def _guard(self, job: Job, target: Callable[[Job], None]) -> None:
        with self._lock:
            if job.status != "queued":
                return
            job.status = "running"
            job.started = time.time()
        try:
            target(job)
            with self._lock:
                if job.status == "running":
                    job.status = "done"
        except JobStoppedError:
            with self._lock:
                if job.status == "running":
                    job.status = "stopped"
        except Exception as err:  # a failed job reports; the server keeps going
            log.warning("job %s failed: %s", job.id, err)
            with self._lock:
                if job.status == "running":
                    job.status = "failed"
                    failed = isinstance(err, JobFailedError)
                    job.error = str(err) if failed else f"{type(err).__name__}: {err}"
                    job.error_trace = traceback.format_exc(limit=6)  # type: ignore[attr-defined]
        finally:
            job.finished = job.finished or time.time()
            if job.status != "interrupted":  # shutdown() has recorded it already
                self._record(job)

    def _record(self, job: Job, running: bool = False) -> None:
        """Write a job's run to the store: its final state, or ``running`` when it starts.

        Writes of one job are serialised by its ``store_lock``, and the ``running`` row is
        written only while the job still runs, so a server stop that has already recorded
        the job as interrupted is never overwritten.
        """
        if self.store is None or job.kind != "run":
            return
        if job.runs > 1:
            self._record_ensemble(job)
            return
        with job.store_lock:
            if running and job.status != "running":
                return
            metrics = None
            if job.status == "done" and job.result is not None:
                metrics = job.result.metrics
            try:
                if running:
                    self.store.record(job, "running")
                elif job.status == "interrupted":
                    self.store.mark_interrupted(job)
                else:
                    status = "finished" if job.status == "done" else job.status
                    self._retrying(lambda: self.store.record(job, status, metrics, job.error))
                job.stored = not running
                job.store_error = None
            except Exception as err:  # the store is optional; say so, keep the run, go on
                self._store_failed(job, err)

    def _record_ensemble(self, job: Job) -> None:
        """Write each run of a finished job of several seeds (nothing for an unfinished one:
        its ensemble never returned)."""
        ens = job.result
        if job.status != "done" or ens is None:
            return
        with job.store_lock:
            try:
                for rep, seed in zip(ens.runs["replicate"], ens.runs["seed"], strict=True):
                    m = ens.metrics[ens.metrics["replicate"] == rep].drop(columns=list(ID_COLUMNS))
                    self._retrying(
                        lambda m=m, rep=rep, seed=seed: self.store.record(
                            job, "finished", m.reset_index(drop=True), replicate=int(rep),
                            seed=int(seed),
                        )
                    )  # fmt: skip
                job.stored = True
                job.store_error = None
            except Exception as err:  # the store is optional; say so, keep the run, go on
                self._store_failed(job, err)

    @staticmethod
    def _retrying(write: Callable[[], None]) -> None:
        """Write, retrying with back-off (0.25 s doubling, about 8 s in all) while the store
        is busy (a CLI holding its lock); the last error is raised."""
        for attempt in range(STORE_ATTEMPTS):
            try:
                write()
                return
            except Exception:
                if attempt == STORE_ATTEMPTS - 1:
                    raise
                time.sleep(0.25 * 2**attempt)

    @staticmethod
    def _store_failed(job: Job, err: Exception) -> None:
        log.warning("could not store job %s: %s", job.id, err)
        job.stored = False
        first = str(err).splitlines()[0] if str(err) else ""
        job.store_error = (
            f"not written to the run store after {STORE_ATTEMPTS} attempts "
            f"({type(err).__name__}: {first}); the run is kept here while the server runs: "
            "download its report to keep it"
        )

    @staticmethod
    def _progress(job: Job) -> Callable[[int, int], None]:
        """A progress callback for work run in this process (a test's stand-in)."""

        def cb(done: int, total: int) -> None:
            job.done, job.total = int(done), int(total)
            if job.stop_event.is_set():
                raise JobStoppedError(job.id)

        return cb

    def _run(self, job: Job) -> None:
        if job.runs > 1:
            self._ensemble(job)
            return
        job.warmup_months = 12 * int(job.scenario.warmup_years)
        job.total = job.warmup_months + 12 * job.years
        self._record(job, running=True)
        kw = {"scenario": job.scenario, "years": job.years, "seed": job.seed, "scale": job.scale}
        res = self._in_worker(job, "run", kw)
        job.result = res
        job.simulated_people = int(res.meta.get("simulated_people", 0))
        job.live = None

    def _ensemble(self, job: Job) -> None:
        """Several seeds of one scenario in this job's worker; progress counts runs."""
        job.total = job.runs
        kw = {"runs": job.runs, "seed": job.seed, "years": job.years, "scale": job.scale}
        job.result = self._in_worker(job, "ensemble", {"scenario": job.scenario, **kw})

    def _explain(self, job: Job) -> None:
        fn = explain_function()
        if fn is None:
            raise RuntimeError("explanation is not available in this build")
        job.total = max(job.total, 1)
        kw = {"vs": job.other, "runs": job.runs, "years": job.years, "seed": job.seed, "fn": fn}
        try:
            pickle.dumps(fn)
        except Exception:  # a stand-in defined inside a test: run it here
            job.explanation = fn(
                job.scenario, vs=job.other, runs=job.runs, years=job.years, seed=job.seed,
                scale=job.scale, executor="sequential", progress=self._progress(job),
            )  # fmt: skip
            job.done = job.total
            return
        job.explanation = self._in_worker(
            job, "explain", {"scenario": job.scenario, "scale": job.scale, **kw}
        )
        job.done = job.total

    def _in_worker(self, job: Job, kind: str, kwargs: dict[str, Any]) -> Any:
        """Run ``kind`` in a worker process and relay its messages until its result.

        Raises
        ------
        JobStoppedError
            If the job was stopped (the worker is killed at once, mid-kernel if need be).
        JobFailedError
            If the worker failed, died (e.g. over the memory limit) or passed the time limit.
        """
        ctx = _context()
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_worker_main, args=(kind, kwargs, send, self.memory_bytes), daemon=True
        )
        proc.start()
        send.close()
        with self._lock:
            self._workers[job.id] = proc
        deadline = time.monotonic() + self.time_limit_s
        try:
            while True:
                if job.stop_event.is_set():
                    raise JobStoppedError(job.id)
                if time.monotonic() > deadline:
                    raise JobFailedError(
                        f"stopped at this server's time limit of {self.time_limit_s:g} s per "
                        "job; raise scale or run fewer years"
                    )
                if recv.poll(0.1):
                    try:
                        msg = recv.recv()
                    except EOFError:
                        msg = ("died",)
                elif not proc.is_alive():
                    msg = recv.recv() if recv.poll(0.1) else ("died",)
                else:
                    continue
                tag = msg[0]
                if tag == "progress":
                    job.done, job.total = msg[1], msg[2]
                elif tag == "live":
                    job.live = msg[1]
                elif tag == "result":
                    return msg[1]
                elif tag == "error":
                    raise JobFailedError(msg[1])
                else:
                    proc.join(timeout=5)
                    raise JobFailedError(
                        f"the job's worker process ended without a result (exit code "
                        f"{proc.exitcode}); it may have passed this server's memory limit of "
                        f"{self.memory_bytes / 2**30:.1f} GiB per job"
                    )
        finally:
            with self._lock:
                self._workers.pop(job.id, None)
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=5)
            recv.close()

    # -- stopping --------------------------------------------------------------------------
    def shutdown(self) -> list[Job]:
        """Stop accepting jobs; mark queued and running jobs interrupted (and in the store).

        Returns the jobs interrupted.
        """
        with self._lock:
            self._closed = True
            hit = [j for j in self._jobs.values() if j.status in ACTIVE]
            for j in hit:
                j.status = "interrupted"
                j.error = "the server stopped while this job ran"
                j.finished = time.time()
                j.stop_event.set()
        for j in hit:
            self._record(j)
        with self._lock:
            workers = list(self._workers.values())
        for proc in workers:  # a worker never outlives the server
            if proc.is_alive():
                proc.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        return hit


def jsonable(v: Any) -> Any:
    """A JSON-safe copy of nested values (NumPy scalars, NaN -> None, tuples -> lists)."""
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if v is None or isinstance(v, str | int | float | bool):
        return v
    if isinstance(v, pd.Timestamp):
        return str(v)
    return str(v)


def detail(job: Job) -> dict[str, Any]:
    """Everything the page shows of a job: info, series, summary, attribution."""
    out = job.info()
    metrics = job.result.metrics if job.result is not None else job.live
    out["series"] = series_payload(metrics) if metrics is not None else {}
    out["summary"] = summary_rows(job.result.metrics) if job.result is not None else []
    out["attribution"] = []
    out["total_gap"] = None
    ex = job.explanation
    att = getattr(ex, "attribution", None)
    if isinstance(att, pd.DataFrame):
        cols = [c for c in ("group", "label", "value", "lo", "hi") if c in att.columns]
        out["attribution"] = jsonable(att[cols].to_dict("records"))
        out["total_gap"] = jsonable(float(getattr(ex, "total_gap", np.nan)))
        from rainforest.report.attribution import describe

        d = describe(ex)  # the outcome's name and unit, for the page's chart titles
        out["outcome"] = {"name": d["metric"], "label": d["label"], "unit": d["unit"]}
    return out
