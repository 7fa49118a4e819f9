"""Request and response models of the dashboard's JSON API (validated by pydantic; shown in the
OpenAPI page at ``/docs``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rainforest.web.scenarios import LEVER_RE


def lever_paths(v: dict[str, Any]) -> dict[str, Any]:
    """``v`` if every key is a lever path, else a ValueError naming the others."""
    bad = [p for p in v if not LEVER_RE.match(p)]
    if bad:
        raise ValueError(
            f"not lever paths: {bad[:5]}; expected regions.<region>.culture.<field> or "
            "regions.<region>.policy.<field>"
        )
    return v


class RunRequest(BaseModel):
    """Start one run of a catalogue scenario."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(
        ..., min_length=1, max_length=200, description="Catalogue id (see GET /api/scenarios)."
    )
    years: int = Field(2, ge=1, le=100, description="Reported years (after the warm-up).")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Random seed.")
    scale: float | None = Field(
        None,
        gt=0,
        le=1e7,
        description="Real people per simulated person (default: the scenario's). Larger is "
        "faster and noisier.",
    )
    levers: dict[str, float | bool] = Field(
        default_factory=dict,
        description="Culture and policy values by path, e.g. "
        "{'regions.hangzhou.policy.service_latency_days': 15}.",
        max_length=500,
    )
    label: str = Field("", max_length=120, description="A name for the run on the page.")
    package: str = Field(
        "",
        max_length=80,
        description="A policy package to adopt (GET /api/packages), applied before the levers.",
    )
    package_region: str = Field(
        "", max_length=80, description="Region the package applies to (default: the only one)."
    )
    runs: int = Field(
        1,
        ge=1,
        le=64,
        description="Seeds (replications). Above 1 the series are means with a 90% band over "
        "runs and the totals carry 90% intervals; each run is stored once all have finished.",
    )

    @field_validator("levers")
    @classmethod
    def _paths(cls, v: dict[str, Any]) -> dict[str, Any]:
        return lever_paths(v)


class ExplainRequest(BaseModel):
    """Explain the gap between two catalogue scenarios."""

    model_config = ConfigDict(extra="forbid")

    a: str = Field(..., min_length=1, max_length=200, description="Catalogue id of scenario A.")
    b: str = Field(..., min_length=1, max_length=200, description="Catalogue id of scenario B.")
    years: int = Field(2, ge=1, le=100)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    scale: float | None = Field(None, gt=0, le=1e7)
    runs: int = Field(4, ge=1, le=256, description="Runs per scenario and lever group.")


class Progress(BaseModel):
    """How far a job has come: simulated months (warm-up included) for a run of one seed,
    finished runs for a run of several seeds or an explanation."""

    done: int
    total: int
    warmup: int


class JobInfo(BaseModel):
    """A job as listed by the API."""

    id: str
    kind: str
    label: str
    scenario_id: str
    scenario: str
    vs: str | None = None
    years: int
    seed: int
    scale: float
    levers: dict[str, Any]
    runs: int = Field(1, description="Seeds (replications) of the job.")
    status: str = Field(description="queued, running, done, failed, stopped or interrupted.")
    progress: Progress
    person_months: float
    created: float
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    has_report: bool
    stored: bool
    store_error: str | None = Field(
        None, description="Why a finished run is not in the run store (it is kept in memory)."
    )


class JobDetail(JobInfo):
    """A job with its series (live while running) and, when done, its summary."""

    series: dict[str, Any] = Field(default_factory=dict)
    summary: list[dict[str, Any]] = Field(default_factory=list)
    attribution: list[dict[str, Any]] = Field(default_factory=list)
    total_gap: float | None = None
    outcome: dict[str, str] | None = Field(
        None, description="An explanation's outcome: name, label and unit."
    )


class ScenarioInfo(BaseModel):
    """A scenario of the catalogue."""

    id: str
    name: str
    description: str
    origin: str = Field(description="preset, added (by the operator) or upload.")
    label_en: str = Field("", description="Menu label in English (e.g. 'Zhangjiang, Shanghai').")
    label_zh: str = Field("", description="Menu label in simplified Chinese (e.g. '张江').")
    group: str = Field("other", description="archetype, place, network or other.")
    regions: list[str]
    years: int
    warmup_years: int
    scale: float
    population: float


class Lever(BaseModel):
    """A culture or policy value of a region, as a slider or a switch."""

    path: str
    region: str
    group: str
    name: str
    label: str
    label_zh: str = ""
    description: str
    unit: str
    value: Any
    default: Any = None
    source: str
    kind: str
    min: float | None = None
    max: float | None = None
    step: float | None = None


class ScenarioDetail(ScenarioInfo):
    """A scenario with its levers."""

    levers: list[Lever]


class RunInfo(BaseModel):
    """A run that can be reopened: a job in memory or a run in the store."""

    run_id: str
    experiment_id: str | None = None
    scenario: str
    seed: int | None = None
    years: int | None = None
    scale: float | None = None
    status: str
    finished: str | None = None
    source: str = Field(description="memory (this server's jobs) or store (the DuckDB file).")
    job_id: str | None = None


class Health(BaseModel):
    """Server limits and capabilities."""

    status: str
    version: str
    max_person_months: float
    max_jobs: int
    active_jobs: int
    store: str | None
    explain_available: bool


class SessionRequest(BaseModel):
    """Open a step-by-step run of a catalogue scenario (advanced a few months per request)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(
        ..., min_length=1, max_length=200, description="Catalogue id (see GET /api/scenarios)."
    )
    years: int = Field(2, ge=1, le=100, description="Reported years (after the warm-up).")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Random seed.")
    scale: float | None = Field(None, gt=0, le=1e7, description="Real people per simulated one.")
    levers: dict[str, float | bool] = Field(default_factory=dict, max_length=500)
    network: bool | None = Field(
        None,
        description="The living network (persistent ties between people, docs/networks.md), "
        "which the network picture draws: true switches it on, false off; absent keeps the "
        "scenario's own switches (off in the default, first edition; on in the second).",
    )

    @field_validator("levers")
    @classmethod
    def _paths(cls, v: dict[str, Any]) -> dict[str, Any]:
        return lever_paths(v)
