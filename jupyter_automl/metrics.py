"""Metrics the search can optimise, with their direction and how to compute them.

FLAML minimises a *loss*. For a metric where greater is better (ROC AUC, R2,
accuracy), FLAML's loss is ``1 - value``; for the others (log loss, RMSE) the loss
is the value itself. A metric *value* here is always in the metric's own units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn import metrics as skm

from .errors import ConfigError

BINARY = "binary"
MULTICLASS = "multiclass"
REGRESSION = "regression"
TASKS = (BINARY, MULTICLASS, REGRESSION)


@dataclass(frozen=True)
class Metric:
    """A metric FLAML can optimise, and how to compute it on a holdout set."""

    name: str
    label: str
    greater_is_better: bool
    needs_proba: bool
    tasks: tuple[str, ...]
    compute: Callable[[Any, Any, Any], float]

    @property
    def direction(self) -> str:
        return "higher is better" if self.greater_is_better else "lower is better"

    def loss_to_value(self, loss: float) -> float:
        """Convert FLAML's validation loss into the metric's own units."""
        return 1.0 - loss if self.greater_is_better else loss

    def describe(self, value: float) -> str:
        """Format a value with the metric's name and direction, e.g. ``ROC AUC 0.9120 (higher is better)``."""
        return f"{self.label} {value:.4g} ({self.direction})"


def _positive_proba(proba: np.ndarray) -> np.ndarray:
    return np.asarray(proba)[:, 1]


def _roc_auc(y_true, proba, classes) -> float:
    if len(classes) == 2:
        return float(skm.roc_auc_score(y_true == classes[1], _positive_proba(proba)))
    return float(skm.roc_auc_score(y_true, proba, multi_class="ovr", labels=classes))


def _log_loss(y_true, proba, classes) -> float:
    return float(skm.log_loss(y_true, proba, labels=classes))


def _average_precision(y_true, proba, classes) -> float:
    return float(skm.average_precision_score(y_true == classes[1], _positive_proba(proba)))


def _accuracy(y_true, y_pred, classes) -> float:
    return float(skm.accuracy_score(y_true, y_pred))


def _f1(y_true, y_pred, classes) -> float:
    return float(skm.f1_score(y_true == classes[1], y_pred == classes[1]))


def _macro_f1(y_true, y_pred, classes) -> float:
    return float(skm.f1_score(y_true, y_pred, average="macro", labels=classes))


def _r2(y_true, y_pred, classes) -> float:
    return float(skm.r2_score(y_true, y_pred))


def _rmse(y_true, y_pred, classes) -> float:
    return float(np.sqrt(skm.mean_squared_error(y_true, y_pred)))


def _mae(y_true, y_pred, classes) -> float:
    return float(skm.mean_absolute_error(y_true, y_pred))


def _mape(y_true, y_pred, classes) -> float:
    return float(skm.mean_absolute_percentage_error(y_true, y_pred))


_CLASSIFICATION = (BINARY, MULTICLASS)

METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("roc_auc", "ROC AUC", True, True, _CLASSIFICATION, _roc_auc),
        Metric("log_loss", "log loss", False, True, _CLASSIFICATION, _log_loss),
        Metric("ap", "average precision", True, True, (BINARY,), _average_precision),
        Metric("accuracy", "accuracy", True, False, _CLASSIFICATION, _accuracy),
        Metric("f1", "F1", True, False, (BINARY,), _f1),
        Metric("macro_f1", "macro F1", True, False, (MULTICLASS,), _macro_f1),
        Metric("r2", "R2", True, False, (REGRESSION,), _r2),
        Metric("rmse", "RMSE", False, False, (REGRESSION,), _rmse),
        Metric("mae", "MAE", False, False, (REGRESSION,), _mae),
        Metric("mape", "MAPE", False, False, (REGRESSION,), _mape),
    )
}

DEFAULT_METRIC = {BINARY: "roc_auc", MULTICLASS: "log_loss", REGRESSION: "r2"}

# Metrics reported on the holdout besides the optimised one, in display order.
REPORTED_METRICS = {
    BINARY: ("roc_auc", "ap", "accuracy", "f1", "log_loss"),
    MULTICLASS: ("log_loss", "accuracy", "macro_f1", "roc_auc"),
    REGRESSION: ("r2", "rmse", "mae"),
}

# FLAML's name for a metric when it differs from ours.
FLAML_METRIC_NAMES = {("roc_auc", MULTICLASS): "roc_auc_ovr"}


def resolve_metric(name: str | None, task: str) -> Metric:
    """Return the metric called ``name`` (the task's default when None), checking it fits the task."""
    if name is None:
        return METRICS[DEFAULT_METRIC[task]]
    key = str(name).strip().lower()
    if key not in METRICS:
        choices = ", ".join(m for m in METRICS if task in METRICS[m].tasks)
        raise ConfigError(f"unknown metric {name!r}; for a {task} task use one of: {choices}")
    metric = METRICS[key]
    if task not in metric.tasks:
        choices = ", ".join(m for m in METRICS if task in METRICS[m].tasks)
        raise ConfigError(f"metric {name!r} does not apply to a {task} task; use one of: {choices}")
    return metric


def metric_requires_regression(name: str | None) -> bool:
    """Tell whether the metric called ``name`` applies to regression only."""
    metric = METRICS.get(str(name).strip().lower()) if name is not None else None
    return metric is not None and metric.tasks == (REGRESSION,)


def check_metric_fits_target(metric: Metric, y: Any) -> None:
    """Raise ``ConfigError`` when ``metric`` is undefined for target values ``y``.

    MAPE divides by each target value. scikit-learn replaces a zero divisor with
    machine epsilon, so a zero target adds about 4.5e15 times its absolute error.
    """
    if metric.name != "mape":
        return
    zeros = int((np.asarray(y, dtype=float) == 0).sum())
    if zeros:
        raise ConfigError(
            f"metric='mape' divides by the target, but {getattr(y, 'name', 'the target')!r} "
            f"has {zeros} zero value(s), where it is undefined; use metric='mae' or "
            "metric='rmse', or drop those rows"
        )


def flaml_metric_name(metric: Metric, task: str) -> str:
    return FLAML_METRIC_NAMES.get((metric.name, task), metric.name)


def evaluate(model: Any, X, y, task: str, optimised: str) -> dict[str, float]:
    """Compute the optimised metric, then the others reported for ``task``, on ``X`` and ``y``.

    A metric that is undefined on these rows, such as ROC AUC on a holdout with a
    single class, is left out of the returned dict.
    """
    names = dict.fromkeys((optimised, *REPORTED_METRICS[task]))
    y_true = np.asarray(y)
    y_pred = np.asarray(model.predict(X))
    values: dict[str, float] = {}
    if task == REGRESSION:
        for name in names:
            values[name] = METRICS[name].compute(y_true, y_pred, None)
        return values
    classes = np.asarray(model.classes_)
    proba = np.asarray(model.predict_proba(X))
    single_class = len(np.unique(y_true)) < 2
    for name in names:
        metric = METRICS[name]
        if single_class and name in ("roc_auc", "ap"):
            continue
        try:
            values[name] = metric.compute(y_true, proba if metric.needs_proba else y_pred, classes)
        except ValueError:
            continue  # for example log loss when the holdout has a class the model never saw
    return values
