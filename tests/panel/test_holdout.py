"""Model charts and permutation importance on real holdout rows, per task."""

from __future__ import annotations

import pytest

from jupyter_automl.panel.holdout import model_figures, permutation_importance
from jupyter_automl.run import Run


def finished_run(df, target, run_dir):
    run = Run(df, target, time_budget=60, max_trials=3, run_dir=run_dir)
    run.start()
    return run, run.wait(timeout=120)


def test_regression_model_figures(tips_df, run_dir):
    run, result = finished_run(tips_df, "tip", run_dir)
    figures = model_figures(result, run.X_holdout_raw, run.split.y_holdout)
    titles = [figure.layout.title.text for figure in figures]
    assert titles[0] == "Predicted vs actual (holdout)"
    assert titles[1] == "Residuals (holdout)"
    assert titles[2].startswith("Permutation importance")
    assert len(figures[0].data[0].x) == len(run.X_holdout_raw)
    assert set(figures[2].data[0].customdata) == {
        str(column) for column in run.X_holdout_raw.columns
    }


def test_multiclass_model_figures(wine_df, run_dir):
    run, result = finished_run(wine_df, "cultivar", run_dir)
    figures = model_figures(result, run.X_holdout_raw, run.split.y_holdout)
    roc = figures[1]
    curves = [trace for trace in roc.data if trace.name != "chance"]
    assert len(curves) == 3
    assert list(figures[0].data[0].x) == [str(label) for label in result.model.classes_]


def test_importance_finds_the_signal(adult_df, run_dir):
    df = adult_df.head(1500).copy()
    df["noise"] = range(len(df))
    run, result = finished_run(df, "income", run_dir)
    importances = permutation_importance(
        result.model, run.X_holdout_raw, run.split.y_holdout, result.metric.name
    )
    assert list(importances.index[:1]) != ["noise"]
    assert importances["noise"] == pytest.approx(0, abs=0.05)
    assert importances.max() > 0.01
