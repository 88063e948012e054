"""Code parity: does ``Result.to_code()`` reproduce the holdout score on its own?

For each (set, learner) pair a short search runs with that learner alone. Its
generated code then runs in a fresh interpreter where importing flaml or
jupyter_automl fails, and the holdout score it computes is compared with the
session's. The program's run time, whole and its fit alone, is set against the
run's final refit (``Run._refit``), which fits the same pipeline on the same rows.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_automl import Run
from jupyter_automl.metrics import REGRESSION
from jupyter_automl.model import Model

from .datasets import SETS
from .record import ResultWriter, load_average

PARITY_SETS = ["credit-g", "penguins", "ames"]
# Scores must agree to this relative tolerance: the same estimator fitted on the
# same rows in the same order gives the same floating-point result.
SCORE_TOLERANCE = 1e-9
PROGRAM_TIMEOUT = 600

# The driver runs the program's top-level statements one at a time in one namespace,
# as ``runpy`` would, and times the statements of its fit section: the ones that
# assign FIT_NAMES or call ``model.fit``. They do what ``fit_pipeline`` does in the
# run's refit: encode the labels, prepare the features outside the pipeline when the
# plan requires it, and fit the pipeline.
FIT_NAMES = ("label_encoder", "X_train_prepared")
DRIVER = f"""
import ast, sys, time

class BlockImports:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("flaml", "jupyter_automl"):
            raise ImportError(f"generated code must not import {{name}}")
        return None

def is_fit(statement):
    if isinstance(statement, ast.Assign):
        return any(getattr(target, "id", None) in {FIT_NAMES!r} for target in statement.targets)
    return ast.unparse(statement).startswith("model.fit(")

sys.meta_path.insert(0, BlockImports())
path = sys.argv[1]
with open(path, encoding="utf-8") as source:
    module = ast.parse(source.read(), filename=path)
namespace = {{"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}}
fit_seconds, fit_statements = 0.0, 0
started = time.perf_counter()
for statement in module.body:
    code = compile(ast.Module(body=[statement], type_ignores=[]), path, "exec")
    statement_started = time.perf_counter()
    exec(code, namespace)
    if is_fit(statement):
        fit_seconds += time.perf_counter() - statement_started
        fit_statements += 1
print("PARITY_CODE_SECONDS", repr(time.perf_counter() - started))
if fit_statements:
    print("PARITY_FIT_SECONDS", repr(fit_seconds))
print("PARITY_SCORE", repr(float(namespace["holdout_score"])))
"""


class RefitTimedRun(Run):
    """``Run`` that records the seconds of its final refit in ``refit_seconds``."""

    refit_seconds: float | None = None

    def _refit(self, automl: Any) -> Model:
        started = time.perf_counter()
        model = super()._refit(automl)
        self.refit_seconds = time.perf_counter() - started
        return model


def run_parity(writer: ResultWriter, options: Any) -> None:
    """Write one record per (set, learner): both scores, the program's and the refit's times."""
    from jupyter_automl.codegen.plan import SUPPORTED_LEARNERS

    for name in options.sets or PARITY_SETS:
        bench_set = SETS[name]
        frame = bench_set.load()
        with tempfile.TemporaryDirectory(prefix="jupyter-automl-bench-") as tmp:
            folder = Path(tmp)
            data_path = folder / "data.pkl"
            frame.to_pickle(data_path)
            for learner in options.parity_learners or SUPPORTED_LEARNERS:
                if learner == "lrl1" and bench_set.task == REGRESSION:
                    continue  # FLAML offers lrl1 for classification only
                print(f"parity: {name} {learner}", flush=True)
                record = _parity_case(frame, bench_set, learner, folder, data_path, options)
                writer.write({"section": "parity", "dataset": name, "learner": learner, **record})


def _parity_case(frame, bench_set, learner, folder, data_path, options) -> dict[str, Any]:
    load_before = load_average()
    run = RefitTimedRun(
        frame,
        bench_set.target,
        task=bench_set.task,
        metric=bench_set.metric,
        time_budget=options.short_budget,
        learners=[learner],
        random_state=0,
        run_dir=folder / "runs",
    )
    started = time.perf_counter()
    try:
        result = run.start().wait()
        search_seconds = time.perf_counter() - started
        code = result.to_code("data_frame")
    except Exception as error:  # a learner that fails is a parity gap, not a crash
        return {"error": f"{type(error).__name__}: {error}", "load_before": load_before}

    # Named so that no program shadows a package it imports (xgboost.py would).
    program = folder / f"generated_{learner}.py"
    prologue = f"import pandas as pd\ndata_frame = pd.read_pickle({str(data_path)!r})\n\n"
    program.write_text(prologue + code, encoding="utf-8")
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", DRIVER, str(program)],
        capture_output=True,
        text=True,
        timeout=PROGRAM_TIMEOUT,
        cwd=folder,
    )
    program_seconds = time.perf_counter() - started

    code_score = _printed_figure(completed.stdout, "PARITY_SCORE")
    reproduced = code_score is not None and math.isclose(
        code_score, result.holdout_score, rel_tol=SCORE_TOLERANCE, abs_tol=1e-12
    )
    return {
        "best_learner": result.best_learner,
        "trials": len(result.trials_list),
        "session_score": result.holdout_score,
        "code_score": code_score,
        "reproduced": reproduced,
        "search_seconds": search_seconds,
        "program_seconds": program_seconds,
        "code_seconds": _printed_figure(completed.stdout, "PARITY_CODE_SECONDS"),
        "fit_seconds": _printed_figure(completed.stdout, "PARITY_FIT_SECONDS"),
        "refit_seconds": run.refit_seconds,
        "program_error": completed.stderr[-500:] if completed.returncode else None,
        "load_before": load_before,
        "load_after": load_average(),
    }


def _printed_figure(stdout: str, label: str) -> float | None:
    """Return the number the driver printed after ``label``, or None if it printed none."""
    for line in stdout.splitlines():
        if line.startswith(label + " "):
            return float(line.split(" ", 1)[1])
    return None
