"""Model charts on the holdout rows: predictions, diagnostic curves and feature importance."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import charts
from ..metrics import METRICS, REGRESSION

# Holdout rows used for permutation importance, and how often each column is shuffled.
IMPORTANCE_ROWS = 1000
IMPORTANCE_REPEATS = 2


def model_figures(result: Any, X_holdout: pd.DataFrame, y_holdout: pd.Series) -> list[go.Figure]:
    """Build the model's diagnostic figures on the holdout rows of ``result``'s run."""
    model = result.model
    y_true = np.asarray(y_holdout)
    figures: list[go.Figure] = []
    if result.task == REGRESSION:
        y_pred = model.predict(X_holdout)
        figures.append(charts.predicted_vs_actual_figure(y_true, y_pred))
        figures.append(charts.residuals_figure(y_true, y_pred))
    else:
        classes = list(model.classes_)
        proba = model.predict_proba(X_holdout)
        y_pred = model.predict(X_holdout)
        figures.append(charts.confusion_matrix_figure(y_true, y_pred, classes))
        figures.append(charts.roc_figure(y_true, proba, classes))
        figures.append(charts.precision_recall_figure(y_true, proba, classes))
    importances = permutation_importance(model, X_holdout, y_holdout, result.metric.name)
    figures.append(
        charts.feature_importance_figure(
            list(importances.index),
            list(importances.values),
            title=f"Permutation importance (increase in holdout loss, {result.metric.label})",
        )
    )
    return figures


def permutation_importance(
    model: Any, X: pd.DataFrame, y: pd.Series, metric_name: str, random_state: int = 0
) -> pd.Series:
    """Return, per user column, how much shuffling it raises the holdout loss (mean of repeats).

    Shuffling the user's own columns keeps the names readable: one bar per column,
    however FLAML encoded it.
    """
    if len(X) > IMPORTANCE_ROWS:
        X = X.sample(IMPORTANCE_ROWS, random_state=random_state)
        y = y.loc[X.index]
    rng = np.random.default_rng(random_state)
    base = _loss(model, X, y, metric_name)
    drops = {}
    for column in X.columns:
        losses = []
        for _ in range(IMPORTANCE_REPEATS):
            shuffled = X.copy()
            shuffled[column] = X[column].to_numpy()[rng.permutation(len(X))]
            losses.append(_loss(model, shuffled, y, metric_name))
        drops[column] = float(np.mean(losses)) - base
    return pd.Series(drops).sort_values(ascending=False)


def _loss(model: Any, X: pd.DataFrame, y: pd.Series, metric_name: str) -> float:
    metric = METRICS[metric_name]
    y_true = np.asarray(y)
    if model.task == REGRESSION:
        value = metric.compute(y_true, model.predict(X), None)
    else:
        classes = np.asarray(model.classes_)
        prediction = model.predict_proba(X) if metric.needs_proba else model.predict(X)
        value = metric.compute(y_true, prediction, classes)
    return -value if metric.greater_is_better else value
