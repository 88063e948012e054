"""An interrupted ``%automl`` in a real kernel stops fast and keeps the best model."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

pytestmark = pytest.mark.kernel

SETUP = """
%load_ext jupyter_automl
from sklearn.datasets import make_classification
import pandas as pd
X, y = make_classification(3000, 12, n_informative=6, random_state=0)
df = pd.DataFrame(X, columns=[f"f{i}" for i in range(12)])
df["label"] = y
"""


@pytest.fixture
def kernel(tmp_path):
    # IPC sockets in a private folder: the kernel opens no TCP port at all.
    manager = KernelManager(kernel_name="python3", transport="ipc")
    manager.ip = str(tmp_path / "kernel")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    yield manager, client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def execute(client, code: str, timeout: float = 120) -> tuple[str, dict]:
    """Run ``code`` and return its printed text and the execute reply's content."""
    message_id = client.execute(code)
    reply = _shell_reply(client, message_id, timeout)
    return _collect_output(client, message_id), reply["content"]


def _shell_reply(client, message_id: str, timeout: float) -> dict:
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == message_id:
            return reply


def _collect_output(client, message_id: str) -> str:
    text = []
    while True:
        message = client.get_iopub_msg(timeout=30)
        if message["parent_header"].get("msg_id") != message_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            text.append(content["text"])
        elif kind == "error":
            text.append("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(text)


def wait_for_trials(run_root: Path, count: int, timeout: float = 90) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = list(run_root.glob("*/trials.jsonl"))
        if files:
            lines = files[0].read_text().splitlines()
            if len(lines) >= count:
                return len(lines)
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} trials after {timeout} s")


def test_interrupt_keeps_best_model(kernel, tmp_path):
    manager, kernel = kernel
    _, reply = execute(kernel, SETUP)
    assert reply["status"] == "ok"
    run_root = tmp_path / "runs"
    message_id = kernel.execute(
        f'%automl df target="label" time_budget=120 learners=["lgbm", "rf"] '
        f'run_dir="{run_root}" wait=True'
    )
    wait_for_trials(run_root, 3)
    interrupted_at = time.time()
    manager.interrupt_kernel()
    reply = _shell_reply(kernel, message_id, 60)
    stopped_in = time.time() - interrupted_at
    output = _collect_output(kernel, message_id)
    assert reply["content"]["status"] == "ok", output
    assert stopped_in < 30
    assert "status: stopped" in output
    assert "Result stored in 'automl_result'" in output

    check, _ = execute(
        kernel,
        "import threading\n"
        "print(automl_result.status, automl_result.model is not None, len(automl_result.trials_list) >= 3)\n"
        "print(sorted(t.name for t in threading.enumerate() if t.name.startswith('jupyter-automl')))\n"
        "print(automl_result.model.predict(df.drop(columns='label').head(4)).shape)",
    )
    assert check.splitlines() == ["stopped True True", "[]", "(4,)"]

    again, reply = execute(
        kernel,
        f'%automl df target="label" time_budget=60 max_trials=2 learners=["lgbm"] '
        f'run_dir="{run_root}" wait=True as_="second"\nprint(second.status)',
    )
    assert reply["status"] == "ok", again
    assert again.strip().endswith("done")
