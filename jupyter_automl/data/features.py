"""Checks on the feature columns, each returning findings and the steps that fix them.

The checks run in a fixed order on a working copy, and each one receives the frame
as the previous steps left it. The order is: NumPy dtypes, numbers stored as text,
dates, infinite values, columns that carry no information, the category levels seen in training, and the
column names the learners reject.

FLAML 2.8's own data transformer silently drops constant columns and text
columns whose values are all distinct. ``_useless_columns`` applies the same
rules first, so the user gets a finding and the generated code drops them too.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from .findings import INFO, WARNING, Finding
from .steps import (
    FLOAT32_MAX,
    DropColumns,
    NumbersFromText,
    ParseDatetimes,
    ParseNumbers,
    RenameColumns,
    ReplaceInfinite,
    Step,
    ToNumpyDtypes,
    UnseenToMissing,
    parse_numbers,
    quiet_steps,
    safe_names,
)

# Text that starts like an ISO 8601 date: 2024-05-01, 2024-05-01T14:30, 2024-05-01 14:30+02:00.
ISO_DATE = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)

# Text that spreadsheets, CSV exports and databases write for a missing number,
# compared after stripping spaces and lowering case.
MISSING_MARKERS = frozenset(
    [
        "",
        "n/a",
        "na",
        "nan",
        "null",
        "none",
        "nil",
        "-",
        "--",
        "?",
        ".",
        "#n/a",
        "n.a.",
        "missing",
        "unknown",
        "not available",
    ]
)
# Numbers with a leading zero, such as ZIP codes ("02139"), are codes, not quantities.
LEADING_ZERO = re.compile(r"^\s*[+-]?0\d")

# Columns with more category levels than this are not given an ``UnseenToMissing``
# step, so the generated code stays readable; FLAML still maps unseen values to missing.
MAX_LEVELS_IN_CODE = 50


def check_features(X: pd.DataFrame) -> tuple[list[Finding], list[Step]]:
    """Run every feature check on ``X`` and return the findings and the steps, in order."""
    check_supported_values(X)
    findings: list[Finding] = []
    steps: list[Step] = []
    for check in (
        _numeric_columns,
        _numpy_dtypes,
        _numbers_as_text,
        _dates,
        _infinite_values,
        _useless_columns,
        _category_levels,
        _names,
    ):
        new_findings, step = check(X)
        findings.extend(new_findings)
        if step is not None:
            steps.append(step)
            with quiet_steps():
                X = step.apply(X)
    return findings, steps


CheckResult = tuple[list[Finding], Step | None]


def check_supported_values(X: pd.DataFrame) -> None:
    """Raise ``DataError`` naming the first column whose values no learner can read.

    Those are complex numbers and objects that cannot be compared as categories
    (lists, dicts, sets, arrays).
    """
    for name, dtype in X.dtypes.items():
        if pd.api.types.is_complex_dtype(dtype):
            raise DataError(
                f"column {name!r} contains complex numbers, which no learner accepts; split it "
                f"into real and imaginary parts (np.real, np.imag) or drop it"
            )
        if not pd.api.types.is_object_dtype(dtype):
            continue
        for row, value in X[name].items():
            if isinstance(value, (list, dict, set, np.ndarray)):
                raise DataError(
                    f"column {name!r} contains {type(value).__name__} values (first at index "
                    f"{row!r}), which no learner accepts; expand them into columns of numbers "
                    "or text, for example with df[col].apply(pd.Series), or drop the column"
                )


def _numeric_columns(X: pd.DataFrame) -> CheckResult:
    non_numeric = [
        name
        for name, dtype in X.dtypes.items()
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype)
    ]
    if len(non_numeric) == X.shape[1]:
        return [], None
    return [], NumbersFromText(non_numeric)


def _numpy_dtypes(X: pd.DataFrame) -> CheckResult:
    dtypes: dict[Any, str] = {}
    for name, dtype in X.dtypes.items():
        if pd.api.types.is_object_dtype(dtype) and _holds_numbers(X[name]):
            dtypes[name] = "float64"
            continue
        if pd.api.types.is_timedelta64_dtype(dtype):
            dtypes[name] = "seconds"
            continue
        if isinstance(dtype, pd.PeriodDtype):
            dtypes[name] = "timestamp"
            continue
        if isinstance(dtype, (np.dtype, pd.CategoricalDtype)):
            continue
        if _is_default_text(dtype) or isinstance(dtype, pd.DatetimeTZDtype):
            continue
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            dtypes[name] = "float64"
        elif pd.api.types.is_string_dtype(dtype):
            dtypes[name] = "str"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            dtypes[name] = "datetime64[ns]"
    if not dtypes:
        return [], None
    listed = _shortlist([f"{name!r} ({X[name].dtype})" for name in dtypes])
    finding = Finding(
        kind="converted_dtype",
        column=None,
        severity=INFO,
        message=f"converted columns {listed} to NumPy dtypes: numbers and booleans to "
        "float64, text to str, durations to seconds, periods to their start time; missing "
        "values (pd.NA, None) became NaN",
        fix="converted dtypes",
    )
    return [finding], ToNumpyDtypes(dtypes)


def _holds_numbers(values: pd.Series) -> bool:
    """Tell whether an object column contains only numbers (bool excluded) besides missing values."""
    present = values.dropna()
    return not present.empty and all(
        isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))
        for value in present
    )


def _numbers_as_text(X: pd.DataFrame) -> CheckResult:
    markers: dict[Any, list[str]] = {}
    findings: list[Finding] = []
    for name, dtype in X.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype) or not _is_text_like(dtype):
            continue
        found = _missing_markers_if_numbers(X[name])
        if found is None:
            continue
        markers[name] = found
        missing = f", with {_quoted(found)} read as missing" if found else ""
        findings.append(
            Finding(
                kind="numbers_as_text",
                column=name,
                severity=WARNING,
                message=f"column {name!r} contains numbers stored as text; it was read as "
                f"numbers{missing}. If its values are codes rather than quantities, pass "
                f"df[{name!r}].astype('category') instead",
                fix="read as numbers",
            )
        )
    if not markers:
        return [], None
    return findings, ParseNumbers(markers)


def _missing_markers_if_numbers(values: pd.Series) -> list[str] | None:
    """Return the missing-value markers of a column of numbers stored as text, else None.

    Every value besides missing ones must be a number, a number as text, or one of
    ``MISSING_MARKERS``. The column also needs two different numbers, at least one
    value as text, and no number with a leading zero.
    """
    present = _distinct_present(values)
    if present.empty or not all(
        isinstance(value, (str, int, float, np.number)) and not isinstance(value, (bool, np.bool_))
        for value in present
    ):
        return None
    text = present[present.map(lambda value: isinstance(value, str))]
    if text.empty or text.str.match(LEADING_ZERO).any():
        return None
    numbers = parse_numbers(present)
    normalized = text.str.strip().str.lower()
    not_numbers = normalized[numbers[text.index].isna()]
    if not not_numbers.isin(MISSING_MARKERS).all():
        return None
    if numbers.nunique(dropna=True) < 2:
        return None
    return sorted(set(not_numbers))


def _distinct_present(values: pd.Series) -> pd.Series:
    """Return the values of ``values`` besides missing ones, once each for a text column.

    The checks that call this test every value in Python. On the distinct values of a
    text column they return the same result, and on 200,000 rows of adult-like data
    they took 12 s when given every row. Object columns keep every value, because
    ``unique`` would merge values that compare equal across types (``True`` and ``1``).
    """
    present = values.dropna()
    if isinstance(present.dtype, pd.StringDtype):
        return pd.Series(present.unique(), dtype=present.dtype)
    return present


def _quoted(markers: list[str]) -> str:
    return ", ".join(repr(marker) for marker in markers)


def _is_default_text(dtype: Any) -> bool:
    """Tell whether ``dtype`` is pandas 3's default text dtype ("str", missing as NaN)."""
    return isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan


def _dates(X: pd.DataFrame) -> CheckResult:
    timezones: dict[Any, str | None] = {}
    findings: list[Finding] = []
    for name, dtype in X.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            timezones[name] = str(dtype.tz)
            findings.append(
                Finding(
                    kind="timezone",
                    column=name,
                    severity=INFO,
                    message=f"column {name!r} has time zone {dtype.tz}; its date parts (hour, "
                    f"day, ...) are taken from the wall-clock time in {dtype.tz}",
                    fix="converted to wall-clock time",
                )
            )
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            timezones[name] = None
        elif _holds_datetime_objects(X[name]):
            timezones[name] = None
            findings.append(
                Finding(
                    kind="datetime_objects",
                    column=name,
                    severity=WARNING,
                    message=f"column {name!r} contains date-time objects of mixed types or time "
                    "zones; they were converted to UTC (naive ones read as UTC) and split into "
                    "date parts. Convert it yourself with pd.to_datetime to choose otherwise",
                    fix="parsed as dates in UTC",
                )
            )
        elif _looks_like_dates(X[name]):
            timezones[name] = None
            findings.append(
                Finding(
                    kind="dates_as_text",
                    column=name,
                    severity=WARNING,
                    message=f"column {name!r} contains dates as text; it was parsed as dates "
                    "(offsets such as +02:00 converted to UTC) and split into date parts. "
                    "Convert it yourself with pd.to_datetime to choose otherwise",
                    fix="parsed as dates",
                )
            )
    if not timezones:
        return [], None
    return findings, ParseDatetimes(timezones)


def _holds_datetime_objects(values: pd.Series) -> bool:
    """Tell whether an object column contains only date-times (such as mixed time zones)."""
    if not pd.api.types.is_object_dtype(values.dtype):
        return False
    present = values.dropna()
    return not present.empty and all(isinstance(value, datetime) for value in present)


def _looks_like_dates(values: pd.Series) -> bool:
    if not (
        pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
    ):
        return False
    present = _distinct_present(values)
    if present.empty or not all(isinstance(value, str) for value in present):
        return False
    if not present.str.match(ISO_DATE).all():
        return False
    parsed = pd.to_datetime(present, format="ISO8601", utc=True, errors="coerce")
    return bool(parsed.notna().all())


def _infinite_values(X: pd.DataFrame) -> CheckResult:
    numeric = X.select_dtypes("number")
    if numeric.shape[1] == 0:
        return [], None
    values = numeric.to_numpy(dtype="float64", na_value=np.nan)
    positive = np.isposinf(values).sum(axis=0)
    negative = np.isneginf(values).sum(axis=0)
    huge = (np.isfinite(values) & (np.abs(values) > FLOAT32_MAX)).sum(axis=0)
    findings = [
        Finding(
            kind="infinite_values",
            column=name,
            severity=WARNING,
            message=f"column {name!r} has {int(plus)} +inf and {int(minus)} -inf value(s)"
            + (
                f" and {int(large)} beyond ±{FLOAT32_MAX:.3g}, which LightGBM and XGBoost cannot store"
                if large
                else ""
            )
            + "; they were treated as missing values (NaN), in training and in prediction",
            fix="replaced infinite values with NaN",
        )
        for name, plus, minus, large in zip(numeric.columns, positive, negative, huge, strict=True)
        if plus or minus or large
    ]
    # The step is added even without infinite values in training, so that one at
    # prediction time becomes NaN instead of an error inside scikit-learn.
    return findings, ReplaceInfinite()


def _useless_columns(X: pd.DataFrame) -> CheckResult:
    distinct = X.nunique(dropna=True)
    present = X.notna().sum()
    reasons: dict[Any, str] = {}
    for name in X.columns:
        if present[name] == 0:
            reasons[name] = "every value is missing"
        elif distinct[name] < 2:
            reasons[name] = "it has a single value" + (
                " besides missing ones" if present[name] < len(X) else ""
            )
        elif _is_text_like(X[name].dtype) and distinct[name] == present[name]:
            reasons[name] = "every value is different, as in an identifier, so it cannot generalise"
    if not reasons:
        return [], None
    findings = [
        Finding(
            kind="dropped_column",
            column=name,
            severity=WARNING,
            message=f"column {name!r} was dropped because {reason}",
            fix="dropped column",
        )
        for name, reason in reasons.items()
    ]
    summary = "; ".join(f"{name!r}: {reason}" for name, reason in reasons.items())
    return findings, DropColumns(list(reasons), summary)


def _is_text_like(dtype: Any) -> bool:
    # The dtypes FLAML treats as categories ("object", "category", "string", "str").
    return bool(
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def _category_levels(X: pd.DataFrame) -> CheckResult:
    levels: dict[Any, list[Any]] = {}
    for name, dtype in X.dtypes.items():
        if not _is_text_like(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
            continue
        values = pd.unique(X[name].dropna())
        if len(values) <= MAX_LEVELS_IN_CODE:
            levels[name] = sorted((_python_scalar(value) for value in values), key=repr)
    if not levels:
        return [], None
    return [], UnseenToMissing(levels)


def _python_scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _names(X: pd.DataFrame) -> CheckResult:
    renamed = safe_names(list(X.columns))
    if not renamed:
        return [], None
    pairs = _shortlist([f"{old!r} -> {new!r}" for old, new in renamed.items()])
    finding = Finding(
        kind="renamed_columns",
        column=None,
        severity=INFO,
        message=f"renamed {len(renamed)} column(s) for the learners, which need text names "
        f'without characters such as [ ] < , : " {{ }}: {pairs}; predictions and feature '
        "importance use your original names",
        fix="renamed columns",
    )
    return [finding], RenameColumns(renamed)


def _shortlist(items: list[str], shown: int = 5) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more
