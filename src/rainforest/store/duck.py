"""The run store: one embedded DuckDB file with runs, metrics, events and summaries.

Why DuckDB: a single file that anyone can open years later with DuckDB, pandas or Parquet,
with real transactions. Each finished run is written in one transaction (its ``runs`` row,
metrics, events and summaries together), so a crash or ``kill -9`` leaves either the whole
run or nothing; the next attempt of the same experiment sees which runs are finished and
computes only the others. Only the parent process writes (DuckDB allows one writer per file);
workers send results back to it.

Tables
------
experiments
    experiment_id, kind, name, definition (JSON), created, package_version.
runs
    run_id, experiment_id, point, replicate, scenario_name, scenario_hash, scenario_toml,
    parameters (JSON of the point's values), seed, seed_root, seed_index, scale, years,
    package_version, started, finished, wall_s, status, error, simulated_people.
    ``(experiment_id, point, replicate)`` is unique.
metrics
    run_id plus every column of ``Result.metrics``.
events
    run_id plus every column of ``Result.events`` (categories stored as text).
summaries
    run_id, name, x, value: small per-run results computed in the worker (survival curves).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from rainforest.store.paths import resolve_store_path


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says which file and why."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    experiment_id VARCHAR PRIMARY KEY,
    kind VARCHAR,
    name VARCHAR,
    definition VARCHAR,
    created TIMESTAMP,
    package_version VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    experiment_id VARCHAR NOT NULL,
    point INTEGER NOT NULL,
    replicate INTEGER NOT NULL,
    scenario_name VARCHAR,
    scenario_hash VARCHAR,
    scenario_toml VARCHAR,
    parameters VARCHAR,
    seed BIGINT,
    seed_root BIGINT,
    seed_index INTEGER,
    scale DOUBLE,
    years INTEGER,
    package_version VARCHAR,
    started TIMESTAMP,
    finished TIMESTAMP,
    wall_s DOUBLE,
    status VARCHAR,
    error VARCHAR,
    simulated_people BIGINT,
    UNIQUE (experiment_id, point, replicate)
);
CREATE TABLE IF NOT EXISTS summaries (
    run_id VARCHAR,
    name VARCHAR,
    x DOUBLE,
    value DOUBLE
);
"""

RUN_COLUMNS = (
    "run_id",
    "experiment_id",
    "point",
    "replicate",
    "scenario_name",
    "scenario_hash",
    "scenario_toml",
    "parameters",
    "seed",
    "seed_root",
    "seed_index",
    "scale",
    "years",
    "package_version",
    "started",
    "finished",
    "wall_s",
    "status",
    "error",
    "simulated_people",
)
#: what ``runs.status`` holds: experiments write finished or failed runs; the dashboard also
#: records runs while they run, when a user stops them and when the server stops mid-run
RUN_STATUSES = ("finished", "failed", "running", "stopped", "interrupted")


def _utc(ts: float | None) -> dt.datetime | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).replace(tzinfo=None)


class RunStore:
    """An open run store (a DuckDB file).

    Parameters
    ----------
    path
        The ``.duckdb`` file (a folder gets ``runs.duckdb``); default ``$RAINFOREST_STORE`` or
        the per-user file (:func:`rainforest.store.user_store_path`). Created with its folder
        if missing.
    read_only
        Open for reading only (several readers may share a file no one is writing).
    memory_limit
        Cap on DuckDB's buffer pool (it caches written pages; beyond the cap they are
        evicted), so a long experiment's parent process stays bounded. ``None``: DuckDB's
        default (80% of RAM).

    Examples
    --------
    >>> with RunStore(tmp / "runs.duckdb") as st:          # doctest: +SKIP
    ...     st.runs().head()
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        read_only: bool = False,
        memory_limit: str | None = "1GB",
    ):
        import duckdb

        self.path = resolve_store_path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no run store here (run an experiment with a store)")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as err:
            msg = str(err)
            if "lock" in msg.lower():
                raise StoreError(
                    f"{self.path}: the store is in use by another process (DuckDB allows one "
                    f"writer); wait for it to finish or use another --store. "
                    f"({msg.splitlines()[0]})"
                ) from None
            raise StoreError(f"{self.path}: cannot open the run store: {msg}") from None
        except duckdb.Error as err:
            raise StoreError(f"{self.path}: not a DuckDB run store: {err}") from None
        if memory_limit is not None:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self._known: dict[str, set[str]] = {}
        if not read_only:
            self.con.execute(_SCHEMA)

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (releases the file lock)."""
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    def _tables(self) -> set[str]:
        rows = self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        return {r[0] for r in rows}

    def _columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows]

    # -- writing --------------------------------------------------------------------------
    def register_experiment(
        self, experiment_id: str, kind: str, name: str, definition: dict[str, Any], version: str
    ) -> None:
        """Record an experiment once (later calls with the same id are ignored)."""
        self.con.execute(
            "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                experiment_id,
                kind,
                name,
                json.dumps(definition, default=str, sort_keys=True),
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                version,
            ],
        )

    def _ensure_table(self, table: str, frame: Any) -> None:
        """Create ``table`` from ``frame``'s columns, or add columns it lacks (new metrics).

        Known columns are cached, so the common case costs no catalog query.
        """
        names = list(frame.column_names if hasattr(frame, "column_names") else frame.columns)
        known = self._known.get(table)
        if known is not None and known.issuperset(names):
            return
        self.con.register("_rf_frame", frame)
        try:
            if table not in self._tables():
                self.con.execute(
                    f"CREATE TABLE {table} AS SELECT ''::VARCHAR AS run_id, * "
                    "FROM _rf_frame LIMIT 0"
                )
            else:
                have = set(self._columns(table))
                desc = self.con.execute("DESCRIBE SELECT * FROM _rf_frame").fetchall()
                for name, typ, *_ in desc:
                    if name not in have:
                        self.con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {typ}')
            self._known[table] = set(self._columns(table))
        finally:
            self.con.unregister("_rf_frame")

    def write_run(
        self,
        record: dict[str, Any],
        metrics: pd.DataFrame | None,
        events: Any = None,
        summaries: Sequence[tuple[str, float, float]] = (),
    ) -> None:
        """Write one finished (or failed) run atomically, replacing an earlier attempt.

        Parameters
        ----------
        record
            Values for the ``runs`` columns (``started``/``finished`` as POSIX seconds).
        metrics
            The run's metrics table (without ``run_id``), or ``None`` for a failed run.
        events
            The run's events (pandas DataFrame or pyarrow Table), or ``None``.
        summaries
            ``(name, x, value)`` rows.
        """
        run_id = record["run_id"]
        row = {c: record.get(c) for c in RUN_COLUMNS}
        row["started"] = _utc(record.get("started"))
        row["finished"] = _utc(record.get("finished"))
        con = self.con
        # DDL outside the run's transaction: creating tables is idempotent
        if metrics is not None:
            self._ensure_table("metrics", metrics)
        if events is not None:
            self._ensure_table("events", events)
        con.begin()
        try:
            # an earlier attempt (a failed run) is replaced; the primary-key lookup is cheap,
            # the deletes scan their tables and happen only on retries
            if con.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchone():
                tables = self._tables()
                for table in ("metrics", "events", "summaries", "runs"):
                    if table in tables:
                        con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
            cols = ", ".join(RUN_COLUMNS)
            marks = ", ".join("?" for _ in RUN_COLUMNS)
            con.execute(
                f"INSERT INTO runs ({cols}) VALUES ({marks})", [row[c] for c in RUN_COLUMNS]
            )
            for table, frame in (("metrics", metrics), ("events", events)):
                if frame is None:
                    continue
                con.register("_rf_frame", frame)
                try:
                    con.execute(
                        f"INSERT INTO {table} BY NAME SELECT ? AS run_id, * FROM _rf_frame",
                        [run_id],
                    )
                finally:
                    con.unregister("_rf_frame")
            if summaries:
                con.executemany(
                    "INSERT INTO summaries VALUES (?, ?, ?, ?)",
                    [(run_id, n, float(x), float(v)) for n, x, v in summaries],
                )
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def set_status(self, run_ids: Iterable[str], status: str, error: str | None = None) -> int:
        """Change the status (and error) of existing runs in one transaction, leaving their
        other columns and tables as they are; returns how many rows changed.

        Raises
        ------
        StoreError
            If ``status`` is not one the store knows.
        """
        if status not in RUN_STATUSES:
            raise StoreError(
                f"{self.path}: unknown run status {status!r}; expected one of {RUN_STATUSES}"
            )
        ids = [str(r) for r in run_ids]
        if not ids:
            return 0
        con = self.con
        con.begin()
        try:
            n = con.execute(
                "SELECT count(*) FROM runs WHERE list_contains(?, run_id)", [ids]
            ).fetchone()[0]
            con.execute(
                "UPDATE runs SET status = ?, error = ? WHERE list_contains(?, run_id)",
                [status, error, ids],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return int(n)

    # -- reading --------------------------------------------------------------------------
    def finished_runs(self, experiment_id: str) -> pd.DataFrame:
        """Finished runs of an experiment: run_id, point, replicate, seed, scenario_hash."""
        return self.con.execute(
            "SELECT run_id, point, replicate, seed, scenario_hash FROM runs "
            "WHERE experiment_id = ? AND status = 'finished' ORDER BY point, replicate",
            [experiment_id],
        ).df()

    def _select_by_ids(self, table: str, run_ids: Iterable[str], order: str) -> pd.DataFrame:
        if table not in self._tables():
            return pd.DataFrame()
        ids = pd.DataFrame({"run_id": list(run_ids)})
        self.con.register("_rf_ids", ids)
        try:
            return self.con.execute(
                f"SELECT t.* FROM {table} t JOIN _rf_ids USING (run_id) ORDER BY {order}"
            ).df()
        finally:
            self.con.unregister("_rf_ids")

    def load_metrics(self, run_ids: Iterable[str]) -> pd.DataFrame:
        """Metrics of the given runs (``run_id`` first)."""
        return self._select_by_ids("metrics", run_ids, "t.run_id, t.month, t.region")

    def load_summaries(self, run_ids: Iterable[str]) -> pd.DataFrame:
        """Summaries (name, x, value) of the given runs."""
        return self._select_by_ids("summaries", run_ids, "t.run_id, t.name, t.x")

    def experiments(self) -> pd.DataFrame:
        """Every experiment with its number of finished and failed runs."""
        return self.con.execute(
            """
            SELECT e.experiment_id, e.kind, e.name, e.created,
                   count(r.run_id) FILTER (WHERE r.status = 'finished') AS finished,
                   count(r.run_id) FILTER (WHERE r.status = 'failed') AS failed,
                   sum(r.wall_s) AS wall_s
            FROM experiments e LEFT JOIN runs r USING (experiment_id)
            GROUP BY ALL ORDER BY e.created
            """
        ).df()

    def runs(self, experiment_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """The ``runs`` table (without scenario TOML), newest first."""
        cols = ", ".join(c for c in RUN_COLUMNS if c != "scenario_toml")
        sql = f"SELECT {cols} FROM runs"
        args: list[Any] = []
        if experiment_id is not None:
            sql += " WHERE experiment_id = ?"
            args.append(experiment_id)
        sql += " ORDER BY finished DESC, run_id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.con.execute(sql, args).df()

    def run(self, run_id: str) -> dict[str, Any]:
        """One run's ``runs`` row as a dict (a unique prefix of the id is enough)."""
        rows = self.con.execute(
            "SELECT * FROM runs WHERE run_id = ? OR starts_with(run_id, ?) ORDER BY run_id",
            [run_id, run_id],
        ).df()
        exact = rows[rows["run_id"] == run_id]
        if len(exact) == 1:
            rows = exact
        if len(rows) != 1:
            what = "no run" if rows.empty else f"{len(rows)} runs"
            raise StoreError(f"{self.path}: {what} matching {run_id!r}")
        return rows.iloc[0].to_dict()

    def counts(self) -> dict[str, int]:
        """Row counts of every table."""
        return {
            t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in sorted(self._tables())
        }

    def export_parquet(
        self,
        out: str | os.PathLike[str],
        experiment_id: str | None = None,
        run_ids: Sequence[str] | None = None,
    ) -> dict[str, Path]:
        """Write the selected runs' tables as Parquet files in folder ``out``.

        Parameters
        ----------
        out
            Folder (created); gets ``experiments``, ``runs``, ``metrics``, ``events`` and
            ``summaries`` ``.parquet`` files.
        experiment_id, run_ids
            Selection; default every run.

        Returns
        -------
        dict
            Table name to written file.
        """
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        where, args = "TRUE", []
        if experiment_id is not None:
            where += " AND experiment_id = ?"
            args.append(experiment_id)
        ids = None
        if run_ids is not None:
            ids = pd.DataFrame({"run_id": list(run_ids)})
            self.con.register("_rf_ids", ids)
            where += " AND run_id IN (SELECT run_id FROM _rf_ids)"
        written: dict[str, Path] = {}
        try:
            selected = f"SELECT run_id FROM runs WHERE {where}"
            queries = {
                "runs": (f"SELECT * FROM runs WHERE {where}", args),
                "experiments": (
                    f"SELECT * FROM experiments WHERE experiment_id IN "
                    f"(SELECT experiment_id FROM runs WHERE {where})",
                    args,
                ),
            }
            for table in ("metrics", "events", "summaries"):
                if table in self._tables():
                    queries[table] = (
                        f"SELECT * FROM {table} WHERE run_id IN ({selected})",
                        args,
                    )
            for table, (sql, a) in queries.items():
                path = folder / f"{table}.parquet"
                target = str(path).replace("'", "''")
                self.con.execute(f"COPY ({sql}) TO '{target}' (FORMAT PARQUET)", a)
                written[table] = path
        finally:
            if ids is not None:
                self.con.unregister("_rf_ids")
        return written


def open_store(store: Any) -> tuple[RunStore | None, bool]:
    """A store from ``None`` (no store), ``True`` (default path), a path or a RunStore.

    Returns the store and whether the caller owns it (must close it).
    """
    if store is None or store is False:
        return None, False
    if isinstance(store, RunStore):
        return store, False
    if store is True:
        return RunStore(), True
    if isinstance(store, str | os.PathLike):
        return RunStore(store), True
    raise StoreError(f"store must be None, True, a path or a RunStore, got {store!r}")
