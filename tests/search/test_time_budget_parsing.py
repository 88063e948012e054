import pytest

from jupyter_automl.errors import ConfigError
from jupyter_automl.search.budget import default_time_budget, parse_time_budget


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (60, 60.0),
        (2.5, 2.5),
        ("90", 90.0),
        ("90s", 90.0),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        (" 2 min ", 120.0),
    ],
)
def test_parse_time_budget_accepts_units(value, seconds):
    assert parse_time_budget(value) == seconds


@pytest.mark.parametrize(
    "value", [0, -5, "abc", "10 parsecs", True, None, float("nan"), float("inf"), "2m x"]
)
def test_parse_time_budget_rejects_invalid(value):
    with pytest.raises(ConfigError, match="time_budget="):
        parse_time_budget(value)


def test_default_budget_grows_with_data():
    small = default_time_budget(1_000, 10)
    medium = default_time_budget(50_000, 14)
    large = default_time_budget(1_000_000, 50)
    assert small < medium < large
    assert small >= 10
