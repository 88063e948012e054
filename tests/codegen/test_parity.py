"""Generated code, run on its own, rebuilds the session's model on real data.

For every learner and task, a short real search runs first. Its generated code
then runs in a fresh interpreter that cannot import flaml or jupyter_automl.
Its holdout predictions and score must match the session's model.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import realdata
from generated_code import run_programs, write_program

import jupyter_automl as ja
from jupyter_automl.codegen.plan import SUPPORTED_LEARNERS

TASK_DATA = {
    "binary": "income",
    "multiclass": "species",
    "regression": "price",
}
CASES = [
    (task, learner)
    for task in TASK_DATA
    for learner in SUPPORTED_LEARNERS
    if not (task == "regression" and learner == "lrl1")
]


def load(task: str) -> pd.DataFrame:
    if task == "binary":
        return realdata.adult(1500)
    if task == "multiclass":
        return realdata.penguins()
    frame = realdata.diamonds(1000)
    # An ordered categorical column, as R's factor arrives in pandas.
    order = ["Fair", "Good", "Very Good", "Premium", "Ideal"]
    frame["cut"] = pd.Categorical(frame["cut"], categories=order, ordered=True)
    return frame


@pytest.fixture(scope="module")
def parity(tmp_path_factory):
    """Run every case's search in the session, then all generated programs at once."""
    folder = tmp_path_factory.mktemp("parity")
    sessions, programs = {}, {}
    for task in TASK_DATA:
        df = load(task)
        data_path = folder / f"{task}.pkl"
        df.to_pickle(data_path)
        for case_task, learner in CASES:
            if case_task != task:
                continue
            result = ja.automl(
                df,
                TASK_DATA[task],
                time_budget=10,
                max_trials=2,
                learners=[learner],
                run_dir=folder / "runs",
                progress=False,
            )
            holdout = ja.last_run().X_holdout_raw
            sessions[task, learner] = (result, holdout)
            code = result.to_code("data_frame")
            programs[task, learner] = write_program(folder, f"{task}_{learner}", data_path, code)
    outputs = run_programs(list(programs.values()), folder)
    return {case: (*sessions[case], outputs[programs[case]]) for case in CASES}


@pytest.mark.parametrize(
    ("task", "learner"), CASES, ids=[f"{task}-{learner}" for task, learner in CASES]
)
def test_generated_code_reproduces_model(parity, task, learner):
    result, holdout, generated = parity[task, learner]
    assert not isinstance(generated, str), generated
    assert result.task == task
    assert result.best_learner == learner
    assert generated.holdout_index == list(holdout.index)
    expected = result.model.predict(holdout)
    if task == "regression":
        assert np.allclose(generated.predictions, expected)
    else:
        assert np.array_equal(generated.predictions, expected)
        assert np.allclose(generated.proba, result.model.predict_proba(holdout))
    assert math.isclose(generated.score, result.holdout_score, rel_tol=1e-9, abs_tol=1e-12)
    assert f"holdout {result.metric.label}: {result.holdout_score:.6f}" in generated.printed
    assert not [text for text in generated.warnings if "differs from the data" in text]
    assert generated.model_type == "Pipeline"


def test_generated_code_passes_pyflakes(parity, tmp_path):
    """Every generated program is free of unused imports and undefined names."""
    sources = {
        f"{task}-{learner}": result.to_code("data_frame")
        for (task, learner), (result, *_) in parity.items()
    }
    for name, source in sources.items():
        (tmp_path / f"{name}.py").write_text("data_frame = None\n" + source, encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout
