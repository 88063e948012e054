"""A notebook executed without a browser stores text progress, not widget state."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"

# Bytes the executed notebook may take; a single FigureWidget's state is about 5 MB.
MAX_NOTEBOOK_BYTES = 100_000


@pytest.mark.kernel
def test_headless_notebook_stores_small_text(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "%load_ext jupyter_automl\n"
            "from jupyter_automl.datasets import load_adult\n"
            "df = load_adult().sample(1000, random_state=0).reset_index(drop=True)"
        ),
        nbformat.v4.new_code_cell(
            f'%automl df target="income" time_budget=60 max_trials=4 run_dir={str(tmp_path)!r}'
        ),
        nbformat.v4.new_code_cell("print(automl_result.status)"),
    ]
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)

    outputs = notebook.cells[1].outputs
    mimetypes = {key for output in outputs for key in output.get("data", {})}
    text = "".join(output.get("text", "") for output in outputs)
    assert WIDGET_MIMETYPE not in mimetypes
    assert "holdout ROC AUC" in text
    assert "Result stored in 'automl_result'" in text
    assert notebook.cells[2].outputs[0]["text"].strip() == "done"
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES
    assert "widgets" not in json.loads(path.read_text()).get("metadata", {})
