"""Export a finished run as a notebook that retrains the model and explains it.

The notebook contains a summary of the data and of the data checks, the search and
its leaderboard, the generated training code, an evaluation with charts, and
how to predict on new rows. Executed top to bottom it prints the same holdout
score as the session.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .codegen import generate_code
from .errors import ConfigError
from .metrics import BINARY, REGRESSION

if TYPE_CHECKING:
    from .result import Result

# pandas reader of a data file, by file suffix.
READERS = {
    ".csv": "read_csv",
    ".parquet": "read_parquet",
    ".pkl": "read_pickle",
    ".pickle": "read_pickle",
    ".feather": "read_feather",
}
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def write_notebook(
    result: Result,
    path: str | os.PathLike[str],
    data: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Write the notebook of ``result`` to ``path`` and return the path.

    ``data`` is the file the notebook loads the training DataFrame from (CSV,
    Parquet, pickle or Feather); without it the notebook starts with a
    placeholder to fill in. An existing file raises ``FileExistsError`` unless
    ``overwrite`` is True.
    """
    target = Path(path)
    notebook = build_notebook(result, data)
    nbformat.validate(notebook)
    text = nbformat.writes(notebook)
    if target.exists() and not overwrite:
        raise FileExistsError(
            f"{str(target)!r} already exists; pass overwrite=True to replace it, or choose another path"
        )
    with open(target, "w" if overwrite else "x", encoding="utf-8") as file:
        file.write(text)
    return target


def build_notebook(result: Result, data: str | os.PathLike[str] | None) -> Any:
    """Return the notebook of ``result`` as an ``nbformat`` node."""
    code = generate_code(result, _data_expression(data))
    cells = [
        new_markdown_cell(_title(result)),
        new_markdown_cell(_data_summary(result)),
        new_markdown_cell(_findings(result)),
        new_markdown_cell(_search(result)),
        new_markdown_cell(
            "## Training code\n\nStandalone code: it needs pandas, numpy, scikit-learn and "
            "the estimator's library, and rebuilds the model on the same rows."
        ),
        new_code_cell(code.rstrip("\n")),
        new_markdown_cell("## Evaluation on the holdout rows"),
        new_code_cell(_score_check(result)),
        *[new_code_cell(source) for source in _charts(result)],
        new_markdown_cell("## Predict on new data"),
        new_code_cell(_prediction(result)),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def _data_expression(data: str | os.PathLike[str] | None) -> str:
    if data is None:
        return ""  # an empty expression makes generate_code write the placeholder
    path = Path(data)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ConfigError(
            f"cannot read {str(path)!r} in the notebook: use a file ending in {', '.join(READERS)}"
        )
    return f"pd.{reader}({str(path)!r})"


def _text(value: Any) -> str:
    """Escape a user-supplied value for Markdown: HTML, emphasis and table characters."""
    escaped = html.escape(str(value))
    for character in "\\`*_[]|#":
        escaped = escaped.replace(character, "\\" + character)
    return escaped.replace("\n", " ")


def _title(result: Result) -> str:
    return (
        f"# {result.task.capitalize()} model for {_text(repr(result.target))}\n\n"
        f"- chosen estimator: **{result.best_learner}**\n"
        f"- {_text(result.describe_holdout())} on {result.n_holdout:,} rows the search never saw\n"
        f"- search finished {result.finished_at} with status *{result.status}*"
    )


def _data_summary(result: Result) -> str:
    columns = ", ".join(_text(repr(name)) for name in result.feature_names[:30])
    more = f" and {len(result.feature_names) - 30} more" if len(result.feature_names) > 30 else ""
    split = "stratified by class, " if result.stratified and result.task != REGRESSION else ""
    return (
        "## Data\n\n"
        f"- {result.n_train + result.n_holdout:,} rows with a target value; "
        f"{result.n_train:,} for training, {result.n_holdout:,} held out "
        f"({split}{result.holdout_fraction:.0%}, random_state={result.random_state})\n"
        f"- {len(result.feature_names)} feature columns: {columns}{more}\n"
        f"- fingerprint of the DataFrame: `{result.data_fingerprint or 'unavailable'}` "
        "(the training code warns when its data differs)"
    )


def _findings(result: Result) -> str:
    if not result.findings:
        return "## Data checks\n\nThe checks found nothing to report or change."
    lines = ["## Data checks", ""]
    for finding in result.findings:
        fix = f" Fix applied: {_text(finding.fix)}." if finding.fix else ""
        lines.append(f"- **{finding.severity}**: {_text(finding.message)}{fix}")
    return "\n".join(lines)


def _search(result: Result) -> str:
    lines = [
        "## Search",
        "",
        f"{len(result.trials_list)} trials in {result.elapsed:.1f} s of a "
        f"{result.time_budget:g} s budget, optimising {result.metric.label} "
        f"({result.metric.direction}) on FLAML's validation rows.",
        "",
        f"| learner | best validation {result.metric.label} | trials | time (s) |",
        "| --- | --- | --- | --- |",
    ]
    board = result.leaderboard
    for row in board.itertuples(index=False):
        value = getattr(row, result.metric.name, float("nan"))
        lines.append(f"| {row.learner} | {value:.4g} | {row.trials} | {row.total_cost:.2f} |")
    return "\n".join(lines)


def _score_check(result: Result) -> str:
    return (
        f"SESSION_SCORE = {result.holdout_score!r}\n"
        f'print(f"holdout {result.metric.label} here: {{holdout_score:.6f}}; '
        f'in the search session: {{SESSION_SCORE:.6f}}")'
    )


def _charts(result: Result) -> list[str]:
    setup = (
        "import numpy as np\n"
        "import plotly.express as px\n"
        "import plotly.io as pio\n\n"
        '# Charts as Plotly JSON, which JupyterLab and Notebook 7 render offline.\npio.renderers.default = "plotly_mimetype"'
    )
    if result.task == REGRESSION:
        charts = [
            "px.scatter(\n"
            "    x=y_holdout, y=holdout_predictions, opacity=0.6,\n"
            '    labels={"x": "actual", "y": "predicted"}, title="Predicted against actual values",\n'
            ")",
            "px.histogram(\n"
            '    x=y_holdout - holdout_predictions, labels={"x": "actual - predicted"},\n'
            '    title="Holdout residuals",\n'
            ")",
        ]
    else:
        charts = [
            "from sklearn.metrics import confusion_matrix\n\n"
            "labels = [str(label) for label in classes]\n"
            "px.imshow(\n"
            "    confusion_matrix(y_holdout, holdout_predictions, labels=classes),\n"
            '    x=labels, y=labels, text_auto=True, labels={"x": "predicted", "y": "actual"},\n'
            '    title="Confusion matrix on the holdout rows",\n'
            ")",
        ]
        if result.task == BINARY:
            charts.append(
                "from sklearn.metrics import roc_curve\n\n"
                "false_positive_rate, true_positive_rate, _ = roc_curve(\n"
                "    y_holdout == classes[1], holdout_proba[:, 1]\n"
                ")\n"
                "px.line(\n"
                "    x=false_positive_rate, y=true_positive_rate,\n"
                '    labels={"x": "false positive rate", "y": "true positive rate"},\n'
                '    title=f"ROC curve for class {classes[1]!r}",\n'
                ")"
            )
    charts.append(
        "# Feature importances of the estimator, when it has them (tree ensembles do).\n"
        'importances = getattr(model[-1], "feature_importances_", None)\n'
        "if importances is not None:\n"
        "    names = [repr(name) for name in CATEGORICAL_COLUMNS + NUMERIC_COLUMNS]\n"
        "    order = np.argsort(importances)\n"
        "    px.bar(\n"
        '        x=importances[order], y=[names[i] for i in order], orientation="h",\n'
        '        labels={"x": "importance", "y": "column"}, title="Feature importances",\n'
        "    ).show()"
    )
    return [setup, *charts]


def _prediction(result: Result) -> str:
    plan = result.model.plan if result.model is not None else None
    rows = "prepare_features(new_rows)" if plan is not None and plan.prepare_outside else "new_rows"
    predict = f"model.predict({rows})"
    if plan is not None and plan.encode_labels:
        predict = f"label_encoder.inverse_transform({predict})"
    lines = [
        "# New rows need the training columns; the target column may be absent.",
        "new_rows = X_holdout.head(5)",
        f'predictions = pd.DataFrame({{"prediction": {predict}}}, index=new_rows.index)',
    ]
    if result.task != REGRESSION:
        lines += [
            f"probabilities = model.predict_proba({rows})",
            'predictions["probability of the predicted class"] = probabilities.max(axis=1)',
        ]
    lines.append("predictions")
    return "\n".join(lines)
