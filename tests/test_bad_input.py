"""Inputs that once failed deep inside a library now fail early with a clear message,
or train correctly."""

import numpy as np
import pandas as pd
import pytest

import jupyter_automl as ja


def _frame(rows=200, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=rows), "b": rng.normal(size=rows)})
    frame["y"] = np.where(frame["a"] + rng.normal(scale=0.5, size=rows) > 0, "yes", "no")
    return frame


def test_second_search_while_one_runs_is_rejected(run_dir):
    first = ja.start(_frame(), "y", time_budget=30, run_dir=run_dir)
    try:
        with pytest.raises(ja.RunInProgressError, match="only one search can run at a time"):
            ja.start(_frame(seed=1), "y", time_budget=5, run_dir=run_dir)
    finally:
        first.stop()
        first.wait()
    assert ja.automl(_frame(seed=1), "y", max_trials=3, run_dir=run_dir, progress=False).model


@pytest.mark.parametrize(
    "labels",
    [["rare"] * 1 + ["common"] * 199, ["A"] * 118 + ["B", "C"]],
    ids=["binary", "multiclass"],
)
def test_class_with_one_row_is_rejected(labels, run_dir):
    frame = _frame(rows=len(labels))
    frame["y"] = labels
    with pytest.raises(ja.DataError, match="too rare: every class needs at least 2 rows"):
        ja.start(frame, "y", run_dir=run_dir)


def test_holdout_without_a_class_gives_nan_score(run_dir):
    frame = _frame()
    frame["y"] = ["rare"] * 2 + ["common"] * 198
    result = ja.automl(frame, "y", max_trials=3, run_dir=run_dir, progress=False)
    assert result.model is not None
    # With 2 rare rows in 200, the 40 held-out rows hold at most one of them, and
    # ROC AUC is undefined without both classes.
    undefined = "roc_auc" not in result.holdout_metrics
    assert np.isnan(result.holdout_score) == undefined
    assert ("undefined" in result.describe_holdout()) == undefined
    assert "accuracy" in result.holdout_metrics


def test_datetime_target_is_rejected(run_dir):
    frame = _frame(150)
    frame["y"] = pd.date_range("2020-01-01", periods=150)
    with pytest.raises(ja.DataError, match="contains dates or durations"):
        ja.start(frame, "y", run_dir=run_dir)


def test_regression_metric_makes_whole_numbers_regression(run_dir):
    frame = pd.DataFrame({"x": np.arange(40.0), "sales": [1, 3, 5, 8] * 10})
    run = ja.Run(frame, "sales", metric="rmse", run_dir=run_dir)
    assert run.task == "regression"
    assert "metric='rmse' is a regression metric" in run.task_message


def test_mape_on_zero_targets_is_rejected(run_dir):
    frame = pd.DataFrame({"x": np.arange(40.0), "sales": [0.0, 3.0, 5.0, 8.0] * 10})
    with pytest.raises(ja.ConfigError, match="'sales' has 10 zero value.*metric='mae'"):
        ja.start(frame, "sales", metric="mape", run_dir=run_dir)


@pytest.mark.parametrize("target", [["y"], ("y",), pd.Series(["y"])])
def test_target_must_be_one_name(target, run_dir):
    with pytest.raises(ja.DataError, match="target must be the name of one column"):
        ja.start(_frame(), target, run_dir=run_dir)


def test_run_dir_that_is_a_file_is_rejected(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("x")
    with pytest.raises(ja.ConfigError, match="is a file"):
        ja.start(_frame(), "y", run_dir=path)


def test_mixed_time_zones_and_huge_values_train(run_dir):
    frame = _frame(150)
    stamps = [
        pd.Timestamp("2024-01-01", tz="UTC"),
        pd.Timestamp("2024-01-02"),
        pd.Timestamp("2024-01-03", tz="Asia/Tokyo"),
    ]
    frame["t"] = pd.Series(stamps * 50, dtype=object)
    frame["big"] = np.random.default_rng(0).normal(size=150) * 1e300
    with pytest.warns(ja.DataQualityWarning):
        result = ja.automl(frame, "y", max_trials=4, run_dir=run_dir, progress=False)
    kinds = {finding.kind for finding in result.findings}
    assert "datetime_objects" in kinds
    assert "infinite_values" in kinds
    predictions = result.model.predict(frame.drop(columns="y").head(5))
    assert set(predictions) <= {"yes", "no"}


def test_predict_rejects_duplicates_and_accepts_empty(run_dir):
    frame = _frame()
    result = ja.automl(frame, "y", max_trials=3, run_dir=run_dir, progress=False)
    rows = frame.drop(columns="y")
    doubled = pd.concat([rows, rows[["a"]]], axis=1)
    with pytest.raises(ja.SchemaError, match="duplicate column names: 'a'"):
        result.model.predict(doubled)
    empty = result.model.predict(rows.head(0))
    assert empty.shape == (0,)
    assert result.model.predict_proba(rows.head(0)).shape == (0, 2)
