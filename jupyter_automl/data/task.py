"""Infer the learning task from the target column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError, DataError
from ..metrics import BINARY, MULTICLASS, REGRESSION, TASKS

# An integer target with at most this many distinct values is treated as classes.
MAX_CLASSES_FOR_INTEGERS = 10

_TASK_ALIASES = {
    "classification": None,
    "classifier": None,
    "binary": BINARY,
    "multiclass": MULTICLASS,
    "regression": REGRESSION,
    "regressor": REGRESSION,
}


@dataclass(frozen=True)
class TaskChoice:
    """The task chosen for a target, why, and how the user can change it."""

    task: str
    reason: str
    alternative: str | None = None

    def message(self, target: str) -> str:
        text = f"Task: {self.task} ({self.reason})."
        if self.alternative:
            text += f" To predict {target!r} differently, pass task={self.alternative!r}."
        return text


def infer_task(y: pd.Series, requested: str | None = None) -> TaskChoice:
    """Choose binary, multiclass or regression for target ``y``.

    ``requested`` is the user's ``task=`` option; "classification" is narrowed to
    binary or multiclass by the number of distinct values.
    """
    if pd.api.types.is_datetime64_any_dtype(y.dtype) or pd.api.types.is_timedelta64_dtype(y.dtype):
        raise DataError(
            f"target {y.name!r} contains dates or durations ({y.dtype}), which cannot be predicted "
            "directly; convert it to a number first, for example "
            f"(df[{y.name!r}] - df[{y.name!r}].min()).dt.days"
        )
    n_unique = int(y.nunique(dropna=True))
    if n_unique < 2:
        raise DataError(
            f"target {y.name!r} has {n_unique} distinct value(s); a model needs at least two "
            "different values to learn from"
        )
    if requested is not None:
        return _requested_task(y, requested, n_unique)

    if _is_categorical_like(y):
        task = BINARY if n_unique == 2 else MULTICLASS
        return TaskChoice(task, f"{n_unique} distinct labels of type {y.dtype}")
    if n_unique == 2:
        return TaskChoice(BINARY, "2 distinct values", alternative=REGRESSION)
    values = pd.to_numeric(y.dropna(), errors="coerce").to_numpy(dtype=float)
    integral = bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))
    if integral and n_unique <= MAX_CLASSES_FOR_INTEGERS:
        return TaskChoice(
            MULTICLASS,
            f"{n_unique} distinct whole numbers, read as classes",
            alternative=REGRESSION,
        )
    reason = f"{n_unique} distinct numeric values"
    return TaskChoice(
        REGRESSION, reason, alternative=MULTICLASS if integral and n_unique <= 30 else None
    )


def _requested_task(y: pd.Series, requested: str, n_unique: int) -> TaskChoice:
    key = str(requested).strip().lower()
    if key not in _TASK_ALIASES:
        raise ConfigError(
            f"unknown task {requested!r}; use one of: {', '.join(TASKS)} or 'classification'"
        )
    task = _TASK_ALIASES[key] or (BINARY if n_unique == 2 else MULTICLASS)
    if task == BINARY and n_unique != 2:
        raise ConfigError(
            f"task='binary' needs a target with 2 distinct values, but {y.name!r} has {n_unique}; "
            "use task='multiclass'"
        )
    if task == MULTICLASS and n_unique == 2:
        return TaskChoice(
            BINARY,
            f"task={requested!r} was requested, but {y.name!r} has 2 distinct values, "
            "so it is run as binary classification",
        )
    if task == REGRESSION and _is_categorical_like(y):
        raise ConfigError(
            f"task='regression' needs a numeric target, but {y.name!r} has type {y.dtype}; "
            "convert it with pd.to_numeric or use task='classification'"
        )
    return TaskChoice(task, f"set by task={requested!r}")


def _is_categorical_like(y: pd.Series) -> bool:
    dtype = y.dtype
    return bool(
        pd.api.types.is_bool_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def is_number_target(y: pd.Series) -> bool:
    """Tell whether ``y`` contains numbers (not booleans, text or categories)."""
    return bool(pd.api.types.is_numeric_dtype(y.dtype) and not _is_categorical_like(y))
