"""The magic in a real Jupyter kernel: a notebook run by nbclient, and a kernel interrupt."""

import queue
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.kernel


def _outputs_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def test_quickstart_notebook_runs_headless(tmp_path):
    notebook = nbformat.read(ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "%automl" in cell.source:
            cell.source = cell.source.replace("time_budget=30", "time_budget=8")
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()

    texts = [_outputs_text(cell) for cell in notebook.cells if cell.cell_type == "code"]
    magic_output = next(
        text
        for cell, text in zip([c for c in notebook.cells if c.cell_type == "code"], texts)
        if "%automl" in cell.source
    )
    assert "Task: binary" in magic_output
    assert "new best" in magic_output
    assert "holdout ROC AUC" in magic_output
    assert "Result stored in 'automl_result'" in magic_output
    summary = next(text for text in texts if "binary model for 'income'" in text)
    assert "status: done" in summary
    assert any("learner" in text and "best_loss" in text for text in texts)
    prediction_text = texts[-1]
    assert "predicted" in prediction_text
    assert ">50K" in prediction_text or "<=50K" in prediction_text
    assert (tmp_path / "automl_runs").is_dir()
    # A notebook executed headless stores text, not megabytes of widget state.
    size = len(nbformat.writes(notebook))
    assert size < 200_000


class KernelSession:
    """Send code to a kernel, as a front-end that allows stdin (like JupyterLab) does."""

    def __init__(self, manager, client):
        self.manager = manager
        self.client = client

    def run(self, code, timeout=120):
        message_id = self.client.execute(code, allow_stdin=True)
        outputs = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                message = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if message["parent_header"].get("msg_id") != message_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                outputs.append(message["content"]["text"])
            elif kind in ("execute_result", "display_data"):
                outputs.append(message["content"]["data"].get("text/plain", ""))
            elif kind == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                return "".join(outputs)
        raise TimeoutError(f"no reply to {code!r} within {timeout} s")

    def value(self, expression):
        return self.run(f"print(repr({expression}))").strip()


@pytest.fixture
def kernel(tmp_path):
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        yield KernelSession(manager, client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_interrupt_stops_background_search(kernel):
    kernel.run(
        "import jupyter_automl as ja\n"
        "from jupyter_automl.datasets import load_adult\n"
        "df = load_adult()\n"
        "%load_ext jupyter_automl"
    )
    started = time.time()
    kernel.run('%automl df target="income" time_budget=120')
    # The magic returned at once, leaving the search running in the background.
    assert time.time() - started < 30
    assert kernel.value("ja.last_run().status") in ("'starting'", "'running'")
    deadline = time.time() + 90
    while int(kernel.value("len(ja.last_run().trials)")) < 3:
        assert time.time() < deadline, "fewer than 3 trials after 90 s"
        time.sleep(0.5)
    # The kernel stays usable while the search runs.
    assert kernel.value("1 + 1") == "2"

    interrupted_at = time.time()
    kernel.manager.interrupt_kernel()
    while kernel.value("ja.last_run().done") != "True":
        assert time.time() - interrupted_at < 60, "search still running 60 s after the interrupt"
        time.sleep(0.5)
    assert kernel.value("ja.last_run().status") == "'stopped'"
    assert kernel.value("automl_result.model is not None") == "True"
    assert kernel.value("automl_result.status") == "'stopped'"
    # No search thread is left; the panel's redraw thread ends after its last redraw,
    # which may take a moment.
    count_threads = (
        "sum(t.name.startswith('jupyter-automl') for t in __import__('threading').enumerate())"
    )
    threads_checked_at = time.time()
    while kernel.value(count_threads) != "0":
        assert time.time() - threads_checked_at < 30, "a jupyter-automl thread is still running"
        time.sleep(0.5)

    output = kernel.run(
        '%automl df.sample(3000, random_state=0) target="income" time_budget=4 wait=True as_="again"'
    )
    assert "holdout ROC AUC" in output
    assert kernel.value("again.status") == "'done'"
