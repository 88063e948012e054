"""Fixes that the data checks apply to the feature columns, in the session and in code.

A step changes a feature DataFrame the same way at training and at prediction
time. Each step also renders itself as plain pandas statements, so the generated
training code repeats it without importing jupyter_automl. Steps must be
picklable (the model is saved with joblib) and must quote column names with
``repr`` in the code they render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


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
        return [f"{frame} = {frame}.drop(columns={list(self.columns)!r})  # {self.reason}"]


def apply_steps(steps: list[Step], X: pd.DataFrame) -> pd.DataFrame:
    for step in steps:
        X = step.apply(X)
    return X
