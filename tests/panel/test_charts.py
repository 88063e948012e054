"""Chart builders on plain trials and holdout predictions."""

from __future__ import annotations

import numpy as np
import pytest

from jupyter_automl import charts
from jupyter_automl.charts.model import MAX_NAME_LENGTH, TOP_FEATURES
from jupyter_automl.metrics import METRICS
from jupyter_automl.search.events import Trial

ROC_AUC = METRICS["roc_auc"]


def make_trials(losses: list[float], learners: list[str]) -> list[Trial]:
    trials = []
    best = float("inf")
    for index, (loss, learner) in enumerate(zip(losses, learners, strict=True)):
        best = min(best, loss)
        trials.append(
            Trial(
                index=index,
                learner=learner,
                config={"n_estimators": index + 4, "learning_rate": 0.1},
                loss=loss,
                metric_value=1 - loss,
                cost=0.5,
                wall_time=float(index + 1),
                sample_size=100,
                best_loss=best,
                is_best=loss == best,
            )
        )
    return trials


def trial_traces(figure):
    return [trace for trace in figure.data if trace.meta == charts.TRIALS_TRACE]


def test_progress_one_point_per_trial():
    trials = make_trials([0.3, 0.2, 0.25, 0.1, 0.15], ["lgbm", "rf", "lgbm", "xgboost", "rf"])
    figure = charts.search_progress_figure(trials, ROC_AUC, time_budget=10)
    traces = trial_traces(figure)
    assert sorted(trace.name for trace in traces) == ["lgbm", "rf", "xgboost"]
    assert sum(len(trace.x) for trace in traces) == 5
    rf = next(trace for trace in traces if trace.name == "rf")
    assert list(rf.y) == [0.2, 0.15]


def test_progress_best_line_steps_down():
    trials = make_trials([0.3, 0.2, 0.25, 0.1, 0.15], ["lgbm"] * 5)
    figure = charts.search_progress_figure(trials, ROC_AUC)
    line = next(trace for trace in figure.data if trace.name == "best so far")
    assert line.line.shape == "hv"
    assert list(line.x) == [1.0, 2.0, 4.0, 5.0]
    assert list(line.y) == [0.3, 0.2, 0.1, 0.1]


def test_progress_hover_shows_config():
    trials = make_trials([0.3], ["lgbm"])
    figure = charts.search_progress_figure(trials, ROC_AUC)
    hover = trial_traces(figure)[0].customdata[0][2]
    assert "n_estimators" in hover
    assert "learning_rate" in hover


def test_progress_with_no_trials():
    figure = charts.search_progress_figure([], ROC_AUC, time_budget=30)
    assert trial_traces(figure) == []
    assert figure.layout.xaxis.range == (0, 30.6)


def test_leaderboard_best_learner_on_top():
    trials = make_trials([0.3, 0.2, 0.25, 0.1], ["lgbm", "rf", "lgbm", "xgboost"])
    figure = charts.leaderboard_figure(trials, ROC_AUC)
    bar = figure.data[0]
    # Plotly draws the last bar at the top of a horizontal bar chart.
    assert list(bar.y) == ["lgbm", "rf", "xgboost"]
    assert list(bar.x) == [0.25, 0.2, 0.1]
    assert "2 trials" in bar.text[0]


def test_confusion_matrix_counts_and_shares():
    y_true = np.array(["no", "no", "no", "yes", "yes"])
    y_pred = np.array(["no", "yes", "no", "yes", "yes"])
    figure = charts.confusion_matrix_figure(y_true, y_pred, ["no", "yes"])
    heatmap = figure.data[0]
    assert heatmap.text[0][0] == "2<br>67%"
    assert heatmap.text[0][1] == "1<br>33%"
    assert heatmap.text[1][1] == "2<br>100%"


def test_roc_binary_has_one_curve_and_auc():
    rng = np.random.default_rng(0)
    y_true = np.array(["a", "b"] * 50)
    proba_b = np.where(y_true == "b", 0.8, 0.2) + rng.normal(0, 0.2, 100)
    proba = np.column_stack([1 - proba_b, proba_b])
    figure = charts.roc_figure(y_true, proba, ["a", "b"])
    curves = [trace for trace in figure.data if trace.name != "chance"]
    assert len(curves) == 1
    assert curves[0].name.startswith("b (AUC 0.9")


def test_roc_multiclass_one_curve_per_class():
    y_true = np.array(["x", "y", "z"] * 20)
    proba = np.eye(3)[np.tile([0, 1, 2], 20)] * 0.7 + 0.1
    roc = charts.roc_figure(y_true, proba, ["x", "y", "z"])
    pr = charts.precision_recall_figure(y_true, proba, ["x", "y", "z"])
    assert len([trace for trace in roc.data if trace.name != "chance"]) == 3
    assert len(pr.data) == 3


def test_regression_figures_use_every_row():
    actual = np.array([1.0, 2.0, 3.0, 4.0])
    predicted = np.array([1.5, 1.5, 3.5, 3.0])
    scatter = charts.predicted_vs_actual_figure(actual, predicted)
    residuals = charts.residuals_figure(actual, predicted)
    assert list(scatter.data[0].y) == [1.5, 1.5, 3.5, 3.0]
    assert list(scatter.data[1].x) == [1.0, 4.0]
    assert list(residuals.data[0].y) == [-0.5, 0.5, -0.5, 1.0]


def test_feature_importance_top_and_short_names():
    names = [f"feature_{index}" for index in range(30)] + ["a" * 80]
    values = list(range(30)) + [100]
    figure = charts.feature_importance_figure(names, values)
    bar = figure.data[0]
    assert len(bar.y) == TOP_FEATURES
    assert bar.customdata[-1] == "a" * 80
    assert len(bar.y[-1]) <= MAX_NAME_LENGTH
    assert bar.y[-2] == "feature_29"
    assert "top 20 of 31" in figure.layout.title.text


def test_feature_importance_length_mismatch():
    with pytest.raises(ValueError):
        charts.feature_importance_figure(["a", "b"], [1.0])
