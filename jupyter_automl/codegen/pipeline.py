"""Build the final scikit-learn pipeline of a plan, in the session and as source text.

The pipeline is ``prepare`` (raw columns to the learner's columns), ``preprocess``
(ordinal codes for categories, the median for missing numbers), an optional
``normalize`` (unit-length rows, for ``sgd``) and ``estimator``. Categories are
ordinal-encoded in sorted order, which gives the same codes as the pandas
categorical codes FLAML uses; a category not seen in training becomes -1, which
LightGBM treats as missing.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, LabelEncoder, Normalizer, OrdinalEncoder

from ..data.steps import Step
from .features import prepare_features
from .plan import TrainingPlan


def build_pipeline(plan: TrainingPlan, steps: list[Step]) -> Pipeline:
    """Return the unfitted pipeline that the generated code also builds."""
    parts: list[tuple[str, Any]] = []
    if not plan.prepare_outside:
        kw_args = {"steps": list(steps), "plan": plan}
        parts.append(("prepare", FunctionTransformer(prepare_features, kw_args=kw_args)))
    parts.append(("preprocess", _column_transformer(plan)))
    if plan.normalize_rows:
        parts.append(("normalize", Normalizer()))
    parts.append(("estimator", plan.estimator()))
    return Pipeline(parts)


def _column_transformer(plan: TrainingPlan) -> ColumnTransformer:
    n_categorical = len(plan.categorical)
    transformers: list[tuple[str, Any, list[int]]] = []
    if plan.categorical:
        encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
        transformers.append(("categorical", encoder, list(range(n_categorical))))
    if plan.numeric:
        positions = list(range(n_categorical, n_categorical + len(plan.numeric)))
        transformers.append(("numeric", SimpleImputer(strategy="median"), positions))
    return ColumnTransformer(transformers)


def fit_pipeline(
    plan: TrainingPlan, steps: list[Step], X: pd.DataFrame, y: pd.Series
) -> tuple[Pipeline, LabelEncoder | None]:
    """Fit the plan's pipeline on raw rows ``X``; return it and the label encoder, if any."""
    pipeline = build_pipeline(plan, steps)
    label_encoder = None
    target: Any = y
    if plan.encode_labels:
        label_encoder = LabelEncoder().fit(y)
        target = label_encoder.transform(y)
    if plan.prepare_outside:
        X = prepare_features(X, steps, plan)
    pipeline.fit(X, target, **plan.fit_params)
    return pipeline, label_encoder


def pipeline_source(plan: TrainingPlan) -> list[str]:
    """Return the statements that build ``model``, the unfitted pipeline."""
    lines = ["preprocess = ColumnTransformer(["]
    if plan.categorical:
        lines += [
            "    # Categories in sorted order become 0, 1, 2, ...; an unseen one becomes -1.",
            '    ("categorical", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),',
            "     list(range(len(CATEGORICAL_COLUMNS)))),",
        ]
    if plan.numeric:
        lines += [
            '    ("numeric", SimpleImputer(strategy="median"),',
            "     list(range(len(CATEGORICAL_COLUMNS), len(CATEGORICAL_COLUMNS) + len(NUMERIC_COLUMNS)))),",
        ]
    lines.append("])")
    lines.append(f"estimator = {plan.estimator_class}(")
    lines += [f"    {name}={literal(value)}," for name, value in plan.params.items()]
    lines.append(")")
    lines.append("model = Pipeline([")
    if not plan.prepare_outside:
        lines.append('    ("prepare", FunctionTransformer(prepare_features)),')
    lines.append('    ("preprocess", preprocess),')
    if plan.normalize_rows:
        lines.append(
            '    ("normalize", Normalizer()),  # each row scaled to unit length, as FLAML does for sgd'
        )
    lines.append('    ("estimator", estimator),')
    lines.append("])")
    return lines


def literal(value: Any) -> str:
    """Return Python source for a parameter value; ``repr`` except for NaN and infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(item) for item in value)
        return (
            f"[{inner}]"
            if isinstance(value, list)
            else f"({inner}{',' if len(value) == 1 else ''})"
        )
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)
