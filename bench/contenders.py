"""Fit each contender on the same training rows and score it on the same holdout.

Contenders: ours (``jupyter_automl.Run`` with the panel's listeners attached), raw
``flaml.AutoML`` called as its documentation shows, FLAML's zero-shot
``flaml.default`` LightGBM, and LightGBM with its default settings. Both searches
write FLAML's full trial log, so trial counts come from the same source. FLAML and
the panel's widgets are imported when this module loads, so no contender pays for
an import inside its timing.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from flaml import AutoML

from jupyter_automl import Run
from jupyter_automl.metrics import METRICS, REGRESSION
from jupyter_automl.panel import show_panel
from jupyter_automl.search.events import TrialFinished

from .datasets import BenchSet

# How often the raw FLAML side polls its trial log for the first trial, in seconds.
LOG_POLL_INTERVAL = 0.02


@dataclass
class Split:
    """Raw training and holdout rows shared by every contender."""

    X_train: pd.DataFrame
    y_train: pd.Series
    X_holdout: pd.DataFrame
    y_holdout: pd.Series


def shared_split(
    frame: pd.DataFrame, bench_set: BenchSet, seed: int, holdout: float, run_dir: Path
) -> Split:
    """Split ``frame`` exactly as our ``Run`` does for ``seed``, returning the raw rows."""
    run = Run(
        frame,
        bench_set.target,
        task=bench_set.task,
        metric=bench_set.metric,
        time_budget=1,
        holdout=holdout,
        random_state=seed,
        run_dir=run_dir,
    )
    X = frame.drop(columns=[bench_set.target])
    y = frame[bench_set.target]
    train_index, holdout_index = run.split.X_train.index, run.split.X_holdout.index
    return Split(X.loc[train_index], y.loc[train_index], X.loc[holdout_index], y.loc[holdout_index])


def score(bench_set: BenchSet, estimator: Any, X: pd.DataFrame, y: pd.Series) -> float:
    """Compute the set's metric on ``X``, ``y`` in the metric's own units."""
    metric = METRICS[bench_set.metric]
    if bench_set.task == REGRESSION:
        return metric.compute(np.asarray(y), np.asarray(estimator.predict(X)), None)
    proba = np.asarray(estimator.predict_proba(X))
    return metric.compute(np.asarray(y), proba, np.asarray(estimator.classes_))


def run_ours(
    frame: pd.DataFrame,
    bench_set: BenchSet,
    seed: int,
    budget: float,
    holdout: float,
    run_dir: Path,
    with_panel: bool = True,
    starting_points: str | None = None,
    n_concurrent_trials: int = 1,
) -> dict[str, Any]:
    """Run our whole call, from the DataFrame to the scored ``Result``, and time it.

    ``starting_points="data"`` tries FLAML's zero-shot configurations as the first
    trial of each learner (``Run``'s option of that name). With ``n_concurrent_trials``
    above 1 the trials run on Ray, and the record adds the seconds ``Run.start`` took
    to connect to the cluster (or start one), which the time budget does not count.
    """
    first_trial: list[float] = []
    started = time.perf_counter()
    run = Run(
        frame,
        bench_set.target,
        task=bench_set.task,
        metric=bench_set.metric,
        time_budget=budget,
        holdout=holdout,
        random_state=seed,
        run_dir=run_dir,
        starting_points=starting_points or "static",
        n_concurrent_trials=n_concurrent_trials,
    )
    checked = time.perf_counter() - started

    def on_event(event: Any) -> None:
        if isinstance(event, TrialFinished) and not first_trial:
            first_trial.append(time.perf_counter() - started)

    run.add_listener(on_event)
    if with_panel:
        _attach_panel(run)
    start_called = time.perf_counter()
    run.start()
    start_seconds = time.perf_counter() - start_called
    result = run.wait()
    wall = time.perf_counter() - started
    figures = {
        "wall": wall,
        "checks": checked,
        "first_trial": first_trial[0] if first_trial else None,
        "holdout": result.holdout_metrics[bench_set.metric],
        "trials": len(result.trials_list),
        "best_loss": result.best_loss,
        "best_learner": result.best_learner,
        "status": result.status,
    }
    if n_concurrent_trials > 1:
        figures.update(connect=start_seconds, cluster=run.cluster_message)
    return figures


def _attach_panel(run: Run) -> None:
    """Attach the notebook panel's listeners; its text form printed outside Jupyter is dropped."""
    with contextlib.redirect_stdout(io.StringIO()):
        show_panel(run, "result")


def run_flaml(
    split: Split,
    bench_set: BenchSet,
    seed: int,
    budget: float,
    log_path: Path,
    fit_kwargs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run raw ``flaml.AutoML.fit`` with the same budget, metric, seed and learners.

    ``fit_kwargs`` are passed to ``fit`` as well, for example ``{"ensemble": True}``.
    ``final_model`` in the figures names the class of the model FLAML returned.
    """
    automl = AutoML()
    watcher = _FirstLineWatcher(log_path)
    started = time.perf_counter()
    watcher.start(started)
    try:
        automl.fit(
            split.X_train,
            split.y_train,
            task="regression" if bench_set.task == REGRESSION else "classification",
            metric=_flaml_metric(bench_set),
            time_budget=budget,
            seed=seed,
            log_file_name=str(log_path),
            log_type="all",
            verbose=0,
            **(fit_kwargs or {}),
        )
    finally:
        wall = time.perf_counter() - started
        watcher.stop()
    return {
        "wall": wall,
        "first_trial": watcher.first_seen,
        "holdout": score(bench_set, automl, split.X_holdout, split.y_holdout),
        "trials": _count_trials(log_path),
        "best_loss": float(automl.best_loss),
        "best_learner": automl.best_estimator,
        "final_model": type(automl.model).__name__,
    }


def warm_up(frame: pd.DataFrame, target: str) -> None:
    """Fit FLAML once on 500 rows, so the first measured search pays no lazy loading."""
    sample = frame.sample(500, random_state=0)
    X, y = sample.drop(columns=[target]), sample[target]
    AutoML().fit(X, y, task="classification", time_budget=2, verbose=0)


def _flaml_metric(bench_set: BenchSet) -> str:
    if bench_set.metric == "roc_auc" and bench_set.task != "binary":
        return "roc_auc_ovr"
    return bench_set.metric


def _count_trials(log_path: Path) -> int:
    if not log_path.exists():
        return 0
    with open(log_path, encoding="utf-8") as log:
        return sum(1 for line in log if line.strip() and "learner" in json.loads(line))


class _FirstLineWatcher:
    """Poll FLAML's trial log and note when its first trial record appears."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.first_seen: float | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._started = 0.0

    def start(self, started: float) -> None:
        self._started = started
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(LOG_POLL_INTERVAL):
            if self.path.exists() and self.path.stat().st_size > 0:
                self.first_seen = time.perf_counter() - self._started
                return


def lightgbm_frame(X: pd.DataFrame) -> pd.DataFrame:
    """Return ``X`` as LightGBM takes it: text as categories, dates as seconds."""
    frame = X.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame[column] = values.astype("int64") / 1e9
        elif pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype("int64")
        elif not pd.api.types.is_numeric_dtype(values):
            frame[column] = values.astype("category")
    return frame


def run_fixed_lightgbm(
    split: Split, bench_set: BenchSet, seed: int, zero_shot: bool
) -> dict[str, Any]:
    """Fit one LightGBM: FLAML's zero-shot configuration or LightGBM's defaults."""
    if zero_shot:
        from flaml import default as flaml_default

        classifier, regressor = flaml_default.LGBMClassifier, flaml_default.LGBMRegressor
    else:
        import lightgbm

        classifier, regressor = lightgbm.LGBMClassifier, lightgbm.LGBMRegressor
    model_class = regressor if bench_set.task == REGRESSION else classifier
    model = model_class(random_state=seed, verbose=-1)
    X = lightgbm_frame(pd.concat([split.X_train, split.X_holdout]))
    X_train, X_holdout = X.loc[split.X_train.index], X.loc[split.X_holdout.index]
    started = time.perf_counter()
    model.fit(X_train, split.y_train)
    wall = time.perf_counter() - started
    return {"wall": wall, "holdout": score(bench_set, model, X_holdout, split.y_holdout)}
