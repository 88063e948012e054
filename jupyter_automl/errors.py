"""Exceptions and warning categories raised by jupyter_automl.

Every exception is also a built-in type, so callers can catch ``ValueError`` or
``RuntimeError`` without importing this module::

    AutoMLError
    ├── DataError(ValueError)        the DataFrame or target cannot be used as given
    ├── ConfigError(ValueError)      an option has an invalid value
    ├── BudgetError(RuntimeError)    the time budget ended before any model was trained
    ├── SearchError(RuntimeError)    a learner or FLAML failed during the search
    ├── RunInProgressError(RuntimeError)  another search of this process is still running
    ├── SchemaError(ValueError)      rows passed to predict do not match the training columns
    └── CodegenError(ValueError)     the chosen model cannot be written as standalone code
"""

from __future__ import annotations


class AutoMLError(Exception):
    """Base class of every error raised by jupyter_automl."""


class DataError(AutoMLError, ValueError):
    """The DataFrame or its target column cannot be used as given."""


class ConfigError(AutoMLError, ValueError):
    """An option such as ``metric``, ``task`` or ``time_budget`` is invalid."""


class BudgetError(AutoMLError, RuntimeError):
    """The search ended before any model finished training."""


class SearchError(AutoMLError, RuntimeError):
    """FLAML or one of its learners raised during the search; ``__cause__`` is the original."""


class RunInProgressError(AutoMLError, RuntimeError):
    """Another search is running in this process; FLAML runs one at a time."""


class SchemaError(AutoMLError, ValueError):
    """Rows passed to ``predict`` do not have the columns the model was trained on."""


class CodegenError(AutoMLError, ValueError):
    """The chosen model cannot be written as standalone code."""


class AutoMLWarning(UserWarning):
    """Base class of every warning issued by jupyter_automl."""


class DataQualityWarning(AutoMLWarning):
    """The data was changed or needs attention, for example rows dropped for a missing target."""


class BudgetWarning(AutoMLWarning):
    """The run took more than its time budget, because a trial or the refit ran long."""
