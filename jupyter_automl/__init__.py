"""AutoML for pandas DataFrames inside Jupyter, built on FLAML.

    import jupyter_automl as ja
    run = ja.start(df, target="y", time_budget=60)   # returns at once
    result = run.wait()                               # or ja.automl(...) to block
    result.model.predict(new_rows)

In IPython or Jupyter: ``%load_ext jupyter_automl``, then ``%automl df target="y"``.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# LightGBM and XGBoost use OpenMP. With OpenMP's default active waiting, their
# threads spin against each other and against the notebook on small machines; the
# passive policy avoids that. It only takes effect if set before those libraries load.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# FLAML imports Ray when it is installed, and Ray reads this variable on import. At "0"
# a Ray cluster started on this machine listens on 127.0.0.1 only. Set it to "1" before
# importing jupyter_automl to run this process as a node of a multi-node cluster.
if "ray" not in sys.modules:
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")

from .errors import (  # noqa: E402
    AutoMLError,
    AutoMLWarning,
    BudgetError,
    BudgetWarning,
    CodegenError,
    ConfigError,
    DataError,
    DataQualityWarning,
    RunInProgressError,
    SchemaError,
    SearchError,
)
from .model import Model  # noqa: E402
from .result import Result  # noqa: E402
from .run import Run, last_run  # noqa: E402
from .runfolder import load_run  # noqa: E402

try:
    __version__ = version("jupyter-automl")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "AutoMLError",
    "AutoMLWarning",
    "BudgetError",
    "BudgetWarning",
    "CodegenError",
    "ConfigError",
    "DataError",
    "DataQualityWarning",
    "Model",
    "Result",
    "Run",
    "RunInProgressError",
    "SchemaError",
    "SearchError",
    "automl",
    "last_run",
    "load_ipython_extension",
    "load_run",
    "start",
]


def start(df: Any, target: Any, **options: Any) -> Run:
    """Check ``df``, then start a search for ``target`` in the background and return its ``Run``.

    Options: ``time_budget`` (seconds or text such as "2m"; chosen from the data size
    when omitted), ``metric``, ``task`` ("binary", "multiclass", "regression"),
    ``max_trials``, ``holdout`` (fraction held out for the final score, default 0.2),
    ``random_state`` (default 0), ``learners`` (FLAML learner names), ``run_dir``
    (parent folder of the run folder, default ``./automl_runs``) and
    ``drop_missing_target`` (default True). ``n_concurrent_trials`` above 1 runs that
    many trials at once on Ray (``backend="ray"``), on the cluster at ``ray_address``
    or the ``RAY_ADDRESS`` environment variable, else on a local cluster started on
    127.0.0.1; it needs ``pip install "jupyter-automl[ray]"``. ``starting_points="data"``
    starts each learner from FLAML's zero-shot config for this data instead of its
    low-cost default ("static"): larger first trials, which pay off on budgets of
    about 30 s and more.
    """
    return Run(df, target, **options).start()


def automl(df: Any, target: Any, *, progress: bool = True, **options: Any) -> Result:
    """Run a search to the end and return its ``Result``, printing progress unless ``progress=False``."""
    from .progress import TextProgress

    run = Run(df, target, **options)
    printer = TextProgress(run) if progress else None
    if printer is not None:
        run.add_listener(printer)
    run.start()
    return run.wait(on_poll=printer.flush if printer is not None else None)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell ``jupyter labextension develop`` where the built extension is (editable installs)."""
    return [{"src": "labextension", "dest": "jupyter-automl"}]


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%automl`` when the user runs ``%load_ext jupyter_automl``."""
    from .magic import register

    register(ipython)
