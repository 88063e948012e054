"""Parallel options: validation, the message without Ray, and the magic's option list."""

import socket

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import jupyter_automl as ja
from jupyter_automl.errors import ConfigError
from jupyter_automl.search import parallel


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_concurrent_trials": 0}, "n_concurrent_trials=0 must be a whole number"),
        ({"n_concurrent_trials": 2.5}, r"n_concurrent_trials=2\.5 must be a whole number"),
        ({"n_concurrent_trials": True}, "n_concurrent_trials=True must be a whole number"),
        ({"n_concurrent_trials": "4"}, "n_concurrent_trials='4' must be a whole number"),
        ({"backend": "dask"}, "backend='dask' is not supported; use one of: 'ray'"),
        ({"n_concurrent_trials": 2, "ray_address": ""}, "ray_address='' must be a cluster address"),
        ({"n_concurrent_trials": 2, "ray_address": 6379}, "ray_address=6379 must be a cluster"),
    ],
)
def test_invalid_parallel_option_rejected(tips_df, run_dir, options, message):
    with pytest.raises(ConfigError, match=message):
        ja.Run(tips_df, "tip", run_dir=run_dir, **options)


def test_spark_backend_names_reason_and_ray(tips_df, run_dir):
    with pytest.raises(ConfigError) as error:
        ja.Run(tips_df, "tip", run_dir=run_dir, backend="spark", n_concurrent_trials=2)
    message = str(error.value)
    assert "backend='spark' is not supported" in message
    assert "returns Spark trials only when the search ends" in message
    assert "fails when a running trial is cancelled" in message
    assert "use backend='ray'" in message


def test_one_trial_at_a_time_needs_no_ray(tips_df, run_dir):
    run = ja.Run(tips_df, "tip", run_dir=run_dir, n_concurrent_trials=1)
    assert run.parallel is None
    assert run.info()["n_concurrent_trials"] == 1


def test_missing_ray_names_install_command(tips_df, run_dir, monkeypatch):
    # Ray is installed here, so its absence is simulated at the lookup the check uses.
    real_find_spec = parallel.importlib.util.find_spec
    monkeypatch.setattr(
        parallel.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "ray" else real_find_spec(name, *args),
    )
    with pytest.raises(
        ConfigError, match=r'ray is not installed; .*pip install "jupyter-automl\[ray\]"'
    ):
        ja.Run(tips_df, "tip", run_dir=run_dir, n_concurrent_trials=2)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nonsense", "ray_address='nonsense' is not host:port"),
        ("127.0.0.1:", "ray_address='127.0.0.1:' is not host:port"),
        (None, "no Ray cluster accepts connections at '127.0.0.1:"),
    ],
)
def test_unreachable_address_fails_fast(tips_df, run_dir, address, message):
    if address is None:
        with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
            probe.bind(("127.0.0.1", 0))
            address = f"127.0.0.1:{probe.getsockname()[1]}"
    run = ja.Run(tips_df, "tip", run_dir=run_dir, n_concurrent_trials=2, ray_address=address)
    with pytest.raises(ConfigError, match=message):
        run.start()
    assert run.status == "starting"


def test_magic_accepts_parallel_options(tips_df, run_dir):
    shell = InteractiveShell.instance()
    try:
        shell.run_line_magic("load_ext", "jupyter_automl")
        shell.user_ns["df"] = tips_df
        # A valid line gets past option parsing and fails on the value check in Run.
        with pytest.raises(UsageError, match="backend='dask' is not supported"):
            shell.run_line_magic(
                "automl",
                f'df target="tip" n_concurrent_trials=2 backend="dask" '
                f'ray_address="127.0.0.1:6379" run_dir={str(run_dir)!r}',
            )
        with pytest.raises(UsageError, match="n_concurrent_trials=0 must be a whole number"):
            shell.run_line_magic("automl", "df target='tip' n_concurrent_trials=0")
    finally:
        InteractiveShell.clear_instance()
