"""Charts of the final model on the holdout rows: classification and regression diagnostics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from sklearn import metrics as skm

from .style import COLORS, new_figure

# Maximum number of features in the importance chart; its title gives the total.
TOP_FEATURES = 20

# Maximum length of a feature name on an axis; longer names are cut in the middle.
MAX_NAME_LENGTH = 32


def confusion_matrix_figure(y_true: Any, y_pred: Any, classes: Sequence[Any]) -> go.Figure:
    """Plot holdout counts per (actual, predicted) class, with each cell's share of its row."""
    labels = [str(label) for label in classes]
    counts = skm.confusion_matrix(np.asarray(y_true), np.asarray(y_pred), labels=list(classes))
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    text = [
        [f"{count}<br>{share:.0%}" for count, share in zip(row, share_row, strict=True)]
        for row, share_row in zip(counts, shares, strict=True)
    ]
    figure = new_figure("Confusion matrix (holdout)", "predicted", "actual")
    figure.add_trace(
        go.Heatmap(
            z=shares,
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="actual %{y}, predicted %{x}: %{text}<extra></extra>",
        )
    )
    figure.update_xaxes(type="category", side="bottom")
    figure.update_yaxes(type="category", autorange="reversed")
    return figure


def roc_figure(y_true: Any, proba: Any, classes: Sequence[Any]) -> go.Figure:
    """Plot the ROC curve, one per class (one-vs-rest) when there are more than two."""
    figure = new_figure("ROC curve (holdout)", "false positive rate", "true positive rate")
    for label, color, (positive, scores) in _one_vs_rest(y_true, proba, classes):
        if positive.all() or not positive.any():
            continue  # a curve needs both classes in the holdout
        fpr, tpr, _ = skm.roc_curve(positive, scores)
        auc = skm.auc(fpr, tpr)
        figure.add_trace(
            go.Scatter(
                x=fpr, y=tpr, mode="lines", name=f"{label} (AUC {auc:.3f})", line={"color": color}
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dot", "color": "#999"}
        )
    )
    figure.update_xaxes(range=[0, 1])
    figure.update_yaxes(range=[0, 1.02])
    return figure


def precision_recall_figure(y_true: Any, proba: Any, classes: Sequence[Any]) -> go.Figure:
    """Plot precision against recall, one curve per class (one-vs-rest) when there are more than two."""
    figure = new_figure("Precision-recall curve (holdout)", "recall", "precision")
    for label, color, (positive, scores) in _one_vs_rest(y_true, proba, classes):
        if not positive.any():
            continue
        precision, recall, _ = skm.precision_recall_curve(positive, scores)
        average = skm.average_precision_score(positive, scores)
        figure.add_trace(
            go.Scatter(
                x=recall,
                y=precision,
                mode="lines",
                name=f"{label} (AP {average:.3f})",
                line={"color": color},
            )
        )
    figure.update_xaxes(range=[0, 1])
    figure.update_yaxes(range=[0, 1.02])
    return figure


def predicted_vs_actual_figure(y_true: Any, y_pred: Any) -> go.Figure:
    """Plot each holdout row's prediction against its actual value, with the diagonal."""
    actual = np.asarray(y_true, dtype=float)
    predicted = np.asarray(y_pred, dtype=float)
    figure = new_figure("Predicted vs actual (holdout)", "actual", "predicted")
    figure.add_trace(_rows_trace(actual, predicted, COLORS[0]))
    low = float(np.nanmin([actual.min(), predicted.min()]))
    high = float(np.nanmax([actual.max(), predicted.max()]))
    figure.add_trace(
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            name="perfect",
            line={"dash": "dot", "color": "#999"},
        )
    )
    return figure


def residuals_figure(y_true: Any, y_pred: Any) -> go.Figure:
    """Plot each holdout row's residual (actual minus predicted) against its prediction."""
    actual = np.asarray(y_true, dtype=float)
    predicted = np.asarray(y_pred, dtype=float)
    figure = new_figure("Residuals (holdout)", "predicted", "actual - predicted")
    figure.add_trace(_rows_trace(predicted, actual - predicted, COLORS[1]))
    figure.add_hline(y=0, line={"dash": "dot", "color": "#999"})
    return figure


def feature_importance_figure(
    names: Sequence[Any], importances: Sequence[float], title: str = "Feature importance"
) -> go.Figure:
    """Plot the TOP_FEATURES largest importances as horizontal bars, largest at the top."""
    pairs = sorted(
        zip((str(name) for name in names), importances, strict=True),
        key=lambda pair: pair[1],
        reverse=True,
    )
    shown = pairs[:TOP_FEATURES]
    hidden = len(pairs) - len(shown)
    if hidden > 0:
        title += f" (top {TOP_FEATURES} of {len(pairs)})"
    figure = new_figure(title, "importance", "", height=max(220, 60 + 24 * len(shown)))
    shown.reverse()  # Plotly draws the first bar at the bottom
    figure.add_trace(
        go.Bar(
            x=[value for _, value in shown],
            y=[_short_name(name) for name, _ in shown],
            customdata=[name for name, _ in shown],
            orientation="h",
            marker={"color": COLORS[0]},
            hovertemplate="%{customdata}: %{x:.4g}<extra></extra>",
        )
    )
    figure.update_layout(showlegend=False, margin={"l": 200})
    figure.update_yaxes(type="category", automargin=True)
    return figure


def _one_vs_rest(
    y_true: Any, proba: Any, classes: Sequence[Any]
) -> list[tuple[str, str, tuple[np.ndarray, np.ndarray]]]:
    """Return (label, colour, (is-this-class, score)) per class; only the positive class when binary."""
    actual = np.asarray(y_true)
    scores = np.asarray(proba, dtype=float)
    indices = [1] if len(classes) == 2 else range(len(classes))
    return [
        (str(classes[i]), COLORS[n % len(COLORS)], (actual == classes[i], scores[:, i]))
        for n, i in enumerate(indices)
    ]


def _rows_trace(x: np.ndarray, y: np.ndarray, color: str) -> go.Scatter:
    """Return one marker per holdout row."""
    return go.Scatter(
        x=x, y=y, mode="markers", name="rows", marker={"color": color, "opacity": 0.6, "size": 6}
    )


def _short_name(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    half = (MAX_NAME_LENGTH - 3) // 2
    return f"{name[:half]}...{name[-half:]}"
