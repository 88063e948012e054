"""Run generated training code in a fresh interpreter and collect what it computed.

The interpreter blocks any import of flaml and jupyter_automl, so the code is
proven standalone. Each program runs in its own namespace, and the driver records its
holdout rows, predictions, probabilities, score and printed output.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DRIVER = textwrap.dedent(
    '''
    import contextlib, io, pickle, runpy, sys, warnings

    class BlockImports:
        """Make ``import flaml`` and ``import jupyter_automl`` fail."""

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("flaml", "jupyter_automl"):
                raise ImportError(f"generated code must not import {name}")
            return None

    sys.meta_path.insert(0, BlockImports())
    programs, output_path = sys.argv[1:-1], sys.argv[-1]
    outputs = {}
    for program in programs:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                namespace = runpy.run_path(program, run_name="__main__")
        except BaseException as error:
            outputs[program] = {"error": f"{type(error).__name__}: {error}", "printed": printed.getvalue()}
            continue
        outputs[program] = {
            "printed": printed.getvalue(),
            "warnings": [str(warning.message) for warning in caught],
            "holdout_index": list(namespace["X_holdout"].index),
            "predictions": namespace["holdout_predictions"],
            "proba": namespace.get("holdout_proba"),
            "score": namespace["holdout_score"],
            "model_type": type(namespace["model"]).__name__,
            "new_predictions": namespace.get("new_predictions"),
        }
    with open(output_path, "wb") as file:
        pickle.dump(outputs, file)
    '''
)


@dataclass
class GeneratedRun:
    """What one generated program computed when run on its own."""

    printed: str
    warnings: list[str]
    holdout_index: list[Any]
    predictions: np.ndarray
    proba: np.ndarray | None
    score: float
    model_type: str
    new_predictions: np.ndarray | None = None


def write_program(folder: Path, name: str, data_path: Path, code: str) -> Path:
    """Write ``code`` preceded by a line that loads ``data_frame`` from a pickle."""
    path = folder / f"{name}.py"
    prologue = f"import pandas as pd\ndata_frame = pd.read_pickle({str(data_path)!r})\n\n"
    path.write_text(prologue + code, encoding="utf-8")
    return path


def run_programs(programs: list[Path], folder: Path, timeout: float = 300) -> dict[Path, Any]:
    """Run every program in one fresh interpreter; return a GeneratedRun or an error text each."""
    driver = folder / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    output = folder / "outputs.pkl"
    completed = subprocess.run(
        [sys.executable, str(driver), *map(str, programs), str(output)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    with open(output, "rb") as file:
        raw = pickle.load(file)
    runs: dict[Path, Any] = {}
    for program in programs:
        record = raw[str(program)]
        if "error" in record:
            runs[program] = record["error"]
        else:
            runs[program] = GeneratedRun(**record)
    return runs


def run_generated_code(
    result: Any, frame: Any, folder: Path, name: str = "program", new_rows: Any = None
) -> GeneratedRun:
    """Run ``result``'s generated code on ``frame`` in a fresh interpreter; fail on an error.

    With ``new_rows``, the program then predicts them as the code's own usage comment
    shows, and the result has those predictions.
    """
    data_path = folder / f"{name}.pkl"
    frame.to_pickle(data_path)
    code = result.to_code("data_frame")
    if new_rows is not None:
        rows_path = folder / f"{name}-new-rows.pkl"
        new_rows.to_pickle(rows_path)
        usage = next(
            line for line in code.splitlines() if line.startswith("#   ") and ".predict(" in line
        )
        code += (
            f"\nnew_rows = pd.read_pickle({str(rows_path)!r})\n"
            f"new_predictions = {usage.removeprefix('#   ')}\n"
        )
    program = write_program(folder, name, data_path, code)
    outcome = run_programs([program], folder)[program]
    assert not isinstance(outcome, str), outcome
    return outcome
