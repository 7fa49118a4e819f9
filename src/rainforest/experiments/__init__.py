"""Experiments: many runs with honest uncertainty, over one runner.

Declare what varies (:class:`RealParameter`, :class:`IntegerParameter`,
:class:`CategoricalParameter`) and what is measured (:class:`ScalarOutcome`,
:class:`TimeSeriesOutcome`, :class:`SurvivalOutcome`), pick a design (factorial, Latin
hypercube, Sobol, Morris) and call one of

- :func:`ensemble`: one scenario, many seeds;
- :func:`sweep`: a scenario over a design;
- :func:`compare`: several scenarios with the same seeds;
- :func:`sensitivity`: Sobol indices or Morris screening (SALib);
- :func:`calibrate`: fit parameters to targets (optuna TPE).

:func:`rainforest.experiments.diagnosis.diagnose` (``rf.diagnose``) simulates districts and
measures them with :mod:`rainforest.metrics`, ranked against the preset reference
(:mod:`~rainforest.experiments.reference`); it is not imported here, so that loading the
runner does not load the metrics (python-igraph).

Runs go to local processes by default, or to a Dask cluster; every run's seed is derived
from one root with ``SeedSequence.spawn``, so results do not depend on the executor. With a
``store``, runs stream into DuckDB as they finish and an interrupted experiment resumes.
"""

from rainforest.experiments.calibrate import CalibrationResult, calibrate
from rainforest.experiments.compare import Comparison, compare
from rainforest.experiments.designs import (
    Design,
    full_factorial,
    latin_hypercube,
    make_design,
    morris,
    points,
    sobol,
)
from rainforest.experiments.ensemble import Ensemble, ensemble
from rainforest.experiments.executors import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SequentialExecutor,
    make_executor,
)
from rainforest.experiments.experiment_file import Experiment, experiment_from_dict, load_experiment
from rainforest.experiments.outcomes import (
    METRIC_NAMES,
    ScalarOutcome,
    SurvivalOutcome,
    TimeSeriesOutcome,
    default_outcomes,
)
from rainforest.experiments.parameters import (
    CategoricalParameter,
    ExperimentError,
    IntegerParameter,
    RealParameter,
    check_parameters,
)
from rainforest.experiments.seeds import replicate_seeds, seed_for
from rainforest.experiments.sensitivity import SensitivityResult, sensitivity
from rainforest.experiments.sweep import SweepResult, sweep
from rainforest.experiments.targets import Target, parse_targets
from rainforest.experiments.worker import RunFailedError

__all__ = [
    "METRIC_NAMES",
    "CalibrationResult",
    "CategoricalParameter",
    "Comparison",
    "DaskExecutor",
    "Design",
    "Ensemble",
    "Executor",
    "Experiment",
    "ExperimentError",
    "IntegerParameter",
    "ProcessExecutor",
    "RealParameter",
    "RunFailedError",
    "ScalarOutcome",
    "SensitivityResult",
    "SequentialExecutor",
    "SurvivalOutcome",
    "SweepResult",
    "Target",
    "TimeSeriesOutcome",
    "calibrate",
    "check_parameters",
    "compare",
    "default_outcomes",
    "ensemble",
    "experiment_from_dict",
    "full_factorial",
    "latin_hypercube",
    "load_experiment",
    "make_design",
    "make_executor",
    "morris",
    "parse_targets",
    "points",
    "replicate_seeds",
    "seed_for",
    "sensitivity",
    "sobol",
    "sweep",
]
