import numpy as np
import pandas as pd
import pytest

from jupyter_automl.data.task import infer_task
from jupyter_automl.errors import ConfigError, DataError
from jupyter_automl.metrics import METRICS, resolve_metric


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["a", "b"] * 10, "binary"),
        (["a", "b", "c"] * 10, "multiclass"),
        ([True, False] * 10, "binary"),
        ([1, 2] * 10, "binary"),
        (list(np.linspace(0, 1, 20)), "regression"),
        ([1, 2, 3, 4, 5] * 4, "multiclass"),
        (list(range(151)) * 2, "regression"),
    ],
)
def test_infer_task_from_target_values(values, task):
    assert infer_task(pd.Series(values, name="y")).task == task


def test_ambiguous_rating_names_the_argument_to_change_it():
    choice = infer_task(pd.Series([1, 2, 3, 4, 5] * 4, name="rating"))
    assert choice.task == "multiclass"
    assert "task='regression'" in choice.message("rating")


def test_requested_task_overrides_inference():
    y = pd.Series([1, 2, 3, 4, 5] * 4, name="rating")
    assert infer_task(y, "regression").task == "regression"
    assert infer_task(y, "classification").task == "multiclass"


def test_multiclass_on_two_classes_says_binary():
    choice = infer_task(pd.Series(["yes", "no"] * 10, name="churn"), "multiclass")
    assert choice.task == "binary"
    assert "task='multiclass' was requested" in choice.message("churn")
    assert "run as binary classification" in choice.message("churn")


def test_constant_target_is_rejected():
    with pytest.raises(DataError, match="1 distinct value"):
        infer_task(pd.Series(["a"] * 10, name="y"))


def test_unknown_task_lists_choices():
    with pytest.raises(ConfigError, match="binary, multiclass, regression"):
        infer_task(pd.Series([1.0, 2.5, 3.1] * 5, name="y"), "clustering")


def test_text_target_cannot_be_regression():
    with pytest.raises(ConfigError, match="numeric target"):
        infer_task(pd.Series(["a", "b", "c"] * 5, name="y"), "regression")


def test_metric_must_fit_the_task():
    with pytest.raises(ConfigError, match="does not apply to a regression task"):
        resolve_metric("roc_auc", "regression")
    with pytest.raises(ConfigError, match="unknown metric 'auc'"):
        resolve_metric("auc", "binary")
    assert resolve_metric(None, "binary") is METRICS["roc_auc"]
    assert resolve_metric("RMSE", "regression") is METRICS["rmse"]
