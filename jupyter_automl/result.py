"""The outcome of a finished run: model, scores, trials and where they were saved."""

from __future__ import annotations

import html
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .data.checks import Finding
from .metrics import METRICS, Metric
from .model import Model
from .search.events import Trial

# A run may take this share of its budget, plus one second, before the summary reports an overrun.
BUDGET_TOLERANCE = 1.05

# Shown when a time budget, not max_trials, ended the search.
NOT_DETERMINISTIC = (
    "The search was limited by time, so a repeat with the same random_state can try "
    "other configs; pass max_trials= (with a time_budget that lets them all finish) for "
    "a repeatable search."
)

TRIAL_COLUMNS = [
    "index",
    "learner",
    "loss",
    "metric_value",
    "best_loss",
    "is_best",
    "cost",
    "wall_time",
    "sample_size",
    "config",
]


def trials_frame(trials: list[Trial]) -> pd.DataFrame:
    """Return one row per trial, in the order the trials finished."""
    if not trials:
        return pd.DataFrame(columns=TRIAL_COLUMNS)
    return pd.DataFrame([trial.to_dict() for trial in trials], columns=TRIAL_COLUMNS)


def leaderboard_frame(trials: list[Trial], metric: Metric) -> pd.DataFrame:
    """Return one row per learner: best validation result, trial count and time spent."""
    columns = ["learner", "best_loss", metric.name, "trials", "total_cost", "best_config"]
    if not trials:
        return pd.DataFrame(columns=columns)
    rows = []
    for learner in dict.fromkeys(trial.learner for trial in trials):
        own = [trial for trial in trials if trial.learner == learner]
        best = min(own, key=lambda trial: trial.loss)
        rows.append(
            {
                "learner": learner,
                "best_loss": best.loss,
                metric.name: best.metric_value,
                "trials": len(own),
                "total_cost": sum(trial.cost for trial in own),
                "best_config": best.config,
            }
        )
    board = pd.DataFrame(rows, columns=columns).sort_values("best_loss", kind="stable")
    return board.reset_index(drop=True)


@dataclass
class Result:
    """A finished run. ``holdout_score`` is ``metric`` on rows the search never saw.

    ``status`` is "done" when the budget or convergence ended the search and
    "stopped" when the user stopped it; both come with a usable ``model``.
    """

    task: str
    metric: Metric
    target: Any
    feature_names: list[Any]
    model: Model | None
    holdout_score: float
    holdout_metrics: dict[str, float]
    best_learner: str
    best_config: dict[str, Any]
    best_loss: float
    trials_list: list[Trial]
    status: str
    time_budget: float
    elapsed: float
    random_state: int
    holdout_fraction: float
    n_train: int
    n_holdout: int
    run_dir: Path | None = None
    task_reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    data_name: str | None = None
    deterministic: bool = False
    data_fingerprint: str = ""
    stratified: bool = True
    finished_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M:%S"))

    @property
    def trials(self) -> pd.DataFrame:
        return trials_frame(self.trials_list)

    @property
    def leaderboard(self) -> pd.DataFrame:
        return leaderboard_frame(self.trials_list, self.metric)

    @property
    def metric_name(self) -> str:
        return self.metric.name

    def describe_holdout(self) -> str:
        """Return a line such as ``holdout ROC AUC 0.9212 (higher is better)``."""
        if math.isnan(self.holdout_score):
            return (
                f"holdout {self.metric.label} undefined (the held-out rows lack a class; "
                "other metrics may still be shown)"
            )
        return f"holdout {self.metric.describe(self.holdout_score)}"

    @property
    def overrun_message(self) -> str:
        """Describe an overrun of more than ``BUDGET_TOLERANCE`` times the budget plus 1 s, else ""."""
        if self.elapsed <= BUDGET_TOLERANCE * self.time_budget + 1.0:
            return ""
        return (
            f"The run took {self.elapsed / self.time_budget:.2f} times its budget: a trial "
            "or the final refit could not be cut short. Pass a larger time_budget or "
            "max_trials= to finish on time."
        )

    def summary(self) -> str:
        """Return a short plain-text report of the run."""
        lines = [
            f"{self.task} model for {self.target!r}: {self.best_learner}, {self.describe_holdout()}",
            f"  trained on {self.n_train:,} rows, scored on {self.n_holdout:,} held-out rows "
            f"({self.holdout_fraction:.0%}, random_state={self.random_state})",
            f"  {len(self.trials_list)} trials in {self.elapsed:.1f} s, budget {self.time_budget:g} s; "
            f"status: {self.status}",
        ]
        if self.overrun_message:
            lines.append(f"  {self.overrun_message}")
        others = [
            f"{METRICS[name].label} {value:.4g}"
            for name, value in self.holdout_metrics.items()
            if name != self.metric.name
        ]
        if others:
            lines.append("  other holdout metrics: " + ", ".join(others))
        if not self.deterministic and self.status != "stopped":
            lines.append(f"  {NOT_DETERMINISTIC}")
        if self.run_dir is not None:
            lines.append(f"  saved in {self.run_dir}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Result {self.task} {self.best_learner} {self.describe_holdout()} status={self.status}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(METRICS[name].label)}</td><td>{value:.4g}</td></tr>"
            for name, value in self.holdout_metrics.items()
        )
        board = self.leaderboard.drop(columns=["best_config"]).to_html(
            index=False, float_format="%.4g"
        )
        return (
            f"<p><b>{html.escape(self.task)}</b> model for <code>{html.escape(repr(self.target))}</code>: "
            f"<b>{html.escape(self.best_learner)}</b>, {html.escape(self.describe_holdout())}; "
            f"{len(self.trials_list)} trials, status {html.escape(self.status)}.</p>"
            f"<table><tr><th>holdout metric</th><th>value</th></tr>{rows}</table>{board}"
        )

    def to_summary_dict(self) -> dict[str, Any]:
        """Return the JSON-safe fields written to the run folder's ``summary.json``."""
        return {
            "task": self.task,
            "task_reason": self.task_reason,
            "metric": self.metric.name,
            "metric_direction": self.metric.direction,
            "target": self.target
            if isinstance(self.target, (str, int, float))
            else str(self.target),
            "feature_names": [str(name) for name in self.feature_names],
            "holdout_score": self.holdout_score,
            "holdout_metrics": self.holdout_metrics,
            "best_learner": self.best_learner,
            "best_config": self.best_config,
            "best_loss": self.best_loss,
            "status": self.status,
            "time_budget": self.time_budget,
            "elapsed": self.elapsed,
            "random_state": self.random_state,
            "holdout_fraction": self.holdout_fraction,
            "n_train": self.n_train,
            "n_holdout": self.n_holdout,
            "n_trials": len(self.trials_list),
            "findings": [finding.to_dict() for finding in self.findings],
            "data_name": self.data_name,
            "deterministic": self.deterministic,
            "data_fingerprint": self.data_fingerprint,
            "stratified": self.stratified,
            "finished_at": self.finished_at,
        }

    def to_code(self, data_name: str | None = None) -> str:
        """Return standalone Python source that rebuilds ``model`` and prints the holdout score.

        The source needs only pandas, numpy, scikit-learn and the estimator's own
        library. ``data_name`` is the expression that gives the training DataFrame
        (by default the one given to ``%automl``); without one the code starts with
        a placeholder to fill in.
        """
        from .codegen import generate_code

        return generate_code(self, data_name)

    def to_notebook(
        self,
        path: str | os.PathLike[str],
        data: str | os.PathLike[str] | None = None,
        *,
        overwrite: bool = False,
    ) -> Path:
        """Write a notebook that explains the run and retrains the model; return its path.

        ``data`` is the file the notebook loads the training DataFrame from (CSV,
        Parquet, pickle or Feather); without it the notebook starts with a
        placeholder. An existing file raises ``FileExistsError`` unless
        ``overwrite`` is True.
        """
        from .notebook import write_notebook

        return write_notebook(self, path, data, overwrite=overwrite)
