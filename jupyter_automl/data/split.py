"""The holdout split, made before the search so the search never sees those rows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.model_selection import train_test_split

from ..errors import ConfigError, DataError
from ..metrics import REGRESSION
from .findings import WARNING, Finding

# A class with fewer than this share of the rows gets an imbalance finding.
IMBALANCE_SHARE = 0.05


# Minimum number of rows per class: one for training and one for the holdout.
MIN_CLASS_ROWS = 2


@dataclass
class HoldoutSplit:
    """Training rows for the search and holdout rows for the final score."""

    X_train: pd.DataFrame
    y_train: pd.Series
    X_holdout: pd.DataFrame
    y_holdout: pd.Series
    stratified: bool
    findings: list[Finding]


def split_holdout(
    X: pd.DataFrame, y: pd.Series, task: str, fraction: float, random_state: int
) -> HoldoutSplit:
    """Split off ``fraction`` of the rows, stratified by class for classification."""
    if not 0.05 <= fraction <= 0.5:
        raise ConfigError(f"holdout={fraction!r} is out of range; use a fraction from 0.05 to 0.5")
    findings: list[Finding] = []
    stratify = None
    if task != REGRESSION:
        _check_class_sizes(y)
        stratify = y
        findings.extend(_imbalance(y))
    X_train, X_holdout, y_train, y_holdout = train_test_split(
        X, y, test_size=fraction, random_state=random_state, stratify=stratify
    )
    return HoldoutSplit(X_train, y_train, X_holdout, y_holdout, stratify is not None, findings)


def _check_class_sizes(y: pd.Series) -> None:
    """Raise ``DataError`` for a class too small to appear in training and in the holdout."""
    counts = y.value_counts()
    rare = counts[counts < MIN_CLASS_ROWS]
    if rare.empty:
        return
    shown = ", ".join(f"{label!r} ({count} row)" for label, count in rare.head(5).items())
    first = rare.index[0]
    raise DataError(
        f"class {shown} of {y.name!r} is too rare: every class needs at least "
        f"{MIN_CLASS_ROWS} rows, one to train on and one to score; drop those rows, for "
        f"example df[df[{y.name!r}] != {first!r}], or merge the class into another"
    )


def _imbalance(y: pd.Series) -> list[Finding]:
    counts = y.value_counts()
    rarest, count = counts.index[-1], int(counts.iloc[-1])
    if count >= IMBALANCE_SHARE * len(y):
        return []
    return [
        Finding(
            kind="imbalanced_classes",
            column=y.name,
            severity=WARNING,
            message=(
                f"class {rarest!r} of {y.name!r} has only {count} of {len(y):,} rows "
                f"(1:{round(counts.iloc[0] / count)}); the holdout and FLAML's validation "
                "splits are stratified so each contains it, and accuracy is a poor guide: "
                "prefer metric='roc_auc' or metric='ap' (average precision)"
            ),
        )
    ]
