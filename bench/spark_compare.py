"""Compare FLAML's Spark path with FLAML one trial at a time and with our Ray backend.

    python bench/spark_compare.py [--rows 20000 48842] [--budget 30 60] [--write]
    python bench/spark_compare.py --from-results   # rewrite the table from the saved figures

pyspark and joblibspark are not dependencies of jupyter-automl: install them by hand
(``pip install pyspark joblibspark``, with a Java 17 runtime) before running this.

Every measurement runs in a new Python process, so each Spark setting pays for
starting the JVM and each Ray setting for starting a local cluster. The settings:

* ``sequential``: ``flaml.AutoML.fit`` with ``n_concurrent_trials=1``;
* ``spark``: ``use_spark=True, n_concurrent_trials=2`` on a ``local[2]`` SparkSession,
  with ``FLAML_MAX_CONCURRENT=2``, so two trials run at a time as Spark tasks;
* ``spark-unset``: the same without ``FLAML_MAX_CONCURRENT``. FLAML 2.8 then counts
  0 executors in local mode and runs one trial at a time in the driver process;
* ``ray``: ``jupyter_automl.Run`` with ``n_concurrent_trials=2`` (bench/parallel.py).

The first three get the same rows as ``jupyter_automl.Run`` gives FLAML: the adult
sample, the 20 % holdout split off, and the data checks' steps applied. The
SparkSession and every port it opens are bound to 127.0.0.1. With ``--write`` the
table replaces the Spark benchmark section of docs/parallel.md and the raw figures
go to bench/results/spark_compare.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.parallel import steady_rate, write_section  # noqa: E402
from bench.record import load_average, machine  # noqa: E402

RESULTS_PATH = ROOT / "bench" / "results" / "spark_compare.json"
SECTION_START = "<!-- bench/spark_compare.py: start -->"
SECTION_END = "<!-- bench/spark_compare.py: end -->"
SETTINGS = ("sequential", "spark", "spark-unset", "ray")
LOOPBACK = "127.0.0.1"
TARGET = "income"
# Seconds one measurement may take beyond its budget (JVM or Ray start, refit).
MEASURE_TIMEOUT_MARGIN = 240
SPARK_PACKAGES = ["pyspark", "py4j", "joblibspark"]


def training_rows(rows: int) -> tuple[Any, Any, Any, Any, str, Any]:
    """Return the rows and settings ``jupyter_automl.Run`` would give FLAML for this sample."""
    from jupyter_automl.codegen.plan import search_names
    from jupyter_automl.data.checks import prepare
    from jupyter_automl.data.split import split_holdout
    from jupyter_automl.data.steps import apply_steps, quiet_steps
    from jupyter_automl.data.task import infer_task
    from jupyter_automl.datasets import load_adult
    from jupyter_automl.metrics import resolve_metric

    data = load_adult().sample(rows, random_state=0).reset_index(drop=True)
    prepared = prepare(data, TARGET)
    task = infer_task(prepared.y).task
    split = split_holdout(prepared.X, prepared.y, task, 0.2, 0)
    with quiet_steps():
        X_train = apply_steps(prepared.steps, split.X_train)
        X_holdout = apply_steps(prepared.steps, split.X_holdout)
    names = search_names(X_train.shape[1])
    return (
        X_train.set_axis(names, axis=1),
        split.y_train,
        X_holdout.set_axis(names, axis=1),
        split.y_holdout,
        task,
        resolve_metric(None, task),
    )


def start_spark_session() -> Any:
    """Start a ``local[2]`` SparkSession whose driver binds and advertises 127.0.0.1 only."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("spark_compare")
        .config("spark.driver.host", LOOPBACK)
        .config("spark.driver.bindAddress", LOOPBACK)
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def non_loopback_listeners() -> list[str]:
    """Return the TCP listening addresses of this process and its children off loopback."""
    import psutil

    me = psutil.Process()
    found = []
    for process in [me, *me.children(recursive=True)]:
        try:
            connections = process.net_connections(kind="inet")
        except psutil.Error:
            continue
        for connection in connections:
            host = connection.laddr.ip.removeprefix("::ffff:")
            if connection.status == psutil.CONN_LISTEN and host not in (LOOPBACK, "::1"):
                found.append(f"{process.name()} {connection.laddr.ip}:{connection.laddr.port}")
    return found


class SparkJobSampler:
    """Maximum number of Spark jobs running at once during a search, sampled in a thread.

    joblibspark runs each trial as one Spark job, so this is the trials at once.
    """

    def __init__(self, session: Any, interval: float = 0.2) -> None:
        self.tracker = session.sparkContext.statusTracker()
        self.interval = interval
        self.max_active = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> SparkJobSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.max_active = max(self.max_active, len(self.tracker.getActiveJobsIds()))


def measure_flaml(setting: str, rows: int, budget: float, log_path: Path) -> dict[str, Any]:
    """Run one raw ``flaml.AutoML.fit`` for ``setting`` and return its figures."""
    from contextlib import nullcontext

    from jupyter_automl.metrics import evaluate, flaml_metric_name

    X_train, y_train, X_holdout, y_holdout, task, metric = training_rows(rows)
    record: dict[str, Any] = {"setting": setting, "rows": rows, "time_budget": budget}
    options: dict[str, Any] = {"n_concurrent_trials": 1, "n_jobs": -1}
    session = None
    if setting.startswith("spark"):
        started = time.time()
        import pyspark

        record["import_seconds"] = round(time.time() - started, 1)
        started = time.time()
        session = start_spark_session()
        record["start_seconds"] = round(time.time() - started, 1)
        record["pyspark"] = pyspark.__version__
        options = {"n_concurrent_trials": 2, "use_spark": True, "n_jobs": -1}
        if setting == "spark":
            os.environ["FLAML_MAX_CONCURRENT"] = "2"
            # Two trials at a time on 2 cores get one thread each, as our Ray backend gives them.
            options["n_jobs"] = 1

    from flaml import AutoML

    automl = AutoML()
    listeners: list[str] = []
    sampler = threading.Timer(budget / 2, lambda: listeners.extend(non_loopback_listeners()))
    sampler.start()
    jobs = SparkJobSampler(session) if session is not None else nullcontext()
    started = time.time()
    try:
        with jobs:
            automl.fit(
                X_train,
                y_train,
                task="classification",
                metric=flaml_metric_name(metric, task),
                time_budget=budget,
                seed=0,
                log_file_name=str(log_path),
                log_type="all",
                retrain_full=False,
                model_history=False,
                verbose=0,
                **options,
            )
        elapsed = time.time() - started
        listeners.extend(non_loopback_listeners())
    finally:
        sampler.cancel()
        if session is not None:
            session.stop()

    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    # FLAML ends its log with a summary line that has no record_id.
    trials = [line for line in lines if "record_id" in line]
    first_trial = min(trial["wall_clock_time"] for trial in trials)
    scores = evaluate(automl, X_holdout, y_holdout, task, metric.name)
    if isinstance(jobs, SparkJobSampler):
        record["max_spark_jobs_at_once"] = jobs.max_active
    record.update(
        {
            "elapsed": round(elapsed, 1),
            "trials": len(trials),
            "trials_per_minute": round(60 * len(trials) / elapsed, 1),
            "first_trial_seconds": round(first_trial, 1),
            "best_loss": round(automl.best_loss, 4),
            "best_learner": automl.best_estimator,
            "holdout_roc_auc": round(scores[metric.name], 4),
            "non_loopback_listeners": sorted(set(listeners)),
        }
    )
    return record


def measure_ray(rows: int, budget: float, run_dir: Path) -> dict[str, Any]:
    """Run our Ray backend with two concurrent trials through bench/parallel.py."""
    from bench.parallel import measure

    listeners: list[str] = []
    sampler = threading.Timer(budget / 2, lambda: listeners.extend(non_loopback_listeners()))
    sampler.start()
    try:
        figures = measure(rows, budget, 2, run_dir)
    finally:
        sampler.cancel()
    return {
        "setting": "ray",
        "rows": rows,
        "time_budget": budget,
        "start_seconds": figures.pop("connect_seconds"),
        **figures,
        "non_loopback_listeners": sorted(set(listeners)),
    }


def measure_one(setting: str, rows: int, budget: float, run_dir: Path) -> dict[str, Any]:
    load_before = load_average()[0]
    run_dir.mkdir(parents=True, exist_ok=True)
    if setting == "ray":
        record = measure_ray(rows, budget, run_dir)
    else:
        log_path = run_dir / f"{setting}-{rows}-{budget:g}.log"
        log_path.unlink(missing_ok=True)
        record = measure_flaml(setting, rows, budget, log_path)
    record["load_before"] = load_before
    record["load_after"] = load_average()[0]
    return record


def run_in_new_process(setting: str, rows: int, budget: float, run_dir: Path) -> dict[str, Any]:
    """Measure one setting in a child process and return its record (the last output line)."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--measure",
        setting,
        "--rows",
        str(rows),
        "--budget",
        str(budget),
        "--run-dir",
        str(run_dir),
    ]
    environment = {**os.environ, "SPARK_LOCAL_IP": LOOPBACK}
    environment.pop("FLAML_MAX_CONCURRENT", None)
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environment,
        timeout=budget + MEASURE_TIMEOUT_MARGIN,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"measuring {setting} on {rows} rows failed (exit code {completed.returncode}):\n"
            f"{completed.stderr[-3000:]}"
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def installed_size_mb(names: list[str]) -> float | None:
    """Return the disk size of the installed files of the packages ``names``, in MB."""
    from importlib.metadata import PackageNotFoundError, distribution

    total = 0
    for name in names:
        try:
            files = distribution(name).files or []
        except PackageNotFoundError:
            return None
        for file in files:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
    return round(total / 1e6, 1)


def markdown_table(records: list[dict[str, Any]]) -> str:
    header = (
        "| setting | rows | budget (s) | load before/after | start-up (s) | elapsed (s) "
        "| trials | trials/min | first trial at (s) | trials/min after the first "
        "| best validation loss | holdout ROC AUC |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for record in records:
        start = record.get("start_seconds")
        lines.append(
            f"| {record['setting']} | {record['rows']:,} | {record['time_budget']:g} "
            f"| {record['load_before']:.1f} / {record['load_after']:.1f} "
            f"| {'-' if start is None else start} | {record['elapsed']} | {record['trials']} "
            f"| {record['trials_per_minute']} | {record['first_trial_seconds']} "
            f"| {steady_rate(record)} | {record['best_loss']} ({record['best_learner']}) "
            f"| {record['holdout_roc_auc']} |"
        )
    return header + "\n".join(lines) + "\n"


def section_text(saved: dict[str, Any]) -> str:
    machine_info = saved["machine"]
    packages = saved["spark_packages"]
    commands = " and ".join(f"`{command}`" for command in saved["commands"])
    records = sorted(
        saved["records"],
        key=lambda record: (
            record["time_budget"],
            record["rows"],
            SETTINGS.index(record["setting"]),
        ),
    )
    return (
        f"Measured with {commands} on {machine_info['cpu_count']} cores, Python "
        f"{machine_info['python']}, pyspark {packages['pyspark']}, "
        f"flaml {machine_info['packages']['flaml']}, "
        f"pandas {machine_info['packages']['pandas']}; load average is the 1-minute "
        "value before and after each measurement.\n\n" + markdown_table(records)
    )


def save(command: str, records: list[dict[str, Any]], append: bool) -> dict[str, Any]:
    """Write the records to RESULTS_PATH, after the saved ones when ``append`` is set."""
    from importlib.metadata import version

    saved: dict[str, Any] = {"commands": [], "records": []}
    if append and RESULTS_PATH.exists():
        saved = json.loads(RESULTS_PATH.read_text())
    saved["commands"].append(command)
    saved["records"].extend(records)
    saved["machine"] = machine()
    saved["spark_packages"] = {name: version(name) for name in SPARK_PACKAGES}
    saved["spark_packages_size_mb"] = installed_size_mb(SPARK_PACKAGES)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(saved, indent=2))
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20000, 48842])
    parser.add_argument("--budget", type=float, nargs="+", default=[30.0, 60.0])
    parser.add_argument(
        "--settings",
        default="sequential,spark,ray",
        help=f"comma-separated settings to measure, from: {', '.join(SETTINGS)}",
    )
    parser.add_argument("--run-dir", type=Path, default=Path("/tmp/jupyter-automl-spark-bench"))
    parser.add_argument("--measure", choices=SETTINGS, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="save the figures and the table")
    parser.add_argument(
        "--append", action="store_true", help="with --write, keep the saved figures and add these"
    )
    parser.add_argument("--from-results", action="store_true")
    args = parser.parse_args()
    if args.measure:
        record = measure_one(args.measure, args.rows[0], args.budget[0], args.run_dir)
        print(json.dumps(record), flush=True)
        return
    if args.from_results:
        saved = json.loads(RESULTS_PATH.read_text())
        write_section(section_text(saved), SECTION_START, SECTION_END)
        return

    settings = [name.strip() for name in args.settings.split(",") if name.strip()]
    unknown = [name for name in settings if name not in SETTINGS]
    if unknown:
        parser.error(f"unknown setting(s) {', '.join(unknown)}; choose from {', '.join(SETTINGS)}")
    records = []
    for budget in args.budget:
        for rows in args.rows:
            for setting in settings:
                record = run_in_new_process(setting, rows, budget, args.run_dir)
                print(json.dumps(record), flush=True)
                records.append(record)
    if not args.write:
        return
    command = (
        f"python bench/spark_compare.py --rows {' '.join(map(str, args.rows))} "
        f"--budget {' '.join(f'{budget:g}' for budget in args.budget)} "
        f"--settings {','.join(settings)} --write{' --append' if args.append else ''}"
    )
    saved = save(command, records, args.append)
    text = section_text(saved)
    print(text)
    write_section(text, SECTION_START, SECTION_END)


if __name__ == "__main__":
    main()
