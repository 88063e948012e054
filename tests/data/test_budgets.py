"""Tiny budgets, wide frames and repeatable searches, with real FLAML runs."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from jupyter_automl.data.checks import prepare
from jupyter_automl.data.steps import steps_to_code
from jupyter_automl.errors import BudgetError
from jupyter_automl.result import NOT_DETERMINISTIC
from jupyter_automl.run import Run


def classification_frame(rows: int, columns: int, dtype: str = "float64") -> pd.DataFrame:
    X, y = make_classification(
        rows, columns, n_informative=min(8, columns), n_redundant=0, random_state=0
    )
    df = pd.DataFrame(X.astype(dtype), columns=[f"f{i}" for i in range(columns)])
    df["y"] = y
    return df


def test_one_second_budget_on_20000_rows(run_dir):
    df = classification_frame(20_000, 32)
    run = Run(df, "y", time_budget=1, run_dir=run_dir, n_jobs=1).start()
    try:
        result = run.wait(timeout=120)
    except BudgetError as error:
        message = str(error)
        assert "time_budget=1 s on 20,000 rows x 32 columns" in message
        suggested = float(message.split("time_budget=")[-1].split()[0])
        assert suggested >= 10
    else:
        assert result.model is not None
        assert result.best_learner
        assert len(result.model.predict(df.drop(columns="y").head(5))) == 5
    assert run.done


def test_wide_float32_frame(run_dir):
    df = classification_frame(500, 2_000, "float32")
    started = time.time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = Run(df, "y", time_budget=10, learners=["lgbm", "rf"], run_dir=run_dir, n_jobs=1)
        result = run.start().wait(timeout=180)
    pandas_warnings = [
        w for w in caught if "pandas" in w.filename or "Performance" in str(w.category)
    ]
    assert pandas_warnings == []
    assert result.trials_list[0].wall_time < 10
    assert result.elapsed < 10 + 15  # the final refit and scoring run after the search
    assert time.time() - started < 120
    importances = result.model.feature_importances_
    assert len(importances) == 2_000
    assert set(importances.index[:8]) <= set(df.columns)
    assert [step for step in run.steps if type(step).__name__ == "DropColumns"] == []


def test_ten_thousand_columns_checks():
    df = classification_frame(500, 10_000, "float32")
    started = time.time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepared = prepare(df, "y")
        features = prepared.features()
    assert [str(w.message)[:80] for w in caught] == []
    assert time.time() - started < 60
    assert features.shape == (500, 10_000)
    assert (features.dtypes == np.float32).all()
    code = steps_to_code(prepared.steps, "X")
    assert len(code) <= 12
    assert max(len(line) for line in code) < 120


def test_max_trials_search_repeats(run_dir):
    df = classification_frame(600, 8)
    options = dict(time_budget=60, max_trials=5, random_state=7, learners=["lgbm", "rf"], n_jobs=1)
    first = Run(df, "y", run_dir=run_dir / "a", **options).start().wait(timeout=120)
    second = Run(df, "y", run_dir=run_dir / "b", **options).start().wait(timeout=120)
    assert first.deterministic
    assert first.best_learner == second.best_learner
    assert first.best_config == second.best_config
    assert first.holdout_score == second.holdout_score
    assert NOT_DETERMINISTIC not in first.summary()
    assert "limited by max_trials, not by time" in first.to_code()


def test_time_budget_search_says_not_repeatable(run_dir):
    df = classification_frame(300, 5)
    result = (
        Run(df, "y", time_budget=3, learners=["lgbm"], run_dir=run_dir, n_jobs=1)
        .start()
        .wait(timeout=120)
    )
    assert not result.deterministic
    assert NOT_DETERMINISTIC in result.summary()
    assert "max_trials=" in NOT_DETERMINISTIC
    assert "search that chose this pipeline is not deterministic" in result.to_code()


@pytest.mark.parametrize("learner", ["lgbm", "xgboost"])
def test_inf_row_at_predict_every_learner(run_dir, learner):
    df = classification_frame(300, 4)
    result = Run(
        df, "y", time_budget=20, max_trials=2, learners=[learner], run_dir=run_dir, n_jobs=1
    )
    result = result.start().wait(timeout=120)
    row = df.drop(columns="y").head(2).copy()
    row.loc[row.index[0], "f1"] = -np.inf
    with pytest.warns(UserWarning, match="'f1'"):
        assert len(result.model.predict(row)) == 2
