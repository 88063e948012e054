"""Route FLAML's log lines away from the cell output while a search runs.

FLAML 2.8 logs the search through ``flaml.automl.logger``, printing to stdout with a
handler it adds on the first ``fit``, and learner warnings through ``flaml.automl``,
which reach the root logger. During a search both loggers send their records only
to our recorder; when the last running search ends their handlers and
``propagate`` flags are restored, so a user's own logging set-up is left as it was.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FLAML_LOGGERS = ("flaml.automl.logger", "flaml.automl")

_lock = threading.Lock()
_active_searches = 0
_saved: dict[str, tuple[list[logging.Handler], bool]] = {}

_BUDGET_ESTIMATE = re.compile(
    r"Estimated sufficient time budget=(\d+)s\. Estimated necessary time budget=(\d+)s"
)


class FlamlLogRecorder(logging.Handler):
    """Keep FLAML's messages of one search, and its estimate of the budget needed."""

    def __init__(self, max_messages: int = 2000) -> None:
        super().__init__(level=logging.INFO)
        self.messages: list[str] = []
        self.max_messages = max_messages
        self.sufficient_budget: float | None = None
        self.necessary_budget: float | None = None
        self._thread_ids: set[int] = set()

    def watch_thread(self, thread_id: int) -> None:
        """Record only messages logged on ``thread_id`` (the thread running ``fit``)."""
        self._thread_ids.add(thread_id)

    def emit(self, record: logging.LogRecord) -> None:
        if self._thread_ids and record.thread not in self._thread_ids:
            return
        message = record.getMessage()
        match = _BUDGET_ESTIMATE.search(message)
        if match:
            self.sufficient_budget = float(match.group(1))
            self.necessary_budget = float(match.group(2))
        if len(self.messages) < self.max_messages:
            self.messages.append(f"{record.levelname}: {message}")


@contextmanager
def route_flaml_log(recorder: FlamlLogRecorder) -> Iterator[None]:
    """Send FLAML's log records to ``recorder`` instead of its own handlers."""
    global _active_searches
    loggers = [logging.getLogger(name) for name in FLAML_LOGGERS]
    with _lock:
        if _active_searches == 0:
            for logger in loggers:
                _saved[logger.name] = (list(logger.handlers), logger.propagate)
                for handler in logger.handlers[:]:
                    logger.removeHandler(handler)
                logger.propagate = False
        _active_searches += 1
        for logger in loggers:
            logger.addHandler(recorder)
    try:
        yield
    finally:
        with _lock:
            for logger in loggers:
                logger.removeHandler(recorder)
            _active_searches -= 1
            if _active_searches == 0:
                for logger in loggers:
                    handlers, propagate = _saved.pop(logger.name)
                    for handler in handlers:
                        logger.addHandler(handler)
                    logger.propagate = propagate
