"""Small messy DataFrames for the data-check tests, generated with a fixed seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jupyter_automl.run import Run


def fit(df: pd.DataFrame, target, run_dir, **options):
    """Run a real search, ended by ``max_trials`` well before the budget, and return its ``Result``."""
    options = {"time_budget": 30, "max_trials": 6, "n_jobs": 1, **options}
    return Run(df, target, run_dir=run_dir, **options).start().wait(timeout=120)


def extension_frame(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """Nullable and pyarrow-backed columns whose values decide the binary target ``y``."""
    rng = np.random.default_rng(seed)
    count = rng.integers(0, 10, rows)
    flag = rng.random(rows) > 0.5
    amount = rng.normal(size=rows)
    level = rng.choice(["low", "mid", "high"], rows)
    score = count + 3 * flag + 2 * amount + np.where(level == "high", 3, 0)
    df = pd.DataFrame(
        {
            "count": pd.array(count, dtype="Int64"),
            "flag": pd.array(flag, dtype="boolean"),
            "amount": pd.array(amount, dtype="Float64"),
            "level": pd.array(level, dtype="string"),
            "visits": pd.Series(rng.integers(0, 5, rows)).astype("int64[pyarrow]"),
            "shop": pd.Series(rng.choice(["north", "south"], rows)).astype("string[pyarrow]"),
            "y": (score > np.median(score)).astype("int64"),
        }
    )
    df.loc[[3, 40], "count"] = pd.NA
    df.loc[[5, 41], "flag"] = pd.NA
    df.loc[[7, 42], "amount"] = pd.NA
    df.loc[[9, 43], "level"] = pd.NA
    return df


def numpy_equivalent(df: pd.DataFrame) -> pd.DataFrame:
    """The same values with NumPy dtypes: numbers and booleans as float64, text as str."""
    converted = {}
    for name, column in df.items():
        if name == "y":
            converted[name] = column
        elif pd.api.types.is_string_dtype(column.dtype):
            converted[name] = column.astype("str")
        else:
            converted[name] = column.to_numpy(dtype="float64", na_value=np.nan)
    return pd.DataFrame(converted, index=df.index)


def hourly_frame(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    """A Berlin-time column crossing the March DST change, and the same instants as text.

    The target is 1 in the working hours 09:00-17:59 local time.
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-20", tz="Europe/Berlin")
    minutes = np.sort(rng.integers(0, 20 * 24 * 60, rows))
    when = pd.Series(start + pd.to_timedelta(minutes, unit="min"))
    hour = when.dt.hour
    text = when.map(lambda stamp: stamp.isoformat())
    df = pd.DataFrame(
        {
            "when": when,
            "when_text": text.astype(object),
            "noise": rng.normal(size=rows),
            "busy": ((hour >= 9) & (hour < 18)).map({True: "yes", False: "no"}),
        }
    )
    df.loc[df.index[::37], "when"] = pd.NaT
    df.loc[df.index[5::41], "when_text"] = None
    return df
