"""Render a finished run as standalone Python source that rebuilds and scores the model.

The source imports pandas, numpy, scikit-learn and the estimator's library, and
never FLAML or jupyter_automl. Every user-supplied name (columns, target) appears
only as a ``repr`` literal. Run on the same data with the same library versions,
it fits the same pipeline as the session's ``result.model`` and prints the same
holdout score.
"""

from __future__ import annotations

import ast
import importlib.metadata
from typing import TYPE_CHECKING, Any

from ..metrics import BINARY, MULTICLASS, REGRESSION
from .features import prepare_features_source
from .fingerprint import FINGERPRINT_SOURCE
from .pipeline import pipeline_source
from .plan import CodegenError, TrainingPlan

if TYPE_CHECKING:
    from ..result import Result

# Lines of listed values (column names) are wrapped to this width.
LINE_WIDTH = 99

# Holdout metrics in the generated code, by metric and task ("" for any task).
# Each entry names the sklearn.metrics functions to import and gives an expression
# over ``y_holdout``, ``holdout_predictions``, ``holdout_proba`` and ``classes``.
# Each expression computes the same value as its metric in jupyter_automl.metrics.
METRIC_SOURCE: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("roc_auc", BINARY): (
        ("roc_auc_score",),
        "roc_auc_score(y_holdout == classes[1], holdout_proba[:, 1])",
    ),
    ("roc_auc", MULTICLASS): (
        ("roc_auc_score",),
        'roc_auc_score(y_holdout, holdout_proba, multi_class="ovr", labels=classes)',
    ),
    ("log_loss", ""): (("log_loss",), "log_loss(y_holdout, holdout_proba, labels=classes)"),
    ("ap", ""): (
        ("average_precision_score",),
        "average_precision_score(y_holdout == classes[1], holdout_proba[:, 1])",
    ),
    ("accuracy", ""): (("accuracy_score",), "accuracy_score(y_holdout, holdout_predictions)"),
    ("f1", ""): (
        ("f1_score",),
        "f1_score(y_holdout == classes[1], holdout_predictions == classes[1])",
    ),
    ("macro_f1", ""): (
        ("f1_score",),
        'f1_score(y_holdout, holdout_predictions, average="macro", labels=classes)',
    ),
    ("r2", ""): (("r2_score",), "r2_score(y_holdout, holdout_predictions)"),
    ("rmse", ""): (
        ("mean_squared_error",),
        "np.sqrt(mean_squared_error(y_holdout, holdout_predictions))",
    ),
    ("mae", ""): (("mean_absolute_error",), "mean_absolute_error(y_holdout, holdout_predictions)"),
    ("mape", ""): (
        ("mean_absolute_percentage_error",),
        "mean_absolute_percentage_error(y_holdout, holdout_predictions)",
    ),
}

# The placeholder used when the DataFrame has no name the code can refer to.
DATA_PLACEHOLDER = [
    "data = None  # Replace None with the training DataFrame, e.g. pd.read_csv('data.csv').",
    "if data is None:",
    '    raise ValueError("set data to the DataFrame the search was given (see the line above)")',
]


def generate_code(result: Result, data_name: str | None = None) -> str:
    """Return the training code of ``result`` as one string of Python source."""
    model = result.model
    if model is None:
        raise CodegenError("this run has no model, so there is no code to generate")
    plan: TrainingPlan = model.plan
    sections = [
        _header(result, plan),
        _imports(result, plan),
        _loading(result, data_name),
        _split(result),
        _columns(plan),
        ["", *prepare_features_source(model.steps, plan), ""],  # two blank lines around a def
        pipeline_source(plan),
        _fit(plan),
        _score(result, plan),
        _usage(result, plan),
    ]
    body = "\n\n".join("\n".join(lines) for lines in sections[2:])
    if "np." not in body:
        sections[1].remove("import numpy as np")
    source = "\n\n".join("\n".join(lines) for lines in sections) + "\n"
    compile(source, "<generated training code>", "exec")  # a bug here must not reach a cell
    return source


def _header(result: Result, plan: TrainingPlan) -> list[str]:
    rows, columns = result.n_train + result.n_holdout, len(result.feature_names) + 1
    libraries = ["pandas", "numpy", "scikit-learn", _distribution(plan.estimator_module)]
    versions = ", ".join(f"{name} {_version(name)}" for name in dict.fromkeys(libraries))
    return [
        f"# Training code for target {result.target!r} ({result.task}), "
        f"written by jupyter-automl {_version('jupyter-automl')}.",
        f"# Data: {rows:,} usable rows x {columns:,} columns, fingerprint "
        f"{result.data_fingerprint or 'unavailable'}.",
        f"# Search: {plan.learner} chosen after {len(result.trials_list)} trials, "
        f"time_budget={result.time_budget:g} s, random_state={result.random_state}, "
        f"finished {result.finished_at}.",
        f"# Libraries: {versions}.",
        f"# Holdout {result.metric.label} in the session: {result.holdout_score!r}.",
        "#",
        *_search_repeatability(result),
        "# This code is deterministic: on the same data with the same library versions",
        "# it rebuilds the same model and prints the same holdout score.",
    ]


def _search_repeatability(result: Result) -> list[str]:
    if result.deterministic:
        return [
            "# The search was limited by max_trials, not by time, so a repeat with",
            f"# random_state={result.random_state} on the same data tries the same configs.",
        ]
    return [
        "# The time-budgeted search that chose this pipeline is not deterministic: how",
        "# many trials fit in the budget depends on the machine.",
    ]


def _imports(result: Result, plan: TrainingPlan) -> list[str]:
    metric_names = sorted(set(_metric_source(result)[0]))
    preprocessing = [] if plan.prepare_outside else ["FunctionTransformer"]
    if plan.encode_labels:
        preprocessing.append("LabelEncoder")
    if plan.normalize_rows:
        preprocessing.append("Normalizer")
    if plan.categorical:
        preprocessing.append("OrdinalEncoder")
    imports = [
        f"from {plan.estimator_module} import {plan.estimator_class}",
        "from sklearn.compose import ColumnTransformer",
        "from sklearn.impute import SimpleImputer",
        f"from sklearn.metrics import {', '.join(metric_names)}",
        "from sklearn.model_selection import train_test_split",
        "from sklearn.pipeline import Pipeline",
    ]
    if preprocessing:
        imports.append(f"from sklearn.preprocessing import {', '.join(sorted(preprocessing))}")
    return [
        "import hashlib",
        "import warnings",
        "",
        "import numpy as np",
        "import pandas as pd",
    ] + sorted(imports)


def _loading(result: Result, data_name: str | None) -> list[str]:
    expression = data_expression(data_name if data_name is not None else result.data_name)
    lines = ["# The data"]
    if expression is None:
        lines += DATA_PLACEHOLDER
    else:
        lines.append(f"data = {expression}  # the DataFrame the search was given")
    lines += [
        f"TARGET = {result.target!r}",
        f"EXPECTED_FINGERPRINT = {result.data_fingerprint!r}",
        "",
        "",
        *FINGERPRINT_SOURCE.rstrip("\n").split("\n"),
        "",
        "",
        "if EXPECTED_FINGERPRINT and data_fingerprint(data) != EXPECTED_FINGERPRINT:",
        "    warnings.warn(",
        '        "this data differs from the data the search used, so the score will differ",',
        "        stacklevel=1,",
        "    )",
    ]
    return lines


def data_expression(name: str | None) -> str | None:
    """Return ``name`` if it is a one-line Python expression, else None (use the placeholder)."""
    if name is None or "\n" in name or "\r" in name:
        return None
    try:
        ast.parse(name.strip(), mode="eval")
    except SyntaxError:
        return None
    return name.strip()


def _split(result: Result) -> list[str]:
    lines = []
    if any(finding.kind == "missing_target" for finding in result.findings):
        lines += [
            "# Rows without a usable target value (missing, empty text or infinite) are",
            "# dropped, as in the search.",
            "target_values = data[TARGET]",
            "unusable = target_values.isna()",
            "is_bool = pd.api.types.is_bool_dtype(target_values.dtype)",
            "if pd.api.types.is_numeric_dtype(target_values.dtype) and not is_bool:",
            '    numbers = pd.to_numeric(target_values, errors="coerce").astype("float64")',
            "    unusable |= ~np.isfinite(numbers.fillna(0.0))",
            "elif pd.api.types.is_object_dtype(target_values.dtype) or pd.api.types.is_string_dtype(",
            "    target_values.dtype",
            "):",
            "    text = target_values.astype(object)",
            '    unusable |= text.map(lambda value: isinstance(value, str) and value.strip() == "").astype(bool)',
            "data = data.loc[~unusable]",
            "# Whole-number labels were stored as float because of those rows.",
            "target_values = data[TARGET]",
            "if pd.api.types.is_float_dtype(target_values.dtype) and (",
            "    (target_values == target_values.round()).all() and target_values.abs().max() < 2**53",
            "):",
            '    data[TARGET] = target_values.astype("int64")',
            "",
        ]
    stratify = "y" if result.stratified and result.task != REGRESSION else "None"
    lines += [
        "X = data.drop(columns=[TARGET])",
        "y = data[TARGET]",
        "# The holdout rows, which the search never saw: the same split and seed.",
        "X_train, X_holdout, y_train, y_holdout = train_test_split(",
        f"    X, y, test_size={result.holdout_fraction!r}, random_state={result.random_state!r}, "
        f"stratify={stratify}",
        ")",
    ]
    return lines


def _columns(plan: TrainingPlan) -> list[str]:
    lines = ["# The columns the estimator sees, in this order (categorical first, as in FLAML)."]
    lines += list_assignment("CATEGORICAL_COLUMNS", plan.categorical)
    lines += list_assignment("NUMERIC_COLUMNS", plan.numeric)
    if plan.dropped:
        lines.append("# Not used (constant, or text with a distinct value in every row):")
        lines += [f"# {line}" for line in list_assignment("DROPPED_COLUMNS", plan.dropped)]
    return lines


def list_assignment(name: str, values: list[Any], width: int = LINE_WIDTH) -> list[str]:
    """Return ``name = [...]`` with each value as its ``repr``, wrapped to ``width`` when long.

    Wide frames have thousands of columns; one line per few names keeps the code
    readable in an editor.
    """
    line = f"{name} = {values!r}"
    if len(line) <= width:
        return [line]
    lines = [f"{name} = [  # {len(values):,} values"]
    current = "   "
    for value in values:
        item = f" {value!r},"
        if len(current) + len(item) > width and current.strip():
            lines.append(current)
            current = "   "
        current += item
    if current.strip():
        lines.append(current)
    lines.append("]")
    return lines


def _inputs(plan: TrainingPlan) -> tuple[str, str]:
    """Return the names of what the pipeline is given for the training and holdout rows."""
    if plan.prepare_outside:
        return "X_train_prepared", "X_holdout_prepared"
    return "X_train", "X_holdout"


def _fit(plan: TrainingPlan) -> list[str]:
    train, _ = _inputs(plan)
    arguments = f"{train}, y_train"
    lines = []
    if plan.prepare_outside:
        lines += [
            "# The column names mix text and other types, which every scikit-learn step",
            "# rejects, so prepare_features runs before the pipeline instead of inside it.",
            "X_train_prepared = prepare_features(X_train)",
            "X_holdout_prepared = prepare_features(X_holdout)",
        ]
    if plan.encode_labels:
        lines += [
            "# XGBoost needs the classes as 0, 1, 2, ...; label_encoder maps them back.",
            "label_encoder = LabelEncoder().fit(y_train)",
        ]
        arguments = f"{train}, label_encoder.transform(y_train)"
    fit_params = "".join(f", {name}={value!r}" for name, value in plan.fit_params.items())
    if fit_params:
        lines.append("# LightGBM is told which columns hold category codes.")
    lines.append(f"model.fit({arguments}{fit_params})")
    return lines


def _metric_source(result: Result) -> tuple[tuple[str, ...], str]:
    name = result.metric.name
    key = (name, result.task) if (name, result.task) in METRIC_SOURCE else (name, "")
    if key not in METRIC_SOURCE:
        raise CodegenError(f"metric {name!r} has no generated code")
    return METRIC_SOURCE[key]


def _score(result: Result, plan: TrainingPlan) -> list[str]:
    _, holdout = _inputs(plan)
    lines = ["# The holdout score"]
    if result.task != REGRESSION:
        if plan.encode_labels:
            lines += [
                "classes = label_encoder.classes_",
                f"holdout_predictions = label_encoder.inverse_transform(model.predict({holdout}))",
            ]
        else:
            lines += ["classes = model.classes_", f"holdout_predictions = model.predict({holdout})"]
        lines.append(f"holdout_proba = model.predict_proba({holdout})")
    else:
        lines.append(f"holdout_predictions = model.predict({holdout})")
    expression = _metric_source(result)[1]
    lines += [
        f"holdout_score = float({expression})",
        f'print(f"holdout {result.metric.label}: {{holdout_score:.6f}} ({result.metric.direction})")',
    ]
    return lines


def _usage(result: Result, plan: TrainingPlan) -> list[str]:
    rows = "prepare_features(new_rows)" if plan.prepare_outside else "new_rows"
    lines = ["# Predict on new rows that have the training columns (the target is not needed):"]
    if plan.encode_labels:
        lines.append(f"#   label_encoder.inverse_transform(model.predict({rows}))")
    else:
        lines.append(f"#   model.predict({rows})")
    if result.task != REGRESSION:
        lines.append(
            f"#   model.predict_proba({rows})  # one column per class, in the order of classes"
        )
    return lines


def _distribution(module: str) -> str:
    return {"sklearn": "scikit-learn"}.get(module.split(".")[0], module.split(".")[0])


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return _module_version(distribution)


def _module_version(distribution: str) -> Any:
    module_name = {"scikit-learn": "sklearn", "jupyter-automl": "jupyter_automl"}.get(
        distribution, distribution
    )
    try:
        module = __import__(module_name)
    except ImportError:
        return "unknown"
    return getattr(module, "__version__", "unknown")
