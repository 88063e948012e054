"""Run FLAML's concurrent trials on a Ray cluster, with live trials, stop and a deadline.

With ``n_concurrent_trials > 1`` FLAML 2.8 hands the search to ``ray.tune.run`` and
writes its trial log only when the search ends. FLAML passes a ``use_ray`` dict on
to ``ray.tune.run`` as keyword arguments, and this module adds two of Ray Tune's
own hooks through it:

* a ``tune.Callback`` whose ``on_trial_complete`` runs in this process for every
  finished trial and publishes it, as the sequential engine does from the log;
* a ``tune.Stopper`` whose ``stop_all`` Ray Tune polls in its control loop. It
  returns True once stop is requested, or when the search must end to leave time
  for the final refit, and Ray Tune then terminates the trials in flight.

FLAML puts its search state, training data included, in Ray's object store once
through ``ray.tune.with_parameters``, so workers do not receive the data per trial.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from .engine import FlamlSearch

logger = logging.getLogger(__name__)

BACKENDS = ("ray",)
# FLAML 2.8's Spark path runs with pyspark 4.3 and pandas 3, so the message names what
# fails instead. docs/parallel.md ("Spark") has the measurements.
SPARK_REJECTED_MESSAGE = (
    "backend='spark' is not supported, because FLAML 2.8 returns Spark trials only when "
    "the search ends and its search fails when a running trial is cancelled, so the panel "
    "could not show trials live or stop the search; use backend='ray' (the default)"
)
INSTALL_COMMAND = 'pip install "jupyter-automl[ray]"'
LOOPBACK = "127.0.0.1"
# Ray reads this variable when it is imported. At "0" a cluster started on this
# machine advertises and listens on 127.0.0.1 only. Otherwise Ray 2.60 replaces
# 127.0.0.1 with the machine's network address (ray._private.services).
RAY_LOCAL_ONLY_VARIABLE = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
# How many times to try starting a local cluster before giving up.
LOCAL_START_ATTEMPTS = 2
# Seconds to wait for the cluster's address to accept a connection.
CONNECT_TIMEOUT = 5.0
# Folder inside the run folder where Ray Tune writes its experiment state.
RAY_TUNE_FOLDER = "ray_tune"
# Seconds added to the search budget that FLAML hands to Ray Tune, which reads it once
# when the search starts. SearchStopper ends the search at the run's own deadline, so
# extend() can move that deadline by up to this much while trials run.
EXTENSION_HEADROOM = 24 * 3600.0


@dataclass(frozen=True)
class ParallelOptions:
    """How many trials run at once, on which engine, and the cluster address (or None)."""

    n_concurrent_trials: int
    backend: str
    address: str | None


def check_parallel_options(
    n_concurrent_trials: Any, backend: Any, ray_address: Any
) -> ParallelOptions | None:
    """Validate the parallel options; return None when trials run one at a time."""
    if (
        isinstance(n_concurrent_trials, bool)
        or not isinstance(n_concurrent_trials, int)
        or n_concurrent_trials < 1
    ):
        raise ConfigError(
            f"n_concurrent_trials={n_concurrent_trials!r} must be a whole number of 1 or more"
        )
    if backend == "spark":
        raise ConfigError(SPARK_REJECTED_MESSAGE)
    if backend not in BACKENDS:
        allowed = ", ".join(repr(name) for name in BACKENDS)
        raise ConfigError(f"backend={backend!r} is not supported; use one of: {allowed}")
    if ray_address is not None and (not isinstance(ray_address, str) or not ray_address.strip()):
        raise ConfigError(
            f"ray_address={ray_address!r} must be a cluster address such as '127.0.0.1:6379'"
        )
    if n_concurrent_trials == 1:
        return None
    missing = [name for name in ("ray", "optuna") if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(
            f"n_concurrent_trials={n_concurrent_trials} runs trials on Ray, but "
            f"{' and '.join(missing)} is not installed; install it with: {INSTALL_COMMAND}"
        )
    return ParallelOptions(n_concurrent_trials, backend, ray_address)


def connect(options: ParallelOptions) -> str:
    """Connect to the Ray cluster of ``options``, or start one on 127.0.0.1; describe it.

    The address is ``options.address``, else the ``RAY_ADDRESS`` environment
    variable. Without either, a cluster is started in this process on 127.0.0.1;
    it stops when the process exits. A process already connected stays connected.
    """
    import ray

    address = options.address or os.environ.get("RAY_ADDRESS") or None
    if address is not None:
        _check_reachable(address)
    if ray.is_initialized():
        current = ray.get_runtime_context().gcs_address
        if options.address is not None and options.address != current:
            raise ConfigError(
                f"this process is already connected to the Ray cluster at {current}; "
                f"restart the kernel to use ray_address={options.address!r}"
            )
        return f"using the Ray cluster at {current}, already connected ({_describe_cluster(ray)})"
    if address is not None:
        _check_loopback_setting(address)
        ray.init(address=address, log_to_driver=False)
        return f"connected to the Ray cluster at {address} ({_describe_cluster(ray)})"
    _check_loopback_setting(LOOPBACK)
    _start_local_cluster(ray)
    if ray.util.get_node_ip_address() != LOOPBACK:
        ray.shutdown()
        raise ConfigError(_loopback_fix_message())
    message = f"started a local Ray cluster on {LOOPBACK} ({_describe_cluster(ray)})"
    logger.info(message)
    return message


def _start_local_cluster(ray: Any) -> None:
    """Start Ray in this process on 127.0.0.1, trying once more if the start times out.

    Ray 2.60 gives its node 30 s to register (a fixed limit in ``ray._private.node``),
    which a busy machine can exceed.
    """
    for attempt in range(1, LOCAL_START_ATTEMPTS + 1):
        try:
            ray.init(
                address="local",
                _node_ip_address=LOOPBACK,
                include_dashboard=False,
                log_to_driver=False,
            )
            return
        except Exception as error:  # Ray raises a bare Exception when the node times out
            ray.shutdown()
            logger.warning("starting a local Ray cluster failed (attempt %d): %s", attempt, error)
            if attempt == LOCAL_START_ATTEMPTS:
                raise RuntimeError(
                    f"could not start a local Ray cluster: {error}. Start one with "
                    f"'ray start --head --node-ip-address={LOOPBACK}' and pass its address "
                    "as ray_address="
                ) from error


def _check_reachable(address: str) -> None:
    """Raise ConfigError unless something accepts connections at ``address`` (host:port).

    Ray itself retries an unreachable address for minutes before it gives up.
    """
    if address == "auto":
        return  # Ray looks the cluster up itself
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(
            f"ray_address={address!r} is not host:port; use for example '127.0.0.1:6379'"
        )
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as error:
        raise ConfigError(
            f"no Ray cluster accepts connections at {address!r} ({error}); check the address and "
            "that the head node runs, or omit ray_address and RAY_ADDRESS to start a local cluster"
        ) from None


def _check_loopback_setting(address: str) -> None:
    if not address.startswith((LOOPBACK, "localhost")):
        return
    from ray._private import ray_constants

    # NOTE: a private Ray constant, only read. It records whether the variable was
    # "0" when Ray was imported, and Ray's address resolution uses it.
    if getattr(ray_constants, "ENABLE_RAY_CLUSTER", False):
        raise ConfigError(_loopback_fix_message())


def _loopback_fix_message() -> str:
    return (
        f"Ray was imported without {RAY_LOCAL_ONLY_VARIABLE}=0, so a cluster on this machine "
        "would use its network address instead of 127.0.0.1; restart the kernel and import "
        f"jupyter_automl before ray, or set {RAY_LOCAL_ONLY_VARIABLE}=0 before importing ray"
    )


def _describe_cluster(ray: Any) -> str:
    cpus = ray.cluster_resources().get("CPU", 0)
    nodes = len([node for node in ray.nodes() if node.get("Alive")])
    return f"{nodes} node{'s' if nodes != 1 else ''}, {cpus:g} CPUs"


def trial_n_jobs(options: ParallelOptions) -> int:
    """Return the threads per trial that let the concurrent trials share the cluster's CPUs."""
    import ray

    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus // options.n_concurrent_trials)


class ParallelFlamlSearch(FlamlSearch):
    """A ``FlamlSearch`` whose trials run concurrently on Ray Tune.

    Trials reach ``on_trial`` from Ray Tune's callback on the fit thread instead of
    from FLAML's log, and the deadline is enforced by Ray Tune's stopper instead of
    FLAML's budget. FLAML hands Ray Tune a fixed ``time_budget_s`` when the search
    starts, so that budget is set ``EXTENSION_HEADROOM`` seconds past the deadline,
    and the deadline can move within it.
    """

    def __init__(self, *args: Any, options: ParallelOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        # (start, end) of every completed trial, in seconds since the search started,
        # as seen by Ray Tune's control loop: overlapping spans show concurrency.
        self.trial_spans: list[tuple[float, float]] = []
        self._trial_starts: dict[str, float] = {}
        self._latest_deadline = 0.0

    def start(self, deadline: float) -> None:
        self._latest_deadline = deadline + EXTENSION_HEADROOM
        super().start(deadline)

    def set_deadline(self, deadline: float) -> None:
        if deadline > self._latest_deadline:
            hours = EXTENSION_HEADROOM / 3600
            raise RuntimeError(
                f"a search with concurrent trials can be extended by at most {hours:g} h "
                "in total while it runs; wait for it to end, then call extend() to continue "
                "from its best configs"
            )
        super().set_deadline(deadline)

    @property
    def counts_trials(self) -> bool:
        # Concurrent trials finish in an order that depends on timing, so a search
        # without a time budget would not repeat itself either.
        return False

    def _fit(self) -> None:
        from .ray_tune_hooks import keep_starting_actors

        # FLAML hands ``time_budget`` of its state to Ray Tune once, so that budget runs
        # to the latest deadline that extend() may set. The budget passed to fit()
        # still decides holdout against cross-validation, as in a sequential search.
        self.automl._state.search_limit = self._latest_deadline - time.time()
        with keep_starting_actors():
            super()._fit()

    def _fit_kwargs(self) -> dict[str, Any]:
        from .ray_tune_hooks import SearchStopper, TrialReporter

        kwargs = super()._fit_kwargs()
        kwargs["n_concurrent_trials"] = self.options.n_concurrent_trials
        kwargs["use_ray"] = {
            "callbacks": [TrialReporter(self)],
            "stop": SearchStopper(self._should_stop),
            "storage_path": str((self.spec.log_path.parent / RAY_TUNE_FOLDER).resolve()),
            # A new actor per trial starts a Python worker and imports FLAML again.
            "reuse_actors": True,
        }
        if self.spec.n_jobs < 0:
            kwargs["n_jobs"] = trial_n_jobs(self.options)
        # FLAML passes verbose - 2 to Ray Tune, whose progress table would fill the cell.
        kwargs["verbose"] = 2
        return kwargs

    def _monitor(self) -> None:
        self._finished.wait()  # trials arrive through TrialReporter, the deadline via SearchStopper

    def _should_stop(self) -> bool:
        if self.stop_requested:
            return True
        return time.time() >= self.deadline - self._refit_reserve()

    def trial_started(self, trial_id: str) -> None:
        self._trial_starts[trial_id] = time.time() - self._started_at

    def trial_completed(self, trial_id: str, result: dict[str, Any]) -> None:
        """Publish one trial from the last result Ray Tune received for it."""
        end = time.time() - self._started_at
        self.trial_spans.append((self._trial_starts.pop(trial_id, end), end))
        if result.get("wall_clock_time") is None or "val_loss" not in result:
            return  # FLAML skips such trials as well (memory limit, no result)
        trial_config = result.get("config") or {}
        config = dict(trial_config.get("ml", trial_config))
        learner = config.pop("learner", None)
        config.pop("_choice_", None)
        sample_size = trial_config.get("FLAML_sample_size", config.get("FLAML_sample_size"))
        record = {
            "learner": learner,
            "validation_loss": result["val_loss"],
            "config": config,
            "trial_time": result.get("time_total_s", 0.0),
            "sample_size": sample_size,
        }
        self._handle_record(record)
