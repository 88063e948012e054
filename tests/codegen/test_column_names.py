"""Any column name gives generated code that compiles, runs and reproduces the model.

Names reach the code only as ``repr`` literals, so quotes, backslashes, newlines,
braces, ``$``, keywords, surrounding spaces, unicode and integers must all work,
for feature columns, the target and the datetime parts derived from a name.
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import realdata
from generated_code import run_generated_code
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import jupyter_automl as ja

TRICKY_NAMES = [
    'say "hi"',
    "it's",
    "back\\slash",
    "new\nline",
    "{braces}",
    "$HOME",
    "class",
    "'); raise SystemExit(3); ('",
]
LEARNERS = ["lgbm", "xgboost", "rf", "lrl1"]

names = st.one_of(
    st.text(max_size=10),
    st.integers(min_value=-3, max_value=10_000),
    st.sampled_from([" lead", "trail ", "ünï©ødé", "λ", "__NAN__", "year_when", "None"]),
)


def unique_names(count: int):
    return st.lists(
        names, min_size=count, max_size=count, unique_by=lambda name: (type(name), name)
    )


def frame_with_names(column_names: list) -> pd.DataFrame:
    """Tips with a datetime column, every column renamed; the 'sex' column is the target."""
    frame = realdata.tips()
    frame["when"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame.index * 29, unit="h")
    frame.columns = column_names
    return frame


def module_constants(code: str) -> dict:
    """Return the literal values of TARGET and the column lists at the top level of ``code``."""
    constants = {}
    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("TARGET", "CATEGORICAL_COLUMNS", "NUMERIC_COLUMNS"):
                constants[name] = ast.literal_eval(node.value)
    return constants


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(column_names=unique_names(8), learner=st.sampled_from(LEARNERS))
@example(column_names=TRICKY_NAMES, learner="lgbm")
@example(column_names=[0, 1, 2, "2", "when", 5, " 6 ", "year_when"], learner="xgboost")
@example(column_names=["", "0", "00", 0, 1, -1, 2, " lead"], learner="rf")
def test_any_column_names_reproduce(column_names, learner):
    frame = frame_with_names(column_names)
    target = column_names[2]  # tips' "sex": binary
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        result = ja.automl(
            frame,
            target,
            time_budget=30,
            max_trials=2,
            learners=[learner],
            run_dir=folder / "runs",
            progress=False,
        )
        code = result.to_code("data_frame")
        constants = module_constants(code)
        assert constants["TARGET"] == target
        assert constants["CATEGORICAL_COLUMNS"] == result.model.plan.categorical
        assert constants["NUMERIC_COLUMNS"] == result.model.plan.numeric

        generated = run_generated_code(result, frame, folder)
        holdout = ja.last_run().X_holdout_raw
        assert np.array_equal(generated.predictions, result.model.predict(holdout))
        assert np.allclose(generated.proba, result.model.predict_proba(holdout))
        assert generated.score == pytest.approx(result.holdout_score, rel=1e-9)
