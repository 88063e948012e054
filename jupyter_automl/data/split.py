"""The holdout split, made before the search so the search never sees those rows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.model_selection import train_test_split

from ..errors import ConfigError
from ..metrics import REGRESSION
from .findings import WARNING, Finding

# A class with fewer than this share of the rows gets an imbalance finding.
IMBALANCE_SHARE = 0.05


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
        counts = y.value_counts()
        rare = counts[counts < 2]
        if rare.empty:
            stratify = y
        else:
            findings.append(
                Finding(
                    kind="rare_class",
                    column=y.name,
                    severity=WARNING,
                    message=(
                        f"classes {list(rare.index)[:5]} of {y.name!r} occur only once, so the "
                        "holdout split is not stratified and may miss classes"
                    ),
                )
            )
    if task != REGRESSION:
        findings.extend(_imbalance(y))
    X_train, X_holdout, y_train, y_holdout = train_test_split(
        X, y, test_size=fraction, random_state=random_state, stratify=stratify
    )
    return HoldoutSplit(X_train, y_train, X_holdout, y_holdout, stratify is not None, findings)


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
