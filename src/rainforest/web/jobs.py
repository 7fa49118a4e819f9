"""Background jobs of the dashboard: runs (and explanations) in a thread pool, with progress,
live series, stop, and a clean record when the server stops mid-job.

A run job is :func:`rainforest.simulate` with an ``on_month`` callback, so the page can draw
the series while they grow; a job of several seeds is :func:`rainforest.experiments.ensemble`
and an explanation is :func:`rainforest.explain.explain`. Stopping is cooperative (checked
after every month or run). The pool has ``max_jobs`` threads and the manager refuses new jobs
while that many are queued or running.
"""

from __future__ import annotations

import logging
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


def _replicated(metrics: pd.DataFrame) -> bool:
    """Whether a metrics table holds several runs (an ensemble's ``replicate`` column)."""
    return "replicate" in metrics.columns and metrics["replicate"].nunique() > 1


def _round(values: np.ndarray) -> list:
    return [None if not np.isfinite(v) else round(float(v), 4) for v in values]


def series_payload(metrics: pd.DataFrame, names: tuple[str, ...] = SERIES_METRICS) -> dict:
    """A metrics table as JSON-ready series: months, regions and ``metric -> region -> values``.

    For several runs (an ensemble's table) the values are means over runs, and ``lo``/``hi``
    hold the 5% and 95% quantiles in the same layout (``runs`` says how many)."""
    if metrics is None or metrics.empty:
        return {"months": [], "regions": [], "metrics": {}, "units": {}, "labels": {}}
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


SUMMARY_FLOWS = ("foundings", "failures", "ipos", "unicorns", "patents", "output")
SUMMARY_STOCKS = ("people", "startups_alive", "firms")


def _totals(m: pd.DataFrame) -> pd.DataFrame:
    """Per-region totals of one run: flows summed, stocks at the last month, in page order."""
    reg = m["region"].astype(str)
    flows = [c for c in SUMMARY_FLOWS if c in m.columns]
    stocks = [c for c in SUMMARY_STOCKS if c in m.columns]
    t = m.groupby(reg, sort=False)[flows].sum()
    last = m[m["month"] == m["month"].max()]
    t = t.join(last.set_index(last["region"].astype(str))[stocks])
    return t[[*stocks[:1], *flows[:-2], *stocks[1:], *flows[-2:]]]


def summary_rows(metrics: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-region totals of a metrics table (flows summed, stocks at the last month), as
    JSON-ready rows: region, people, foundings, failures, ipos, unicorns, startups_alive, firms,
    patents, output (million yuan). For several runs each value is ``{"mean", "lo", "hi"}``
    (mean and 90% interval over runs)."""
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
    """

    def __init__(self, max_jobs: int = 2, store: Any = None, keep: int = 100):
        self.max_jobs = max(1, int(max_jobs))
        self.store = store
        self.keep = keep
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
                    job.error = f"{type(err).__name__}: {err}"
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
                    self.store.record(job, status, metrics, job.error)
                job.stored = not running
            except Exception as err:  # the store is optional; say so and go on
                log.warning("could not store job %s: %s", job.id, err)

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
                    self.store.record(
                        job, "finished", m.reset_index(drop=True), replicate=int(rep),
                        seed=int(seed),
                    )  # fmt: skip
                job.stored = True
            except Exception as err:  # the store is optional; say so and go on
                log.warning("could not store job %s: %s", job.id, err)

    def _progress(self, job: Job) -> Callable[[int, int], None]:
        """A progress callback that counts months and stops the job when asked to."""

        def cb(done: int, total: int) -> None:
            job.done, job.total = int(done), int(total)
            if job.stop_event.is_set():
                raise JobStoppedError(job.id)

        return cb

    @staticmethod
    def _live(job: Job) -> Callable[[int, int, Callable[[], pd.DataFrame]], None]:
        """An ``on_month`` callback that refreshes the live series at most four times a second."""
        last = [0.0]

        def cb(done: int, total: int, metrics_so_far: Callable[[], pd.DataFrame]) -> None:
            now = time.monotonic()
            if now - last[0] > 0.25 or done == total:
                last[0] = now
                job.live = metrics_so_far()

        return cb

    def _run(self, job: Job) -> None:
        if job.runs > 1:
            self._ensemble(job)
            return
        job.warmup_months = 12 * int(job.scenario.warmup_years)
        job.total = job.warmup_months + 12 * job.years
        self._record(job, running=True)
        res = simulate(
            job.scenario,
            years=job.years,
            seed=job.seed,
            scale=job.scale,
            progress=self._progress(job),
            on_month=self._live(job),
        )
        job.result = res
        job.simulated_people = int(res.meta.get("simulated_people", 0))
        job.live = None

    def _ensemble(self, job: Job) -> None:
        """Several seeds of one scenario in this job's thread; progress counts runs."""
        job.total = job.runs
        job.result = ensemble(
            job.scenario,
            runs=job.runs,
            seed=job.seed,
            years=job.years,
            scale=job.scale,
            executor="sequential",
            progress=self._progress(job),
        )

    def _explain(self, job: Job) -> None:
        fn = explain_function()
        if fn is None:
            raise RuntimeError("explanation is not available in this build")
        job.total = max(job.total, 1)
        job.explanation = fn(
            job.scenario,
            vs=job.other,
            runs=job.runs,
            years=job.years,
            seed=job.seed,
            scale=job.scale,
            executor="sequential",
            progress=self._progress(job),
        )
        job.done = job.total

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
    return out
