"""``%automl`` through a real IPython shell (terminal mode, so the magic blocks)."""

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from jupyter_automl.magic import parse_line


@pytest.fixture(scope="module")
def shell():
    ipython = InteractiveShell.instance()
    ipython.run_line_magic("load_ext", "jupyter_automl")
    yield ipython
    InteractiveShell.clear_instance()


@pytest.fixture
def odd_frame(wine_df):
    frame = wine_df.rename(
        columns={"alcohol": "sale price", "ash": "price{usd}", "hue": "cost$", "proline": "x"}
    )
    return frame


@pytest.mark.parametrize(
    ("line", "expression", "options"),
    [
        ('df target="sale price"', "df", {"target": "sale price"}),
        ("df target='price{usd}'", "df", {"target": "price{usd}"}),
        ('df target="cost$" time_budget="2m"', "df", {"target": "cost$", "time_budget": "2m"}),
        ('df[df.x > 0] target="y"', "df[df.x > 0]", {"target": "y"}),
        ('df[df["a"] == "b"] target="y"', 'df[df["a"] == "b"]', {"target": "y"}),
        (
            'df.query("x > 0") target="y" task=binary',
            'df.query("x > 0")',
            {"target": "y", "task": "binary"},
        ),
        (
            'df target="y" learners=["lgbm", "rf"] max_trials=5',
            "df",
            {"target": "y", "learners": ["lgbm", "rf"], "max_trials": 5},
        ),
        ("df target=3", "df", {"target": 3}),
    ],
)
def test_parse_line_keeps_values_exact(line, expression, options):
    parsed = parse_line(line)
    assert parsed.expression == expression
    assert parsed.options == options


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "missing DataFrame"),
        ('target="y"', "missing DataFrame before the options"),
        ("df target=", "has no value"),
        ("df target=a b", "cannot read the value"),
    ],
)
def test_parse_line_rejects_malformed_lines(line, message):
    with pytest.raises(UsageError, match=message):
        parse_line(line)


def test_magic_reaches_odd_column_names_exactly(shell, odd_frame, tmp_path):
    shell.user_ns.update(df=odd_frame, usd="WRONG", cost=1)
    shell.run_line_magic(
        "automl", f"df target='price{{usd}}' time_budget=3 as_='res' run_dir={str(tmp_path)!r}"
    )
    result = shell.user_ns["res"]
    assert result.target == "price{usd}"
    assert result.task == "regression"
    shell.run_line_magic(
        "automl",
        f'df[df.x > 600] target="cost$" time_budget=3 as_="res2" run_dir={str(tmp_path)!r}',
    )
    filtered = shell.user_ns["res2"]
    assert filtered.target == "cost$"
    assert filtered.n_train + filtered.n_holdout == int((odd_frame["x"] > 600).sum())


def test_magic_default_result_name(shell, wine_df, tmp_path, capsys):
    shell.user_ns["wine"] = wine_df
    shell.run_line_magic(
        "automl", f'wine target="cultivar" time_budget=3 run_dir={str(tmp_path)!r}'
    )
    assert shell.user_ns["automl_result"].task == "multiclass"
    output = capsys.readouterr().out
    assert "Task: multiclass" in output
    assert "holdout log loss" in output
    assert "automl_result" in output


def test_magic_in_background_without_kernel(shell, wine_df, tmp_path, capsys):
    import jupyter_automl as ja

    shell.user_ns["wine"] = wine_df
    shell.run_line_magic(
        "automl",
        f'wine target="cultivar" time_budget=3 wait=False as_="later" run_dir={str(tmp_path)!r}',
    )
    output = capsys.readouterr().out
    assert "Searching in the background for 3 s" in output
    assert "VBox" not in output
    result = ja.last_run().wait(timeout=60)
    assert shell.user_ns["later"] is result


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('dff target="y"', "name 'dff' is not defined; did you mean 'df'?"),
        ('df target="Y"', "target column 'Y' not found; did you mean 'y'?"),
        ('items target="y"', "expected a pandas DataFrame, got list"),
        ('df target="y" time_budjet=5', "unknown option time_budjet=; did you mean time_budget=?"),
        ("df time_budget=5", "missing target"),
        ('df target="y" time_budget="soon"', "time_budget='soon' is not a duration"),
        ('df target="y" metric="auc"', "unknown metric 'auc'"),
        ('df target="y" as_="1x"', "not a valid variable name"),
        ('df[df.missing > 0] target="y"', "cannot evaluate"),
    ],
)
def test_magic_bad_input_gives_one_line_usage_error(shell, line, message):
    shell.user_ns["df"] = pd.DataFrame({"x": range(30), "y": [0, 1] * 15})
    shell.user_ns["items"] = [1, 2, 3]
    with pytest.raises(UsageError) as caught:
        shell.run_line_magic("automl", line)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_magic_help_describes_options(shell, capsys):
    shell.run_cell("%automl?")
    output = capsys.readouterr().out
    assert "time_budget" in output
    assert 'target="price"' in output
