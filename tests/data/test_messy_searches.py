"""Messy frames through real, short FLAML searches: the right result or a clear error."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from frames import extension_frame, fit, hourly_frame, numpy_equivalent

from jupyter_automl.errors import DataQualityWarning, SchemaError
from jupyter_automl.run import Run

LEARNERS = ["lgbm", "xgboost", "rf", "extra_tree", "xgb_limitdepth", "lrl1"]


def test_extension_dtypes_match_numpy_frame(run_dir):
    df = extension_frame()
    arrow = df.convert_dtypes(dtype_backend="pyarrow")
    plain = numpy_equivalent(df)
    result = fit(df, "y", run_dir / "ext", learners=["lgbm"])
    model = result.model
    features = df.drop(columns="y")
    expected = model.predict(features)
    assert result.holdout_score > 0.8
    assert np.array_equal(model.predict(arrow.drop(columns="y")), expected)
    assert np.array_equal(model.predict(plain.drop(columns="y")), expected)
    plain_result = fit(plain, "y", run_dir / "plain", learners=["lgbm"])
    assert plain_result.best_config == result.best_config
    assert np.array_equal(plain_result.model.predict(features), expected)
    kinds = {finding.kind for finding in result.findings}
    assert "converted_dtype" in kinds


def test_pyarrow_converted_frame_trains(run_dir):
    arrow = extension_frame().convert_dtypes(dtype_backend="pyarrow")
    result = fit(arrow, "y", run_dir, learners=["lgbm", "xgboost"])
    predictions = result.model.predict(arrow.drop(columns="y").head(20))
    assert set(predictions) <= {0, 1}
    assert result.holdout_score > 0.8


@pytest.mark.parametrize("columns", [["when", "noise"], ["when_text", "noise"]])
def test_dates_across_dst_find_hour_signal(run_dir, columns):
    df = hourly_frame()[[*columns, "busy"]]
    with (
        pytest.warns(DataQualityWarning) if columns[0] == "when_text" else warnings.catch_warnings()
    ):
        result = fit(df, "busy", run_dir, metric="accuracy", learners=["lgbm"])
    chance = df["busy"].value_counts(normalize=True).max()
    assert chance < 0.7
    assert result.holdout_score > 0.85
    kinds = {finding.kind: finding for finding in result.findings}
    if columns[0] == "when_text":
        assert kinds["dates_as_text"].column == "when_text"
        assert "parsed as dates" in kinds["dates_as_text"].message
    else:
        assert kinds["timezone"].column == "when"
    importances = result.model.feature_importances_
    assert importances.index[0] == f"hour_{columns[0]}"


def test_infinite_and_empty_columns(run_dir):
    rng = np.random.default_rng(1)
    rows = 300
    signal = rng.normal(size=rows)
    df = pd.DataFrame(
        {
            "signal": signal,
            "spiky": rng.normal(size=rows),
            "constant": 7.0,
            "empty_float": np.nan,
            "empty_object": pd.Series([None] * rows, dtype=object),
            "y": signal * 3 + rng.normal(scale=0.1, size=rows),
        }
    )
    df.loc[[2, 10, 20], "spiky"] = np.inf
    df.loc[[4], "spiky"] = -np.inf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit(df, "y", run_dir, learners=["lgbm", "xgboost"])
    infinite = [str(w.message) for w in caught if "inf" in str(w.message)]
    assert infinite == [
        "column 'spiky' has 3 +inf and 1 -inf value(s); they were treated as missing values "
        "(NaN), in training and in prediction"
    ]
    dropped = {f.column: f.message for f in result.findings if f.kind == "dropped_column"}
    assert set(dropped) == {"constant", "empty_float", "empty_object"}
    assert "single value" in dropped["constant"]
    assert "every value is missing" in dropped["empty_object"]
    assert result.holdout_score > 0.9
    row = df.drop(columns="y").head(1).copy()
    row["signal"] = np.inf
    with pytest.warns(DataQualityWarning, match="'signal'"):
        prediction = result.model.predict(row)
    assert np.isfinite(prediction).all()


def test_numbers_as_text_keep_their_signal(run_dir):
    rng = np.random.default_rng(8)
    rows = 300
    price = rng.uniform(10, 100, rows)
    text = pd.Series([f"{value:.2f}" for value in price], dtype=object)
    text[[5, 50, 120]] = "n/a"
    df = pd.DataFrame({"price": text, "noise": rng.normal(size=rows)})
    df["y"] = price * 2 + rng.normal(scale=1.0, size=rows)
    with pytest.warns(DataQualityWarning, match="'price' contains numbers stored as text"):
        result = fit(df, "y", run_dir, learners=["lgbm"])
    assert result.holdout_score > 0.9
    assert result.model.feature_importances_.index[0] == "price"
    row = df.drop(columns="y").head(2).copy()
    row["price"] = ["42.0", "n/a"]
    assert np.isfinite(result.model.predict(row)).all()


def test_missing_target_rows_are_dropped(run_dir):
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"x": rng.normal(size=200)})
    df["y"] = df["x"] * 2.0
    df.loc[[3, 8], "y"] = np.nan
    df.loc[[11], "y"] = np.inf
    with pytest.warns(DataQualityWarning, match="3 of 200 rows .* at index 3, 8, 11"):
        result = fit(df, "y", run_dir, learners=["lgbm"])
    assert result.n_train + result.n_holdout == 197
    finding = next(f for f in result.findings if f.kind == "missing_target")
    assert "drop_missing_target=False" in finding.message


LABEL_CASES = {
    "one_two": np.array([1, 2]),
    "rare_eleven": np.array([3, 7, 11]),
    "python_bool": np.array([False, True]),
}


@pytest.mark.parametrize("case", ["one_two", "rare_eleven", "python_bool", "boolean", "Int64"])
@pytest.mark.parametrize("learner", LEARNERS)
def test_label_encodings_every_learner(run_dir, case, learner):
    rng = np.random.default_rng(3)
    rows = 120
    x = rng.normal(size=rows)
    if case == "rare_eleven":
        labels = np.where(x > 0, 3, 7).astype(object)
        labels[np.argsort(x)[-4:]] = 11
        y = pd.Series(labels.astype("int64"))
    elif case in ("boolean", "Int64"):
        dtype = "boolean" if case == "boolean" else "Int64"
        y = pd.Series(pd.array(x > 0 if case == "boolean" else (x > 0).astype(int), dtype=dtype))
    else:
        y = pd.Series(LABEL_CASES[case][(x > 0).astype(int)])
    df = pd.DataFrame({"x": x, "noise": rng.normal(size=rows), "label": y})
    result = fit(df, "label", run_dir, learners=[learner], max_trials=2)
    predictions = result.model.predict(df.drop(columns="label"))
    expected_labels = set(pd.Series(y).astype(object).tolist())
    assert set(result.model.classes_.tolist()) == expected_labels
    assert set(predictions.tolist()) <= expected_labels
    assert len(set(predictions.tolist())) >= 2
    if case in ("python_bool", "boolean"):
        assert predictions.dtype == bool


def test_labels_with_missing_rows_predict_integers(run_dir):
    rng = np.random.default_rng(9)
    rows = 150
    x = rng.normal(size=rows)
    label = np.where(x > 0, 1.0, 0.0)
    label[[4, 40, 90]] = np.nan  # pandas stores the 0/1 column as float because of these
    df = pd.DataFrame({"x": x, "label": label})
    with pytest.warns(DataQualityWarning, match="3 of 150 rows"):
        result = fit(df, "label", run_dir, learners=["lgbm"], max_trials=2)
    predictions = result.model.predict(df.drop(columns="label"))
    assert predictions.dtype == np.int64
    assert result.model.classes_.tolist() == [0, 1]


def test_imbalance_1_to_500(run_dir):
    rng = np.random.default_rng(4)
    rows = 5010
    y = np.zeros(rows, dtype=int)
    positives = rng.choice(rows, 10, replace=False)
    y[positives] = 1
    signal = rng.normal(size=rows) + 6 * y
    df = pd.DataFrame({"signal": signal, "noise": rng.normal(size=rows), "rare": y})
    run = Run(
        df, "rare", run_dir=run_dir, learners=["lgbm", "rf"], time_budget=30, max_trials=8, n_jobs=1
    )
    result = run.start().wait(timeout=120)
    finding = next(f for f in result.findings if f.kind == "imbalanced_classes")
    assert "only 10 of 5,010 rows" in finding.message
    assert result.metric.name == "roc_auc"
    assert run.split.stratified
    assert int(run.split.y_holdout.sum()) == 2
    proba = result.model.predict_proba(df.drop(columns="rare"))[:, 1]
    assert proba.std() > 0
    assert proba[positives].min() > np.quantile(proba, 0.95)
    assert result.holdout_score > 0.95


WEIRD_NAMES = [
    "it's",
    'say "hi"',
    "line\nbreak",
    "back\\slash",
    "{brace}",
    "class",
    "2nd col",
    "x.y",
    "  padded  ",
    "größe",
]


def test_names_that_break_code(run_dir):
    rng = np.random.default_rng(5)
    rows = 200
    df = pd.DataFrame({name: rng.normal(size=rows) for name in WEIRD_NAMES})
    df["target value"] = df["  padded  "] * 2 + df["it's"]
    result = fit(df, "target value", run_dir, learners=["lgbm", "xgboost"])
    assert result.feature_names == WEIRD_NAMES
    assert result.holdout_score > 0.8
    importances = result.model.feature_importances_
    assert set(importances.index) == set(WEIRD_NAMES)
    assert set(importances.index[:2]) == {"  padded  ", "it's"}
    with pytest.raises(SchemaError, match="'  padded  '"):
        result.model.predict(
            df.rename(columns={"  padded  ": "padded"}).drop(columns="target value")
        )


REJECTED_NAMES = ["a[0]", "a]0[", "b<1", "c,d", "e:f", 'g"h', "{i}", "a_0_"]


@pytest.mark.parametrize("learner", LEARNERS)
def test_names_learners_reject(run_dir, learner):
    rng = np.random.default_rng(6)
    rows = 150
    df = pd.DataFrame({name: rng.normal(size=rows) for name in REJECTED_NAMES})
    df["y"] = (df["a[0]"] + df["b<1"] > 0).astype(int)
    result = fit(df, "y", run_dir, learners=[learner], max_trials=2)
    features = df.drop(columns="y")
    predictions = result.model.predict(features)
    assert set(predictions) == {0, 1}
    assert list(result.model.feature_importances_.index.sort_values()) == sorted(REJECTED_NAMES)
    renamed = next(f for f in result.findings if f.kind == "renamed_columns")
    assert "'a[0]' -> 'a_0_'" not in renamed.message  # "a_0_" is taken by a user column
    shuffled = features[features.columns[::-1]]
    assert np.array_equal(result.model.predict(shuffled), predictions)


def test_unseen_categories_at_predict(run_dir):
    rng = np.random.default_rng(7)
    rows = 300
    city = rng.choice(["A", "B", "C"], rows)
    df = pd.DataFrame({"city": city, "x": rng.normal(size=rows)})
    df["y"] = (
        np.where(df["city"] == "C", 10.0, 0.0) + np.where(df["city"] == "B", 5.0, 0.0) + df["x"]
    )
    result = fit(df, "y", run_dir, learners=["lgbm"])
    model = result.model
    mixed = pd.DataFrame({"city": ["A", "B", "C", "C", "C"], "x": [0.0, 0.1, 0.2, 0.3, -0.1]})
    batch = model.predict(mixed)
    assert model.predict(mixed.iloc[[1]])[0] == pytest.approx(batch[1])
    assert np.allclose(model.predict(mixed.iloc[2:]), batch[2:])
    assert batch[2] > batch[1] > batch[0]
    with pytest.warns(DataQualityWarning, match="column 'city'.*\\['Z'\\]") as caught:
        unseen = model.predict(pd.DataFrame({"city": ["Z"], "x": [0.0]}))
    assert caught[0].filename == __file__
    missing = model.predict(pd.DataFrame({"city": [None], "x": [0.0]}))
    assert np.isfinite(unseen).all()
    assert unseen[0] == pytest.approx(missing[0])


def test_dates_at_predict_time(run_dir):
    rng = np.random.default_rng(8)
    rows = 300
    day = pd.Series(pd.date_range("2025-01-01", periods=rows, freq="D"))
    df = pd.DataFrame({"day": day, "x": rng.normal(size=rows)})
    df["y"] = day.dt.dayofweek.isin([5, 6]).astype(float) * 3 + df["x"]
    result = fit(df, "y", run_dir, learners=["lgbm"])
    model = result.model
    rows_in = df.drop(columns="y").iloc[:7]
    expected = model.predict(rows_in)
    as_text = rows_in.assign(day=rows_in["day"].dt.strftime("%Y-%m-%d"))
    assert np.allclose(model.predict(as_text), expected)
    with_nat = rows_in.assign(day=[pd.NaT, *rows_in["day"].iloc[1:]])
    assert np.isfinite(model.predict(with_nat)).all()
    afternoon = rows_in.assign(day=rows_in["day"] + pd.Timedelta("14h30min"))
    assert np.allclose(model.predict(afternoon), expected)
    with pytest.warns(DataQualityWarning, match="column 'day': 1 value"):
        model.predict(as_text.assign(day=["not a date", *as_text["day"].iloc[1:]]))


def test_schema_at_predict(run_dir):
    df = extension_frame()
    result = fit(df, "y", run_dir, learners=["lgbm"], max_trials=2)
    features = df.drop(columns="y")
    expected = result.model.predict(features)
    with pytest.raises(SchemaError, match="missing: 'amount'"):
        result.model.predict(features.drop(columns="amount"))
    reordered = features[list(reversed(features.columns))]
    assert np.array_equal(result.model.predict(reordered), expected)
    with pytest.warns(DataQualityWarning, match="ignoring 1 column.*'extra'"):
        extra = result.model.predict(features.assign(extra=1))
    assert np.array_equal(extra, expected)
    as_text = features.assign(amount=features["amount"].astype(str).replace("<NA>", None))
    assert np.array_equal(result.model.predict(as_text), expected)
    with pytest.raises(SchemaError, match="column 'amount' was numeric in training.*'ten'"):
        result.model.predict(features.assign(amount="ten"))


def test_integer_column_names(run_dir):
    rng = np.random.default_rng(9)
    df = pd.DataFrame({0: rng.normal(size=150), 1: rng.normal(size=150)})
    df["y"] = df[0] * 3
    result = fit(df, "y", run_dir, learners=["lgbm"], max_trials=2)
    assert result.feature_names == [0, 1]
    assert result.model.feature_importances_.index[0] == 0
    assert len(result.model.predict(df[[1, 0]].head(4))) == 4
