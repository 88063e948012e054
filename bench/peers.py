"""Peers: ours and H2O AutoML on the same rows, budget, seed and metric, one after the other.

h2o is an optional extra of the benchmark (``pip install "jupyter-automl[peers]"``,
plus a Java runtime) and is imported only inside these functions, so the other
sections run without it. H2O trains in a Java server that ``h2o_cluster`` starts
once per section on 127.0.0.1, with its node-to-node networking and its usage
telemetry turned off, and stops by process id at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jupyter_automl.metrics import REGRESSION

from .contenders import Split, lightgbm_frame, score
from .datasets import BenchSet, each_case
from .pairs import ours_and_rival
from .record import ResultWriter

LOOPBACK = "127.0.0.1"
# 127.0.0.1 as the kernel reports it, also for a socket the JVM opened as IPv6.
LOOPBACK_ADDRESSES = (LOOPBACK, "::ffff:127.0.0.1")
# Heap of the H2O server, an estimate with ample room: the small suite's largest set,
# adult, has 48,842 rows.
H2O_MAX_MEMORY = "4G"
# Seconds to wait for the server to exit after each stop request (REST, SIGTERM, SIGKILL).
H2O_EXIT_TIMEOUT = 30.0
# H2O's leaderboard metric for each of our metrics. H2O has no leaderboard R2 or MAPE.
H2O_SORT_METRICS = {"roc_auc": "AUC", "log_loss": "logloss", "rmse": "RMSE", "mae": "MAE"}
# JVM options. H2O 3.46 passes each -Dai.h2o.NAME=VALUE to itself as -NAME VALUE, and
# an empty VALUE as the bare flag. disable_net turns off the node-to-node UDP and TCP
# sockets and the multicast discovery, so the REST port is the server's only socket.
# telemetry.disabled stops the usage report the server would otherwise send.
H2O_JVM_OPTIONS = ["-Dai.h2o.disable_net=", "-Dsys.ai.h2o.telemetry.disabled=true"]


def run_peers(writer: ResultWriter, options: Any) -> None:
    """Write one record per (set, seed, budget) with ours and H2O AutoML on the same split."""
    budgets = whole_seconds(options.budget)
    with (
        tempfile.TemporaryDirectory(prefix="jupyter-automl-h2o-") as tmp,
        h2o_cluster(Path(tmp)) as cluster,
    ):
        for bench_set, frame, budget, seed in each_case(options):
            print(f"peers: {bench_set.name} budget={budget:g} s seed={seed}", flush=True)
            rival = _h2o_rival(bench_set, seed, budgets[budget])
            record = ours_and_rival(frame, bench_set, seed, budget, options.holdout, "h2o", rival)
            _remove_h2o_frames()
            writer.write(
                {
                    "section": "peers",
                    "dataset": bench_set.name,
                    "task": bench_set.task,
                    "metric": bench_set.metric,
                    "seed": seed,
                    "budget": budget,
                    "h2o_cluster": cluster,
                    **record,
                }
            )


def _h2o_rival(bench_set: BenchSet, seed: int, budget: int) -> Callable[[Split, Path], Any]:
    def rival(split: Split, _work_dir: Path) -> dict[str, Any]:
        return run_h2o(split, bench_set, seed, budget)

    return rival


def whole_seconds(budgets: list[float]) -> dict[float, int]:
    """Map each budget to whole seconds for H2O's ``max_runtime_secs``, rejecting fractions."""
    invalid = [budget for budget in budgets if budget != int(budget) or budget < 1]
    if invalid:
        listed = " ".join(f"{budget:g}" for budget in invalid)
        raise ValueError(
            f"invalid --budget {listed} for the peers section: H2O AutoML takes its "
            "max_runtime_secs in whole seconds; pass whole numbers of 1 or more, such as 30"
        )
    return {budget: int(budget) for budget in budgets}


def run_h2o(split: Split, bench_set: BenchSet, seed: int, budget: int) -> dict[str, Any]:
    """Run H2O AutoML on the split's training rows and score its leader on the holdout.

    Needs the server of ``h2o_cluster``. The wall time covers converting the training
    rows to an H2OFrame and ``H2OAutoML.train``. Predicting the holdout is timed apart.
    """
    from h2o.automl import H2OAutoML

    if bench_set.metric not in H2O_SORT_METRICS:
        raise ValueError(
            f"H2O AutoML has no leaderboard metric for {bench_set.metric!r}; "
            f"use a set scored by one of {', '.join(H2O_SORT_METRICS)}"
        )
    column_types = h2o_column_types(split.X_train, bench_set)
    started = time.perf_counter()
    training = to_h2o_frame(pd.concat([split.X_train, split.y_train], axis=1), column_types)
    automl = H2OAutoML(
        max_runtime_secs=budget,
        seed=seed,
        sort_metric=H2O_SORT_METRICS[bench_set.metric],
        verbosity=None,
    )
    automl.train(y=bench_set.target, training_frame=training)
    wall = time.perf_counter() - started
    classes = None if bench_set.task == REGRESSION else np.asarray(sorted(split.y_train.unique()))
    leader = H2OLeader(automl.leader, column_types, classes)
    predict_started = time.perf_counter()
    holdout = score(bench_set, leader, split.X_holdout, split.y_holdout)
    return {
        "wall": wall,
        "predict_seconds": time.perf_counter() - predict_started,
        "holdout": holdout,
        "models": automl.leaderboard.nrows,
        "best_learner": automl.leader.algo,
        "leader": automl.leader.model_id,
    }


def h2o_column_types(X: pd.DataFrame, bench_set: BenchSet) -> dict[str, str]:
    """Return the H2O type of each column of ``lightgbm_frame(X)`` and of the target."""
    encoded = lightgbm_frame(X.head(1))
    types = {
        str(column): "enum" if isinstance(encoded[column].dtype, pd.CategoricalDtype) else "numeric"
        for column in encoded.columns
    }
    types[bench_set.target] = "numeric" if bench_set.task == REGRESSION else "enum"
    return types


def to_h2o_frame(frame: pd.DataFrame, column_types: dict[str, str]) -> Any:
    """Upload ``frame``, encoded by ``lightgbm_frame``, to the H2O server as an H2OFrame.

    h2o writes the rows to a CSV file where a missing value reads ``nan``. Without
    ``na_strings``, H2O would parse it in a text column as a category named "nan".
    """
    import h2o

    encoded = lightgbm_frame(frame)
    types = {str(column): column_types[str(column)] for column in encoded.columns}
    return h2o.H2OFrame(encoded, column_types=types, na_strings=["nan"])


class H2OLeader:
    """An H2O model behind the ``predict``, ``predict_proba`` and ``classes_`` of ``score``.

    Columns are encoded as for training. The class probabilities come from the
    prediction columns that H2O names after each class label.
    """

    def __init__(self, model: Any, column_types: dict[str, str], classes: Any) -> None:
        self.model = model
        self.column_types = column_types
        self.classes_ = classes

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self._predictions(X)["predict"].to_numpy()

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        predictions = self._predictions(X)
        columns = [str(label) for label in self.classes_]
        missing = [column for column in columns if column not in predictions.columns]
        if missing:
            raise KeyError(
                f"H2O's predictions have no probability column for class(es) {missing}. "
                f"Its columns are {list(predictions.columns)}"
            )
        return predictions[columns].to_numpy(dtype=float)

    def _predictions(self, X: pd.DataFrame) -> pd.DataFrame:
        from h2o.exceptions import H2ODependencyWarning

        predictions = self.model.predict(to_h2o_frame(X, self.column_types))
        with warnings.catch_warnings():
            # h2o suggests polars for a faster download, which these small holdouts do not need.
            warnings.simplefilter("ignore", H2ODependencyWarning)
            return predictions.as_data_frame()


@contextlib.contextmanager
def h2o_cluster(work_dir: Path) -> Iterator[dict[str, Any]]:
    """Start a one-node H2O server on 127.0.0.1, yield its description, then stop it.

    The server's ice root, logs and h2o's own temporary files go under ``work_dir``.
    Every Java process this starts is stopped by process id, also when the start fails.
    """
    h2o = _import_h2o()
    port = free_port()
    name = f"jupyter-automl-bench-{os.getpid()}-{port}"
    ice_root, log_dir = work_dir / "ice", work_dir / "logs"
    ice_root.mkdir()
    log_dir.mkdir()
    started = time.perf_counter()
    try:
        with _temporary_files_in(work_dir):
            h2o.init(
                ip=LOOPBACK,
                port=port,
                as_port=True,  # exactly this port, not the first free one above it
                name=name,
                nthreads=-1,  # every core, as ours and FLAML use (n_jobs=-1)
                max_mem_size=H2O_MAX_MEMORY,
                bind_to_localhost=True,
                ice_root=str(ice_root),
                log_dir=str(log_dir),
                jvm_custom_args=H2O_JVM_OPTIONS,
                ignore_config=True,  # a ~/.h2oconfig could point the client at another server
                strict_version_check=True,
                telemetry=False,
                verbose=False,
            )
        start_seconds = time.perf_counter() - started
        h2o.no_progress()
        servers = _own_servers(name)
        if len(servers) != 1:
            raise RuntimeError(
                f"expected one H2O server process named {name}, found {len(servers)}: "
                f"h2o may have connected to a server on port {port} that it did not start"
            )
        cloud = h2o.cluster()
        telemetry = getattr(cloud, "telemetry_enabled", None)
        if telemetry:
            raise RuntimeError("the H2O server reports its telemetry enabled despite the opt-out")
        node = cloud.nodes[0]
        yield {
            "h2o_version": h2o.__version__,
            "start_seconds": round(start_seconds, 2),
            "pid": servers[0].pid,
            "listening": loopback_sockets(servers[0]),
            "nthreads": node["nthreads"],
            "max_memory_gib": round(node["max_mem"] / 2**30, 1),
            "telemetry_enabled": telemetry,
        }
    finally:
        _stop_h2o(h2o, name)


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that is free now, though another process may take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def loopback_sockets(process: Any) -> list[str]:
    """Return the ``ip:port`` addresses that ``process`` listens on, all of them 127.0.0.1.

    Raises ``RuntimeError`` when one of them is another address.
    """
    import psutil

    bound = [
        connection.laddr
        for connection in process.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN or connection.type == socket.SOCK_DGRAM
    ]
    outside = [
        f"{address.ip}:{address.port}" for address in bound if address.ip not in LOOPBACK_ADDRESSES
    ]
    if outside:
        raise RuntimeError(
            f"the H2O server (pid {process.pid}) listens on {', '.join(outside)}, not only on "
            f"{LOOPBACK}, so the peers section stops it and ends"
        )
    return sorted(f"{address.ip}:{address.port}" for address in bound)


def _import_h2o() -> Any:
    try:
        import h2o
    except ImportError as error:
        raise ImportError(
            "the peers section needs h2o: pip install 'jupyter-automl[peers]' "
            "(or pip install h2o psutil), and a Java runtime such as OpenJDK 17"
        ) from error
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise FileNotFoundError(
            "the peers section needs Java for the H2O server, but no java is on PATH and "
            "JAVA_HOME is unset; install a Java runtime such as OpenJDK 17"
        )
    return h2o


@contextlib.contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    """Make ``tempfile`` create its files under ``folder`` while the block runs.

    h2o 3.46 puts the server's stdout and stderr files in a new temporary folder that
    it never removes.
    """
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = previous


def _own_servers(name: str) -> list[Any]:
    """Return the Java processes started by this process for the H2O cluster ``name``."""
    import psutil

    servers = []
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if name in child.cmdline():
                servers.append(child)
    return servers


def _stop_h2o(h2o: Any, name: str) -> None:
    """Ask the server to shut down, then wait for, terminate or kill each process by pid."""
    import psutil
    from h2o.exceptions import H2OConnectionError, H2OServerError

    cloud = h2o.cluster()
    if cloud is not None:
        try:
            cloud.shutdown()
        except (H2OConnectionError, H2OServerError) as error:
            print(f"peers: H2O shutdown request failed ({error}); stopping the process", flush=True)
    for server in _own_servers(name):
        for stop in (None, psutil.Process.terminate, psutil.Process.kill):
            if stop is not None:
                with contextlib.suppress(psutil.NoSuchProcess):
                    stop(server)
            try:
                server.wait(timeout=H2O_EXIT_TIMEOUT)
                break
            except psutil.TimeoutExpired:
                continue
            except psutil.NoSuchProcess:
                break
    left = _own_servers(name)
    if left:
        raise RuntimeError(
            f"H2O server process(es) {[server.pid for server in left]} still run after SIGKILL"
        )


def _remove_h2o_frames() -> None:
    """Free the server's memory between cases: frames and models of one case are not reused."""
    import h2o

    h2o.remove_all()
