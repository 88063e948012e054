"""The refitted model keeps the public API, pickles, and renders the data checks' steps."""

from __future__ import annotations

import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import realdata
from generated_code import run_generated_code, run_programs

import jupyter_automl as ja
from jupyter_automl import run as run_module
from jupyter_automl.data.checks import prepare
from jupyter_automl.data.steps import DropColumns
from jupyter_automl.errors import ConfigError, DataQualityWarning, SchemaError


@pytest.fixture(scope="module")
def xgboost_result(tmp_path_factory):
    """A multiclass XGBoost model: the case with a label encoder."""
    return ja.automl(
        realdata.penguins(),
        "species",
        time_budget=30,
        max_trials=2,
        learners=["xgboost"],
        run_dir=tmp_path_factory.mktemp("runs"),
        progress=False,
    )


def test_model_predicts_original_labels(xgboost_result, penguins_df):
    model = xgboost_result.model
    rows = penguins_df.drop(columns=["species"]).head(20)
    assert list(model.classes_) == ["Adelie", "Chinstrap", "Gentoo"]
    assert set(model.predict(rows)) <= set(model.classes_)
    assert model.predict_proba(rows).shape == (20, 3)
    assert model.feature_names_in_ == list(rows.columns)
    assert type(model.pipeline).__module__.startswith("sklearn")
    assert type(model.estimator).__name__ == "XGBClassifier"


def test_model_checks_columns(xgboost_result, penguins_df):
    model = xgboost_result.model
    rows = penguins_df.drop(columns=["species"]).head(5)
    with pytest.raises(SchemaError, match="'island'"):
        model.predict(rows.drop(columns=["island"]))
    shuffled = rows[list(reversed(rows.columns))].assign(extra=1)
    with pytest.warns(DataQualityWarning, match="'extra'"):
        assert np.array_equal(model.predict(shuffled), model.predict(rows))


def test_model_survives_joblib(xgboost_result, penguins_df, tmp_path):
    rows = penguins_df.drop(columns=["species"])
    saved = xgboost_result.run_dir / "model.joblib"
    assert saved.exists()
    loaded = joblib.load(saved)
    assert np.array_equal(loaded.predict(rows), xgboost_result.model.predict(rows))
    assert np.allclose(loaded.predict_proba(rows), xgboost_result.model.predict_proba(rows))
    reloaded = ja.load_run(xgboost_result.run_dir)
    assert reloaded.to_code() == xgboost_result.to_code()


def test_learners_outside_codegen_rejected(tips_df, tmp_path):
    with pytest.raises(ConfigError, match="'catboost' is not searched, because its final model"):
        ja.Run(tips_df, "tip", learners=["catboost"], run_dir=tmp_path)
    with pytest.raises(ConfigError, match="'lrl1' .* cannot predict the numeric target"):
        ja.Run(tips_df, "tip", learners=["lrl1"], run_dir=tmp_path)
    with pytest.raises(
        ConfigError, match="'lgbmm' is not available for a regression task; did you mean 'lgbm'"
    ):
        ja.Run(tips_df, "tip", learners=["lgbmm"], run_dir=tmp_path)
    with pytest.raises(ConfigError, match="non-empty list"):
        ja.Run(tips_df, "tip", learners="lgbm", run_dir=tmp_path)


def test_steps_appear_in_code_and_reproduce(monkeypatch, adult_df, tmp_path):
    step = DropColumns(["fnlwgt", "education"], reason="dropped by a test check")

    def prepare_with_step(df, target, **options):
        prepared = prepare(df, target, **options)
        prepared.steps.append(step)
        return prepared

    monkeypatch.setattr(run_module, "prepare", prepare_with_step)
    frame = adult_df.head(1500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = ja.automl(
            frame,
            "income",
            time_budget=30,
            max_trials=2,
            learners=["rf"],
            run_dir=tmp_path / "runs",
            progress=False,
        )
    assert step.to_code("X")[0] in result.to_code("data_frame")
    assert "fnlwgt" not in result.model.plan.columns

    generated = run_generated_code(result, frame, tmp_path)
    holdout = ja.last_run().X_holdout_raw
    assert np.array_equal(generated.predictions, result.model.predict(holdout))
    assert generated.score == pytest.approx(result.holdout_score, rel=1e-9)


def test_dropped_target_rows_reproduce(penguins_df, tmp_path):
    frame = penguins_df.copy()
    frame.loc[[3, 10], "species"] = None
    frame.loc[20, "species"] = "  "
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = ja.automl(
            frame,
            "species",
            time_budget=30,
            max_trials=2,
            learners=["lgbm"],
            run_dir=tmp_path / "runs",
            progress=False,
        )
    assert result.n_train + result.n_holdout == len(frame) - 3
    assert "data = data.loc[~unusable]" in result.to_code("data_frame")

    generated = run_generated_code(result, frame, tmp_path)
    holdout = ja.last_run().X_holdout_raw
    assert generated.holdout_index == list(holdout.index)
    assert np.allclose(generated.proba, result.model.predict_proba(holdout))
    assert generated.score == pytest.approx(result.holdout_score, rel=1e-9)


def test_whole_number_labels_with_missing_rows_reproduce(tmp_path):
    rng = np.random.default_rng(12)
    rows = 200
    frame = pd.DataFrame({"x": rng.normal(size=rows), "noise": rng.normal(size=rows)})
    frame["label"] = np.where(frame["x"] > 0, 1.0, 0.0)
    frame.loc[[2, 30], "label"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = ja.automl(
            frame,
            "label",
            time_budget=30,
            max_trials=2,
            learners=["lgbm"],
            run_dir=tmp_path / "runs",
            progress=False,
        )

    generated = run_generated_code(result, frame, tmp_path)
    holdout = ja.last_run().X_holdout_raw
    assert generated.predictions.dtype == np.int64
    assert np.array_equal(generated.predictions, result.model.predict(holdout))
    assert generated.score == pytest.approx(result.holdout_score, rel=1e-9)


def test_new_rows_predict_alike_in_code(tmp_path):
    rng = np.random.default_rng(13)
    rows = 300
    frame = pd.DataFrame(
        {
            "city": rng.choice(["A", "B", "C"], rows),
            "day": pd.date_range("2025-01-01", periods=rows, freq="D"),
            "x": rng.normal(size=rows),
        }
    )
    frame["y"] = (
        np.where(frame["city"] == "C", 4.0, 0.0)
        + frame["day"].dt.dayofweek.isin([5, 6]) * 3.0
        + frame["x"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = ja.automl(
            frame,
            "y",
            time_budget=30,
            max_trials=4,
            learners=["lgbm"],
            run_dir=tmp_path / "runs",
            progress=False,
        )
    new_rows = pd.DataFrame(
        {
            "city": ["B", "C", "C", "Z", None],
            "day": ["2025-03-01", "2025-03-02 14:30", None, "2025-03-04", "not a date"],
            "x": [0.0, 0.5, -0.5, 0.1, 0.2],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        expected = result.model.predict(new_rows)

    generated = run_generated_code(result, frame, tmp_path, new_rows=new_rows)
    assert np.allclose(generated.new_predictions, expected)
    assert np.isfinite(generated.new_predictions).all()


def test_code_without_data_name_asks_for_data(xgboost_result, tmp_path):
    code = xgboost_result.to_code()
    assert "data = None" in code
    program = tmp_path / "placeholder.py"
    program.write_text(code, encoding="utf-8")
    outcome = run_programs([program], tmp_path)[program]
    assert outcome.startswith("ValueError: set data to the DataFrame")
    assert "data = df  #" in xgboost_result.to_code("df")
    assert "data = None" in xgboost_result.to_code("df\nimport os")
