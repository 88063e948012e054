"""The command line, run as a user would run it, in a subprocess."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import jupyter_automl as ja


def test_demo_prints_leaderboard_and_holdout_metrics(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_automl.cli",
            "demo",
            "--time-budget",
            "6",
            "--run-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    output = completed.stdout
    assert "Adult census data: 48,842 rows" in output
    assert "new best" in output
    assert "Leaderboard" in output
    assert "roc_auc" in output
    run_dirs = list(tmp_path.iterdir())
    assert len(run_dirs) == 1
    summary = json.loads((run_dirs[0] / "summary.json").read_text())
    assert summary["status"] == "done"
    # The generated code loads the bundled file itself and reproduces the score.
    pipeline = run_dirs[0] / "pipeline.py"
    assert "adult.csv.gz" in pipeline.read_text()
    generated = subprocess.run(
        [sys.executable, str(pipeline)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert generated.returncode == 0, generated.stderr
    assert f"{summary['holdout_score']:.6f}" in generated.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "cannot read"),
        (b"a,b\n1,2\n1,2,3,4\n", "cannot read"),
        ("a,b\n1,2\n".encode("utf-16"), "cannot read"),
    ],
)
def test_run_command_reports_unreadable_files(tmp_path, content, message):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    completed = subprocess.run(
        [sys.executable, "-m", "jupyter_automl.cli", "run", str(data), "--target", "b"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr


def test_run_command_reports_a_bad_target(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(50)))
    completed = subprocess.run(
        [sys.executable, "-m", "jupyter_automl.cli", "run", str(data), "--target", "lable"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "target column 'lable' not found; did you mean 'label'?" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_crashed_run_keeps_its_finished_trials(tmp_path):
    script = (
        "import jupyter_automl as ja\n"
        "from jupyter_automl.datasets import load_adult\n"
        f"run = ja.start(load_adult(), 'income', time_budget=300, run_dir={str(tmp_path)!r})\n"
        "run.wait()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    try:
        deadline = time.time() + 120
        trial_files = []
        while time.time() < deadline:
            trial_files = list(Path(tmp_path).glob("*/trials.jsonl"))
            if trial_files and len(trial_files[0].read_text().splitlines()) >= 3:
                break
            time.sleep(0.2)
        assert trial_files, "no trial was written within 120 s"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    reopened = ja.load_run(trial_files[0].parent)
    assert reopened.status == "incomplete"
    assert reopened.model is None
    assert len(reopened.trials_list) >= 3
    assert reopened.best_learner
    assert reopened.task == "binary"
