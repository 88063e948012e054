"""Data checks before any search: findings, target problems, task choice and bad frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jupyter_automl.data.checks import prepare
from jupyter_automl.data.steps import apply_steps
from jupyter_automl.data.task import infer_task
from jupyter_automl.errors import DataError, DataQualityWarning
from jupyter_automl.run import Run


def prepare_quietly(df, target, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return prepare(df, target, **options)


def test_flaml_dropped_columns_are_findings():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "x": rng.normal(size=50),
            "constant_text": "same",
            "constant_with_gaps": [1.0, np.nan] * 25,
            "id": [f"customer-{i}" for i in range(50)],
            "y": rng.integers(0, 2, 50),
        }
    )
    prepared = prepare_quietly(df, "y")
    dropped = {f.column for f in prepared.findings if f.kind == "dropped_column"}
    assert dropped == {"constant_text", "constant_with_gaps", "id"}
    assert list(prepared.features().columns) == ["x"]


def test_identifier_like_check_spares_repeated_text():
    df = pd.DataFrame({"city": ["a", "b", "c", "a", "b"] * 4, "y": [0, 1] * 10})
    prepared = prepare_quietly(df, "y")
    assert not [f for f in prepared.findings if f.kind == "dropped_column"]


def test_only_useless_columns_raises():
    df = pd.DataFrame({"constant": 1.0, "y": [0, 1] * 10})
    with pytest.raises(DataError, match="every feature column was dropped.*'constant'"):
        prepare_quietly(df, "y")


def test_string_target_none_and_empty():
    df = pd.DataFrame({"x": range(30), "y": ["a", "b", "c"] * 10}, dtype=object)
    df["x"] = df["x"].astype(object)
    df.loc[[2, 5], "y"] = None
    df.loc[[7], "y"] = ""
    df.loc[[8], "y"] = "  "
    with pytest.warns(DataQualityWarning, match="4 of 30 rows .* at index 2, 5, 7, 8"):
        prepared = prepare(df, "y")
    assert "" not in set(prepared.y)
    assert len(prepared.y) == 26
    with pytest.raises(DataError, match="4 of 30 rows.*drop_missing_target=True"):
        prepare(df, "y", drop_missing_target=False)


def test_regression_target_nan_and_inf_refused():
    df = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40.0)})
    df.loc[[1, 4, 9, 16, 25, 36], "y"] = [np.nan, np.inf, -np.inf, np.nan, np.nan, np.nan]
    with pytest.raises(DataError, match="6 of 40 rows .* at index 1, 4, 9, 16, 25, \\.\\.\\."):
        prepare(df, "y", drop_missing_target=False)


@pytest.mark.parametrize(
    ("values", "dtype", "expected"),
    [
        ([True, False, pd.NA], "boolean", bool),
        ([0, 1, pd.NA], "Int64", np.int64),
        ([1.5, 2.5, pd.NA], "Float64", np.float64),
    ],
)
def test_nullable_target_becomes_numpy(values, dtype, expected):
    y = pd.array(values * 10, dtype=dtype)
    df = pd.DataFrame({"x": np.arange(30.0), "y": y})
    prepared = prepare_quietly(df, "y")
    assert prepared.y.dtype == np.dtype(expected)
    assert len(prepared.y) == 20


def test_integer_labels_with_missing_rows_stay_integers():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"x": rng.normal(size=40), "y": [0.0, 1.0, np.nan, 1.0] * 10})
    prepared = prepare_quietly(df, "y")
    assert prepared.y.dtype == np.int64
    assert set(prepared.y) == {0, 1}


def test_fractional_target_with_missing_rows_stays_float():
    df = pd.DataFrame({"x": np.arange(40.0), "y": [0.5, 1.0, np.nan, 2.0] * 10})
    assert prepare_quietly(df, "y").y.dtype == np.float64


def test_count_target_is_regression():
    rng = np.random.default_rng(1)
    y = pd.Series(rng.integers(0, 151, 300), name="visits")
    assert y.nunique() > 100
    choice = infer_task(y)
    assert choice.task == "regression"


def test_rating_target_states_alternative():
    y = pd.Series(np.tile([1, 2, 3, 4, 5], 40), name="rating")
    choice = infer_task(y)
    assert choice.task == "multiclass"
    assert choice.message("rating") == (
        "Task: multiclass (5 distinct whole numbers, read as classes). "
        "To predict 'rating' differently, pass task='regression'."
    )
    assert infer_task(y, "regression").task == "regression"


def test_duplicate_feature_names_fail_fast():
    left = pd.DataFrame({"amount": [1.0, 2.0] * 10, "y": [0, 1] * 10})
    right = pd.DataFrame({"amount": [3.0, 4.0] * 10})
    df = pd.concat([left, right], axis=1)
    with pytest.raises(DataError, match="duplicate column names: 'amount'; rename them"):
        Run(df, "y")


def test_duplicate_target_names_fail_fast():
    df = pd.concat(
        [pd.DataFrame({"y": [0, 1] * 10, "x": range(20)}), pd.DataFrame({"y": [1, 0] * 10})], axis=1
    )
    with pytest.raises(DataError, match="2 columns are named 'y', the target"):
        Run(df, "y")


def test_numbers_stored_as_object_become_float():
    df = pd.DataFrame({"x": pd.Series(list(range(19)) + [None], dtype=object), "y": [0, 1] * 10})
    prepared = prepare_quietly(df, "y")
    assert prepared.features()["x"].dtype == np.float64
    assert prepared.features()["x"].isna().sum() == 1


def test_numbers_as_text_with_marker_become_float():
    rng = np.random.default_rng(3)
    amounts = [f"{value:.2f}" for value in rng.normal(100, 20, 40)]
    amounts[7] = "n/a"
    amounts[9] = " N/A "
    df = pd.DataFrame({"amount": pd.Series(amounts, dtype="str"), "y": [0, 1] * 20})
    prepared = prepare_quietly(df, "y")
    features = prepared.features()
    assert features["amount"].dtype == np.float64
    assert features["amount"].isna().sum() == 2
    assert features["amount"][0] == float(amounts[0])
    finding = next(f for f in prepared.findings if f.column == "amount")
    assert finding.kind == "numbers_as_text"
    assert "'n/a' read as missing" in finding.message
    assert "astype('category')" in finding.message
    assert not [f for f in prepared.findings if f.kind == "dropped_column"]


@pytest.mark.parametrize(
    "values",
    [
        ["02139", "10001", "94103", "60601"] * 5,  # ZIP codes keep their leading zero
        ["1", "2", "3", "XL"] * 5,  # a size is not a number
        ["1,5", "2,5", "3,5", "4,5"] * 5,  # decimal commas are not parsed
        ["7"] * 20,  # a constant column is dropped instead
    ],
)
def test_text_that_is_not_numbers_stays_text(values):
    df = pd.DataFrame({"code": values, "x": np.arange(20.0), "y": [0, 1] * 10})
    prepared = prepare_quietly(df, "y")
    assert not [f for f in prepared.findings if f.kind == "numbers_as_text"]
    features = prepared.features()
    assert "code" not in features or not pd.api.types.is_numeric_dtype(features["code"])


def test_numbers_as_text_at_predict_time():
    df = pd.DataFrame({"n": [str(i) for i in range(19)] + ["?"], "y": [0, 1] * 10})
    prepared = prepare_quietly(df, "y")
    new = pd.DataFrame({"n": ["4.5", None, "?", "lots"]})
    with pytest.warns(DataQualityWarning, match=r"column 'n': 1 value\(s\) .* \['lots'\]"):
        parsed = apply_steps(prepared.steps, new)
    assert parsed["n"].tolist()[0] == 4.5
    assert parsed["n"].isna().tolist() == [False, True, True, True]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([[1, 2]] * 20, "column 'odd' contains list values \\(first at index 0\\)"),
        ([{"a": 1}] * 20, "column 'odd' contains dict values"),
        (np.arange(20) + 1j, "column 'odd' contains complex numbers"),
    ],
)
def test_unreadable_values_fail_fast(values, message):
    df = pd.DataFrame({"x": np.arange(20.0), "odd": pd.Series(list(values)), "y": [0, 1] * 10})
    if np.iscomplexobj(values):
        df["odd"] = values
    with pytest.raises(DataError, match=message):
        Run(df, "y")


def test_durations_and_periods_become_numbers():
    df = pd.DataFrame(
        {
            "wait": pd.to_timedelta(np.arange(20), unit="h"),
            "month": pd.period_range("2024-01", periods=20, freq="M"),
            "y": [0, 1] * 10,
        }
    )
    features = prepare_quietly(df, "y").features()
    assert features["wait"].tolist() == [3600.0 * hour for hour in range(20)]
    assert features["month"].iloc[1] == pd.Timestamp("2024-02-01")
