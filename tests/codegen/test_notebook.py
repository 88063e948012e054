"""The exported notebook validates, runs top to bottom and reproduces the holdout score."""

from __future__ import annotations

import re

import nbformat
import pytest
import realdata
from nbclient import NotebookClient

import jupyter_automl as ja

pytestmark = pytest.mark.kernel

CASES = {
    "binary": (realdata.adult, "income", "lgbm"),
    "regression": (realdata.tips, "tip", "rf"),
}


@pytest.mark.parametrize("task", list(CASES))
def test_notebook_reproduces_score(tmp_path, task):
    load, target, learner = CASES[task]
    frame = load()
    data_path = tmp_path / "data.pkl"
    frame.to_pickle(data_path)
    result = ja.automl(
        frame,
        target,
        time_budget=30,
        max_trials=2,
        learners=[learner],
        run_dir=tmp_path / "runs",
        progress=False,
    )
    path = result.to_notebook(tmp_path / "model.ipynb", data=data_path)

    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat_minor == nbformat.v4.nbformat_minor
    assert all(cell.get("id") for cell in notebook.cells)
    assert notebook.metadata.kernelspec.name == "python3"
    headings = [
        cell.source.splitlines()[0] for cell in notebook.cells if cell.cell_type == "markdown"
    ]
    for heading in (
        "## Data",
        "## Data checks",
        "## Search",
        "## Training code",
        "## Predict on new data",
    ):
        assert any(line.startswith(heading) for line in headings), heading

    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    assert not [output for output in outputs if output.output_type == "error"]
    printed = "".join(
        output.get("text", "") for output in outputs if output.output_type == "stream"
    )
    score = re.search(rf"holdout {re.escape(result.metric.label)}: ([0-9.]+)", printed)
    assert score is not None, printed
    assert score.group(1) == f"{result.holdout_score:.6f}"
    charts = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(charts) >= 2
    assert "differs from the data" not in printed


def test_notebook_never_overwrites(tmp_path, penguins_df):
    result = ja.automl(
        penguins_df,
        "species",
        time_budget=30,
        max_trials=2,
        learners=["lgbm"],
        run_dir=tmp_path / "runs",
        progress=False,
    )
    path = tmp_path / "model.ipynb"
    path.write_text("earlier work", encoding="utf-8")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        result.to_notebook(path)
    assert path.read_text(encoding="utf-8") == "earlier work"

    result.to_notebook(path, overwrite=True)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert "raise ValueError" in notebook.cells[5].source  # the placeholder for the data

    with pytest.raises(ValueError, match="ending in"):
        result.to_notebook(tmp_path / "other.ipynb", data=tmp_path / "data.xlsx")
