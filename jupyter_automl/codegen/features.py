"""Turn raw columns into the learner's columns, in the session and as source text.

``prepare_features`` and ``prepare_features_source`` are mirror images: the first
runs inside the session's model, the second writes the same pandas statements
into the generated code. A change to one must be made to the other; the parity
tests run both on the same rows and compare the predictions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data.steps import Step, apply_steps
from .plan import DATETIME_PARTS, MISSING_CATEGORY, TrainingPlan


def prepare_features(X: pd.DataFrame, steps: list[Step], plan: TrainingPlan) -> pd.DataFrame:
    """Apply the data-check fixes and FLAML's column handling to raw columns."""
    X = apply_steps(steps, X.copy())
    for column, parts in plan.datetime_parts.items():
        for part, name in parts.items():
            X[name] = getattr(X[column].dt, DATETIME_PARTS[part])
        X[column] = X[column].map(_to_ordinal)
    # Whole-frame operations: converting 10,000 columns one at a time took seconds.
    categorical = X[plan.categorical].astype(object)
    categorical = categorical.where(categorical.notna(), MISSING_CATEGORY).astype(str)
    X = pd.concat([categorical, X[plan.numeric].astype("float64")], axis=1)
    X.columns = range(X.shape[1])
    return X


def _to_ordinal(value: Any) -> float:
    return value.toordinal() if pd.notna(value) else np.nan


def prepare_features_source(steps: list[Step], plan: TrainingPlan) -> list[str]:
    """Return the ``def prepare_features(X)`` block of the generated code."""
    lines = [
        "def prepare_features(X):",
        '    """Turn raw columns into the columns the model was trained on."""',
        "    X = X.copy()",
    ]
    if steps:
        lines.append("    # Fixes made by the data checks")
        for step in steps:
            for statement in step.to_code("X"):
                lines.extend(f"    {line}" for line in statement.split("\n"))
    for column, parts in plan.datetime_parts.items():
        lines.append(
            f"    # The datetime column {column!r} becomes numeric parts and a day number."
        )
        for part, name in parts.items():
            lines.append(f"    X[{name!r}] = X[{column!r}].dt.{DATETIME_PARTS[part]}")
        lines.append(
            f"    X[{column!r}] = X[{column!r}].map("
            "lambda value: value.toordinal() if pd.notna(value) else np.nan)"
        )
    lines += [
        "    categorical = X[CATEGORICAL_COLUMNS].astype(object)",
        f"    categorical = categorical.where(categorical.notna(), {MISSING_CATEGORY!r}).astype(str)",
        '    X = pd.concat([categorical, X[NUMERIC_COLUMNS].astype("float64")], axis=1)',
        "    # From here on columns are addressed by position: scikit-learn rejects",
        "    # frames whose column names mix text and numbers.",
        "    X.columns = range(X.shape[1])",
        "    return X",
    ]
    return lines
