"""Every step's rendered pandas code does exactly what its ``apply`` does."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from frames import extension_frame, hourly_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyter_automl.data.checks import prepare
from jupyter_automl.data.features import check_features
from jupyter_automl.data.steps import (
    DropColumns,
    NumbersFromText,
    ParseDatetimes,
    ParseNumbers,
    RenameColumns,
    ReplaceInfinite,
    ToNumpyDtypes,
    UnseenToMissing,
    apply_steps,
    original_names,
    safe_names,
    steps_to_code,
)
from jupyter_automl.errors import SchemaError

NAMES = [
    "it's",
    'say "hi"',
    "line\nbreak",
    "back\\slash",
    "{brace}",
    "class",
    "  padded  ",
    "größe",
]


def run_code(steps, X: pd.DataFrame) -> pd.DataFrame:
    """Execute the steps' rendered code in a namespace holding only ``pd`` and the frame."""
    source = "\n".join(steps_to_code(steps, "X"))
    compile(source, "<steps>", "exec")
    namespace = {"pd": pd, "X": X.copy()}
    exec(source, namespace)  # noqa: S102 - the code under test
    return namespace["X"]


def assert_code_matches_apply(steps, X: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = X
        for step in steps:
            expected = step.apply(expected)
    pd.testing.assert_frame_equal(run_code(steps, X), expected)


def weird_frame(rows: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({name: rng.normal(size=rows) for name in NAMES})
    df["it's"] = rng.choice(["a", "b'c", 'd"e'], rows)
    return df


def test_drop_columns_code_with_weird_names():
    X = weird_frame()
    assert_code_matches_apply([DropColumns(["line\nbreak", "{brace}"], "reason with\nnewline")], X)


def test_parse_numbers_code_matches_apply():
    X = pd.DataFrame(
        {
            "it's": pd.Series(["1.5", " 2 ", "n/a", None, "-", "7e2"], dtype=object),
            "line\nbreak": pd.Series(["3", "4", "x", "5", None, "6"], dtype="str"),
            "mixed": pd.Series([1, "2.5", None, "?", 4.0, "5"], dtype=object),
        }
    )
    step = ParseNumbers({"it's": ["-", "n/a"], "line\nbreak": [], "mixed": ["?"]})
    assert_code_matches_apply([step], X)


def test_numpy_dtypes_code_on_extension_frame():
    X = extension_frame().drop(columns="y")
    step = ToNumpyDtypes({name: "float64" for name in ["count", "flag", "amount", "visits"]})
    step.dtypes.update({"level": "str", "shop": "str"})
    assert_code_matches_apply([step], X)
    assert_code_matches_apply([step], X.convert_dtypes(dtype_backend="pyarrow"))


def test_parse_datetimes_code_on_text_and_timezones():
    X = hourly_frame().drop(columns="busy")
    step = ParseDatetimes({"when": "Europe/Berlin", "when_text": None})
    assert_code_matches_apply([step], X)
    parsed = step.apply(X)
    assert parsed["when"].isna().sum() == X["when"].isna().sum()
    assert parsed["when_text"].notna().sum() == X["when_text"].notna().sum()


def test_parse_datetimes_wall_clock_across_dst():
    stamps = pd.Series(pd.to_datetime(["2026-03-29 01:30", "2026-03-29 03:30"])).dt.tz_localize(
        "Europe/Berlin"
    )
    X = pd.DataFrame({"when": stamps, "text": stamps.map(lambda stamp: stamp.isoformat())})
    parsed = ParseDatetimes({"when": "Europe/Berlin", "text": None}).apply(X)
    assert parsed["when"].dt.hour.tolist() == [1, 3]
    assert parsed["text"].dt.hour.tolist() == [0, 1]


def test_replace_infinite_code_and_warning():
    X = weird_frame()
    X.loc[2, "class"] = np.inf
    X.loc[3, "größe"] = -np.inf
    with pytest.warns(UserWarning, match="'class', 'größe'"):
        changed = ReplaceInfinite().apply(X)
    assert changed["class"].isna().sum() == 1
    assert_code_matches_apply([ReplaceInfinite()], X)


def test_unseen_to_missing_code_and_warning():
    X = weird_frame()
    step = UnseenToMissing({"it's": ["a", "b'c"]})
    with pytest.warns(UserWarning, match="column \"it's\".*\\['d\"e'\\]"):
        changed = step.apply(X)
    assert changed["it's"].isna().sum() == (X["it's"] == 'd"e').sum()
    assert_code_matches_apply([step], X)


def test_rename_code_and_original_names():
    X = weird_frame()
    renamed = safe_names(list(X.columns))
    assert set(renamed) == {'say "hi"', "line\nbreak", "back\\slash", "{brace}", "  padded  "}
    step = RenameColumns(renamed)
    assert_code_matches_apply([step], X)
    assert original_names([step], list(step.apply(X).columns)) == NAMES


def test_safe_names_stay_unique():
    renamed = safe_names(["a[0]", "a]0[", "a_0_", "a<0>"])
    assert len(set(renamed.values()) | {"a_0_"}) == 4
    assert "a_0_" not in renamed.values()


def test_prepared_steps_code_matches_features():
    df = extension_frame()
    df["when"] = hourly_frame(len(df))["when_text"]
    df["constant"] = "same"
    df["id"] = [f"row-{i}" for i in range(len(df))]
    df["a[0]"] = np.arange(len(df), dtype=float)
    df.loc[0, "a[0]"] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = prepare(df, "y")
    pd.testing.assert_frame_equal(run_code(prepared.steps, prepared.X), prepared.features())
    assert {type(step).__name__ for step in prepared.steps} == {
        "NumbersFromText",
        "ToNumpyDtypes",
        "ParseDatetimes",
        "ReplaceInfinite",
        "DropColumns",
        "UnseenToMissing",
        "RenameColumns",
    }


def test_numpy_dtypes_code_on_durations_and_periods():
    X = pd.DataFrame(
        {
            "wait": pd.to_timedelta([1, None, 3], unit="min"),
            "month": pd.period_range("2024-01", periods=3, freq="M"),
            "count": pd.Series([1, None, "3"], dtype=object).where(lambda s: s != "3", 3),
        }
    )
    step = ToNumpyDtypes({"wait": "seconds", "month": "timestamp", "count": "float64"})
    assert_code_matches_apply([step], X)
    assert step.apply(X)["wait"].tolist()[::2] == [60.0, 180.0]


def test_numbers_from_text_code_and_error():
    X = weird_frame()
    X["class"] = X["class"].astype(str)
    X["  padded  "] = X["  padded  "].astype(object)
    step = NumbersFromText(["it's"])
    assert_code_matches_apply([step], X)
    assert step.apply(X)["class"].dtype == np.float64
    with pytest.raises(SchemaError, match="column 'class' was numeric in training.*\\['n/a'\\]"):
        step.apply(X.assign(**{"class": "n/a"}))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=6, unique=True))
def test_any_names_render_runnable_code(names):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({name: rng.normal(size=8) for name in names})
    X[names[0]] = X[names[0]].astype(str)
    X.iloc[0, -1] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        findings, steps = check_features(X)
    assert_code_matches_apply(steps, X)
    renamed = apply_steps(steps, X).columns
    assert len(set(renamed)) == len(renamed)
    kept = [name for name in names if name in set(original_names(steps, list(renamed)))]
    assert original_names(steps, list(renamed)) == kept
