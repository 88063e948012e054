"""Checks run on the user's DataFrame before any search starts.

Each check either raises a ``DataError`` naming the column and the fix, or returns
``Finding`` records describing what it noticed and what it changed. The findings are
shown in the text output and the panel.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, DataQualityWarning
from .features import check_features
from .findings import INFO, WARNING, Finding

__all__ = ["INFO", "WARNING", "Finding", "PreparedData", "prepare"]
from .steps import DropColumns, Step, apply_steps, quiet_steps

# Minimum number of rows with a usable target that a search accepts.
MIN_ROWS = 10


@dataclass
class PreparedData:
    """Features and target split from the user's frame, with what the checks found.

    ``X`` has the user's columns; ``steps`` are the fixes to apply to it (and to
    every frame passed to ``predict``) before it reaches the learners.
    """

    X: pd.DataFrame
    y: pd.Series
    target: Any
    findings: list[Finding]
    steps: list[Step]

    def features(self) -> pd.DataFrame:
        """Return ``X`` with every step applied.

        The steps' own warnings are silenced here because the findings already
        reported the same changes.
        """
        with quiet_steps():
            return apply_steps(self.steps, self.X)


def prepare(df: Any, target: Any, *, drop_missing_target: bool = True) -> PreparedData:
    """Check ``df`` and split it into features ``X`` and target ``y``.

    Raises ``DataError`` before any search starts when the frame cannot be used.
    Every change the checks make to the features is a step in the result, and
    every finding is also issued as a ``DataQualityWarning``.
    """
    check_frame(df, target)
    check_target_column(df, target)
    findings: list[Finding] = []
    df, dropped = _drop_missing_target(df, target, drop_missing_target)
    findings.extend(dropped)
    if len(df) < MIN_ROWS:
        raise DataError(
            f"only {len(df)} rows have a target value; at least {MIN_ROWS} are needed to train "
            "and evaluate a model"
        )
    X = df.drop(columns=[target])
    if X.shape[1] == 0:
        raise DataError(f"the DataFrame has no columns besides the target {target!r}")
    feature_findings, steps = check_features(X)
    findings.extend(feature_findings)
    if X.shape[1] == _dropped_count(steps):
        raise DataError(
            "every feature column was dropped by the data checks, so there is nothing to "
            "learn from: " + "; ".join(finding.message for finding in feature_findings)
        )
    for finding in findings:
        if finding.severity == WARNING:
            warnings.warn(finding.message, DataQualityWarning, stacklevel=3)
    y = numpy_target(df[target])
    if dropped:
        y = _whole_numbers_as_integers(y)
    return PreparedData(X=X, y=y, target=target, findings=findings, steps=steps)


def numpy_target(y: pd.Series) -> pd.Series:
    """Return ``y`` with a NumPy dtype, so every learner and label encoder accepts it.

    Nullable and pyarrow-backed targets (``boolean``, ``Int64``, ``string[pyarrow]``)
    have no missing values left at this point and map to bool, int64, float64 or str.
    """
    dtype = y.dtype
    if isinstance(dtype, (np.dtype, pd.CategoricalDtype)):
        return y
    if pd.api.types.is_bool_dtype(dtype):
        return y.astype(bool)
    if pd.api.types.is_integer_dtype(dtype):
        return y.astype("int64")
    if pd.api.types.is_float_dtype(dtype):
        return y.astype("float64")
    if pd.api.types.is_string_dtype(dtype):
        return y.astype("str")
    return y


def _whole_numbers_as_integers(y: pd.Series) -> pd.Series:
    """Return a float target of whole numbers as int64.

    pandas stores an integer column with missing values as float, so once those rows
    are dropped, class labels such as 0 and 1 are predicted as 0 and 1, not 0.0 and 1.0.
    """
    if not pd.api.types.is_float_dtype(y.dtype):
        return y
    values = y.to_numpy()
    if not np.all(values == np.round(values)) or np.abs(values).max() >= 2**53:
        return y
    return y.astype("int64")


def _dropped_count(steps: list[Step]) -> int:
    return sum(len(step.columns) for step in steps if isinstance(step, DropColumns))


def check_frame(df: Any, target: Any = None) -> None:
    """Raise ``DataError`` unless ``df`` is a non-empty DataFrame with unique column names."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            f"expected a pandas DataFrame, got {type(df).__name__}; "
            "wrap it with pd.DataFrame(...) first"
        )
    if df.empty:
        raise DataError(f"the DataFrame is empty (shape {df.shape})")
    duplicated = df.columns[df.columns.duplicated()].unique().tolist()
    if target in duplicated:
        count = int((df.columns == target).sum())
        raise DataError(
            f"{count} columns are named {target!r}, the target, so it is unclear which one to "
            f"predict; rename or drop the extra ones, for example df = df.loc[:, "
            f"~df.columns.duplicated()] keeps the first"
        )
    if duplicated:
        names = ", ".join(repr(name) for name in duplicated)
        raise DataError(
            f"duplicate column names: {names}; rename them so each name is unique, "
            "for example df.columns = [...] or pd.concat(..., keys=[...])"
        )


def check_target_column(df: pd.DataFrame, target: Any) -> None:
    """Raise ``DataError`` unless ``target`` names exactly one column of ``df``."""
    if isinstance(target, (list, tuple, set, dict, pd.Series, pd.Index, np.ndarray)):
        raise DataError(
            f"target must be the name of one column, got a {type(target).__name__}; "
            'pass the column name, for example target="price"'
        )
    if target in df.columns:
        return
    suggestion = closest_column(target, df.columns)
    hint = f"; did you mean {suggestion!r}?" if suggestion is not None else ""
    shown = ", ".join(repr(c) for c in list(df.columns)[:10])
    more = ", ..." if df.shape[1] > 10 else ""
    raise DataError(f"target column {target!r} not found{hint or '.'} Columns: {shown}{more}")


def closest_column(name: Any, columns: Any) -> Any:
    """Return the column most similar to ``name`` (ignoring case), or None."""
    by_text = {str(column).lower(): column for column in columns}
    matches = difflib.get_close_matches(str(name).lower(), list(by_text), n=1, cutoff=0.6)
    return by_text[matches[0]] if matches else None


def _drop_missing_target(
    df: pd.DataFrame, target: Any, drop: bool
) -> tuple[pd.DataFrame, list[Finding]]:
    missing = missing_target_mask(df[target])
    count = int(missing.sum())
    if count == 0:
        return df, []
    rows = ", ".join(repr(label) for label in df.index[missing][:5])
    more = ", ..." if count > 5 else ""
    what = f"{count} of {len(df)} rows have no usable target value (missing, empty or infinite) at index {rows}{more}"
    if not drop:
        raise DataError(f"{what}; remove those rows or pass drop_missing_target=True")
    finding = Finding(
        kind="missing_target",
        column=target,
        severity=WARNING,
        message=f"{what}; these rows were dropped. Pass drop_missing_target=False to raise instead.",
        fix="dropped rows",
    )
    return df.loc[~missing], [finding]


def missing_target_mask(y: pd.Series) -> pd.Series:
    """Mark target values that cannot be learned from: missing, empty text or infinite."""
    mask = y.isna()
    if pd.api.types.is_numeric_dtype(y.dtype) and not pd.api.types.is_bool_dtype(y.dtype):
        values = pd.to_numeric(y, errors="coerce").astype("float64")
        mask = mask | ~np.isfinite(values.fillna(0.0))
    elif isinstance(y.dtype, pd.StringDtype):
        mask = mask | y.str.strip().eq("").fillna(False).astype(bool)
    elif pd.api.types.is_object_dtype(y.dtype) or pd.api.types.is_string_dtype(y.dtype):
        text = y.astype("object")
        blank = text.map(lambda value: isinstance(value, str) and value.strip() == "")
        mask = mask | blank.astype(bool)
    return mask.astype(bool)
