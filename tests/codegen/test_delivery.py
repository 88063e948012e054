"""The magic delivers the training code: a new cell, a collapsed display and pipeline.py.

Driven through a real IPython kernel, because ``set_next_input`` reaches the
front-end only as a payload of the kernel's execute reply.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import realdata
from jupyter_client.manager import start_new_kernel

pytestmark = pytest.mark.kernel

MAGIC = (
    "%automl df target='income' time_budget=30 max_trials=2 learners=['lgbm'] "
    "run_dir={run_dir!r} wait=True"
)


@pytest.fixture
def kernel(tmp_path):
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def execute(client, code: str, timeout: float = 240) -> tuple[dict, list[dict]]:
    """Run ``code``; return the execute reply and every output message."""
    outputs: list[dict] = []

    def keep(message: dict) -> None:
        if message["msg_type"] in ("stream", "display_data", "execute_result", "error"):
            outputs.append(message)

    reply = client.execute_interactive(code, timeout=timeout, output_hook=keep, allow_stdin=False)
    errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
    assert reply["content"]["status"] == "ok", errors
    return reply, outputs


def printed(outputs: list[dict]) -> str:
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")


def test_blocking_magic_delivers_code_once(kernel, tmp_path):
    data_path = tmp_path / "adult.pkl"
    realdata.adult(1500).to_pickle(data_path)
    run_dir = tmp_path / "runs"
    execute(
        kernel,
        f"%load_ext jupyter_automl\nimport pandas as pd\ndf = pd.read_pickle({str(data_path)!r})",
    )

    replies = []
    for _ in range(2):
        reply, outputs = execute(kernel, MAGIC.format(run_dir=str(run_dir)))
        payloads = reply["content"]["payload"]
        assert len(payloads) == 1
        assert payloads[0]["source"] == "set_next_input"
        assert payloads[0]["replace"] is False
        shown = [m["content"]["data"] for m in outputs if m["msg_type"] == "display_data"]
        collapsed = [
            data["text/html"] for data in shown if "<details>" in data.get("text/html", "")
        ]
        assert len(collapsed) == 1
        replies.append((payloads[0]["text"], collapsed[0]))

    folders = sorted(run_dir.iterdir())
    assert len(folders) == 2
    for (code, collapsed), folder in zip(replies, folders, strict=True):
        assert (folder / "pipeline.py").read_text(encoding="utf-8") == code
        assert "data = df" in code
        assert "flaml" not in code.replace("FLAML", "")
        assert "TARGET = &#x27;income&#x27;" in collapsed

    # The inserted cell runs in the same kernel and prints the session's score.
    _, outputs = execute(kernel, replies[-1][0])
    score = re.search(r"holdout ROC AUC: ([0-9.]+)", printed(outputs))
    assert score is not None, printed(outputs)
    _, outputs = execute(kernel, "print(f'{automl_result.holdout_score:.6f}')")
    assert printed(outputs).strip() == score.group(1)


def test_pipeline_file_matches_to_code(tmp_path):
    import jupyter_automl as ja

    result = ja.automl(
        realdata.penguins(),
        "species",
        time_budget=30,
        max_trials=2,
        learners=["rf"],
        run_dir=tmp_path / "runs",
        data_name="penguins",
        progress=False,
    )
    saved = Path(result.run_dir) / "pipeline.py"
    assert saved.read_text(encoding="utf-8") == result.to_code()
    assert "data = penguins" in result.to_code()
