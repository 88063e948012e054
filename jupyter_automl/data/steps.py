"""Fixes that the data checks apply to the feature columns, in the session and in code.

A step changes a feature DataFrame the same way at training and at prediction
time. Each step also renders itself as plain pandas statements, so the generated
training code repeats it without importing jupyter_automl. The statements use
only ``pd`` (pandas imported as ``pd``) and the frame variable. Steps must be
picklable (the model is saved with joblib) and must quote column names with
``repr`` in the code they render.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

import numpy as np
import pandas as pd
import sklearn

from ..errors import DataQualityWarning, SchemaError

# Characters LightGBM 4.7 rejects in feature names ("special JSON characters"),
# XGBoost 3.2's "[", "]" and "<", backslashes and control characters. Whitespace is
# included because LightGBM replaces it with "_" in its own feature names.
UNSAFE_NAME_CHARACTERS = re.compile(r'[\[\]<>,:"{}\\\s\x00-\x1f\x7f]')


_quiet = threading.local()


@contextmanager
def quiet_steps() -> Iterator[None]:
    """Silence the steps' warnings on this thread, where findings already report them.

    Unlike ``warnings.catch_warnings`` this changes no global state, so it is safe
    on the search's background thread.
    """
    previous = getattr(_quiet, "active", False)
    _quiet.active = True
    try:
        yield
    finally:
        _quiet.active = previous


def _warn(message: str) -> None:
    if not getattr(_quiet, "active", False):
        warnings.warn(message, DataQualityWarning, stacklevel=caller_stacklevel())


# Packages whose frames lie between a user's ``model.predict`` call and a step.
_LIBRARY_PREFIXES = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
    os.path.dirname(sklearn.__file__ or "") + os.sep,
)


def caller_stacklevel() -> int:
    """Return the ``stacklevel`` that makes a warning point at the first frame outside
    jupyter_automl and scikit-learn, the user's own call."""
    level = 1
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_PREFIXES):
        frame = frame.f_back
        level += 1
    return level


class Step:
    """One change to the feature columns; subclasses implement ``apply`` and ``to_code``."""

    description: str = ""

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return the changed frame; must not modify ``X`` in place."""
        raise NotImplementedError

    def to_code(self, frame: str) -> list[str]:
        """Return pandas statements that make the same change to the variable named ``frame``."""
        raise NotImplementedError


@dataclass
class DropColumns(Step):
    """Drop columns that carry no information, such as constant or empty ones."""

    columns: list[Any]
    reason: str

    @property
    def description(self) -> str:  # type: ignore[override]
        names = ", ".join(repr(name) for name in self.columns)
        return f"drop {names}: {self.reason}"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        return X.drop(columns=[name for name in self.columns if name in X.columns])

    def to_code(self, frame: str) -> list[str]:
        return [
            f"# Drop columns: {_one_line(self.reason)}",
            f"{frame} = {frame}.drop(columns={list(self.columns)!r}, errors='ignore')",
        ]


@dataclass
class NumbersFromText(Step):
    """Read numeric columns given as text at prediction time as numbers.

    Every column not listed in ``non_numeric`` (the text, category, date and
    boolean columns of the training data) must contain numbers. Text such as "1.5"
    becomes 1.5; text that is not a number raises ``SchemaError`` naming the column.
    """

    non_numeric: list[Any]

    @property
    def description(self) -> str:  # type: ignore[override]
        return "read numeric columns given as text as numbers"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        changed = _text_in_numeric(X, self.non_numeric)
        if not changed:
            return X
        X = X.copy()
        for name in changed:
            numbers = pd.to_numeric(X[name], errors="coerce")
            invalid = X[name].notna() & numbers.isna()
            if invalid.any():
                examples = list(X[name][invalid].unique()[:3])
                raise SchemaError(
                    f"column {name!r} was numeric in training but contains text that is not a "
                    f"number: {examples!r}; convert it with pd.to_numeric or fix those values"
                )
            X[name] = numbers
        return X

    def to_code(self, frame: str) -> list[str]:
        return [
            "# Numeric columns given as text are read as numbers",
            f"non_numeric = {list(self.non_numeric)!r}",
            "text_in_numeric = [",
            f"    name for name in {frame}.columns",
            f"    if name not in non_numeric and not pd.api.types.is_numeric_dtype({frame}[name])",
            "]",
            f"{frame}[text_in_numeric] = {frame}[text_in_numeric].apply(pd.to_numeric)",
        ]


def _text_in_numeric(X: pd.DataFrame, non_numeric: list[Any]) -> list[Any]:
    skipped = set(non_numeric)
    return [
        name
        for name, dtype in X.dtypes.items()
        if name not in skipped and not pd.api.types.is_numeric_dtype(dtype)
    ]


@dataclass
class ParseNumbers(Step):
    """Read text columns that contain numbers as float64, with other text as missing.

    ``markers`` maps each column to the missing-value markers it had in training
    (such as "n/a"). ``apply`` treats any other text that is not a number as missing
    too, and warns with examples.
    """

    markers: dict[Any, list[str]]

    @property
    def description(self) -> str:  # type: ignore[override]
        names = ", ".join(repr(name) for name in self.markers)
        return f"read {names} as numbers"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        X = X.copy()
        for name, markers in self.markers.items():
            if name not in X.columns:
                continue
            before = X[name]
            X[name] = parse_numbers(before)
            failed = before.notna() & X[name].isna() & ~_is_marker(before, markers)
            if failed.any():
                examples = list(before[failed].unique()[:3])
                _warn(
                    f"column {name!r}: {int(failed.sum())} value(s) are not numbers and were "
                    f"treated as missing, for example {examples!r}"
                )
        return X

    def to_code(self, frame: str) -> list[str]:
        lines = ["# Read numbers stored as text; text that is not a number becomes missing"]
        for name in self.markers:
            column = f"{frame}[{name!r}]"
            lines.append(f"{column} = pd.to_numeric({column}, errors='coerce').astype('float64')")
        return lines


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse ``values`` as float64; text that is not a number becomes NaN."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _is_marker(values: pd.Series, markers: list[str]) -> pd.Series:
    text = values.map(lambda value: value.strip().lower() if isinstance(value, str) else value)
    return text.isin(markers)


@dataclass
class ToNumpyDtypes(Step):
    """Convert columns the learners cannot read as given to NumPy dtypes.

    ``dtypes`` maps each column to "float64" (nullable integers, floats and
    booleans, and numbers stored as objects, missing as NaN), "str" (text, missing
    as NaN), "datetime64[ns]", "seconds" (durations as float seconds) or
    "timestamp" (periods as the timestamp they start at).
    """

    dtypes: dict[Any, str]

    @property
    def description(self) -> str:  # type: ignore[override]
        return f"convert {len(self.dtypes)} column(s) to NumPy dtypes"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        X = X.copy()
        for name, dtype in self.dtypes.items():
            if name in X.columns:
                X[name] = _to_numpy_dtype(X[name], dtype)
        return X

    def to_code(self, frame: str) -> list[str]:
        lines = ["# Convert columns to NumPy dtypes (missing values as NaN)"]
        for name, dtype in self.dtypes.items():
            column = f"{frame}[{name!r}]"
            if dtype == "float64":
                lines.append(f"{column} = pd.to_numeric({column}).astype('float64')")
            elif dtype == "seconds":
                lines.append(f"{column} = pd.to_timedelta({column}).dt.total_seconds()")
            elif dtype == "timestamp":
                lines.append(f"{column} = {column}.dt.to_timestamp()")
            else:
                lines.append(f"{column} = {column}.astype({dtype!r})")
        return lines


def _to_numpy_dtype(values: pd.Series, dtype: str) -> pd.Series:
    if dtype == "float64":
        return pd.to_numeric(values).astype("float64")
    if dtype == "seconds":
        return pd.to_timedelta(values).dt.total_seconds()
    if dtype == "timestamp":
        return values.dt.to_timestamp()
    return values.astype(dtype)


@dataclass
class ParseDatetimes(Step):
    """Turn date columns, given as datetimes or as ISO 8601 text, into naive datetimes.

    ``timezones`` maps each column to the time zone whose wall-clock time the
    learners see (None keeps naive values and reads text offsets as UTC). Text
    that is not a date becomes NaT; ``apply`` warns with the count.
    """

    timezones: dict[Any, str | None]

    @property
    def description(self) -> str:  # type: ignore[override]
        names = ", ".join(repr(name) for name in self.timezones)
        return f"parse {names} as dates"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        X = X.copy()
        for name, timezone in self.timezones.items():
            if name not in X.columns:
                continue
            before = X[name]
            X[name] = parse_datetime(before, timezone)
            failed = int((before.notna() & X[name].isna()).sum())
            if failed:
                examples = before[before.notna() & X[name].isna()].astype(str).unique()[:3]
                _warn(
                    f"column {name!r}: {failed} value(s) are not dates and were treated as "
                    f"missing, for example {list(examples)!r}; pass dates as datetimes or "
                    "ISO 8601 text such as '2024-05-01 14:30'"
                )
        return X

    def to_code(self, frame: str) -> list[str]:
        lines = ["# Parse dates (text as ISO 8601), as wall-clock time without a time zone"]
        for name, timezone in self.timezones.items():
            column = f"{frame}[{name!r}]"
            lines.append(
                f"{column} = pd.to_datetime({column}, format='ISO8601', utc=True, "
                f"errors='coerce').dt.tz_convert({timezone or 'UTC'!r}).dt.tz_localize(None)"
            )
        return lines


def parse_datetime(values: pd.Series, timezone: str | None) -> pd.Series:
    """Parse ``values`` as instants and return the naive wall-clock time in ``timezone``.

    Naive datetimes and text without an offset are read as wall-clock time in UTC,
    which keeps them unchanged when ``timezone`` is None.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        parsed = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
    return parsed.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)


# The largest float32; LightGBM and XGBoost store features as float32.
FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass
class ReplaceInfinite(Step):
    """Replace ``inf``, ``-inf`` and values beyond float32's range with NaN, read as missing.

    scikit-learn's imputer raises on infinite values, and LightGBM and XGBoost store
    features as float32, where values beyond ``FLOAT32_MAX`` become infinite. The
    step covers every numeric column, also those that had none in training.
    ``apply`` warns with the names of the columns it changed.
    """

    @property
    def description(self) -> str:  # type: ignore[override]
        return "replace infinite values with NaN"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        numeric = X.select_dtypes("number")
        values = numeric.to_numpy(dtype="float64", na_value=np.nan)
        out_of_range = (np.abs(values) > FLOAT32_MAX).any(axis=0)
        if not out_of_range.any():
            return X
        names = [name for name, found in zip(numeric.columns, out_of_range, strict=True) if found]
        _warn(f"infinite values in {_names(names)} were treated as missing")
        X = X.copy()
        X[names] = X[names].mask(X[names].abs() > FLOAT32_MAX)
        return X

    def to_code(self, frame: str) -> list[str]:
        return [
            "# Treat infinite values, and values beyond float32's range, as missing",
            f"numeric = {frame}.select_dtypes('number').columns",
            f"{frame}[numeric] = {frame}[numeric].mask({frame}[numeric].abs() > {FLOAT32_MAX!r})",
        ]


@dataclass
class UnseenToMissing(Step):
    """Treat category values not seen in training as missing, with a warning naming them.

    FLAML also maps unseen values to its missing level; this step makes that
    explicit in the generated code and warns with our own category.
    """

    levels: dict[Any, list[Any]]

    @property
    def description(self) -> str:  # type: ignore[override]
        return f"treat values unseen in training as missing in {len(self.levels)} column(s)"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        X = X.copy()
        for name, levels in self.levels.items():
            if name not in X.columns:
                continue
            values = X[name]
            unseen = values.notna() & ~values.isin(levels)
            if not unseen.any():
                continue
            examples = list(values[unseen].unique()[:5])
            _warn(
                f"column {name!r}: {int(unseen.sum())} row(s) have values not seen in "
                f"training, treated as missing: {examples!r}"
            )
            X[name] = values.where(~unseen)
        return X

    def to_code(self, frame: str) -> list[str]:
        lines = ["# Values not seen in training are treated as missing"]
        for name, levels in self.levels.items():
            column = f"{frame}[{name!r}]"
            lines.append(f"{column} = {column}.where({column}.isin({list(levels)!r}))")
        return lines


@dataclass
class RenameColumns(Step):
    """Rename columns whose names LightGBM or XGBoost reject; ``names`` maps old to new.

    Names that are not text (integers, tuples) are renamed too, because FLAML 2.8's
    data transformer fails on integer names mixed with its own text names.
    """

    names: dict[Any, str]

    @property
    def description(self) -> str:  # type: ignore[override]
        pairs = ", ".join(f"{old!r} -> {new!r}" for old, new in self.names.items())
        return f"rename {pairs}"

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        return X.rename(columns=self.names)

    def to_code(self, frame: str) -> list[str]:
        return [
            "# LightGBM and XGBoost reject some characters in feature names",
            f"{frame} = {frame}.rename(columns={self.names!r})",
        ]


def safe_names(columns: list[Any]) -> dict[Any, str]:
    """Map each column name the learners would reject, or that is not text, to a unique safe name."""
    taken = {str(name) for name in columns}
    renamed: dict[Any, str] = {}
    for name in columns:
        if isinstance(name, str) and not UNSAFE_NAME_CHARACTERS.search(name):
            continue
        base = UNSAFE_NAME_CHARACTERS.sub("_", str(name)) or "column"
        candidate, suffix = base, 2
        while candidate in taken:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(candidate)
        renamed[name] = candidate
    return renamed


def apply_steps(steps: list[Step], X: pd.DataFrame) -> pd.DataFrame:
    """Apply each step in order and return the result."""
    for step in steps:
        X = step.apply(X)
    return X


def original_names(steps: list[Step], names: list[Any]) -> list[Any]:
    """Map learner-side feature names back to the user's column names, undoing renames."""
    mapping: dict[Any, Any] = {}
    for step in steps:
        if isinstance(step, RenameColumns):
            mapping.update({new: old for old, new in step.names.items()})
    return [mapping.get(name, name) for name in names]


def steps_to_code(steps: list[Step], frame: str) -> list[str]:
    """Render every step as pandas statements on the variable named ``frame``."""
    lines: list[str] = []
    for step in steps:
        lines.extend(step.to_code(frame))
    return lines


def _names(names: list[Any]) -> str:
    shown = ", ".join(repr(name) for name in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _one_line(text: str) -> str:
    return " ".join(text.split())
