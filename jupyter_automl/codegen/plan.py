"""The training plan: every choice needed to rebuild the chosen model without FLAML.

A ``TrainingPlan`` is read from a finished FLAML search. The session builds the
final model from it (``jupyter_automl.codegen.pipeline``) and the generated code
is rendered from it (``jupyter_automl.codegen.source``), so both fit the same
scikit-learn pipeline with the same parameters on the same rows.

FLAML 2.8 hands its learners a frame prepared by its ``DataTransformer``. It
drops constant columns and text columns whose values are all distinct. It
expands datetime columns into numeric parts and then into ordinal days. Text and
categorical columns get a ``"__NAN__"`` level for missing values, and numeric
columns are imputed with the median. Learners other than LightGBM then get the
categories as integer codes, and ``sgd`` also scales each row to unit length.
The plan records which columns took which path.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CodegenError, ConfigError
from ..metrics import REGRESSION

# FLAML's level for a missing value in a text or categorical column.
MISSING_CATEGORY = "__NAN__"

# FLAML's datetime parts, in its order, with the pandas ``.dt`` attribute of each.
DATETIME_PARTS = {
    "year": "year",
    "month": "month",
    "day": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "dayofweek": "day_of_week",
    "dayofyear": "day_of_year",
    "quarter": "quarter",
}

# Learners whose final model can be rebuilt exactly, with the import path of each
# estimator class. catboost is left out: its final model depends on an internal
# early-stopping split that FLAML does not expose.
ESTIMATOR_MODULES = {
    "LGBMClassifier": "lightgbm",
    "LGBMRegressor": "lightgbm",
    "XGBClassifier": "xgboost",
    "XGBRegressor": "xgboost",
    "RandomForestClassifier": "sklearn.ensemble",
    "RandomForestRegressor": "sklearn.ensemble",
    "ExtraTreesClassifier": "sklearn.ensemble",
    "ExtraTreesRegressor": "sklearn.ensemble",
    "LogisticRegression": "sklearn.linear_model",
    "SGDClassifier": "sklearn.linear_model",
    "SGDRegressor": "sklearn.linear_model",
}
SUPPORTED_LEARNERS = ("lgbm", "rf", "xgboost", "extra_tree", "xgb_limitdepth", "sgd", "lrl1")
# Parameters that must not reach the final model: FLAML's time-limit callbacks.
IGNORED_PARAMS = ("callbacks",)


@dataclass
class TrainingPlan:
    """Columns, preprocessing and estimator of the final model.

    ``categorical`` and ``numeric`` are the columns the learner sees, in FLAML's
    order (categorical first). ``numeric`` includes the datetime parts, named as
    FLAML names them (``year_<column>``), and the datetime columns themselves as
    ordinal days. ``datetime_parts`` maps each datetime column to the parts kept,
    each with the name of its new column. ``prepare_outside`` is True when the
    raw column names mix text and other types, which every scikit-learn step
    rejects: ``prepare_features`` then runs before the pipeline instead of as
    its first step.
    """

    task: str
    learner: str
    categorical: list[Any]
    numeric: list[Any]
    datetime_parts: dict[Any, dict[str, str]]
    estimator_class: str
    params: dict[str, Any]
    normalize_rows: bool = False
    encode_labels: bool = False
    dropped: list[Any] = field(default_factory=list)
    prepare_outside: bool = False

    @property
    def estimator_module(self) -> str:
        return ESTIMATOR_MODULES[self.estimator_class]

    @property
    def columns(self) -> list[Any]:
        return [*self.categorical, *self.numeric]

    @property
    def fit_params(self) -> dict[str, Any]:
        """Keyword arguments of ``Pipeline.fit``, which give LightGBM the category columns' positions."""
        if self.estimator_class.startswith("LGBM") and self.categorical:
            return {"estimator__categorical_feature": list(range(len(self.categorical)))}
        return {}

    def estimator(self) -> Any:
        """Return a new, unfitted estimator with the plan's parameters."""
        module = __import__(self.estimator_module, fromlist=[self.estimator_class])
        return getattr(module, self.estimator_class)(**self.params)


def search_names(count: int) -> list[str]:
    """Return the column names the search sees in place of the user's.

    LightGBM rejects feature names with JSON characters such as quotes, braces
    and colons, and scikit-learn rejects frames that mix text and number names,
    so FLAML is given ``column_0``, ``column_1``, ... and the plan maps them back.
    """
    return [f"column_{position}" for position in range(count)]


def plan_from_flaml(
    automl: Any, task: str, columns: list[Any], raw_columns: list[Any]
) -> TrainingPlan:
    """Read the plan from a finished ``flaml.AutoML``.

    ``columns`` are the columns FLAML was fitted on, renamed by ``search_names``;
    ``raw_columns`` are the user's columns before the data checks' steps.
    """
    learner = str(automl.best_estimator)
    fitted = getattr(automl.model, "estimator", None)
    class_name = type(fitted).__name__
    if learner not in SUPPORTED_LEARNERS or class_name not in ESTIMATOR_MODULES:
        raise CodegenError(
            f"learner {learner!r} ({class_name}) cannot be rebuilt as standalone code; "
            f"pass learners= with some of {list(SUPPORTED_LEARNERS)}"
        )
    transformer = automl._transformer
    real = dict(zip(search_names(len(columns)), columns, strict=True))
    taken = set(columns)
    datetime_parts: dict[Any, dict[str, str]] = {}
    if hasattr(transformer, "_num_columns"):
        for search_name in transformer._datetime_columns:
            parts = datetime_parts[real[search_name]] = {}
            for part in DATETIME_PARTS:
                if f"{part}_{search_name}" in transformer._num_columns:
                    parts[part] = _unique_name(f"{part}_{real[search_name]}", taken)
                    real[f"{part}_{search_name}"] = parts[part]
        categorical = [real[name] for name in transformer._cat_columns]
        numeric = [real[name] for name in transformer._num_columns]
    else:
        # FLAML was given a NumPy array (engine.flaml_input): every column is numeric.
        categorical, numeric = [], list(columns)
    used = set(categorical) | set(numeric)
    return TrainingPlan(
        task=task,
        learner=learner,
        categorical=categorical,
        numeric=numeric,
        datetime_parts=datetime_parts,
        estimator_class=class_name,
        params=effective_params(fitted),
        normalize_rows=learner == "sgd",
        encode_labels=task != REGRESSION and class_name.startswith("XGB"),
        dropped=[column for column in columns if column not in used],
        prepare_outside=mixes_text_and_other_names(raw_columns),
    )


def mixes_text_and_other_names(columns: list[Any]) -> bool:
    """Tell whether scikit-learn would reject these column names (text mixed with other types)."""
    types = {type(column).__qualname__ for column in columns}
    return len(types) > 1 and "str" in types


def _unique_name(name: str, taken: set[Any]) -> str:
    """Return ``name``, or ``name`` with underscores appended, so it is not in ``taken``."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def effective_params(fitted: Any) -> dict[str, Any]:
    """Return the fitted estimator's parameters that differ from its class defaults.

    The values come from ``get_params()`` of the model FLAML trained, not from
    ``best_config``: FLAML renames some keys (``log_max_bin`` becomes ``max_bin``,
    ``max_leaves`` becomes ``max_leaf_nodes``) and lowers ``n_estimators`` when a
    trial stops early.
    """
    defaults = type(fitted)().get_params()
    params = {}
    for name, value in trained_params(fitted).items():
        if name in IGNORED_PARAMS:
            continue
        value = _to_builtin(value)
        if name in defaults and _same(value, _to_builtin(defaults[name])):
            continue
        if not _is_literal(value):
            raise CodegenError(
                f"parameter {name}={value!r} of {type(fitted).__name__} cannot be written as code"
            )
        params[name] = value
    return params


def trained_params(fitted: Any) -> dict[str, Any]:
    """Return ``fitted.get_params()`` with ``n_estimators`` as many as were trained.

    FLAML 2.8 stops a LightGBM or XGBoost trial that reaches its time limit through
    a callback, but lowers ``n_estimators`` only when the booster reports a best
    iteration above 0, which an XGBoost booster stopped by time does not. The
    trial's validation loss is that of the trees actually built. Refitting with the
    configured count could take many times longer and would give a different model.
    """
    params = fitted.get_params()
    configured = params.get("n_estimators")
    if not isinstance(configured, int):
        return params
    if hasattr(fitted, "get_booster"):  # XGBoost
        built = fitted.get_booster().num_boosted_rounds()
    elif hasattr(fitted, "booster_"):  # LightGBM
        built = fitted.booster_.current_iteration()
    else:
        return params
    if 0 < built < configured:
        params["n_estimators"] = built
    return params


def _to_builtin(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    return type(left) is type(right) and left == right


def _is_literal(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_literal(item) for item in value)
    if isinstance(value, dict):
        return all(_is_literal(key) and _is_literal(item) for key, item in value.items())
    return False


# FLAML learners that jupyter_automl does not search, and why.
NOT_REBUILDABLE = {
    "catboost": "its final model cannot be rebuilt exactly as standalone code",
}


def check_learners(learners: list[str] | None, task: str) -> list[str]:
    """Return the learners to search: ``learners`` checked, or every supported one for ``task``.

    NOTE: catboost, which FLAML adds to its default list when it is installed, is
    not searched, because its final model cannot be rebuilt as standalone code.
    """
    allowed = [name for name in SUPPORTED_LEARNERS if task != REGRESSION or name != "lrl1"]
    if learners is None:
        return allowed
    if isinstance(learners, str) or not isinstance(learners, (list, tuple)) or not learners:
        raise ConfigError(f"learners={learners!r} must be a non-empty list such as ['lgbm', 'rf']")
    unknown = [name for name in learners if name not in allowed]
    if unknown and unknown[0] in NOT_REBUILDABLE:
        raise ConfigError(
            f"learner {unknown[0]!r} is not searched, because {NOT_REBUILDABLE[unknown[0]]}; "
            f"use some of: {', '.join(allowed)}"
        )
    if unknown and unknown[0] == "lrl1":
        raise ConfigError(
            "learner 'lrl1' (L1-regularized logistic regression) is a classifier, so it "
            f"cannot predict the numeric target of a regression task; use some of: "
            f"{', '.join(allowed)}"
        )
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(
            f"learner {unknown[0]!r} is not available for a {task} task; "
            f"{hint}use some of: {', '.join(allowed)}"
        )
    return list(dict.fromkeys(learners))
